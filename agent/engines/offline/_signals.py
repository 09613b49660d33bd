"""Reply language and sentiment of a message."""

from __future__ import annotations

import re

from ._patterns import NEGATIONS
from ._prep import Prepared, fold

__all__ = ["reply_language", "sentiment"]

_HEBREW = re.compile(r"[\u05D0-\u05EA]")
_LATIN = re.compile(r"[a-z]")
_POSITIVE = frozenset(fold(w) for w in (
    "love loved lovely amazing awesome great perfect thanks "
    "thank thx excellent best wonderful happy helpful helped "
    "help worked works beautiful cute fantastic "
    "brilliant yay nice cool good useful recommend glad appreciate "
    "אוהבת אוהב מדהים מדהימה מושלם מושלמת מעולה מעולים "
    "תודה אלופה אלוף מהממת מהמם שמחה שמח אחלה יופי עזרת עזר "
    "עבד עבדה מקסים מקסימה תותחית תותח כיף נהדר מצוין טוב טובה שווה ממליצה אהבתי"
).split())
_NEGATIVE = frozenset(fold(w) for w in (
    "hate bad terrible awful worst angry upset "
    "disappointed disappointing annoying annoyed frustrated frustrating "
    "useless broken scam sucks horrible sad ridiculous "
    "unacceptable rude wrong damaged never refund complaint "
    "problem issue stupid idiot fuck shit crap "
    "גרוע גרועה נורא נוראי מאוכזב מאוכזבת כועס כועסת "
    "מעצבן מעצבנת עצבני עצבנית בושה חבל זוועה שונא שונאת מבאס "
    "מבאסת מתסכל עצוב עצובה בעיה פגום פגומה שבור שבורה חרא מטומטם מטומטמת תלונה החזר"
).split())
_POSITIVE_EMOJI = "😍🥰❤♥😊🙏👍💕💖✨🔥😁😀🤩💯😘🤗👏🎉"
_NEGATIVE_EMOJI = "😡😠🤬😤👎😢😭😞💔🙄😒😩"


def reply_language(prep: Prepared, masked: set[int], default: str) -> str:
    """The script most of the user's own words are in (brand names and codes don't count); else default."""
    def count(positions) -> tuple[int, int]:
        he = sum(1 for i in positions if _HEBREW.search(prep.tokens[i]))
        en = sum(1 for i in positions if _LATIN.search(prep.tokens[i]) and not _HEBREW.search(prep.tokens[i]))
        return he, en

    he, en = count([i for i in range(prep.n) if i not in masked])
    if he == en == 0:
        he, en = count(range(prep.n))
    if he == en:
        he, en = len(_HEBREW.findall(prep.clean)), len(_LATIN.findall(prep.clean))
    if he == en:
        return default
    return "he" if he > en else "en"


def sentiment(prep: Prepared, intent: str) -> str:
    """negative / neutral / positive, from words (with negation), emoji and what the intent implies."""
    score = 0.0
    for i, forms in enumerate(prep.variants):
        negated = any(f in NEGATIONS for f in prep.tokens[max(0, i - 2):i])
        if any(f in _POSITIVE for f in forms):
            score += -1 if negated else 1
        elif any(f in _NEGATIVE for f in forms):
            score += 0 if negated else -1
    score += sum(prep.raw.count(e) for e in _POSITIVE_EMOJI) - sum(prep.raw.count(e) for e in _NEGATIVE_EMOJI)
    if "!!" in prep.raw and score < 0:
        score -= 0.5
    score += {"abuse": -3.0, "support_issue": -1.0}.get(intent, 0.0)
    if score >= 1:
        return "positive"
    if score <= -1:
        return "negative"
    return "neutral"
