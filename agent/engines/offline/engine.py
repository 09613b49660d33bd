"""understand(): one message in, intent + entities + language + sentiment out, with no model at all."""

from __future__ import annotations

import re
from datetime import datetime

from store.records import DEFAULT_TIMEZONE

from ._brands import find_brands
from ._catalog import index_for
from ._cues import CUES, TAGS
from ._dates import find_moments
from ._entities import extract_shapes
from ._followup import Turn, bare_answer_intent, resolve_followup
from ._intents import Signals, confidence, fold_contact_leave, label_scores, score_intents
from ._owner import find_status, task_title
from ._prep import prepare
from ._signals import reply_language, sentiment
from .classifier import CLASSIFIER_SURE, OVERRULE_SURE, RULES_SURE, Prediction, get_classifier
from .types import FOLLOWER_INTENTS, Catalog, Understanding

__all__ = ["understand"]

# When two intents score the same, the more specific (and more consequential) one wins.
_PRIORITY = ("abuse", "consent", "human_request", "support_issue", "owner_command", "owner_query",
             "coupon_request", "product_question", "partnership_question", "content_question", "feedback",
             "small_talk", "off_topic", "greeting")
_EMOJI_ONLY = re.compile(r"^[\W_]*$")
_MAX_CHARS = 1500
# Intents the rules read from loose cues (a question shape, an opinion word): the classifier may overrule
# even a sure reading of these when it is at least OVERRULE_SURE sure. Codes, consent, a human, a
# problem and abuse stay the rules' when they are sure (exact cues; the guard's business).
_OPEN_TO_MEANING = frozenset({"product_question", "content_question", "small_talk", "feedback", "off_topic",
                               "partnership_question", "greeting"})
_NO_SIGNAL = 0.2  # a rules score below this is no reading at all: the fallback (or the classifier) decides
_LEXICAL = tuple(i for i in FOLLOWER_INTENTS if i != "greeting") + ("consent+", "consent-", "thanks")


def _classified(raw: str, role: str, rules_confidence: float, turn: Turn, rules_score: float) -> Prediction | None:
    """The classifier's follower intent when the rules are unsure of a fresh message (or sure of a loose
    reading the classifier is at least OVERRULE_SURE sure is another), else None. With no
    rule signal at all (`rules_score` below the fallback line) the rules' "intent" is only a tie-break, so
    a classifier that names the same one still decides (it used to be dropped, and the message fell back
    to small talk: "go choke", "you're the worst, delete your account")."""
    if role != "follower" or turn.followup or not raw.strip():
        return None
    sure = rules_confidence >= RULES_SURE
    if sure and turn.intent not in _OPEN_TO_MEANING:
        return None
    if turn.intent in ("owner_query", "owner_command"):  # a follower writing like the owner: the guard's case
        return None
    classifier = get_classifier()
    if classifier is None:
        return None
    guess = classifier.predict(raw)
    if sure and (guess.probability < OVERRULE_SURE or guess.intent not in _OPEN_TO_MEANING | {"abuse"}):
        return None
    if guess.probability < CLASSIFIER_SURE or (guess.intent == turn.intent and rules_score >= _NO_SIGNAL):
        return None
    return guess


def understand(text: str, *, catalog: Catalog, role: str = "follower", now: datetime,
               timezone: str = DEFAULT_TIMEZONE, previous: dict | None = None,
               default_language: str = "he") -> Understanding:
    """Understand one message for one influencer's catalog.

    Args:
        text: the user's message, as received.
        catalog: the influencer's brands (names, aliases, codes, products) and who they are.
        role: "follower" or "owner"; only an owner can get owner_query / owner_command.
        now: the turn's clock; relative dates ("tomorrow", "by Friday") resolve against it.
        timezone: the tenant's IANA time zone.
        previous: the previous turn's Understanding as a dict, for follow-ups.
        default_language: the reply language when the message has no letters.

    Returns:
        An Understanding; deterministic for the same arguments.
    """
    prep = prepare(_bounded(text))
    index = index_for(catalog)
    found = find_brands(prep, index)
    shapes = extract_shapes(prep.raw, known_codes=found.codes)
    dates, times, period, _ = find_moments(prep.clean, now=now, timezone=timezone)
    forms = [CUES.tag(_forms_of(i, prep, found, index.brand_words), TAGS) for i in range(prep.n)]
    labels = label_scores(CUES.find(prep, forms), prep.n)
    status = find_status(prep.clean) if role == "owner" else None
    signals = Signals(
        brand=bool(found.brands or found.ambiguous), code=bool(found.codes),
        code_candidate=bool(shapes.get("code_candidates")), product=bool(found.products),
        order_id=bool(shapes["order_ids"]), rating="rating" in shapes, dates=bool(dates or times),
        status=status is not None, invoice=bool(shapes.get("invoice_numbers")),
        money=bool(shapes["amounts"] or shapes.get("percentages")), percent=bool(shapes.get("percentages")),
        question=_is_question(prep.raw, labels), short=prep.n <= 4,
    )
    labels = fold_contact_leave(labels, signals)
    scores = score_intents(labels, signals, role=role, text=prep.clean)
    intent = max(scores, key=lambda i: (scores[i], -_PRIORITY.index(i)))
    turn = Turn(intent=intent, brands=list(found.brands), ambiguous=list(found.ambiguous))
    own_best = max([labels.get(k, 0.0) for k in _LEXICAL]
                   + ([labels.get("o_cmd", 0.0), labels.get("o_query", 0.0)] if role == "owner" else []))
    entities: dict = {}
    answer = "yes" if labels.get("f_yes") else "no" if labels.get("f_no") else None
    if answer and scores[intent] < 0.8:
        turn.intent = bare_answer_intent(previous)
        turn.followup = previous is not None
        turn.confidence_cap = 0.45
        entities["answer"] = answer
    elif prep.n == 0 and _EMOJI_ONLY.match(prep.raw) and prep.raw.strip() and "rating" not in shapes:
        turn.intent = "feedback" if previous else "small_talk"
        turn.confidence_cap = 0.4
    else:
        turn = resolve_followup(turn, findings=found, labels=labels, own_best=own_best, n_tokens=prep.n,
                                previous=previous, role=role)
    conf = confidence(scores, turn.intent)
    guess = _classified(prep.raw, role, conf, turn, scores.get(turn.intent, 0.0)) if (
        turn.confidence_cap is None) else None
    if guess is not None:  # the rules were unsure and the trained classifier is not
        turn.intent, conf = guess.intent, round(guess.probability, 3)
        entities["intent_by"] = "classifier"
    elif turn.confidence_cap is not None:
        conf = round(min(turn.confidence_cap, max(conf, 0.45)), 3)
    elif scores[turn.intent] < _NO_SIGNAL:
        turn.intent, conf = _fallback(turn, found, role, signals.question)
    entities.update(_entities(turn, found, shapes, dates, times, period, labels, status, prep.raw,
                              now=now, timezone=timezone))
    return Understanding(
        intent=turn.intent,
        confidence=conf,
        language=reply_language(prep, set(found.masks), default_language),
        entities=entities,
        sentiment=sentiment(prep, turn.intent),
        ambiguous_brands=list(turn.ambiguous),
        followup=turn.followup,
        scores={k: scores[k] for k in sorted(scores)},
    )


def _is_question(raw: str, labels: dict[str, float]) -> bool:
    """A question mark, or a question word first (Hebrew questions often have no mark)."""
    return "?" in raw or bool(labels.get("f_question_start"))


def _bounded(text: str) -> str:
    """Very long messages are read by their start and end: the request is there, and time stays bounded."""
    text = text or ""
    return text if len(text) <= _MAX_CHARS else text[:_MAX_CHARS - 300] + " … " + text[-300:]


def _forms_of(i: int, prep, found, protected: frozenset[str]) -> tuple[str, ...]:
    """A token's forms for cue matching: a placeholder when it names a brand, else typo-tolerant forms."""
    if i in found.masks:
        return (found.masks[i],)
    return CUES.correct(prep.variants[i], protected)


def _fallback(turn: Turn, found, role: str, question: bool) -> tuple[str, float]:
    """No cue decided. A bare brand or code asks for its coupon. Other questions to an influencer are mostly
    about her and her content (off-topic ones have cues of their own); other statements are chat."""
    if turn.brands or turn.ambiguous or found.codes:
        return ("owner_query" if role == "owner" else "coupon_request"), 0.35
    if question:
        return "content_question", 0.3
    return "small_talk", 0.2


def _entities(turn: Turn, found, shapes: dict, dates, times, period, labels, status, raw, *, now,
              timezone) -> dict:
    entities: dict = {
        "brands": list(turn.brands),
        "coupon_codes": list(found.codes),
        "products": list(found.products),
        "order_ids": shapes.pop("order_ids"),
        "dates": list(dates),
        "times": list(times),
        "amounts": shapes.pop("amounts"),
    }
    entities.update(shapes)
    if period:
        entities["period"] = period
    if turn.intent == "consent":
        granted, withdrawn = labels.get("consent+", 0.0), labels.get("consent-", 0.0)
        entities["consent"] = "granted" if granted > withdrawn else "withdrawn"
    if status:
        entities["status"] = status
    if turn.intent == "owner_command":
        title = task_title(raw, now=now, timezone=timezone)
        if title:
            entities["task_title"] = title
    if labels.get("f_profanity"):
        entities["profanity"] = True
    if found.self_mentioned:
        entities["mentions_influencer"] = True
    if turn.inherited:
        entities["from_previous"] = list(dict.fromkeys(turn.inherited))
    return entities
