"""Synthetic Instagram captions (Hebrew, English; food, fitness, beauty, travel) and questions about them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

__all__ = ["NICHES", "SyntheticPost", "tenant_posts", "tenant_queries", "tenant_brands"]


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


# Per niche and language: things (what a post is about), details (what it is made of or with),
# moments, and hashtags. Combined by templates into captions that read like real ones.
VOCAB: dict[str, dict[str, dict[str, list[str]]]] = {
    "food": {
        "en": {
            "thing": _items(
                """
                shakshuka, challah, lentil soup, tahini cookies, green salad, banana bread,
                pumpkin soup, focaccia, hummus bowl, chocolate cake, granola, pasta al limone,
                roasted cauliflower, stuffed peppers, sourdough, lemon tart, falafel,
                chicken schnitzel, eggplant salad, sweet potato fries, apple pie, pita, quiche,
                risotto, date cookies, carrot cake, fish tacos, minestrone, brownies, couscous,
                """
            ),
            "detail": _items(
                """
                olive oil, tahini, cumin, za'atar, fresh herbs, lemon zest, garlic, sumac,
                date syrup, sesame, goat cheese, cherry tomatoes, smoked paprika, honey,
                butter, whole wheat flour, chickpeas, red lentils, coconut milk, pistachios,
                feta, yogurt, dark chocolate, cinnamon, silan,
                """
            ),
            "moment": _items(
                """
                Friday morning, rainy evening, Shabbat dinner, quick weeknight, the holidays,
                brunch with friends, meal prep Sunday, picnic, the kids' lunchbox, late night,
                """
            ),
            "tag": _items(
                """
                recipe, homecooking, foodie, vegan, baking, healthyfood, breakfast, dinner,
                mealprep, easyrecipes,
                """
            ),
        },
        "he": {
            "thing": _items(
                """
                שקשוקה, חלה, מרק עדשים, עוגיות טחינה, סלט ירוק, עוגת בננות, מרק דלעת, פוקאצ'ה,
                קערת חומוס, עוגת שוקולד, גרנולה, פסטה לימון, כרובית צלויה, פלפלים ממולאים,
                לחם מחמצת, טארט לימון, פלאפל, שניצל, סלט חצילים, צ'יפס בטטה, פאי תפוחים, פיתה,
                קיש, ריזוטו, עוגיות תמרים, עוגת גזר, מינסטרונה, בראוניז, קוסקוס,
                """
            ),
            "detail": _items(
                """
                שמן זית, טחינה, כמון, זעתר, עשבי תיבול, גרידת לימון, שום, סומק, סילאן, שומשום,
                גבינת עיזים, עגבניות שרי, פפריקה מעושנת, דבש, חמאה, קמח מלא, חומוס,
                עדשים כתומות, חלב קוקוס, פיסטוקים, פטה, יוגורט, שוקולד מריר, קינמון,
                """
            ),
            "moment": _items(
                """
                שישי בבוקר, ערב גשום, ארוחת שבת, ערב עמוס באמצע השבוע, החגים, בראנץ' עם חברות,
                הכנות ליום ראשון, פיקניק, קופסת האוכל של הילדים, אמצע הלילה,
                """
            ),
            "tag": _items(
                """
                מתכון, בישולביתי, אוכל, טבעוני, אפייה, אוכלבריא, ארוחתבוקר, ארוחתערב,
                מתכוניםקלים,
                """
            ),
        },
    },
    "fitness": {
        "en": {
            "thing": _items(
                """
                leg day, HIIT session, morning run, yoga flow, pilates class, core workout,
                upper body, 5k run, mobility routine, kettlebell circuit, stretching,
                deadlift PR, interval sprints, spin class, hike, glute workout,
                push-up challenge, home workout, recovery day, swim session,
                """
            ),
            "detail": _items(
                """
                resistance bands, dumbbells, yoga mat, protein shake, foam roller, jump rope,
                running shoes, kettlebell, electrolytes, pull-up bar, ankle weights,
                heart rate monitor, creatine, stability ball, sports bra, compression socks,
                """
            ),
            "moment": _items(
                """
                6am, lunch break, after work, Saturday morning, hot day,
                the first cold morning, vacation, busy week,
                """
            ),
            "tag": _items(
                """
                fitness, workout, gym, running, yoga, pilates, fitfam, homeworkout, strength,
                motivation,
                """
            ),
        },
        "he": {
            "thing": _items(
                """
                אימון רגליים, אימון HIIT, ריצת בוקר, שיעור יוגה, שיעור פילאטיס, אימון בטן,
                פלג גוף עליון, ריצת 5 ק"מ, שגרת מוביליטי, סבב קטלבל, מתיחות, שיא בדדליפט,
                ספרינטים, שיעור ספינינג, טיול רגלי, אימון ישבן, אתגר שכיבות סמיכה, אימון בבית,
                יום התאוששות, אימון שחייה,
                """
            ),
            "detail": _items(
                """
                גומיות התנגדות, משקולות, מזרן יוגה, שייק חלבון, רולר, חבל קפיצה, נעלי ריצה,
                קטלבל, אלקטרוליטים, מתח, משקולות קרסול, שעון דופק, קריאטין, כדור פיזיו,
                חזיית ספורט, גרבי לחץ,
                """
            ),
            "moment": _items(
                """
                שש בבוקר, הפסקת צהריים, אחרי העבודה, שבת בבוקר, יום חם, הבוקר הקר הראשון,
                חופשה, שבוע עמוס,
                """
            ),
            "tag": _items(
                """
                כושר, אימון, חדרכושר, ריצה, יוגה, פילאטיס, אימוןבבית, כוח, מוטיבציה,
                """
            ),
        },
    },
    "beauty": {
        "en": {
            "thing": _items(
                """
                morning skincare, night routine, no-makeup look, glowy foundation, red lip,
                curly hair routine, brow lamination, gel nails, summer makeup, bridal makeup,
                sunscreen review, lip gloss swatches, sheet mask night, hair oiling,
                eyeliner tutorial, fragrance collection, dry skin fix, acne routine,
                """
            ),
            "detail": _items(
                """
                vitamin C serum, hyaluronic acid, retinol, SPF 50, niacinamide, rosehip oil,
                silk pillowcase, clay mask, micellar water, lip balm, argan oil, jade roller,
                setting spray, satin scrunchie, ceramide cream, shea butter,
                """
            ),
            "moment": _items(
                """
                before work, date night, heatwave, winter, wedding, lazy Sunday, the beach,
                long flight,
                """
            ),
            "tag": _items(
                """
                skincare, makeup, beauty, glowingskin, haircare, nails, selfcare,
                skincareroutine, grwm,
                """
            ),
        },
        "he": {
            "thing": _items(
                """
                שגרת טיפוח בוקר, שגרת לילה, לוק בלי איפור, מייקאפ זוהר, שפתון אדום,
                שגרת שיער מתולתל, הרמת גבות, לק ג'ל, איפור קיץ, איפור כלות, סקירת קרם הגנה,
                גלוסים, ערב מסכות, טיפוח שיער בשמן, מדריך אייליינר, אוסף בשמים, טיפול בעור יבש,
                שגרה לאקנה,
                """
            ),
            "detail": _items(
                """
                סרום ויטמין סי, חומצה היאלורונית, רטינול, מקדם הגנה 50, ניאצינמיד, שמן ורדים,
                ציפית משי, מסכת חימר, מים מיסלריים, שפתון לחות, שמן ארגן, רולר ג'ייד,
                ספריי קיבוע, גומיית סאטן, קרם קרמידים, חמאת שיאה,
                """
            ),
            "moment": _items(
                """
                לפני העבודה, דייט, שרב, החורף, חתונה, שבת עצלה, חוף הים, טיסה ארוכה,
                """
            ),
            "tag": _items(
                """
                טיפוח, איפור, יופי, עורזוהר, שיער, ציפורניים, טיפוחעצמי, שגרתטיפוח,
                """
            ),
        },
    },
    "travel": {
        "en": {
            "thing": _items(
                """
                Lisbon, the Dolomites, Crete, Tbilisi, Kyoto, the Galilee, Eilat, Rome,
                Barcelona, Budapest, the Golan Heights, Paris, Santorini, Amsterdam,
                Cappadocia, Vienna, the Negev, Prague, Bali, New York,
                """
            ),
            "detail": _items(
                """
                boutique hotel, street food, sunset cruise, hidden beaches, cooking class,
                vineyards, cable car, local market, rooftop bar, hot air balloon, road trip,
                hiking trail, cheap flight deal, travel insurance, carry-on only,
                """
            ),
            "moment": _items(
                """
                spring break, long weekend, the summer holidays, our honeymoon, work trip,
                family vacation, off season, Christmas markets,
                """
            ),
            "tag": _items(
                """
                travel, wanderlust, travelgram, vacation, roadtrip, travelblogger, explore,
                familytravel,
                """
            ),
        },
        "he": {
            "thing": _items(
                """
                ליסבון, הדולומיטים, כרתים, טביליסי, קיוטו, הגליל, אילת, רומא, ברצלונה, בודפשט,
                רמת הגולן, פריז, סנטוריני, אמסטרדם, קפדוקיה, וינה, הנגב, פראג, באלי, ניו יורק,
                """
            ),
            "detail": _items(
                """
                מלון בוטיק, אוכל רחוב, שייט שקיעה, חופים נסתרים, סדנת בישול, יקבים, רכבל,
                שוק מקומי, בר על הגג, כדור פורח, טיול ברכב, שביל הליכה, דיל טיסה זול,
                ביטוח נסיעות, רק טרולי,
                """
            ),
            "moment": _items(
                """
                חופשת האביב, סוף שבוע ארוך, החופש הגדול, ירח הדבש, נסיעת עבודה, חופשה משפחתית,
                מחוץ לעונה, שווקי חג המולד,
                """
            ),
            "tag": _items(
                """
                טיול, טיולים, חופשה, טיולברכב, טיוליםבעולם, טיולמשפחתי, לטייל,
                """
            ),
        },
    },
}
NICHES = tuple(VOCAB)
EMOJI = [
    "🍳",
    "❤️",
    "🥖",
    "🥗",
    "🍪",
    "✨",
    "🔥",
    "💪",
    "🧘‍♀️",
    "🏃‍♀️",
    "💄",
    "💅",
    "🌸",
    "✈️",
    "🌍",
    "📸",
    "😍",
    "🙌",
]

TEMPLATES = {
    "en": [
        "{thing} for {moment} {emoji} made with {detail} and {detail2}. Save it for later! {tags}",
        "Finally tried {thing} with {detail} {emoji} honestly the best part of {moment}. {tags}",
        "You asked about my {thing}: {detail}, {detail2} and {n} minutes. That's it {emoji} {tags}",
        "{moment} = {thing} {emoji} swipe for the {detail} trick. {brand_line}{tags}",
        "My go-to {thing} when it's {moment}: {detail} + {detail2} {emoji} {tags}",
    ],
    "he": [
        "{thing} ל{moment} {emoji} עם {detail} ו{detail2}. שמרו לפעם הבאה! {tags}",
        "סוף סוף ניסיתי {thing} עם {detail} {emoji} הדבר הכי טוב ב{moment}. {tags}",
        "שאלתם על ה{thing} שלי: {detail}, {detail2} ו-{n} דקות. זהו {emoji} {tags}",
        "{moment} = {thing} {emoji} החליקו לטריק עם ה{detail}. {brand_line}{tags}",
        "ה{thing} הקבוע שלי ב{moment}: {detail} ו{detail2} {emoji} {tags}",
    ],
}
BRAND_LINES = {
    "en": "Thanks @{handle} for the {detail}! Code {code} in bio. ",
    "he": "תודה ל@{handle} על ה{detail}! קוד {code} בביו. ",
}
BRAND_STEMS = (
    "Olivo,Greenly,Luma,Sababa,Nordi,Kalo,Tavla,Mira,Zohar,Bloom,Pura,Vela,Noa,Tamar,Hadas,Orly".split(",")
)


@dataclass(frozen=True)
class SyntheticPost:
    """One generated post (the columns the bench COPYs into `posts`)."""

    post_id: str
    caption: str
    hashtags: list[str]
    mentions: list[str]
    url: str
    posted_at: dt.datetime
    likes: int
    is_sponsored: bool


def _niche(tenant_index: int) -> str:
    return NICHES[tenant_index % len(NICHES)]


def _hebrew_share(tenant_index: int) -> float:
    return (0.85, 0.5, 0.15)[tenant_index % 3]  # Hebrew-first, mixed, English-first influencers


def tenant_brands(tenant_index: int) -> list[tuple[str, str]]:
    """(brand name, instagram handle) of the tenant's partners."""
    rng = random.Random(f"brands-{tenant_index}")
    stems = rng.sample(BRAND_STEMS, 4)
    niche = _niche(tenant_index)
    return [(f"{s} {niche.title()}", f"{s.lower()}.{niche}") for s in stems]


def tenant_posts(tenant_index: int, count: int, *, seed: int = 7) -> list[SyntheticPost]:
    """`count` posts of one synthetic influencer, deterministic for (tenant_index, seed)."""
    rng = random.Random(f"{seed}-{tenant_index}")
    niche, brands = _niche(tenant_index), tenant_brands(tenant_index)
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    posts = []
    for i in range(count):
        lang = "he" if rng.random() < _hebrew_share(tenant_index) else "en"
        words = VOCAB[niche][lang]
        detail, detail2 = rng.sample(words["detail"], 2)
        tags = rng.sample(words["tag"], 3)
        sponsored = rng.random() < 0.2
        brand_line, mentions = "", []
        if sponsored:
            name, handle = rng.choice(brands)
            brand_line = BRAND_LINES[lang].format(
                handle=handle, detail=detail, code=name.split()[0].upper() + "10"
            )
            mentions = [handle]
        caption = rng.choice(TEMPLATES[lang]).format(
            thing=rng.choice(words["thing"]),
            moment=rng.choice(words["moment"]),
            detail=detail,
            detail2=detail2,
            n=rng.choice((10, 15, 20, 30, 45)),
            emoji=rng.choice(EMOJI),
            brand_line=brand_line,
            tags=" ".join(f"#{t}" for t in tags),
        )
        post_id = f"{tenant_index:03d}{i:07d}"
        posts.append(
            SyntheticPost(
                post_id=post_id,
                caption=caption,
                hashtags=tags,
                mentions=mentions,
                url=f"https://www.instagram.com/p/B{post_id}/",
                posted_at=start - dt.timedelta(hours=7 * i),
                likes=rng.randint(50, 20000),
                is_sponsored=sponsored,
            )
        )
    return posts


def tenant_queries(tenant_index: int, count: int, *, seed: int = 7) -> list[str]:
    """Questions a follower of this influencer might ask (both languages, some with glued prefixes)."""
    rng = random.Random(f"q-{seed}-{tenant_index}")
    niche = _niche(tenant_index)
    en = [
        "what {detail} do you use for {thing}?",
        "how do you make {thing} with {detail}?",
        "where did you get the {detail}",
        "{thing}",
        "any tips for {thing} on {moment}?",
        "which {detail}",
    ]
    he = [
        "איזה {detail} את משתמשת ל{thing}?",
        "איך את עושה {thing} עם {detail}?",
        "מאיפה ה{detail}?",
        "ב{thing}",
        "טיפים ל{thing} ב{moment}",
        "ה{detail} שלך",
    ]
    queries = []
    for _ in range(count):
        lang = "he" if rng.random() < 0.5 else "en"
        words = VOCAB[niche][lang]
        template = rng.choice(he if lang == "he" else en)
        queries.append(
            template.format(
                thing=rng.choice(words["thing"]),
                detail=rng.choice(words["detail"]),
                moment=rng.choice(words["moment"]),
            )
        )
    return queries
