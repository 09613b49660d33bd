"""The persona's voice in a reply: greeting, sign-off, emoji habit, length, and varied wording.

Variation is deterministic: every choice hashes (conversation, situation, slot) and rotates with the
turn number, so a conversation replays the same way in any process, while the same question asked on
two consecutive turns gets different wording in every slot that has alternatives.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.text import is_hebrew

__all__ = ["Chooser", "Voice", "matches_language", "first_name", "SERIOUS", "CHEERFUL"]

_LATIN = re.compile(r"[A-Za-z]")
_KEY = re.compile(r"^[a-z0-9_\-]+$")  # "urgent", "copy_now": a variant's key, not wording to show
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")
# Situations where a sign-off or a greeting would read as tone-deaf.
SERIOUS = frozenset(
    {
        "boundary",
        "refuse",
        "abuse",
        "rate_limited",
        "error",
        "support",
        "support_ask",
        "paused",
        "handoff",
        "consent_withdrawn",
        "erased",
        "exported",
    }
)
# Situations that carry the persona's emoji habit (good news and chat, not "your code expired").
CHEERFUL = frozenset(
    {
        "greeting",
        "coupon_found",
        "coupons_several",
        "knowledge",
        "brands",
        "feedback",
        "small_talk",
        "consent_granted",
    }
)


def matches_language(text: str, language: str) -> bool:
    """True when the text is written in the reply's script (emoji-only text fits any language)."""
    letters = _EMOJI.sub("", text or "")
    if language == "he":
        return is_hebrew(letters) or not _LATIN.search(letters)
    return not is_hebrew(letters)


def first_name(display_name: str, language: str) -> str:
    """The name to sign with: the part of "Shira Adler | שירה אדלר" in the reply's script, first word."""
    parts = [p.strip() for p in re.split(r"[|/·•,(]", display_name or "") if p.strip()]
    fitting = [p for p in parts if matches_language(p, language) and re.search(r"\w", p)]
    chosen = (fitting or parts or [""])[0]
    return chosen.split()[0] if chosen.split() else ""


class Chooser:
    """Deterministic choices for one reply: seeded by conversation and situation, rotated by turn."""

    def __init__(self, *seed: Any, turn: int = 0) -> None:
        self.seed = "|".join(str(s) for s in seed)
        self.turn = int(turn or 0)
        self._slot = 0

    def _hash(self, key: str) -> int:
        return int(hashlib.sha256(f"{self.seed}|{key}".encode()).hexdigest()[:12], 16)

    def index(self, n: int, key: str | None = None) -> int:
        """A position in 0..n-1 that differs from the previous turn's whenever n > 1."""
        if n <= 1:
            return 0
        if key is None:
            key = f"slot{self._slot}"
            self._slot += 1
        return (self._hash(key) + self.turn) % n

    def pick(self, options: Sequence[Any], key: str | None = None) -> Any:
        """One of the options (None when there are none)."""
        options = [o for o in options if o not in (None, "")]
        return options[self.index(len(options), key)] if options else None

    def chance(self, rate: float, key: str) -> bool:
        """True for about `rate` of the turns; stable for a given conversation and turn."""
        if rate <= 0:
            return False
        return (self._hash(f"{key}|{self.turn}") % 10_000) / 10_000 < min(rate, 1.0)


def _by_language(value: Any, language: str) -> list[str]:
    """Strings of a persona field that fit the language: str, list, or {lang: str|list}."""
    if value is None:
        return []
    if isinstance(value, dict):
        picked = value.get(language)
        if picked is None:
            return [v for vs in value.values() for v in _by_language(vs, language)]
        return _by_language(picked, language)
    values: list[Any]
    if isinstance(value, str):
        values = [value]
    elif isinstance(value, (list, tuple)):
        values = [v.get("text") if isinstance(v, dict) else v for v in value]
    else:
        return []
    return [v.strip() for v in values if isinstance(v, str) and v.strip() and matches_language(v, language)]


def _emoji_list(value: Any) -> list[str]:
    out = []
    for item in value or []:
        emoji = item.get("emoji") if isinstance(item, dict) else item
        if isinstance(emoji, str) and emoji.strip():
            out.append(emoji.strip())
    return out


@dataclass
class Voice:
    """How this influencer sounds in one reply language."""

    language: str
    persona: dict[str, Any]
    display_name: str
    chooser: Chooser
    style: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The influencer's first name in the reply's script."""
        names = _by_language(self.persona.get("first_name") or self.persona.get("name"), self.language)
        return names[0] if names else first_name(self.display_name, self.language)

    def greeting(self, defaults: Sequence[str]) -> str:
        """The persona's greeting in this language, else one of the defaults."""
        own = _by_language(self.persona.get("greetings"), self.language) or _by_language(
            self.persona.get("greeting"), self.language
        )
        return self.chooser.pick(own or list(defaults), key="greeting") or ""

    def sign_off(self) -> str:
        """The persona's sign-off in this language, or "" (never invented)."""
        own = _by_language(self.persona.get("sign_offs"), self.language) or _by_language(
            self.persona.get("sign_off"), self.language
        )
        return self.chooser.pick(own, key="sign_off") or ""

    @property
    def emoji_rate(self) -> float:
        """Share of replies that carry an emoji (a per-message average above 1 counts as always)."""
        raw = self.persona.get("emoji_rate")
        try:
            return max(0.0, min(float(raw), 1.0)) if raw is not None else 0.35
        except (TypeError, ValueError):
            return 0.35

    def emoji(self, situation: str) -> str:
        """A favourite emoji for this reply, or "" (persona's rate; never in serious situations)."""
        if situation not in CHEERFUL or not self.chooser.chance(self.emoji_rate, "emoji"):
            return ""
        favourites = _emoji_list(self.persona.get("favourite_emojis") or self.persona.get("emojis"))
        return self.chooser.pick(favourites or ["🙂", "✨"], key="emoji") or ""

    @property
    def length(self) -> str:
        """short | medium | detailed: the experiment's style first, then the persona's habit."""
        wanted = str(self.style.get("length") or self.persona.get("answer_length") or "short").lower()
        if wanted in ("detailed", "long"):
            return "detailed"
        return "medium" if wanted == "medium" else "short"

    @property
    def detailed(self) -> bool:
        """True when the reply may carry the extras (dates, a longer extract, a call to action)."""
        return self.length == "detailed"

    def cta(self, by_key: dict[str, Sequence[str]], defaults: Sequence[str]) -> str:
        """The call to action: the experiment's wording (a key of by_key, or text in this language)."""
        wanted = self.style.get("cta")
        if isinstance(wanted, str) and wanted in by_key:
            return self.chooser.pick(list(by_key[wanted]), key="cta") or ""
        own = _by_language(wanted, self.language) if wanted and not _KEY.match(str(wanted)) else []
        return own[0] if own else (self.chooser.pick(list(defaults), key="cta") or "")
