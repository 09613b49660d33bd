"""From matched cues and recognised entities to one score per intent (noisy-OR of independent votes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._patterns import Match
from .types import FOLLOWER_INTENTS, OWNER_INTENTS

__all__ = ["Signals", "label_scores", "score_intents", "confidence", "noisy_or", "fold_contact_leave"]

_ARITHMETIC = re.compile(r"(?<!\d)\d+\s*(?:[+*/x×÷=^-]|כפול|חלקי|ועוד|פחות|plus|minus|times|divided by)\s*\d+"
                         r"|(?<!\d)\d+\s*%\s*(?:of|מ|מתוך)\s*\d+")
_CONTENT_INTENTS = ("coupon_request", "product_question", "content_question", "partnership_question",
                    "support_issue", "human_request", "consent", "abuse", "off_topic", "owner_query",
                    "owner_command")


@dataclass
class Signals:
    """What the message carries besides cue words."""

    brand: bool = False
    code: bool = False
    code_candidate: bool = False
    product: bool = False  # a catalog product
    order_id: bool = False
    rating: bool = False
    dates: bool = False
    status: bool = False
    invoice: bool = False
    money: bool = False
    percent: bool = False
    question: bool = False
    short: bool = False  # four words or fewer


def noisy_or(weights) -> float:
    """1 - prod(1 - w): independent votes that each make the label likelier."""
    p = 1.0
    for w in weights:
        p *= 1.0 - max(0.0, min(1.0, w))
    return 1.0 - p


def label_scores(matches: list[Match], n_tokens: int) -> dict[str, float]:
    """Score of each label. Overlapping cues of one label are one vote (the strongest): "your last reel"
    and "reel" are the same evidence. An owner verb counts fully only near the start (an imperative)."""
    by_label: dict[str, list[tuple[float, Match]]] = {}
    for m in matches:
        w = m.cue.weight
        if m.cue.label == "o_cmd" and 1 < m.start and m.end < n_tokens:  # imperatives open or close the line
            w *= 0.6
        elif m.cue.label == "o_query" and m.start > 1:
            w *= 0.8
        by_label.setdefault(m.cue.label, []).append((w, m))
    scores: dict[str, float] = {}
    for label, weighted in by_label.items():
        taken: list[tuple[int, int]] = []
        votes = []
        for w, m in sorted(weighted, key=lambda wm: (-wm[0], wm[1].start)):
            if any(m.start < e and s < max(m.end, m.start + 1) for s, e in taken):
                continue
            taken.append((m.start, max(m.end, m.start + 1)))
            votes.append(w)
        scores[label] = noisy_or(votes)
    which = [m.start for m in matches if m.cue.label == "f_which"]
    nouns = [m.start for m in matches if m.cue.label == "f_product_noun"]
    if any(0 < n - w <= 2 for w in which for n in nouns):
        scores["f_which_noun"] = 1.0  # "which oil", "איזה שמן זית", "what mixer is that"
    return scores


def fold_contact_leave(labels: dict[str, float], sig: Signals) -> dict[str, float]:
    """Leave to contact ("you can email me", "אפשר לשלוח לי") is consent when that is all the message says or
    it names news to come ("about new codes"); with a thing to send now (a code, a brand, a product, a topic)
    it only says where to send it."""
    leave = labels.get("consent_channel", 0.0)
    if not leave:
        return labels
    wanted = max(labels.get(i, 0.0) for i in ("coupon_request", "product_question", "content_question",
                                                "support_issue", "partnership_question"))
    asks_now = sig.brand or sig.code or sig.product or labels.get("f_topic") or wanted >= 0.5
    if asks_now and not labels.get("f_news"):
        return labels
    return {**labels, "consent+": max(labels.get("consent+", 0.0), leave)}


def _boost(scores: dict[str, float], intent: str, w: float) -> None:
    scores[intent] = noisy_or([scores.get(intent, 0.0), w])


def score_intents(labels: dict[str, float], sig: Signals, *, role: str, text: str) -> dict[str, float]:
    """Per-intent scores after context votes, owner gating and the courtesy / priority rules."""
    scores = {i: labels.get(i, 0.0) for i in FOLLOWER_INTENTS}
    scores["consent"] = max(labels.get("consent+", 0.0), labels.get("consent-", 0.0))
    feedback_core = scores["feedback"]
    _boost(scores, "feedback", labels.get("thanks", 0.0))  # courtesy: yields to any real request (below)
    if sig.brand:
        # A bare brand ("GreenBox?") most likely wants its code; a longer question about it is about the brand.
        _boost(scores, "coupon_request", 0.3 if sig.short else 0.12)
        _boost(scores, "product_question", 0.3 if sig.question and not sig.short else 0.15)
        _boost(scores, "partnership_question", 0.1)
    if sig.code:  # a code in a question is a question about the code ("is X10 for one ticket or two?")
        _boost(scores, "coupon_request", 0.6 if sig.question else 0.45)
    if sig.code_candidate and role != "owner":
        _boost(scores, "coupon_request", 0.45)
    if sig.order_id:
        _boost(scores, "support_issue", 0.6)
    asks = labels.get("f_which", 0.0) > 0
    if labels.get("f_which_noun"):
        _boost(scores, "product_question", 0.7)
    elif sig.product:
        _boost(scores, "product_question", 0.55 if (asks or sig.question) else 0.2)
    elif labels.get("f_product_noun"):
        _boost(scores, "product_question", 0.45 if (asks or sig.question) else 0.15)
    if sig.percent and role != "owner" and not _ARITHMETIC.search(text):
        _boost(scores, "coupon_request", 0.45)
    if labels.get("f_brand_subject"):  # "what's up with <brand>?" asks about the brand, it is not chat
        scores["small_talk"] *= 0.5
        _boost(scores, "product_question", 0.45)
    if labels.get("f_content_noun"):
        _boost(scores, "content_question", 0.3 if asks else 0.2)
    if sig.rating:
        _boost(scores, "feedback", 0.9)
        feedback_core = scores["feedback"]
    elif _ARITHMETIC.search(text):
        _boost(scores, "off_topic", 0.85)
    if role == "owner":
        _owner_scores(labels, sig, scores)
    else:
        scores.update({i: 0.0 for i in OWNER_INTENTS})
    _courtesy_and_priority(scores, feedback_core, sig.question)
    return scores


def _owner_scores(labels: dict[str, float], sig: Signals, scores: dict[str, float]) -> None:
    cmd, qry = noisy_or([labels.get("o_cmd", 0.0), labels.get("o_state", 0.0)]), labels.get("o_query", 0.0)
    obj, when = labels.get("o_object", 0.0), labels.get("o_time", 0.0)
    context = noisy_or([obj, 0.6 * sig.brand, 0.7 * (sig.code or sig.code_candidate), 0.4 * sig.dates,
                        0.6 * sig.status, 0.5 * sig.invoice, 0.4 * sig.money])
    scores["owner_command"] = cmd * (0.45 + 0.55 * context)
    about = max(obj, when, 0.6 * sig.code, 0.5 * sig.brand)
    scores["owner_query"] = noisy_or([qry * (0.4 + 0.6 * about), 0.55 * obj])
    if max(scores["owner_command"], scores["owner_query"]) >= 0.5:
        # The owner asking about their business reads it through owner tools, not as a follower would;
        # "what's up with <brand>?" names its subject, so it is not chat either.
        damped = ("coupon_request", "product_question", "partnership_question", "content_question",
                  "support_issue", "off_topic", "consent") + (("small_talk",) if about >= 0.5 else ())
        for intent in damped:
            scores[intent] *= 0.75
        if about >= 0.5:  # "keep me posted on <brand>" from the owner asks for its status, not for messages
            scores["consent"] *= 0.6


def _courtesy_and_priority(scores: dict[str, float], feedback_core: float, question: bool) -> None:
    content = max(scores[i] for i in _CONTENT_INTENTS)
    # "hi, is there a code?" is a coupon request; "thanks! and for GreenBox?" is not feedback.
    others = max(content, feedback_core, scores["small_talk"])
    if others >= 0.4 and scores["greeting"] >= others:
        scores["greeting"] = others - 0.01
    if content >= 0.5 and feedback_core < 0.5 and scores["feedback"] >= content:
        scores["feedback"] = content - 0.01
    asked = max(scores[i] for i in _CONTENT_INTENTS if i != "human_request")
    if question and asked >= 0.55 and scores["small_talk"] >= asked and scores["small_talk"] < 0.9:
        scores["small_talk"] = asked - 0.01
    # A stated problem ("the code wasn't applied") is support even though it names a code or a product.
    if scores["support_issue"] >= 0.8:
        topic = max(scores["coupon_request"], scores["product_question"], scores["content_question"])
        scores["support_issue"] = max(scores["support_issue"], min(1.0, topic + 0.01))
    top = max(scores.values())
    if scores["human_request"] >= 0.75 and scores["support_issue"] >= top - 0.15:
        scores["human_request"] = max(scores["human_request"], top + 0.01)
    # "thanks, you're the best" is appreciation for the help, not chat.
    if scores["feedback"] >= 0.7 and scores["feedback"] <= scores["small_talk"] < 0.95:
        scores["feedback"] = scores["small_talk"] + 0.01
    if scores["abuse"] >= 0.9:
        scores["abuse"] = max(scores["abuse"], max(scores.values()) + 0.01)
    for k, v in scores.items():
        scores[k] = round(min(v, 1.0), 4)


def confidence(scores: dict[str, float], intent: str) -> float:
    """Calibrated-ish: the winning score discounted by how close the runner-up came."""
    top = scores.get(intent, 0.0)
    second = max((v for k, v in scores.items() if k != intent), default=0.0)
    if top <= 0:
        return 0.1
    margin = max(0.0, top - second) / top
    return round(max(0.05, min(0.99, top * (0.5 + 0.5 * margin))), 3)

