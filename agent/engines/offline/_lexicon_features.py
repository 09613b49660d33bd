"""Cues that are not intents by themselves: product and content nouns, follow-up markers, owner vocabulary."""

# ruff: noqa: E501 -- cue tables read best one cue per line, however long the cue
from __future__ import annotations

__all__ = ["FEATURES", "OWNER", "TAGS"]

_PRODUCT_NOUNS_EN = (
    "oil|olive|mixer|mixers|blender|blenders|processor|pan|pans|pot|pots|skillet|knife|knives|kettle|airfryer|"
    "fryer|cooker|tray|mug|cup|cups|plate|plates|apron|board|bottle|bottles|shaker|cream|creams|serum|serums|"
    "moisturizer|moisturiser|cleanser|sunscreen|spf|shampoo|conditioner|lipstick|foundation|mascara|concealer|"
    "blush|palette|perfume|fragrance|lotion|soap|brush|brushes|dress|dresses|shirt|shirts|tshirt|shoes|sneakers|"
    "trainers|boots|heels|sandals|bag|bags|jacket|coat|jeans|leggings|pants|skirt|hoodie|sweater|swimsuit|bikini|"
    "hat|earrings|necklace|bracelet|jewelry|jewellery|watch|glasses|sunglasses|camera|lens|mic|microphone|"
    "headphones|earbuds|laptop|phone|case|supplement|supplements|protein|whey|creatine|vitamins|vitamin|powder|"
    "spice|spices|tea|coffee|machine|mat|mats|bands|weights|dumbbells|pillow|mattress|sheets|candle|diffuser|"
    "stroller|toy|toys|outfit|top|mask|gel|spray|toner|balm|scrub|tripod|light|ring|box|kit|app|filter|"
    "charger|cable|webcam|speaker|keyboard|mouse|monitor|tablet|suitcase|luggage|backpack|diapers|wipes|bottle|"
    "carseat|crib|pacifier|formula|stroller|headset|drone|console|vacuum|robot|blanket|towel|mattress|setup|gear|"
    "equipment|chair|desk|gpu|pc|controller|food|kibble|treats|snacks|drops|rug|lamp|curtains|sofa|couch|paint|"
    "shelf|table|surfboard|bike|helmet|scooter|skateboard"
)
_PRODUCT_NOUNS_HE = (
    "שמן|מיקסר|בלנדר|מעבד|סיר|סירים|מחבת|מחבתות|סכין|סכינים|קומקום|סיר|מגש|ספל|כוס|צלחת|צלחות|סינר|קרש|בקבוק|"
    "שייקר|קרם|קרמים|סרום|תרחיץ|שמפו|מרכך|שפתון|מייקאפ|מסקרה|קונסילר|סומק|פלטה|בושם|תחליב|סבון|מברשת|שמלה|"
    "שמלות|חולצה|חולצות|נעליים|נעל|סניקרס|מגפיים|סנדלים|תיק|תיקים|ז'קט|מעיל|ג'ינס|טייץ|מכנסיים|חצאית|קפוצ'ון|"
    "סוודר|ביקיני|כובע|עגילים|שרשרת|צמיד|תכשיטים|שעון|משקפיים|משקפי|מצלמה|עדשה|מיקרופון|אוזניות|מחשב|טלפון|"
    "כיסוי|תוסף|תוספים|חלבון|אבקת|אבקה|ויטמינים|ויטמין|קריאטין|תבלין|תבלינים|תה|קפה|מכונה|מכונת|מזרן|משקולות|"
    "גומיות|כרית|מצעים|נר|מפזר|עגלה|צעצוע|צעצועים|לוק|מסכה|ג'ל|ספריי|טונר|סקראב|חצובה|טבעת|מארז|ארגז|סט|ערכה|"
    "אפליקציה|פילטר|נעלי|מכשיר|מטען|מטענים|כבל|מצלמת|רמקול|מקלדת|עכבר|מסך|טאבלט|מזוודה|מזוודות|תרמיל|חיתולים|"
    "מגבונים|מושב|עריסה|מוצץ|תמ\"ל|תמל|אוזניות|רחפן|שואב|שמיכה|מגבת|טיטולים|סטאפ|סטאפים|ציוד|גיר|כיסא|שולחן|"
    "שלט|בקר|גלשן|גלשנים|אופניים|קסדה|קורקינט|סקייטבורד|אוכל|מזון|חטיפים|טיפות|שטיח|מנורה|וילונות|ספה|צבע|מדף|שולחן"
)
_CONTENT_NOUNS = (
    "cake|cakes|cookies|cookie|bread|pasta|salad|soup|dessert|dough|pie|muffins|pizza|shakshuka|pancakes|sauce|"
    "chicken|challah|brownies|smoothie|dish|dinner|lunch|breakfast|look|hairstyle|braid|"
    "עוגה|עוגת|עוגות|עוגיות|לחם|פסטה|שקשוקה|סלט|מרק|קינוח|פשטידה|חלה|בצק|מאפה|ארוחת|ארוחה|עוף|פיצה|רוטב|"
    "פנקייק|פנקייקים|בראוניז|שייק|תבשיל|מנה|תסרוקת|צמה|תרגיל|תרגילים|"
    "trip|trips|travel|traveling|travelling|itinerary|route|vacation|holiday|destination|beach|city|country|"
    "packing|sleep|sleeping|toddler|toddlers|baby|babies|kids|newborn|pregnancy|birth|breastfeeding|weaning|"
    "potty|editing|settings|lighting|workout|diet|recipe|recipes|stream|streams|streaming|gameplay|game|games|"
    "טיול|טיולים|מסלול|חופשה|יעד|חוף|לטייל|לישון|שינה|הרדמה|פעוט|תינוקות|תינוק|ילדים|הריון|לידה|הנקה|גמילה|"
    "עריכה|תאורה|הגדרות|אימון|תזונה|מתכון|מתכונים"
)
_TOPIC = ("code|codes|coupon|coupons|discount|promo|order|orders|package|parcel|delivery|shipment|payment|refund|link|"
          "checkout|קוד|קודים|קופון|הנחה|הזמנה|הזמנתי|חבילה|משלוח|תשלום|החזר|לינק|קישור|§code")

# "What's up with <brand>?": chat words whose object is a brand are a question about the brand, not chat.
_CHAT_ABOUT_BRAND = (
    "מה ~1 קורה|המצב|חדש|נשמע|העניינים|הסטטוס עם|מול|אצל|לגבי|של ~1 §brand",
    "what's|whats|what ~1 up|new|happening|going|latest|status ~2 with|on|from ~1 §brand",
    "how's|how ~2 going|things ~1 with|on ~1 §brand",
    "תעדכני|תעדכן|עדכני|עדכן ~1 אותי ~1 לגבי|על|בקשר|עם|מול ~1 §brand",
    "update|fill|catch ~1 me ~1 in|up ~1 on|about|with ~1 §brand",
)

# Single words that also tag a token, so intent cues can say "which <product>" or "tips for <content>".
TAGS = {"@product": ("f_product_noun",), "@content": ("f_content_noun",), "@topic": ("f_topic",)}

FEATURES: dict[str, list[tuple[str, float]]] = {
    "f_topic": [(_TOPIC, 1.0)],
    "f_product_noun": [(_PRODUCT_NOUNS_EN, 1.0), (_PRODUCT_NOUNS_HE, 1.0)],
    "f_content_noun": [(_CONTENT_NOUNS, 1.0)],
    "f_question_start": [("^what|which|how|when|where|why|who|whom|whose|do|does|did|can|could|is|are|was|were|will|"
                          "would|should|any|have|has|האם|מה|איך|מתי|איפה|למה|מי|איזה|איזו|אילו|כמה|יש|אפשר|מאיפה|"
                          "באיזה|באיזו|ממה|כיצד|היכן", 1.0)],
    # What a subscriber wants to hear about later ("text me about new codes", "תעדכני אותי על מבצעים").
    "f_news": [("about|for|with|when|if ~3 new|deals|offers|codes|coupons|sales|promotions|promos|updates|news|"
                "discounts|launches|drops", 1.0),
               ("על|לגבי|כש|כשיש|כשיהיה|כשתהיה|כשייצא|ברגע|אם ~3 מבצעים|קודים|הנחות|עדכונים|חדש|חדשה|חדשים|חדשות|השקות|"
                "קופונים|מבצע|קוד|הנחה", 1.0)],
    "f_brand_subject": [(cue, 1.0) for cue in _CHAT_ABOUT_BRAND],
    "f_which": [("what|which|where|whats|what's|איזה|איזו|אילו|מאיפה|איפה|מה", 1.0)],
    "f_continuation": [
        ("^and|also|plus|or|same", 1.0), ("^what|how about", 1.0), ("^מה ~1 עם|לגבי", 1.0), ("^גם|וגם|או", 1.0),
        ("^ול|ו|ב|וב|ומ|ל", 1.0),
    ],
    "f_anaphora": [
        ("it|that|this|them|those|these|one|ones|there|same", 1.0),
        ("לזה|לו|לה|להם|להן|שלו|שלה|שלהם|אותו|אותה|אותם|עליו|עליה|עליהם|זה|זאת|אלה|אותו|שם", 1.0),
    ],
    "f_yes": [("=yes|yeah|yep|yup|sure|ok|okay|k|כן|בטח|אוקיי|אוקי|סבבה|בסדר|ok", 1.0),
              ("=yes|כן please|בבקשה|sure|thanks|תודה", 1.0)],
    "f_no": [("=no|nope|nah|לא", 1.0), ("=ממש לא", 1.0), ("=no thanks|thank|thx", 1.0), ("=לא תודה", 1.0)],
    "thanks": [
        ("thanks|thank|thx|thnx|ty|tysm|thanku|tnx|thankyou|thanx|cheers|תודה|תודות|תנקס|טנקס|תנקיו", 0.75),
        ("thank you so|very much", 0.85), ("appreciate it|appreciated", 0.8), ("תודה ~1 רבה|ענקית|ענק", 0.85),
        ("many thanks", 0.85), ("תודה מכל הלב", 0.85),
    ],
    "f_profanity": [("fuck*|fck|shit|shitty|crap|damn|wtf|חרא|שיט|פאק|לעזאזל|קיבינימט|זין", 1.0)],
}

_CMD_EN = ("add|create|new|make|set|schedule|remind|mark|move|change|update|edit|rename|delete|remove|cancel|"
           "deactivate|disable|activate|enable|extend|postpone|reschedule|push|complete|finish|close|reopen|assign|"
           "log|record|approve|archive|pause|resume|book|register|raise|bump|renew")
_CMD_HE = ("תוסיף|תוסיפי|הוסף|הוסיפי|להוסיף|תוסיפו|צור|צרי|תיצור|תיצרי|ליצור|פתח|תפתח|תפתחי|לפתוח|קבע|תקבע|תקבעי|"
           "לקבוע|קבעי|תזכיר|תזכירי|להזכיר|סמן|תסמן|תסמני|סמני|לסמן|העבר|תעביר|תעבירי|להעביר|העבירי|שנה|תשנה|תשני|"
           "לשנות|עדכן|תעדכן|תעדכני|לעדכן|עדכני|מחק|תמחק|תמחקי|למחוק|מחקי|בטל|תבטל|תבטלי|לבטל|בטלי|השבת|תשבית|"
           "תשביתי|להשבית|כבה|תכבה|תכבי|הפעל|תפעיל|תפעילי|להפעיל|הארך|להאריך|האריכי|תאריכי|דחה|תדחה|תדחי|לדחות|"
           "סיים|תסיים|תסיימי|סגור|תסגור|תסגרי|לסגור|רשום|תרשום|תרשמי|לרשום|רשמי|אשר|תאשר|תאשרי|שייך|תשייך|הנפק|"
           "תנפיק|תנפיקי|להנפיק")
_OBJECTS = (
    "task|tasks|todo|todos|invoice|invoices|payment|payments|partnership|partnerships|deal|deals|pipeline|brands|"
    "collab|collabs|coupon|coupons|code|codes|redemption|redemptions|copied|copies|redeemed|conversion|conversions|"
    "revenue|earnings|income|sales|stats|statistics|numbers|analytics|report|digest|agenda|schedule|calendar|"
    "meeting|meetings|issue|issues|ticket|tickets|conversation|conversations|chats|messages|followers|handoff|"
    "handoffs|proposal|proposals|negotiation|contract|contracts|campaign|campaigns|reminder|reminders|event|events|"
    "call|shoot|draft|deadline|deadlines|payout|paid|unpaid|overdue|orders|purchases|"
    "משימה|משימות|מטלות|מטלה|חשבונית|חשבוניות|תשלום|תשלומים|שתפ|שיתוף|שיתופי|עסקה|עסקאות|דיל|דילים|מותגים|"
    "קופון|קופונים|קוד|קודים|מימוש|מימושים|מימשו|העתיקו|העתקות|השתמשו|המרה|המרות|הכנסות|הכנסה|רווח|רווחים|"
    "סטטיסטיקה|נתונים|דוח|סיכום|יומן|לוז|פגישה|פגישות|פניות|פנייה|תקלות|שיחות|הודעות|עוקבים|הצעה|הצעות|מומ|"
    "חוזה|חוזים|קמפיין|קמפיינים|תזכורת|תזכורות|אירוע|אירועים|צילומים|צילום|טיוטה|דדליין|שולם|שולמה|שולמו|"
    "הזמנות|מכירות|רכישות"
)

OWNER: dict[str, list[tuple[str, float]]] = {
    "o_cmd": [
        (_CMD_EN, 0.75), (_CMD_HE, 0.75), ("^invoice|bill|charge", 0.8),
        ("^urgent|new|quick|important ~1 task|todo|reminder", 0.9), ("^task|todo|reminder", 0.8),
        ("^משימה|תזכורת|מטלה", 0.8), ("remind me", 0.95), ("תזכיר|תזכירי לי", 0.95),
        ("mark ~4 as|paid|done|complete|completed|sent", 0.9), ("move ~3 to", 0.85), ("set ~3 to|as", 0.8),
        ("add|create|new|open|schedule|book|log ~2 task|todo|reminder|meeting|call|invoice|coupon|code|"
         "partnership|deal|event|note|lead", 0.95),
        ("תוסיף|תוסיפי|הוסף|צור|תיצור|תיצרי|צרי|פתח|תפתח|תפתחי|קבע|תקבע|תקבעי|תרשום|תרשמי ~2 משימה|תזכורת|פגישה|"
         "חשבונית|קופון|קוד|שתפ|שיתוף|אירוע|הערה|ליד", 0.95),
        ("כשולמה|כשולם|כבוצע|כבוצעה|כהושלם", 0.9), ("turn|switch ~1 off|on", 0.85), ("תאריך|תאריכי ~1 את", 0.9),
        ("תאריך|תאריכי", 0.5),
    ],
    # A state reported as done ("invoice 2231 was paid", "המשימה בוצעה") is an update wherever it stands.
    "o_state": [
        ("was|is|got|been ~1 paid|sent|signed|completed|done|cancelled|canceled|approved|delivered", 0.8),
        ("has|have been ~1 paid|sent|signed|completed|done|cancelled|canceled|approved|delivered", 0.8),
        ("done|finished|completed ~1 with", 0.85),
        ("is|are|now ~2 active|live|signed|paid|cancelled|canceled|completed|confirmed|approved", 0.75),
        ("הוא|היא|הם|עכשיו ~2 פעיל|פעילה|פעילים|סגור|סגורה|חתום|חתומה|מאושר|מאושרת", 0.75), ("סיימתי|גמרתי ~2 עם|את", 0.85), ("signed", 0.6),
        ("חתמו|חתמנו|נחתם|חתום", 0.6),
        ("שולם|שולמה|שולמו|בוצע|בוצעה|בוצעו|הושלם|הושלמה|סיימתי|נחתם|נחתמה|אושר|אושרה|בוטל|בוטלה|נשלחה|נשלח", 0.75),
    ],
    "o_query": [
        ("show|list|what's|whats|what|how|which|any|status|summary|summarize|report|overview|give|tell|pending|"
         "open|unpaid|overdue|due|outstanding|where", 0.6),
        ("how many|much", 0.8), ("do i have", 0.8), ("what's|whats on", 0.85), ("what is on", 0.85), ("show|list ~2 me|all|my", 0.8),
        ("תראה|תראי|הראה|הראי|הצג|תציג|תציגי|מה|כמה|איזה|אילו|סטטוס|מצב|סיכום|דוח|תסכם|תסכמי|פתוח|פתוחות|פתוחים|"
         "ממתין|ממתינות|ממתינים|באיחור|יש", 0.6),
        ("מה יש לי", 0.85), ("יש לי", 0.6), ("תן|תני לי", 0.7), ("לא|שלא שולמו|שולמה|שולם", 0.85),
        ("=digest|summary|סיכום|דוח|briefing|agenda", 0.95), ("סיכום יומי|היום", 0.95), ("daily digest|summary", 0.95),
        ("how is|are ~3 doing|going|performing", 0.85), ("how did|does|do|was ~3 do|doing|perform|performing|go",
                                                            0.85),
        ("owe|owes|owed|owing|outstanding|receivable|receivables", 0.85), ("brief|update|fill ~1 me", 0.85),
        ("catch me up", 0.85), ("תעדכני|תעדכן|תתדרכי|תתדרך ~1 אותי", 0.85),
        ("איפה|מה ~1 עומדים|עומד|עומדת ~2 מול|עם", 0.85), ("where ~1 are we|do we stand ~2 with|on", 0.85),
        ("where do we stand", 0.85), ("מול", 0.35), ("חייב|חייבים|חייבת ~2 לי|כסף", 0.85), ("status|update|updates|news ~2 with|on|of|for|from|about", 0.8), ("מה ~1 קורה|המצב|הסטטוס עם", 0.8),
        ("איך ~3 הולך|מתקדם|מתקדמת", 0.8),
        # Chat words with a brand for object ask where that partnership stands ("מה המצב עם <brand>").
        *((cue, 0.9) for cue in _CHAT_ABOUT_BRAND),
    ],
    "o_object": [(_OBJECTS, 0.85), ("with brands", 0.9), ("מול ~1 המותגים|מותגים", 0.9)],
    "o_time": [("today|tonight|tomorrow|week|month|היום|להיום|מחר|למחר|השבוע|החודש|הערב", 0.7)],
}
