"""Everyday words of English and Hebrew: a brand-name word that is one of these never names the brand alone,
and a message word that is one of these is never "typo-corrected" into something else."""

# ruff: noqa: E501 -- cue tables read best one cue per line, however long the cue
from __future__ import annotations

from ._prep import fold

__all__ = ["COMMON_WORDS"]

_EN = """
a about above after again against all almost also always am among an and another any anyone anything are around
as ask at away back bad be because been before being below best better between big both but buy by call came can
cannot car case change city close come could day days did different do does doing done down during each early
easy end enough even ever every eye face fact family far feel few find first five follow for four free friend
from full game gave get give go going gone good got great group had half hand happy hard has have he head hear
heart help her here high him his home hot hour house how i idea if important in into is it its job just keep
kind know land large last late later leave left less let life light like line little live long look lot love
low made make man many may me mean men might mind miss more morning most mother move much must my name near need
never new next nice night no not nothing now number of off often old on once one only open or order other our out
over own page part people person place plan play point power put question quick quite rather read real really
right room run said same saw say school see seem set she should show side since small so some something sometimes
soon start state still stop story such sun sunny sure take talk tell than that the their them then there these
they thing things think this those though three through time to today together told too took top toward true try
turn two under until up us use very want was watch water way we week well went were what when where which while
white who why will with without word work world would write year yes yet you young your days week weeks month
months morning night today tomorrow happy daily dose vibes magic dream dreams wild simple smart little big
mini super true pure real story extra special classic original premium
"""
_HE = """
אני את אתה הוא היא אנחנו אתם הם הן זה זאת זו אלה של עם על אל מן כי אם או גם רק כבר עוד לא כן יש אין מה מי
איך למה מתי איפה כמה איזה איזו כל הכל אחד אחת שני שתי שלוש טוב טובה יפה יפים גדול גדולה קטן קטנה חדש חדשה
ישן יום ימים שבוע חודש שנה היום מחר אתמול עכשיו אחרי לפני בוקר ערב לילה בית עבודה דבר דברים משהו הרבה קצת
מאוד ממש סתם בסדר אולי צריך צריכה רוצה רוצים יכול יכולה אפשר תודה בבקשה שלום סליחה מודה אוהב אוהבת אהבה
חיים אור שמש מים ים אדמה זהב כסף אבן עץ פרח ורד לב נשמה חבר חברה משפחה אמא אבא ילד ילדה בן בת איש אישה
דרך עולם ארץ עיר רחוב מקום זמן סוף ראש יד עין פה שם הנה כאן פה שמה תמיד אף פעם מחדש ביחד יחד נכון באמת
סבבה יאללה אחי אחלה מעולה מושלם
"""

COMMON_WORDS = frozenset(fold(w) for w in (_EN + _HE).split())
