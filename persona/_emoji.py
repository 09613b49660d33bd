"""Find emoji in text as whole clusters: ❤️, 👍🏽, 👩‍🍳 and 🇮🇱 each count as one."""

from __future__ import annotations

__all__ = ["emoji_in", "emoji_key", "strip_emoji"]

_VS16 = 0xFE0F
_ZWJ = 0x200D
_KEYCAP = 0x20E3
_SINGLES = {0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x3030, 0x303D, 0x3297, 0x3299}


def _pictographic(cp: int) -> bool:
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2300 <= cp <= 0x23FF
        or 0x2B00 <= cp <= 0x2BFF
        or _text_style(cp)
    )


def _text_style(cp: int) -> bool:
    # Arrows, shapes, (c) and the like are emoji only when written with VS16.
    return 0x2190 <= cp <= 0x21FF or 0x25A0 <= cp <= 0x25FF or cp in _SINGLES


def _skin(cp: int) -> bool:
    return 0x1F3FB <= cp <= 0x1F3FF


def _regional(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def emoji_key(emoji: str) -> str:
    """The emoji without VS16, so '❤️' and '❤' count as one."""
    return emoji.replace("\ufe0f", "")


def emoji_in(text: str) -> list[str]:
    """The emoji of the text, in order, each a full cluster as written."""
    out: list[str] = []
    cps = [ord(ch) for ch in text or ""]
    i, n = 0, len(cps)
    while i < n:
        cp = cps[i]
        if _regional(cp) and i + 1 < n and _regional(cps[i + 1]):
            out.append(chr(cp) + chr(cps[i + 1]))
            i += 2
            continue
        if chr(cp) in "0123456789#*" and _KEYCAP in cps[i + 1 : i + 3]:
            end = i + 2 if cps[i + 1] == _KEYCAP else i + 3
            out.append(chr(cp) + "\ufe0f\u20e3")
            i = end
            continue
        styled = i + 1 < n and cps[i + 1] == _VS16
        if not _pictographic(cp) or _skin(cp) or (_text_style(cp) and not styled):
            i += 1
            continue
        cluster = [cp]
        i += 1
        while i < n:
            if cps[i] == _VS16 or _skin(cps[i]):
                cluster.append(cps[i])
                i += 1
            elif cps[i] == _ZWJ and i + 1 < n and _pictographic(cps[i + 1]):
                cluster.extend([_ZWJ, cps[i + 1]])
                i += 2
            else:
                break
        out.append("".join(chr(c) for c in cluster))
    return out


def strip_emoji(text: str) -> str:
    """The text without emoji (and without the joiners and selectors that glue them)."""
    kept = []
    for ch in text or "":
        cp = ord(ch)
        if _pictographic(cp) or cp in (_VS16, _ZWJ, _KEYCAP) or _regional(cp):
            continue
        kept.append(ch)
    return "".join(kept)
