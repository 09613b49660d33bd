"""Relevance of a knowledge hit to a Hebrew question: inflected forms of the same word count, others don't."""

from __future__ import annotations

import pytest

from knowledge.relevance import is_relevant

KNEE_POST = {"text": "שאלתם על כאבי ברכיים בריצה 🙏 אני לא פיזיותרפיסטית! אם כואב, עוצרים והולכים לבדיקה. #ריצה "
                     "#בריאות"}


@pytest.mark.parametrize(
    "question",
    [
        "כואבת לי הברך כשאני רצה, מה לעשות?",  # כואבת/כאבי, הברך/ברכיים, רצה/ריצה
        "יש לי כאבים בברכיים אחרי ריצה",
        "הברכיים שלי כואבות בריצות ארוכות",
    ],
)
def test_hebrew_inflections_of_the_questions_words_find_the_post(question):
    assert is_relevant(KNEE_POST, question)


@pytest.mark.parametrize(
    "question",
    [
        "איזה נעלי ריצה את ממליצה?",  # one shared word of three is not an answer
        "כואב לי הגב באימון כוח",
        "מה את אוכלת לפני אימון?",
        "ראיתי שאת רצה עם נעליים חדשות",  # "ראיתי" and "בריאות" must not meet by dropping every ו/י
    ],
)
def test_a_post_sharing_one_word_is_still_not_an_answer(question):
    assert not is_relevant(KNEE_POST, question)


def test_short_stems_do_not_make_everything_match():
    post = {"text": "המתכון לשקשוקה הכי טובה: עגבניות, פלפלים וביצים"}
    assert not is_relevant(post, "מה עם רצים בבוקר בחורף?")
