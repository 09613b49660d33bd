"""Read what the influencer's team wrote by hand (persona_notes), in English or Hebrew."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["NoteHints", "read_notes"]

_QUOTED = r"""['"“”‘’«»״]([^'"“”‘’«»״]{1,80})['"“”‘’«»״]"""
_SIGN_OFF = [
    re.compile(r"sign(?:s|ed|ing)?[\s-]*(?:off|out)\s*(?:with|as|using|by)?\s*:?\s*" + _QUOTED, re.I),
    re.compile(
        r"(?:ends?|closes?|finish(?:es)?)\s+(?:every\s+|each\s+|all\s+)?(?:message|messages|replies|"
        r"reply|answers?)?\s*with\s*:?\s*" + _QUOTED,
        re.I,
    ),
    re.compile(r"(?:sign[\s-]*off|signature)\s*:\s*" + _QUOTED, re.I),
    re.compile(r"(?:חותמת|חותם|חותמים|חתימה|מסיימת|מסיים)[^'\"“”״]{0,20}" + _QUOTED),
]
_GREETING = [
    re.compile(
        r"(?:greets?|greeting|opens?|starts?)\s*(?:every\s+|each\s+|all\s+)?(?:message|messages|replies|"
        r"reply|answers?|people|followers)?\s*(?:with|as|by)?\s*:?\s*" + _QUOTED,
        re.I,
    ),
    re.compile(r"(?:פותחת|פותח|פתיחה|מברכת)[^'\"“”״]{0,20}" + _QUOTED),
]
_SHORT = re.compile(
    r"\b(short|brief|concise|one[\s-]liners?|to the point|few words)\b|קצר|קצרות|תמציתי", re.I
)
_LONG = re.compile(
    r"\b(long|detailed|in[\s-]depth|thorough|elaborate)\s+(answers?|replies|responses)\b"
    r"|מפורט|ארוכות",
    re.I,
)
_NO_EMOJI = re.compile(r"\b(no|never uses?|without|avoids?)\s+(any\s+)?emoj", re.I)
_LOTS_EMOJI = re.compile(r"\b(lots of|many|loves?|plenty of|heavy on)\s+(\w+\s+)?emoj|הרבה\s+אימוג", re.I)
_AVOID = re.compile(
    r"^\s*(never|don'?t|do not|doesn'?t|does not|avoid|avoids|no |not )"
    r"|אף פעם|לעולם לא|אסור|לא נותנת|לא נותן|לא מדברת|לא מדבר|בלי ל|להימנע|נמנעת",
    re.I,
)
_TONES = {
    "warm": "warm",
    "friendly": "friendly",
    "funny": "funny",
    "humorous": "funny",
    "witty": "funny",
    "playful": "playful",
    "casual": "casual",
    "informal": "casual",
    "formal": "formal",
    "professional": "professional",
    "direct": "direct",
    "upbeat": "upbeat",
    "enthusiastic": "enthusiastic",
    "energetic": "enthusiastic",
    "calm": "calm",
    "sarcastic": "sarcastic",
    "sweet": "warm",
    "kind": "warm",
    "חמה": "warm",
    "חם": "warm",
    "חמימה": "warm",
    "מצחיקה": "funny",
    "מצחיק": "funny",
    "הומור": "funny",
    "ישירה": "direct",
    "ישיר": "direct",
    "רשמית": "formal",
    "רשמי": "formal",
    "קלילה": "casual",
    "קליל": "casual",
    "חברית": "friendly",
    "חברי": "friendly",
    "אנרגטית": "enthusiastic",
}


@dataclass
class NoteHints:
    """What the notes say about the voice; None / empty where they say nothing."""

    sign_off: str | None = None
    greeting: str | None = None
    answer_length: str | None = None  # short | medium | long
    emoji: str | None = None  # none | lots
    tone: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)


_QUOTE_SPAN = re.compile(r"""(?:(?<=^)|(?<=[\s:(]))(['"“‘«״])[^'"“”‘’«»״]{1,80}['"”’»״](?=$|[\s.,;:!?)])""")


def _sentences(notes: str) -> list[str]:
    # Quoted text may hold its own punctuation ("'Stay hungry!'"): hide it while splitting.
    quoted: list[str] = []

    def hide(match: re.Match[str]) -> str:
        quoted.append(match.group(0))
        return f"\x00{len(quoted) - 1}\x00"

    hidden = _QUOTE_SPAN.sub(hide, notes)
    parts = re.split(r"(?<=[.!?;])\s+|\n+", hidden)
    restore = re.compile(r"\x00(\d+)\x00")
    return [restore.sub(lambda m: quoted[int(m.group(1))], p).strip() for p in parts if p and p.strip()]


def _first(patterns: list[re.Pattern[str]], text: str) -> str | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return match.group(1).strip()
    return None


def read_notes(notes: str | None) -> NoteHints:
    """Sign-off, greeting, answer length, emoji habit, tone words and things to avoid, from the notes."""
    hints = NoteHints()
    if not notes or not notes.strip():
        return hints
    hints.sign_off = _first(_SIGN_OFF, notes)
    hints.greeting = _first(_GREETING, notes)
    if _LONG.search(notes):
        hints.answer_length = "long"
    elif _SHORT.search(notes):
        hints.answer_length = "short"
    if _NO_EMOJI.search(notes):
        hints.emoji = "none"
    elif _LOTS_EMOJI.search(notes):
        hints.emoji = "lots"
    words = re.findall(r"[^\W\d_]+", notes.casefold())
    # Hebrew glues "and" (ו) to the next word: "חמה וישירה".
    words += [w[1:] for w in words if w.startswith("ו") and len(w) > 2]
    hints.tone = list(dict.fromkeys(_TONES[w] for w in words if w in _TONES))
    for sentence in _sentences(notes):
        if _AVOID.search(sentence):
            hints.avoid.append(sentence.rstrip(".;"))
    return hints
