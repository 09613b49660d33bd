"""The owner command parser's vocabulary, Hebrew and English: one regular expression per idea.

Private to agent.engines.offline.owner_commands; patterns run on `lowered(text)` (see _owner_message).
"""

# ruff: noqa: E501 -- vocabulary tables read best one alternation per line, however long
from __future__ import annotations

DIGEST = (
    r"daily digest|\bdigest\b|daily summary|summary of (?:the|my) day|\bbrief me\b|"
    r"\b(?:what'?s|what is|what does|how'?s|how is|how does|plan|planning|on|for|through)\s+(?:\w+\s+)?my day\b|"
    r"\bmy day\s+(?:look|looks|today|ahead)\b|סיכום יומי|"
    r"סיכום (?:של )?היום|סיכום יום|תקציר יומי"
)
TASK_WORD = r"\btasks?\b|\bto-?dos?\b|משימה|משימות|המשימה|המשימות|משימת"
TASK_CREATE = (
    r"\b(?:add|create|new|make|set)\s+(?:me\s+)?(?:an?\s+)?(?:new\s+)?(?:(?:urgent|important|high|low|medium)"
    r"(?:\s+priority)?\s+)?(?:task|to-?do|reminder)\b|\bremind me\b|^\s*(?:(?:urgent|important|high priority|"
    r"low priority)\s+)?(?:new\s+)?(?:task|to-?do)\s*[:\-]|(?:תוסיף|תוסיפי|הוסף|הוסיפי|להוסיף|תיצור|תיצרי|"
    r"צור|צרי|ליצור|תרשום|תרשמי|לרשום|רשום|רשמי)\s+(?:לי\s+)?משימה|משימה\s+חדשה|תזכיר(?:י)?\s+לי|"
    r"^\s*משימה(?:\s+[^\s:]+){0,3}\s*:"
)
PRIORITY = [
    (r"\burgent(?:ly)?\b|\basap\b|דחוף|דחופה|בדחיפות", "urgent"),
    (r"\bhigh(?:er)?\s+priority\b|\bimportant\b|\bprioriti[sz]e\b|בעדיפות\s+גבוהה|\bחשוב(?:ה)?\b", "high"),
    (r"\blow(?:er)?\s+priority\b|בעדיפות\s+נמוכה|לא\s+דחוף", "low"),
    (r"\b(?:medium|normal)\s+priority\b|בעדיפות\s+רגילה", "medium"),
]
TASK_TYPES = [
    (r"\binvoice|חשבונית", "invoice_creation"),
    (r"\bpay\b|\bpayment|לשלם|תשלום", "payment"),
    (r"\bapprov|לאשר|אישור", "approval"),
    (r"\bmeet(?:ing)?\b|\bzoom\b|פגישה|להיפגש|פגישת", "meeting"),
    (
        r"\b(?:film|shoot|record|edit|post|reels?|story|stories|video|photos?|unboxing)\b|לצלם|לערוך|ריל|סטורי|סרטון|"
        r"פוסט|להעלות",
        "content_creation",
    ),
]
COMPLETE = (
    r"\b(?:complete|completed|finish|finished|done|tick off|check off)\b|סיימתי|סיימנו|גמרתי|"
    r"(?:כ)?בוצע(?:ה)?\b|הושלמה|(?:כ)?גמור(?:ה)?\b"
)
RESCHEDULE = (
    r"\b(?:move|push|postpone|reschedule|delay|shift|bump)\b|תדחה|תדחי|לדחות|תזיז|תזיזי|להזיז|תעביר|תעבירי|להעביר"
)
TASK_ONLY = r"\b(?:postpone|reschedule|delay|push|bump)\b|תדחה|תדחי|לדחות|תזיז|תזיזי|להזיז"
REOPEN = r"\b(?:reopen|re-open|undo)\b|תפתח(?:י)? מחדש"
CANCEL = r"\b(?:cancel|drop|delete|remove|scrap)\b|תבטל|תבטלי|לבטל|\bבטל\b|תמחק|תמחקי|למחוק"
SET_PRIORITY = r"\b(?:make|set|mark|change|bump|raise|lower)\b|תעשה|תעשי|תסמן|תסמני|תשנה|תשני"
EN_STATUS = (
    "lead|proposal|negotiations?|negotiating|contract|signed|active|live|completed|complete|done|finished|over|"
    "cancell?ed"
)
STATUS_TARGET = [
    rf"\b(?:to|as|into|is|are|now|in)\s+(?:the\s+)?(?:an?\s+)?({EN_STATUS})\b",
    r"\b(signed)\b",
    r"(?:^|\s)(?:עבר(?:ו|ה)?\s+)?(?:ל-?|כ-?|בסטטוס\s+|לסטטוס\s+)(ליד|הצעה|משא\s+ומתן|מו\"מ|חוזה|פעילים|פעילה|פעיל|מבוטל)"
    r"(?=[\s?.!,]|$)",
    r"(?:^|\s)(הסתיים|הסתיימה|הושלם|בוטל|בוטלה|פעילים|פעילה|חתמו|חתמה|חתם)(?=[\s?.!,]|$)",
]
PARTNERSHIP_WORD = (
    r"\b(?:partnerships?|collabs?|collaborations?|deals?|pipeline|campaigns?)\b|שיתופי\s+פעולה|(?:ה)?קמפיין|"
    r"שיתוף\s+(?:ה)?פעולה|(?:ה)?שת\"פ(?:ים)?|מותגים"
)
# "What's the status with <brand>?" and its everyday forms: the owner asks where a partnership stands.
HOW_IS_IT_GOING = (
    r"\bstatus\b|\bstanding\b|\bwhere (?:are|do) we (?:at |stand )?(?:with|on)\b|\bwhat'?s (?:up|new|happening|"
    r"going on|the latest|the story|the deal) (?:with|on|from)\b|\bwhat is (?:happening|going on) with\b|"
    r"\bhow'?s? (?:it )?(?:going|things|everything) (?:with|on)\b|\bhow are things (?:with|on)\b|"
    r"\bhow (?:is|are) (?:it|things|everything) going (?:with|on)\b|"
    r"\b(?:any )?(?:news|updates?) (?:on|from|with|about|re)\b|\bwhat about\b|\bstand with\b|"
    r"סטטוס|(?:^|\s)מה\s+(?:המצב|קורה|נשמע|חדש|העניינים|הסיפור|התכנון|הלאה)?\s*(?:עם|של|מול|אצל|לגבי|ב)|"
    r"איפה\s+(?:אנחנו|אנו|זה|הם|עומדים|עומד|עומדת)|(?:^|\s)עדכון\s+(?:על|לגבי|מ|של)|יש\s+(?:חדש|חדשות|עדכון)|"
    r"\b(?:update|fill|catch)\s+me\s+(?:in\s+|up\s+)?(?:on|about|with)\b|"
    r"(?:תעדכן|תעדכני|עדכן|עדכני)\s+(?:אותי\s+)?(?:לגבי|על|בקשר|עם|מול)"
)
INVOICE_WORD = r"\binvoices?\b|\binv\b|חשבונית|חשבוניות"
CODE_WORD = r"\b(?:codes?|coupons?|promos?)\b|קוד|קודים|קופון|קופונים"
COUNTED = (
    r"\bhow (?:many|much)\s+(?:\w+\s+){0,2}?(?:orders|redemptions|conversions|revenue)\b|"
    r"\bhow much (?:did|has|have)\b.*\b(?:make|made|bring|brought|earn|earned|generate|generated)\b|"
    r"כמה\s+(?:\S+\s+)?(?:הזמנות|מימושים|המרות|הכנסות)(?=[\s?.!,]|$)|"
    r"כמה\s+(?:כסף\s+)?(?:הכניס|הכניסו|הכניסה|הביא|הביאו|הביאה|הרווחתי|הרווחנו)(?=[\s?.!,]|$)|"
    r"כמה\s+כסף\s+(?:\S+\s+)?(?:עשיתי|עשינו|עשה|עשו|עשתה|יצא|נכנס)(?=[\s?.!,]|$)"
)
# Counts that are the owner's only when a code or a brand is named ("how many copies were sold?" may be a book).
COUNTED_OF = (
    r"\bhow many\s+(?:\w+\s+){0,2}?(?:copies|sales|purchases|clicks|uses)\b|"
    r"כמה\s+(?:\S+\s+)?(?:העתקות|רכישות|מכירות|קליקים|שימושים)(?=[\s?.!,]|$)"
)
# "How is <brand> doing?": its numbers. Only with a brand or a code ("how are you doing?" is small talk).
PERFORMING = (
    r"\bhow (?:is|are|was|were|did|does|do)\s+(?:\S+\s+){1,3}?(?:doing|performing|perform|selling|converting)\b"
)
# A shopper's view ("how many orders can I use it on?", "how much do I save?"), never the owner's numbers.
SHOPPER = (
    r"\b(?:can|could|may|should|do|will|would)\s+(?:i|we|you)\b|\bam i\b|\ballowed\b|\blimit\b|\bsave\b|"
    r"\bmy (?:order|cart|basket)\b|\b(?:until|till|to get|needed|minimum|at least)\b|"
    r"אפשר|מותר|ניתן|אני\s+יכול|יכולה\s+ל|הגבלה|מוגבל|חוסך|חוסכת|אחסוך|לחסוך|צריך|צריכה|עד\s+ש|כדי|מינימום|לפחות"
)
PERIODS = [
    (r"\blast week\b|\bpast week\b|שבוע\s+שעבר|בשבוע\s+האחרון", "last_week"),
    (r"\blast month\b|\bpast month\b|חודש\s+שעבר|בחודש\s+האחרון", "last_month"),
    (r"\btoday\b|היום", "today"),
    (r"\byesterday\b|אתמול", "yesterday"),
    (r"\bthis week\b|השבוע", "week"),
    (r"\bthis month\b|החודש", "month"),
    (r"\bthis year\b|השנה", "year"),
    (r"\ball time\b|\bever\b|\boverall\b|\bso far\b|מאז ומעולם|סה\"כ|בסך הכל", "all"),
]
