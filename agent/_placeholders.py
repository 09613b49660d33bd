"""Stand-ins used only while agent.offline / agent.respond are not in the build (deleted once they are)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["understand", "respond"]

_HE = re.compile(r"[\u05d0-\u05ea]")


def understand(text: str, *, catalog: Any, role: str, **_: Any) -> dict[str, Any]:
    """Keyword understanding: enough for an end-to-end turn, nothing more."""
    low = text.lower()
    brands = [b.ref for b in catalog.brands if b.name.lower() in low or any(a.lower() in low for a in b.aliases)]
    if re.search(r"code|coupon|discount|קוד|קופון|הנחה", low):
        intent = "coupon_request"
    elif re.search(r"human|person|נציג|בן אדם", low):
        intent = "human_request"
    elif re.search(r"hi|hello|hey|שלום|היי", low):
        intent = "greeting"
    else:
        intent = "off_topic"
    return {"intent": intent, "confidence": 0.9, "language": "he" if _HE.search(text) else "en",
            "entities": {"brands": brands}, "sentiment": "neutral", "ambiguous_brands": [], "followup": False,
            "scores": {}}


def respond(state: dict[str, Any]) -> dict[str, Any]:
    """A plain reply listing what the tools found."""
    language = (state.get("understanding") or {}).get("language") or "en"
    action = (state.get("decision") or {}).get("action")
    parts = [f"[{action}]"]
    cards = []
    for r in state.get("tool_results") or []:
        data = r.get("data") or {}
        for c in data.get("coupons", []) if isinstance(data, dict) else []:
            parts.append(f"{c.get('brand')}: {c.get('code')}")
            cards.append({"type": "coupon", **c})
    return {"reply": " ".join(parts), "language": language, "cards": cards}
