"""A small Hebrew–English glossary of everyday words, so an English question finds a Hebrew post.

The hashing embedder matches spellings, not meanings; followers ask in either language about posts
written in one. Each indexed document also gets the other language's words for the everyday words it
uses (food, fitness, beauty, travel, shopping, support), so "olive oil" finds "שמן זית".
"""

from __future__ import annotations

from functools import lru_cache

from knowledge._terms import token_terms
from knowledge.text import search_terms, tokens

__all__ = ["translations", "GLOSSARY"]

# english | hebrew forms (singular, plural, common spellings). One meaning per line.
GLOSSARY = """
oil | שמן שמנים
olive | זית זיתים
salt | מלח
pepper | פלפל פלפלים
sugar | סוכר
flour | קמח
bread | לחם לחמים
challah | חלה חלות
egg eggs | ביצה ביצים
milk | חלב
butter | חמאה
cheese | גבינה גבינות
tomato tomatoes | עגבניה עגבנייה עגבניות
cucumber cucumbers | מלפפון מלפפונים
onion onions | בצל
garlic | שום
lemon | לימון לימונים
potato potatoes | תפוח אדמה תפוחי אדמה
sweet potato | בטטה בטטות
carrot carrots | גזר
rice | אורז
pasta | פסטה
soup | מרק מרקים
salad | סלט סלטים
cake | עוגה עוגות
cookie cookies | עוגיה עוגייה עוגיות
chocolate | שוקולד
coffee | קפה
tea | תה
wine | יין
meat | בשר
chicken | עוף
fish | דג דגים
vegetables vegetable | ירקות ירק
fruit fruits | פרי פירות
apple apples | תפוח תפוחים
banana bananas | בננה בננות
strawberry strawberries | תות תותים
honey | דבש
tahini | טחינה
hummus | חומוס
lentil lentils | עדשים
beans | שעועית
chickpeas | חומוס גרגרי
spices spice | תבלינים תבלין
cumin | כמון
recipe recipes | מתכון מתכונים
breakfast | ארוחת בוקר ארוחתבוקר
lunch | ארוחת צהריים
dinner | ארוחת ערב
meal meals | ארוחה ארוחות
dessert desserts | קינוח קינוחים
oven | תנור
pan skillet | מחבת
pot | סיר
knife | סכין
kitchen | מטבח
mixer | מיקסר
blender | בלנדר
bake baking baked | אפייה אופה אופים לאפות
cook cooking | בישול מבשלת לבשל בישולביתי
vegan | טבעוני טבעונית
vegetarian | צמחוני צמחונית
gluten | גלוטן
healthy | בריא בריאה
sweet | מתוק מתוקה
spicy | חריף חריפה
fresh | טרי טרייה טריים
homemade | ביתי ביתית
ingredients | מרכיבים מצרכים
shakshuka | שקשוקה
pizza | פיצה
sandwich | כריך סנדוויץ
yogurt | יוגורט
oats oatmeal | שיבולת שועל
nuts | אגוזים
almonds | שקדים
avocado | אבוקדו
mushrooms | פטריות
eggplant | חציל חצילים
pumpkin | דלעת
orange | כתום תפוז
box | ארגז קופסה
workout workouts | אימון אימונים
training | אימון
gym | חדר כושר
running run | ריצה לרוץ
yoga | יוגה
pilates | פילאטיס
muscles | שרירים
weight | משקל
protein | חלבון
stretching | מתיחות
exercise exercises | תרגיל תרגילים
cardio | אירובי
strength | כוח
walk walking | הליכה
swimming | שחייה
sleep | שינה
skin | עור
skincare | טיפוח
cream | קרם
serum | סרום
mask | מסכה
makeup | איפור
lipstick | שפתון
mascara | מסקרה
hair | שיער
shampoo | שמפו
nails | ציפורניים
perfume | בושם
sunscreen | קרם הגנה
face | פנים
trip | טיול
travel | טיול טיולים
flight | טיסה
hotel | מלון
beach | חוף ים
sea | ים
vacation holiday | חופשה
restaurant | מסעדה
discount | הנחה
coupon | קופון
code | קוד
price | מחיר
cost | עלות
shipping delivery | משלוח
order | הזמנה
shop store | חנות
buy | לקנות קונה
sale | מבצע
gift | מתנה
free | חינם
workshop workshops | סדנה סדנאות
class classes | שיעור שיעורים
friday | שישי
saturday shabbat | שבת
morning | בוקר
week weekly | שבוע שבועי
rainy rain | גשום גשם
winter | חורף
summer | קיץ
home | בית
plan planning | תכנון מתכננת
green | ירוק ירוקה
autumn fall | סתיו
spring | אביב
dry | יבש יבשה יבשים
oily | שמן שמנה שמנוני
sensitive | רגיש רגישה
curls curly | תלתלים מתולתל
heat heatless | חום
straight | חלק
color colour | צבע
acne | אקנה
pimple pimples | פצעון פצעונים
spots | כתמים
wrinkles | קמטים
routine | שגרה
night | לילה ערב
evening | ערב
moisturizer | קרם לחות לחות
cleanser | תרחיץ ניקוי
toner | טונר
blush | סומק
concealer | קונסילר
eyes | עיניים
lips | שפתיים
coffee | קפה
iced | קר
knee knees | ברך ברכיים
pain | כאב כאבים
injury | פציעה
legs | רגליים
snack snacks | חטיף חטיפים
drink | משקה לשתות
shoes | נעליים
leggings | טייץ טייצים
marathon | מרתון
intervals | אינטרוולים
grill grilling | גריל מנגל
steak | סטייק
meat | בשר
charcoal | פחם גחלים
burger burgers | המבורגר בורגר
vegetarian | צמחוני צמחונית
eggplant | חציל חצילים
corn | תירס
mushrooms | פטריות
skewers | שיפודים
weekend | סופ"ש סוף שבוע
"""


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for line in GLOSSARY.strip().splitlines():
        english, hebrew = (part.strip() for part in line.split("|"))
        en_words, he_words = english.split(), hebrew.split()
        for word in en_words:
            table.setdefault(search_terms(word)[0], []).extend(he_words)
        for word in he_words:
            table.setdefault(search_terms(word)[0], []).extend(en_words)
    return {key: tuple(dict.fromkeys(values)) for key, values in table.items()}


def translations(text: str) -> list[str]:
    """The other language's words for the glossary words in a text (deduplicated, in order)."""
    table = _table()
    found: dict[str, None] = {}
    for tok in tokens(text):
        # The whole word first: "לחם" is bread, not ל + "חם" (hot).
        for term in token_terms(tok):
            if term in table:
                for word in table[term]:
                    found.setdefault(word, None)
                break
    return list(found)
