"""Spot prompt-injection, data-exfiltration and role-escalation attempts in Hebrew and English.

Patterns, not a model: each flag is a small set of regular expressions over a normalised
message (lower case, no niqqud, no invisible direction marks). They look for the attacker's
*object* ("your instructions", "every influencer's coupons", "the database", "admin mode"),
not for ordinary words, so "ignore the previous order" or "what are the instructions for the
recipe?" pass. Flags do not know who is writing: "I am the owner" is role_escalation coming
from a follower and harmless from a verified owner; the policy node decides which matters.
"""

from __future__ import annotations

import re
import unicodedata

PROMPT_INJECTION = "prompt_injection"
DATA_EXFILTRATION = "data_exfiltration"
ROLE_ESCALATION = "role_escalation"
RISK_FLAGS = (PROMPT_INJECTION, DATA_EXFILTRATION, ROLE_ESCALATION)

# Zero-width and bidi control characters can split "ig\u200bnore" or hide in Hebrew text.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_NIQQUD = re.compile(r"[\u0591-\u05c7]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "׳": "'", "״": '"', "“": '"', "”": '"'})


# Latin touching Hebrew ("instructionsבלה", "לzara") gets a space, so word boundaries hold.
_SCRIPT_SEAM = re.compile(r"(?<=[a-z0-9])(?=[\u05d0-\u05ea])|(?<=[\u05d0-\u05ea])(?=[a-z0-9])")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _NIQQUD.sub("", _INVISIBLE.sub("", text)).translate(_QUOTES).lower()
    return _SCRIPT_SEAM.sub(" ", re.sub(r"\s+", " ", text))


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# Gaps between the parts of a pattern are bounded: unbounded ".*" between alternations made a
# 9 kB message of repeated request words take seconds (polynomial backtracking).
_GAP = r".{0,80}"


# --- English building blocks -------------------------------------------------------------
_EN_RULES = (
    r"(?:instructions?|rules?|prompts?|guidelines?|directives?|programming|restrictions?|"
    r"constraints?|guardrails?|polic(?:y|ies)|training|system\s+message)"
)
# What a "show me your ..." attack is after; bare "rules"/"policy" are left out on purpose
# ("what are your rules for the giveaway?", "what is your policy on returns?").
_EN_META = (
    r"(?:instructions|prompts?|guidelines|directives|programming|system\s+message|"
    r"configuration|config)"
)
_EN_EARLIER = (
    r"(?:previous|prior|above|earlier|preceding|original|initial|old|current|existing|"
    r"system|safety|default|given|all)"
)
# "...instructions on the package" / "...for the recipe" are about something else.
_EN_NOT_ABOUT_SOMETHING_ELSE = (
    r"(?!\s+(?:for|on|of|in|from|about|to)\s+"
    r"(?!you\b|this\s+(?:chat|conversation)\b|the\s+(?:chat|conversation|system|bot|assistant|ai|model)\b)\w)"
)
_EN_REVEAL = (
    r"(?:print|show|reveal|display|repeat|output|dump|leak|tell|give|send|paste|share|write|"
    r"list|expose|export|what(?:'s|\s+is|\s+are|\s+were)|read\s+(?:me\s+)?out)"
)
_EN_ASK = _any(
    _EN_REVEAL,
    r"get",
    r"fetch",
    r"pull",
    r"extract",
    r"download",
    r"copy",
    r"i\s+(?:want|need)",
    r"can\s+i\s+(?:see|have|get)",
    r"let\s+me\s+see",
)
# Other tenants in any form; followers and customers only as "other ..." or "every user's ...":
# "a code for all the followers" is a normal request.
_EN_OTHERS = (
    r"(?:(?:other|another|all(?:\s+the)?|every|each|different|rest\s+of\s+the)\s+"
    r"(?:influencers?|creators?|tenants?|accounts?|bloggers?|instagrammers?)(?:'s|s'|')?|"
    r"(?:other|another|different)\s+(?:clients?|customers?|users?|followers?|members?|people)(?:'s|s'|')?|"
    r"(?:every|all(?:\s+the)?|each|your)\s+(?:users?|followers?|customers?|clients?|fans?)(?:'s|s'|'))"
)
_EN_DATA = (
    r"(?:coupons?|codes?|data|info|information|details|emails?|e-mails?|phones?|numbers?|"
    r"addresses|orders?|records?|lists?|messages|conversations|chats|contacts|stats|statistics|"
    r"analytics|revenue|sales|invoices?|deals?|contracts?|discounts?|personal)"
)
# Other people who talked to this account: their identities, numbers and words are theirs, not the asker's.
_EN_TALKED = (
    r"(?:chatted|chatting|talked|talking|spoke|spoken|speaking|messaged|messaging|written|wrote|writing|texted|"
    r"texting|contacted|contacting|dm'?e?d|asked|asking|reached\s+out|reaching\s+out|interacted|engaged)"
)
_EN_THEM = r"(?:people|persons|users|followers|customers|clients|fans|everyone|everybody|anyone|anybody|others|those)"
_EN_TO_YOU = r"(?:with|to|at)?\s*(?:you|u|this\s+(?:bot|chat|account|page|number)|the\s+(?:bot|chat|account|page))\b"
_EN_WHO_TALKED = (
    rf"(?:{_EN_THEM}\s+(?:who|that)|who(?:\s+else)?)\s+(?:(?:has|have|had|did|is|are|was|were)\s+)?(?:been\s+)?"
    rf"{_EN_TALKED}\s+"
    rf"{_EN_TO_YOU}"
)
_EN_PEOPLE_DATA = (
    r"(?:phone\s+numbers|numbers|phones|emails|e-mails|addresses|contact\s+(?:details|info|information)|"
    r"names|usernames|handles|profiles|personal\s+(?:data|details|info))"
)
_EN_LOGS = (
    r"(?:(?:the|all|your|their|other\s+people'?s|others'?|everyone'?s|followers'?|users'?|customers'?)\s+)"
    r"(?:\w+\s+)?(?:conversation|chat|message|dm|inbox)s?\s+(?:logs?|history|histories|transcripts?|archive|records)\b"
)
_EN_PRIVILEGED = (
    r"(?:admin|administrator|owner|account\s+owner|developer|dev|root|superuser|super\s+user|"
    r"moderator|operator|sysadmin|god)"
)

# --- Hebrew building blocks --------------------------------------------------------------
_HE_PREFIX = r"[והבלמכש]{0,3}"
_HE_RULES = (
    _HE_PREFIX + r"(?:הוראות|הנחיות|כללים|חוקים|פרומפט|הפרומפט|פרומט|הגבלות|מגבלות|תכנות)"
    r"(?!\s+(?:של|על)\s+(?!ה?מערכת|ה?בוט)|\s+[במל]?ה?(?:מתכון|אריזה|קופסה|חבילה|מוצר|יצרן))"
)
_HE_META = _HE_PREFIX + r"(?:הוראות|הנחיות|פרומפט|פרומט|תכנות)"
_HE_IGNORE = (
    r"(?:התעל[מם]|תתעל[מם]|להתעלם|שכח(?!תי|נו|ת\b)|תשכח|לשכוח|עקוף|תעקוף|תעקפי|לעקוף|"
    r"אל\s+תתייחס|אל\s+תתייחסי|אל\s+תקשיב|אל\s+תקשיבי)"
)
# Starts a word (optionally after "and"), so that "ניתן" does not read as "תן".
_HE_ASK = (
    r"(?:(?<![א-ת])ו?(?:תן|תני|תנו|תביא|תביאי|תראה|תראי|תראו|הראה|הראי|שלח|שלחי|תשלח|תשלחי|תפרט|תפרטי|פרט|"
    r"רשום|תרשום|תרשמי|תציג|תציגי|הצג|תוציא|תוציאי|ייצא|תייצא|תגיד|תגידי|תכתוב|תכתבי|תדפיס|תדפיסי|"
    r"אני\s+רוצה|אני\s+צריכה?|אפשר\s+לקבל|מה\s+(?:זה|הם|הן|היא|הוא)))"
)
_HE_TENANTS = r"(?:משפיענים|משפיעניות|משפיענית|משפיען|יוצרים|יוצרות|בלוגרים|בלוגריות|חשבונות)"
_HE_PEOPLE = (
    r"(?:משפיענים|משפיעניות|משפיענית|משפיען|יוצרים|יוצרות|בלוגרים|בלוגריות|חשבונות|משתמשים|"
    r"לקוחות|לקוחה|לקוח|עוקבים|עוקבות|עוקב|עוקבת)"
)
_HE_DATA = (
    _HE_PREFIX + r"(?:קוד|קודים|קופון|קופונים|הנחות|נתונים|מידע|פרטים|טלפונים|מספרים|מיילים|"
    r"הזמנות|רשימה|רשימת|דאטה|כתובות|שיחות|הודעות|חשבוניות|עסקאות|חוזים|מכירות|הכנסות)"
)
# "People who talked to you" in Hebrew: the relative "ש" is glued to the verb ("שדיברו איתך").
_HE_TALKED = (
    r"(?:דיבר|דיברה|דיברו|כתב|כתבה|כתבו|שאל|שאלה|שאלו|פנה|פנתה|פנו|התכתב|התכתבה|התכתבו|שלח|שלחה|שלחו|"
    r"התייעץ|התייעצו|צ'יטט|צ'יטטו|הגיב|הגיבו)"
)
_HE_TO_YOU = r"(?:איתך|אתך|אלייך|אליך|לך|אותך|איתכם|אליכם|לכם|עם\s+הבוט|לבוט)"
_HE_WHO_TALKED = (
    rf"(?:(?:ה)?(?:אנשים|עוקבים|עוקבות|לקוחות|משתמשים|גולשים)\s+(?:ש|אשר\s+)|כל\s+מי\s+ש|מי\s+ש|(?<![א-ת])מי\s+(?:עוד\s+)?)"
    rf"(?:כבר\s+)?{_HE_TALKED}\s+(?:\S+\s+){{0,1}}?{_HE_TO_YOU}"
)
_HE_PRIVILEGED = (
    r"(?:בעלים|בעלת\s+הבית|בעל\s+הבית|מנהל|מנהלת|אדמין|אדמינית|מפתח|מפתחת|משפיענית|"
    r"משפיען|מנהל\s+המערכת|מנהלת\s+המערכת)"
)
_CLAIM_END = (
    r"(?=\s*(?:[,.!;:\-]|$|here\b|speaking\b|now\b|and\b|so\b|כאן|פה|עכשיו|ו|"
    r"of\s+(?:this|your)\s+(?:account|bot|page|system|chat|site|channel|instagram)\b|"
    r"of\s+the\s+(?:account|bot|page|system|chat|site|channel|instagram)\s*(?:[,.!?;:]|$)|"
    r"של\s+(?:ה)?(?:חשבון|בוט|דף|עמוד|מערכת|ערוץ|אינסטגרם|צ'אט)))"
)

_PATTERNS: dict[str, tuple[str, ...]] = {
    PROMPT_INJECTION: (
        # ignore / forget previous instructions, your rules
        rf"\b(?:ignore|disregard|forget|override|bypass|abandon|drop)\b(?:\W+(?:all|any|every|of|the|my|"
        rf"these|those|this|its|everything|that)\b)*(?:\W+{_EN_EARLIER}\b)+\W+{_EN_RULES}\b{_EN_NOT_ABOUT_SOMETHING_ELSE}",
        rf"\b(?:ignore|disregard|forget|override|bypass)\b(?:\W+(?:all|any|of)\b)*\W+your\W+(?:\w+\W+)?"
        rf"{_EN_RULES}\b{_EN_NOT_ABOUT_SOMETHING_ELSE}",
        r"\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+)?(?:you\s+(?:were|have\s+been)\s+told|"
        r"what\s+you\s+were\s+told|everything\s+(?:above|before))",
        # jailbreak personas and modes
        r"\b(?:you\s+are|you're|youre|u\s+r)\s+(?:now\s+)?(?:dan|stan|dude|aim)\b",
        r"\byou\s+are\s+now\s+(?:an?\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|free\s+from)\b",
        r"\bdo\s+anything\s+now\b|\bjail\s*break|\b(?:developer|dev|god|dan|unrestricted|unfiltered|debug)\s+mode\b",
        r"\b(?:pretend|imagine|act\s+as\s+if)\s+(?:that\s+)?you\s+(?:have|had)\s+no\s+(?:rules|restrictions|"
        r"filters|limits|guidelines)\b|\bno\s+longer\s+(?:bound|restricted)\s+by\b",
        r"\bnew\s+(?:system\s+)?instructions\s*:|^\s*(?:system|assistant)\s*:|<\|?(?:im_start|system)\|?>",
        # reveal the prompt
        rf"\b{_EN_REVEAL}\b(?:\W+\w+){{0,4}}?\W+your\W+(?:(?:full|entire|whole|exact|original|initial|hidden|"
        rf"secret|internal|system)\W+)*{_EN_META}\b{_EN_NOT_ABOUT_SOMETHING_ELSE}",
        rf"\b{_EN_REVEAL}\b(?:\W+\w+){{0,4}}?\W+the\W+(?:(?:full|entire|whole|exact)\W+)*(?:original|initial|"
        rf"hidden|secret|internal|system|developer|pre-?)\W*{_EN_META}\b",
        rf"\b{_EN_REVEAL}\b(?:\W+\w+){{0,4}}?\W+(?:the|your)\W+prompt\b{_EN_NOT_ABOUT_SOMETHING_ELSE}",
        r"\b(?:system|initial|hidden|secret)\s+prompt\b",
        # Hebrew: ignore / forget / bypass the instructions, be DAN, show the prompt
        rf"{_HE_IGNORE}[א-ת]*(?:\s+\S+){{0,4}}?\s+{_HE_RULES}",
        r"(?:אתה|את)\s+(?:עכשיו|מעכשיו|כעת)\s+(?:dan|דן\b|בלי\s+(?:הגבלות|חוקים|כללים)|חופשי)",
        r"(?:מצב|במצב)\s+(?:מפתח|מפתחים|פיתוח|דיבאג|ג'יילברייק|חופשי)|ג'יילברייק|jailbreak",
        rf"{_HE_ASK}(?:\s+\S+){{0,3}}?\s+{_HE_PREFIX}(?:פרומפט|הפרומפט|פרומט|הפרומט|פרומפט\s+המערכת)",
        rf"{_HE_ASK}?(?:\s+\S+){{0,3}}?\s*{_HE_PREFIX}(?:הוראות|הנחיות|כללים|חוקים)\s+(?:ה)?(?:מערכת|סודיות)",
        rf"(?:מה|תראה|תראי|תגיד|תגידי|תן|תני)\s+(?:\S+\s+){{0,2}}{_HE_META}\s+שלך(?!\s+ל|\s+על|\s+בשביל)",
        # SQL and script payloads
        r"(?:'|\"|;|--|\))\s*;?\s*(?:drop\s+\w+|delete\s+from\b|truncate\s|alter\s+table\b|insert\s+into\b|"
        rf"update\s+\w+\s+set\b|select\s{_GAP}\bfrom\b|union\s|exec\s)",
        r"\bdrop\s+(?:table|database|schema)\b|\bunion\s+(?:all\s+)?select\b|\bselect\s+\*\s+from\b",
        rf"\bor\s+'?1'?\s*=\s*'?1\b|\binsert\s+into\s+\w+{_GAP}\bvalues\b|\bdelete\s+from\s+\w+\s+where\b|"
        r"\bexec(?:ute)?\s+xp_|<\s*script\b|\{\{.{0,80}\}\}|\$\{.{0,80}\}",
    ),
    DATA_EXFILTRATION: (
        rf"\b{_EN_ASK}\b{_GAP}\b{_EN_OTHERS}\b{_GAP}\b{_EN_DATA}\b",
        rf"\b{_EN_ASK}\b{_GAP}\b{_EN_DATA}\b{_GAP}\b{_EN_OTHERS}",
        rf"\b{_EN_ASK}\b.{{0,60}}\b(?:database|data\s*base|db|sql|tables?|all\s+(?:the\s+)?records|"
        rf"whole\s+system|backend)\b",
        r"\b(?:database|db)\s+dump\b|\bdump\s+(?:(?:the|all|your)\s+)*(?:database|db|data|tables?|users|records|"
        r"codes|coupons|followers|customers)\b",
        rf"\b{_EN_ASK}\b.{{0,40}}\b(?:your|the|all|admin|system|server|openai|twilio)\s+(?:\w+\s+)?"
        rf"(?:api[\s_-]?keys?|passwords?|credentials|access\s+tokens?|secret\s+keys?|env(?:ironment)?\s+"
        rf"variables|\.env|connection\s+strings?)\b(?!\s+(?:reset|recovery))",
        rf"\b{_EN_ASK}\b{_GAP}\b(?:phone\s+numbers|phones|emails|e-mails|addresses|contact\s+details|personal\s+"
        rf"(?:data|details|info))\s+of\s+(?:your|the|all|other)\s+(?:\w+\s+)?(?:followers|customers|users|"
        rf"clients|people|fans)\b",
        # who talked to this account, their numbers, and conversation logs
        rf"\b{_EN_ASK}\b{_GAP}\b{_EN_WHO_TALKED}",
        rf"^\W*{_EN_WHO_TALKED}",
        rf"\b{_EN_ASK}\b{_GAP}\b{_EN_PEOPLE_DATA}\s+of\s+{_GAP}\b{_EN_WHO_TALKED}",
        rf"\b{_EN_ASK}\b{_GAP}\b{_EN_PEOPLE_DATA}\b.{{0,40}}\b(?:of|from|for)\s+(?:all\s+(?:the\s+)?|the\s+)?"
        rf"{_EN_THEM}\s+(?:who|that)\b",
        r"^\W*(?:the\s+|a\s+)?list\s+of\s+(?:your\s+|all\s+(?:the\s+)?|the\s+)?(?:followers|customers|clients|"
        r"users|fans|contacts|subscribers)\b",
        rf"\b{_EN_ASK}\b{_GAP}\b(?:(?:your|the|all)\s+(?:\w+\s+)?(?:contacts|contact\s+list|address\s+book|"
        rf"(?:follower|customer|client|user|fan)s?'?\s+(?:list|phone\s+numbers|numbers|emails|contacts|details))|"
        rf"list\s+of\s+(?:your\s+|all\s+(?:the\s+)?|the\s+)?(?:followers|customers|clients|users|fans|contacts|"
        rf"people|subscribers))\b(?!\s+(?:for|about)\s+(?:a|the|this)\s+(?:code|giveaway|sale))",
        rf"\b{_EN_ASK}\b{_GAP}\b{_EN_LOGS}",
        # what the others said to this account, and another person's number
        r"\bwhat\s+(?:did|have|has|had)\s+(?:the\s+)?(?:other\s+\w+|others|another\s+\w+|everyone|everybody|"
        r"your\s+other\s+\w+)\s+(?:\w+\s+)?(?:ask|asked|say|said|write|wrote|written|tell|told|send|sent|dm'?e?d)\s+you\b",
        r"\bwho\b.{0,60}\b(?:and|with)\s+(?:their|his|her)\s+(?:phone|number|phone\s+number|email|e-mail|address|"
        r"contact\s+(?:details|info))\b",
        rf"{_HE_ASK}{_GAP}{_HE_WHO_TALKED}",
        rf"{_HE_ASK}{_GAP}(?:את\s+)?(?:ה)?(?:מספר|מספרים|טלפון|טלפונים|מייל|מיילים|כתובת|כתובות|פרטי|פרטים)(?:\s+\S+)?\s+"
        rf"של\s+(?:כל\s+)?(?:מי\s+ש|אלה\s+ש|אלו\s+ש|ה?אנשים|ה?עוקבים|ה?עוקבות|ה?לקוחות|ה?משתמשים|ה?זוכים|ה?זוכה)",
        rf"(?:^|[\s,.?!])מי\s+(?:עוד\s+)?(?:כבר\s+)?{_HE_TALKED}\s+{_HE_TO_YOU}",
        rf"{_HE_ASK}{_GAP}(?:רשימת|את\s+רשימת|ה?רשימה\s+של)\s+(?:כל\s+)?ה?(?:עוקבים|לקוחות|משתמשים|אנשי\s+(?:ה)?קשר|מנויים|אנשים)",
        rf"{_HE_ASK}{_GAP}(?:אנשי\s+(?:ה)?קשר|היסטוריית\s+(?:ה)?(?:שיחות|הודעות|צ'אט)|לוג(?:ים)?\s+של\s+(?:ה)?(?:שיחות|הודעות)|"
        rf"(?:ה)?(?:שיחות|הודעות)\s+(?:של|עם)\s+(?:ה)?(?:אנשים|עוקבים|לקוחות|משתמשים|אחרים))",
        rf"{_HE_ASK}{_GAP}(?:כל|לכל)\s+ה{_HE_TENANTS}{_GAP}{_HE_DATA}",
        rf"{_HE_ASK}{_GAP}{_HE_DATA}{_GAP}(?:כל|לכל)\s+ה{_HE_TENANTS}",
        rf"{_HE_ASK}{_GAP}(?:טלפונים|מספרי\s+(?:ה)?טלפון|מיילים|כתובות|פרטים\s+אישיים|פרטי\s+(?:ה)?קשר|פרטים)\s+של\s+"
        rf"(?:כל\s+)?ה(?:עוקבים|עוקבות|לקוחות|משתמשים)",
        rf"{_HE_ASK}{_GAP}{_HE_DATA}{_GAP}{_HE_PEOPLE}\s+(?:ה)?אחר(?:ים|ות|ת)?",
        rf"{_HE_ASK}{_GAP}{_HE_PEOPLE}\s+(?:ה)?אחר(?:ים|ות|ת)?{_GAP}{_HE_DATA}",
        rf"{_HE_ASK}{_GAP}{_HE_PREFIX}(?:מסד|בסיס)\s+(?:ה)?נתונים|{_HE_ASK}{_GAP}(?:דאטה\s*בייס|database)",
        rf"{_HE_ASK}{_GAP}(?:סיסמ[הא]|סיסמאות|מפתח\s+(?:ה)?api|טוקן|הרשאות\s+גישה)\s+(?:של\s+)?(?:ה)?(?:מערכת|בוט|שרת|אדמין|מנהל)",
    ),
    ROLE_ESCALATION: (
        rf"\b(?:act|behave|operate|respond|pretend|role-?play)\s+(?:as|like)\s+(?:if\s+(?:i\s+(?:am|was|were)|"
        rf"you\s+(?:are|were))\s+)?(?:the|an?|my|your)?\s*{_EN_PRIVILEGED}\b",
        rf"\bpretend\s+(?:that\s+)?(?:i\s+am|i'm|im|to\s+be|you\s+are)\s+(?:the|an?|your)?\s*{_EN_PRIVILEGED}\b",
        rf"\btreat\s+me\s+(?:as|like)\s+(?:the|an?|your)?\s*(?:{_EN_PRIVILEGED}|influencer|manager)\b",
        rf"\b(?:i\s+am|i'm|im|this\s+is)\s+(?:(?:the|your)\s+{_EN_PRIVILEGED}|admin|administrator|owner|root|"
        rf"superuser|sysadmin)\b{_CLAIM_END}",
        rf"\b(?:i\s+am|i'm|im|this\s+is)\s+(?:the|your)\s+(?:influencer|creator|manager|boss)\b{_CLAIM_END}",
        rf"\b(?:switch|change|go|enter|enable|activate|turn\s+on|open)\s+(?:to\s+|into\s+|on\s+)?(?:the\s+)?"
        rf"(?:{_EN_PRIVILEGED}|sudo|maintenance)\s+(?:mode|access|role|view|panel|console)\b",
        rf"\blog\s+(?:me\s+)?in\s+as\s+(?:the\s+|an?\s+)?{_EN_PRIVILEGED}\b",
        rf"\b(?:give|grant)\s+me\s+(?:an?\s+)?(?:{_EN_PRIVILEGED}|full|elevated)\s+(?:access|rights|privileges|"
        rf"permissions|role|mode)\b|\bmake\s+me\s+(?:an?\s+|the\s+)?(?:admin|administrator|owner|superuser|moderator)\b",
        r"\bsudo\b|\b(?:elevate|escalate)\s+(?:my\s+)?(?:privileges|permissions|role|access)\b",
        rf"אני\s+(?:ה{_HE_PRIVILEGED}|אדמין){_CLAIM_END}",
        r"(?:תתנהג|תתנהגי|התנהג|התנהגי|תפעל|תפעלי|תעמיד\s+פנים|תעמידי\s+פנים|תהיה|תהיי)\s+(?:כמו\s+|בתור\s+|כ)"
        r"(?:ה)?(?:מנהל|מנהלת|אדמין|בעלים|מפתח|מנהל\s+המערכת)",
        r"(?:הרשאות|הרשאת|גישת|גישה\s+של|מצב|למצב)\s+(?:של\s+)?(?:ה)?(?:מנהל|אדמין|בעלים|מפתח|מנהל\s+מערכת)",
        r"(?:תתייחס|תתייחסי|התייחס)\s+אליי?\s+(?:כמו\s+|כ)(?:ה)?(?:מנהל|אדמין|בעלים|משפיענית)",
    ),
}
# Long messages are checked in overlapping windows (see _search). A pattern match is at most
# ~250 characters (two bounded gaps and the words around them).
_WINDOW = 800
_WINDOW_STEP = 450
_LOOKAHEAD_MARGIN = 50  # a match this close to a window's cut may rest on text it cannot see
_COMPILED = {flag: [re.compile(p) for p in patterns] for flag, patterns in _PATTERNS.items()}


def detect_risks(text: str) -> list[str]:
    """Return the risk flags raised by a message, in the order of `RISK_FLAGS`.

    Args:
        text: a message in Hebrew, English or both.

    Returns:
        A subset of ["prompt_injection", "data_exfiltration", "role_escalation"]; empty for an
        ordinary question.
    """
    if not text or not text.strip():
        return []
    normalised = _normalise(text)
    return [flag for flag in RISK_FLAGS if any(_search(p, normalised) for p in _COMPILED[flag])]


def _search(pattern: re.Pattern[str], text: str) -> bool:
    # Overlapping windows keep a long message linear in its length. search(pos, endpos) rather
    # than slicing, so "^" and look-behinds still see the real text; but "$" and look-aheads
    # see a window's cut as the end of the text, so a match ending near a cut only counts in the
    # next window, which overlaps this one by more than a match plus the margin.
    length = len(text)
    if length <= _WINDOW:
        return pattern.search(text) is not None
    for start in range(0, length, _WINDOW_STEP):
        end = min(start + _WINDOW, length)
        trusted_end = length if end == length else end - _LOOKAHEAD_MARGIN
        match = pattern.search(text, start, end)
        while match is not None:
            if match.end() <= trusted_end:
                return True
            match = pattern.search(text, match.start() + 1, end)
        if end == length:
            break
    return False
