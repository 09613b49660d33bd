"""Terms for indexing and querying: the shared normaliser plus English plural folding and stop words."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.text import search_terms, tokens

__all__ = ["STOPWORDS", "index_terms", "lexical_query", "query_terms", "token_terms", "tsquery_lexemes"]

# Words that say nothing about the topic. Leaving them out of the lexical query keeps "which olive oil
# do you use" from matching every caption with "you" in it; the embedder skips them for the same reason.
STOPWORDS = frozenset(
    """
    a an the and or but if of to in on at for with from by about as into than then so too very
    is are was were be been being am do does did done have has had having will would can could should
    may might must shall i me my mine we us our you your yours he him his she her hers it its they them
    their this that these those there here what which who whom whose how why when where any some all
    just also not no yes please pls hi hey hello thanks thank ok okay get got know tell really
    של את על עם זה זו זאת אני אתה אתם אתן הוא היא הם הן אנחנו יש אין לא כן מה איך למה מי איזה איזו
    אילו כמה גם רק כל אבל או אם כי אז עוד כבר מאוד הכי פה שם לי לך לו לה לנו לכם להם שלי שלך שלו שלה
    שלנו שלכם שלהם היה היתה הייתה היו להיות אותו אותה אותי אותך אצל בין אחרי לפני עד אל מן כמו
    תודה היי שלום בבקשה אשמח אפשר רוצה
    """.split()
)
_SPLIT = re.compile(r"[^\W_]+", re.UNICODE)
_ASCII_WORD = re.compile(r"^[a-z]+$")


def _english_singular(word: str) -> str | None:
    """A light plural fold ("oils" -> "oil", "cookies" -> "cookie", "tomatoes" -> "tomato")."""
    if len(word) < 4 or not _ASCII_WORD.match(word) or not word.endswith("s"):
        return None
    if word.endswith(("ss", "us", "is")):
        return None
    if word.endswith(("ches", "shes", "xes", "zes", "sses", "oes")):
        return word[:-2]
    return word[:-1]


@lru_cache(maxsize=200_000)
def token_terms(token: str) -> tuple[str, ...]:
    """Index terms of one token: itself, Hebrew prefix-stripped forms, the English singular."""
    terms = search_terms(token)
    singular = _english_singular(token)
    if singular and singular not in terms:
        terms.append(singular)
    return tuple(terms)


def index_terms(text: str) -> list[str]:
    """Every term a text can be found by, deduplicated in order (the `terms` column)."""
    seen: dict[str, None] = {}
    for tok in tokens(text):
        for term in token_terms(tok):
            seen.setdefault(term, None)
    return list(seen)


def query_terms(text: str) -> list[str]:
    """Index terms of a query without stop words (all of them when nothing else is left)."""
    terms = index_terms(text)
    content = [t for t in terms if t not in STOPWORDS]
    return content or terms


def tsquery_lexemes(terms: list[str]) -> list[str]:
    """Terms split the way to_tsvector('simple') splits them, safe to join into a to_tsquery."""
    seen: dict[str, None] = {}
    for term in terms:
        for part in _SPLIT.findall(term):
            seen.setdefault(part, None)
    return list(seen)


MAX_QUERY_WORDS = 12
MIN_VARIANT_LETTERS = 3


def _query_key(word: str) -> str:
    """The one form a question's word is looked up by: its shortest form of three letters or more.

    Indexed chunks carry every prefix-stripped form of their words, so "בבוקר" found as בוקר... down
    to וקר matches "בוקר", "הבוקר" and "ובבוקר" alike; "oils" is looked up as "oil". One form a
    word keeps the per-row test cheap and makes ts_rank count words, not spellings.
    """
    terms = token_terms(word)
    long_enough = [t for t in terms if len(t) >= MIN_VARIANT_LETTERS]
    return long_enough[-1] if long_enough else terms[0]


def lexical_query(text: str) -> str:
    """A to_tsquery('simple') string matching any of a question's words, or "" when it has none."""
    words = [w for w in tokens(text) if w not in STOPWORDS] or tokens(text)
    keys = dict.fromkeys(_query_key(w) for w in dict.fromkeys(words))
    lexemes = tsquery_lexemes(list(keys)[:MAX_QUERY_WORDS])
    return " | ".join(lexemes)
