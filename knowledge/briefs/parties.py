"""Who sent a brief and what it is called: the brand, the contact person, the campaign name."""

from __future__ import annotations

import re

__all__ = ["brand", "contact", "campaign"]

_LEGAL = re.compile(r"(?i)[\s,]*(?:ltd\.?|inc\.?|llc|gmbh|בע\"מ|בע״מ)\s*$")
_CAP = r"(?-i:[A-Z])[\w&'-]*(?:\.(?=[ \t]*(?:,|$|\n)))?"
_CAPS = rf"{_CAP}(?:[ \t]+(?:&[ \t]+)?{_CAP}){{0,3}}"
_HE = r"[א-ת][א-ת'\"״-]*"
_HES = rf"{_HE}(?:[ \t]+{_HE})?"
_NOT_BRANDS = {"hi", "hello", "hey", "dear", "subject", "brief", "maya", "please", "great", "we", "campaign", "dec",
               "jan", "feb", "nov", "december", "january", "february", "march", "the", "our"}
_GENERIC = re.compile(r"^(?:רשת|חברת|מותג|המותג)\s+")


def _clean(name: str) -> str:
    name = _LEGAL.sub("", name.strip().strip("\"'״“”,:!"))
    return _GENERIC.sub("", name.strip().rstrip(".") if not name.strip().endswith("Co.") else name.strip())


def brand(text: str, *, influencer: str = "") -> str | None:
    """The brand: from "Brand: X", "X x Maya", "X here", "from X", "on behalf of X", "between X (", "מותג
    "X"", "מ-X", "זה רועי מ-GreenBox" and the like, in that order of trust."""
    head = text[:600]
    rules: list[str] = [
        r"(?im)(?:^|[-–|]\s*)(?:brand|המותג|מותג)\s*:\s*([^\n,(]+)",
        r"(?im)^\s*(?:brief|בריף)(?:[ \t]+קמפיין)?[ \t]*[–-][ \t]*([^\n]+)$",
        r"\((" + _CAPS + r")\)\s+wrote",
        r"(?i:on behalf of)\s+(" + _CAPS + r")",
        r"\b(?i:between)\s*:?\s*(" + _CAPS + r")",
        r"(?i:parties):\s*(" + _CAPS + r")\s+and",
        r"בין:?\s+(" + _HES + r")\s*(?:בע\"מ|בע״מ)?\s*\(",
        r"(?:מותג|המותג|מטעם|מחברת|בחברת)[^\"\n]{0,25}\"([^\"\n]{2,30})\"",
        r"(?:מותג|המותג|מטעם)\s+(?!\")(" + _HES + r")",
        r"(?m)(?:^|[-–:]\s+)(?:subject:\s*)?(" + _CAPS + r")\s+(?:x|×)\s+\w",
        r"(?i:\bwe're|\bwe are)\s+(" + _CAPS + r")",
        r"(?:^|[.!?,\-–]\s+|\n)(" + _CAPS + r")\s*(?:\([^)]*\)\s*)?"
        r"(?:here\b|would like|is looking|again\b|is\s+running)",
        r"(?i:\bfrom|\bat)\s+(?:the\s+)?(" + _CAPS + r")(?=[\s.,!(:]|$)",
        r"(?i)\bfrom\s+([a-z][a-z]+(?:\s+[a-z]+){0,2})(?=\s*[!.,]|\s*$)",
        r"(?:זה|זו|כאן|מדברת|מדבר)\s+" + _HE + r"(?:\s+" + _HE + r")?\s+מ-?\"?([A-Za-z][\w&]*(?:[ \t][A-Z][\w&]*)*|"
        + _HES + r")(?=[\"\s.,!🙂🌱]|$)",
        r"מ\"([^\"\n]{2,30})\"",
        r"(?i:\bfrom)\s+(" + _CAPS + r")",
    ]
    for rule in rules:
        m = re.search(rule, head)
        if not m:
            continue
        name = _clean(m.group(1))
        name = re.sub(r"\s+(?:here|would|is|again|wrote|and|on|x)$", "", name, flags=re.I)
        if len(name) >= 2 and name.lower() not in _NOT_BRANDS and name.lower() != influencer.lower():
            return name
    return None


_NAME_EN = r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"


def contact(text: str, *, brand_name: str | None = None, influencer: str = "") -> str | None:
    """The person at the brand: "I'm Dana Levi", "שמי אורית כהן", "Contact: Karen Stein", a sign-off."""
    rules = [
        r"(?i)(?:point of contact|contact|איש קשר|אשת קשר|החתום מטה)\s*:\s*([^\n,]+)",
        r"(?:I'm|I am|my name is|this is|It's|its)\s+(" + _NAME_EN + r"|[a-z]+(?=\s+from))",
        r"(?:שמי|זו|זה|כאן|מדברת|מדבר)\s+(" + _HE + r"(?:\s+(?!מ)" + _HE + r")?)(?=\s*,|\s+מ|\s+ממ)",
        r"(?m)^\s*Brand:\s*(" + _NAME_EN + r"),",
        r"(?m)^[—–-]\s*(" + _NAME_EN + r")\b",
        r"\((" + _NAME_EN + r")\)",
        r"(" + _NAME_EN + r")\s+\([^)]+\)\s+wrote",
        r"(?i)(?:best|cheers|regards|warm regards|thanks|תודה|בברכה),?\s*\n?\s*(" + _NAME_EN + r"|" + _HE
        + r"(?:\s+" + _HE + r")?)\s*(?:,|\(|\n|$)",
        r"(?m)^[^\n]*\bhere\s*[-–—]\s*(" + _NAME_EN + r")",
        r"(?m)^(" + _NAME_EN + r")\s*$",
        r"[-–—]\s*(" + _NAME_EN + r")\s*$",
    ]
    for rule in rules:
        for m in re.finditer(rule, text):
            name = m.group(1).strip().strip(".")
            name = re.split(r"\s+(?:from|at|here)\b|,", name)[0].strip()
            low = name.lower()
            if (not name or low in _NOT_BRANDS or low == influencer.lower() or low.startswith(influencer.lower() + " ")
                    or (brand_name and low in brand_name.lower())):
                continue
            if re.search(r"\d", name) or len(name) > 30:
                continue
            return name
    return None


def campaign(text: str, *, brand_name: str | None = None) -> str | None:
    """The campaign's name: "Campaign: "X"", "Campaign name: X", "our X campaign", "on "X"", "שם הקמפיין:
    X", "לקמפיין X שלנו", "הקמפיין "X""."""
    rules = [
        r"(?im)^\s*(?:campaign name|campaign|project|שם הקמפיין|שם הפרויקט)\s*:\s*\"?([^\n\"]+)\"?",
        r"(?i)(?:campaign|project|קמפיין|הקמפיין|לקמפיין)[^\n\"“]{0,12}[\"“]([^\"”\n]{2,40})[\"”]",
        r"(?i)[\"“]([^\"”\n]{2,40})[\"”]\s*(?:campaign|קמפיין)",
        r"(?i)(?:on|for|brief for)\s+(?:" + (re.escape(brand_name) if brand_name else "x^")
        + r"\s+)?[\"“]([^\"”\n]{2,40})[\"”]",
        r"(?i)\bour\s+((?:[A-Z][\w']*\s+){1,3}|(?:[a-z][\w']*\s+){1,2})campaign",
        r"(?i)\bour\s+([a-z]+\s+[a-z]+)\s+(?:drop|launch|sale)",
        r"(?:ל|ב)?(קמפיין\s+" + _HE + r")\s+שלנו",
    ]
    for rule in rules:
        m = re.search(rule, text)
        if m:
            name = m.group(1).strip().strip("\"“”.,")
            if name and (not brand_name or name.lower() != brand_name.lower()):
                return name
    return None
