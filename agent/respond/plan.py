"""What a reply says, before any wording: segments (situation + facts) and cards, from the turn's state.

Facts come only from tool results (codes, amounts, dates, links) and the decision; templates only
word them. One segment per thing to say, in order, e.g. a knowledge answer and then a coupon.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from agent.engines.offline.facts import referral
from agent.respond.confirm import confirm_text
from agent.respond.format import date, discount, expires_phrase
from agent.respond.knowledge import extract, language_of, relevant_hits
from agent.respond.owner import field_label, render_owner_result
from agent.respond.terms import localize_terms
from knowledge.text import is_hebrew

__all__ = ["Plan", "Segment", "plan_reply", "reply_language"]

_COUPON_NEGATIVE = (
    "none_for_brand",
    "expired",
    "inactive",
    "not_started",
    "unknown_brand",
    "unknown_code",
    "none",
)
_CTA = {
    "he": {
        "copy": ["העתיקו את הקוד ותהנו!"],
        "shop": ["לחצו על הקישור ותתחילו להזמין!"],
        "urgent": ["כדאי לא לחכות יותר מדי, הקוד לא לנצח!"],
        "soft": ["תהנו!"],
    },
    "en": {
        "copy": ["Copy the code and enjoy!"],
        "shop": ["Tap the link and start shopping!"],
        "urgent": ["Don't wait too long – codes don't last forever!"],
        "soft": ["Enjoy!"],
    },
}
_CTA_DEFAULT = {
    "he": ["תהנו!", "מוזמנים להעתיק ולהנות!", "אשמח לשמוע איך יצא!"],
    "en": ["Enjoy!", "Happy shopping!", "Let me know how it goes!"],
}
_SUPPORT_KIND = {
    "he": {
        "order_missing": "על ההזמנה שלא הגיעה",
        "code_not_working": "על הקוד שלא עבד",
        "damaged": "על המוצר הפגום",
        "refund": "לגבי ההחזר",
    },
    "en": {
        "order_missing": "about the missing order",
        "code_not_working": "about the code that didn't work",
        "damaged": "about the damaged item",
        "refund": "about the refund",
    },
}
MAX_LISTED_COUPONS = 6


@dataclass
class Segment:
    """One thing the reply says: which template, with which facts."""

    situation: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """The reply before wording: language, segments, cards, and whether this is the first turn."""

    language: str
    segments: list[Segment]
    cards: list[dict[str, Any]]
    first_turn: bool
    style: dict[str, Any] = field(default_factory=dict)

    def extras(self, voice: Any) -> dict[str, Any]:
        """Voice-dependent facts every template may use (the call to action)."""
        wants_cta = voice.detailed or bool(self.style.get("cta"))
        cta = voice.cta(_CTA[self.language], _CTA_DEFAULT[self.language]) if wants_cta else ""
        return {"cta": cta}


def reply_language(state: dict[str, Any]) -> str:
    """he or en: the user's language as understood, else the letters of the message, else the tenant's."""
    understood = (state.get("understanding") or {}).get("language")
    if understood in ("he", "en"):
        return understood
    text = state.get("masked_text") or state.get("text") or ""
    if is_hebrew(text):
        return "he"
    if re.search(r"[A-Za-z]", text):
        return "en"
    default = ((state.get("tenant") or {}).get("languages") or ["he"])[0]
    return default if default in ("he", "en") else "en"


def _coupon_facts(c: dict[str, Any], language: str, today: dt.date) -> dict[str, Any]:
    terms = localize_terms(c.get("terms"), language).rstrip(".")
    return {
        "code": c.get("code"),
        "brand": c.get("brand"),
        "description": discount(c, language),
        "terms": terms,
        "list_terms": terms,
        "url": c.get("url"),
        "expires": c.get("expires"),
        "expires_text": expires_phrase(c.get("expires"), language, today=today),
    }


def _card(c: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "coupon",
        "code": c.get("code"),
        "brand": c.get("brand"),
        "description": facts["description"],
        "terms": c.get("terms"),
        "url": c.get("url"),
        "expires": c.get("expires"),
        "coupon_id": c.get("id"),
    }


def _coupon_segments(data: dict[str, Any], language: str, today: dt.date, cards: list,
                     dates: bool = False) -> list[Segment]:
    status = data.get("status")
    coupons = data.get("coupons") or []
    brand = (data.get("brand") or {}).get("name")
    asked = (data.get("brand") or {}).get("ref")
    alternatives = [b["name"] for b in data.get("brands_with_codes") or [] if b.get("ref") != asked]
    if status in ("ok", "unknown_brand") and coupons:
        facts = [_coupon_facts(c, language, today) for c in coupons]
        cards.extend(_card(c, f) for c, f in zip(coupons, facts, strict=True))
        if status == "unknown_brand":  # the name asked for comes first, then what there is instead
            query = (data.get("query") or {}).get("brand") or ""
            return [
                Segment("coupon_unknown_brand", {"query": query, "alternatives": []}),
                Segment("coupons_several", {"coupons": facts[:MAX_LISTED_COUPONS],
                                             "more": max(0, len(facts) - MAX_LISTED_COUPONS),
                                             "same_brand": None, "instead": True, "dates": dates}),
            ]
        if len(coupons) == 1:
            return [Segment("coupon_found", {"c": facts[0], "asked_code_status": data.get("asked_code_status"),
                                             "dates": dates})]
        brands = {f["brand"] for f in facts}
        return [
            Segment(
                "coupons_several",
                {
                    "coupons": facts[:MAX_LISTED_COUPONS],
                    "more": max(0, len(facts) - MAX_LISTED_COUPONS),
                    "same_brand": brand if len(brands) == 1 and brand else None,
                    "instead": False,
                    "dates": dates,  # "until when?": every code with its last day
                },
            )
        ]
    query = (data.get("query") or {}).get("brand") or ""
    link = (data.get("brand") or {}).get("link")
    context = {
        "perk": _perk(data.get("perks") or [], language),
        "brand": brand or query,
        "alternatives": alternatives,
        "link": link,
        "query": query,
        "expired_on": date(data.get("expired_on"), language, today=today) if data.get("expired_on") else "",
        "starts_on": date(data.get("starts_on"), language, today=today) if data.get("starts_on") else "",
    }
    if status == "ambiguous_brand":
        return [Segment("clarify", {"options": [c["name"] for c in data.get("candidates") or []], "question": None})]
    if status in (
        "expired",
        "inactive",
        "not_started",
        "none_for_brand",
        "unknown_brand",
        "unknown_code",
        "none",
    ):
        return [Segment(f"coupon_{status}" if status != "none" else "coupon_none", context)]
    return [Segment("coupon_none", context)]


_NO_CODE_LEAD = re.compile(
    r"^\s*(?:no|there'?s no|there is no)\s+(?:discount\s+)?(?:code|coupon)[^;:.,–-]*[;:.,–-]\s*"
    r"|^\s*(?:אין|לא קיים)\s+(?:קוד|קופון)[^;:.,–-]*[;:.,–-]\s*",
    re.IGNORECASE,
)


def _perk(perks: list[dict[str, str]], language: str) -> str:
    """The brand's own answer about deals, in the reply's language when there is one, minus "No code;"."""
    if not perks:
        return ""
    answers = [p.get("a") or "" for p in perks]
    fitting = [a for a in answers if language_of(a) == language]
    answer = (fitting or answers)[0].strip()
    rest = _NO_CODE_LEAD.sub("", answer, count=1).strip()
    rest = rest or answer
    return rest[:1].upper() + rest[1:]


def _knowledge_segment(data: dict[str, Any], language: str, detailed: bool) -> Segment | None:
    query = data.get("query") or ""
    hits = relevant_hits(data, query=query)
    if not hits:
        return None
    top = hits[0]
    text = extract(top, query=query, limit=420 if detailed else 240)
    same = language_of(text) == language
    if not same:  # a quote in the other language stays short, so the reply stays in the user's language
        text = extract(top, query=query, limit=160)
    more = [h["url"] for h in hits[1:3] if h.get("url") and h.get("url") != top.get("url")]
    return Segment(
        "knowledge",
        {
            "extract": text,
            "same_language": same,
            "source": top.get("source_type") or "",
            "url": top.get("url"),
            "brand": top.get("brand"),
            "more_sources": more,
        },
    )


def _owner_error(error: dict[str, Any], language: str) -> str:
    reason = str(error.get("reason") or "")
    fld = error.get("field")
    return f"{field_label(fld, language)}: {reason}" if fld else reason


def _from_results(
    state: dict[str, Any], language: str, today: dt.date, cards: list, *, detailed: bool
) -> list[Segment]:
    results = [r for r in state.get("tool_results") or [] if isinstance(r, dict)]
    role = state.get("role", "follower")
    intent = (state.get("understanding") or {}).get("intent")
    decision = state.get("decision") or {}
    by_name = {r.get("name"): r for r in results}
    segments: list[Segment] = []
    handed_off = bool((by_name.get("request_handoff") or {}).get("ok"))
    knowledge_asked = "search_knowledge" in by_name
    for result in results:
        name, ok, data = str(result.get("name") or ""), result.get("ok"), result.get("data") or {}
        if not ok:
            error = result.get("error") or {}
            if error.get("code") == "forbidden":
                segments.append(Segment("refuse"))
            elif name == "search_knowledge":
                continue  # said below as "I don't know, I'll pass it on"
            elif name == "save_my_details":
                if error.get("code") == "no_consent":
                    segments.append(Segment("details_need_consent"))
            elif role == "owner":
                segments.append(Segment("error", {"reason": _owner_error(error, language)}))
            else:
                segments.append(Segment("error", {"reason": ""}))
            continue
        if name == "find_coupons":
            # A product question answered from knowledge only adds a code when there is one, and
            # only for the brand the answer is about.
            if knowledge_asked and data.get("status") in _COUPON_NEGATIVE:
                continue
            if knowledge_asked and _other_brand(data, by_name.get("search_knowledge")):
                continue
            asks = bool(((state.get("understanding") or {}).get("entities") or {}).get("asks_validity"))
            segments.extend(_coupon_segments(data, language, today, cards, dates=asks))
        elif name == "search_knowledge":
            segment = _knowledge_segment(data, language, detailed=detailed)
            if segment is not None:
                segments.insert(0, segment)
        elif name == "list_brands":
            brands = data.get("brands") or []
            segments.append(
                Segment(
                    "brands",
                    {
                        "brands": brands,
                        "names": [b["name"] for b in brands],
                        "with_codes": [b["name"] for b in brands if b.get("has_code")],
                    },
                )
            )
        elif name == "open_support_issue":
            segments.append(
                Segment(
                    "support",
                    {
                        "issue_id": data.get("issue_id"),
                        "order_id": data.get("order_id"),
                        "brand": data.get("brand"),
                        "kind_text": _SUPPORT_KIND[language].get(data.get("kind") or "", ""),
                        "handed_off": handed_off,
                        "offer_human": not handed_off,
                    },
                )
            )
        elif name == "request_handoff":
            if "open_support_issue" not in by_name:
                segments.append(Segment("handoff", {"already_waiting": bool(data.get("already_waiting"))}))
        elif name == "record_feedback":
            segments.append(
                Segment(
                    "feedback",
                    {"mood": _mood(data, state), "after_coupon": data.get("after_coupon"), "closing": True,
                     "ask_follows": bool(data.get("ask_follows"))},
                )
            )
        elif name == "set_consent":
            granted = data.get("consent") == "granted"
            segments.append(Segment("consent_granted" if granted else "consent_withdrawn",
                                    {"ask_details": bool(data.get("ask_details"))}))
        elif name == "save_my_details":
            segments.append(Segment("details_saved", {"who": data.get("name"), "email": data.get("email"),
                                                      "interests": data.get("interests") or []}))
        elif name == "record_follows":
            segments.append(Segment("follows", {"follows": data.get("follows"), "invite": data.get("invite")}))
        elif name == "erase_my_data":
            segments.append(Segment("erased", {"messages": data.get("messages") or 0}))
        elif name == "export_my_data":
            segments.append(Segment("exported", {**(data.get("summary") or {}), "url": data.get("url")}))
        else:
            out = render_owner_result(
                name,
                data,
                language=language,
                today=today,
                channel=state.get("channel", "web"),
                args=result.get("args"),
            )
            segments.append(Segment("owner_result", out))
    if knowledge_asked and not any(
        s.situation in ("knowledge", "coupon_found", "coupons_several", "brands") for s in segments
    ):
        segments.append(Segment("dont_know"))
    if not segments and decision.get("note") == "offer_human" and intent == "support_issue":
        segments.append(Segment("support_ask"))
    return segments


def _other_brand(coupons: dict[str, Any], knowledge: dict[str, Any] | None) -> bool:
    """True when the knowledge answer is about one brand and the codes are for another."""
    if not knowledge or not knowledge.get("ok"):
        return False
    data = knowledge.get("data") or {}
    hits = relevant_hits(data, query=data.get("query") or "")
    about = (hits[0].get("brand") or "") if hits else ""
    brands = {c.get("brand") for c in coupons.get("coupons") or []}
    return bool(about) and bool(brands) and about not in brands


def _mood(data: dict[str, Any], state: dict[str, Any]) -> str:
    rating = data.get("rating")
    if rating is not None:
        return "positive" if rating >= 4 else "negative" if rating <= 2 else "neutral"
    return data.get("sentiment") or (state.get("understanding") or {}).get("sentiment") or "neutral"


def _without_results(state: dict[str, Any]) -> list[Segment]:
    u = state.get("understanding") or {}
    intent = u.get("intent")
    entities = u.get("entities") or {}
    closing = bool(entities.get("closing"))
    simple = {
        "greeting": "greeting",
        "off_topic": "off_topic",
        "abuse": "abuse",
        "human_request": "handoff",
        "support_issue": "support_ask",
    }
    if intent == "greeting" and closing and not entities.get("greets"):
        return [Segment("small_talk", {"closing": True})]
    if intent in simple:
        context = {"already_waiting": False} if intent == "human_request" else {}
        return [Segment(simple[intent], context)]
    if intent == "small_talk":
        return [Segment("small_talk", {"closing": closing})]
    if intent == "feedback":
        return [Segment("feedback", {"mood": u.get("sentiment") or "neutral", "after_coupon": False, "closing": True})]
    if intent == "consent":
        return [Segment("consent_withdrawn" if entities.get("consent_withdrawn") else "consent_granted")]
    if intent in ("coupon_request", "product_question", "content_question", "partnership_question"):
        return [Segment("dont_know")]
    if intent in ("owner_query", "owner_command"):
        return [Segment("owner_missing", {"question": None, "missing": []})]
    return [Segment("fallback")]


def _decision_segments(state: dict[str, Any], language: str, today: dt.date) -> list[Segment] | None:
    """Actions that decide the reply by themselves (no tool results needed), else None."""
    decision = state.get("decision") or {}
    policy = state.get("policy") or {}
    action, note = decision.get("action"), decision.get("note")
    intent = (state.get("understanding") or {}).get("intent")
    if action == "rate_limited" or policy.get("verdict") == "rate_limited":
        return [Segment("rate_limited")]
    if action == "refuse" or policy.get("verdict") == "refuse":
        reasons = " ".join(str(r) for r in policy.get("reasons") or [])
        return [Segment("abuse" if intent == "abuse" or "abuse" in reasons else "refuse")]
    if action == "handoff" and not state.get("tool_results"):
        if note == "paused_silent":
            return []
        if note == "paused":
            return [Segment("paused")]
        return [Segment("handoff", {"already_waiting": False})]
    if note == "boundary":  # advice the persona does not give: its redirect, nothing else
        topic = str(decision.get("boundary") or "medical")
        notes = str((state.get("persona") or {}).get("notes") or "")
        return [Segment("boundary", {"topic": topic, "who": referral(topic, notes)})]
    if action == "confirm":
        pending = decision.get("pending") or state.get("pending_action") or {}
        description = (decision.get("question") or pending.get("description") or "").rstrip("?. ")
        description = confirm_text(pending, description, language=language, today=today)
        return [Segment("confirm", {"description": description.rstrip("?. ")})]
    if action == "clarify":
        if state.get("role") == "owner" or str(note or "").startswith("owner"):
            error = decision.get("error")
            if error and not decision.get("question"):
                return [Segment("error", {"reason": _owner_error(error, language)})]
            missing = [field_label(m, language) for m in decision.get("options") or []]
            return [Segment("owner_missing", {"question": decision.get("question"), "missing": missing})]
        options = list(decision.get("options") or [])
        if not options:
            by_ref = {b.get("ref"): b.get("name") for b in state.get("catalog") or []}
            refs = (state.get("understanding") or {}).get("ambiguous_brands") or []
            options = [by_ref.get(r, r) for r in refs]
        question = decision.get("question") if isinstance(decision.get("question"), str) else None
        if question and language_of(question) != language:
            question = None
        return [Segment("clarify", {"options": options, "question": question})]
    if not state.get("tool_results") and note in ("cancelled", "expired"):  # an owner's change or an erasure
        return [Segment(f"owner_{note}")]
    return None


def plan_reply(state: dict[str, Any], *, language: str, today: dt.date) -> Plan:
    """The segments and cards of this turn's reply."""
    first_turn = not any(h.get("role") == "assistant" for h in state.get("history") or [])
    style = dict(state.get("style") or {})
    cards: list[dict[str, Any]] = []
    length = str(style.get("length") or (state.get("persona") or {}).get("answer_length") or "short").lower()
    segments = _decision_segments(state, language, today)
    if segments is None:
        results = state.get("tool_results")
        detailed = length in ("detailed", "long")
        segments = _from_results(state, language, today, cards, detailed=detailed) if results else []
        if not segments:
            segments = _without_results(state)
    return Plan(language=language, segments=segments, cards=cards, first_turn=first_turn, style=style)
