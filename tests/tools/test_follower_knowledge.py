"""search_knowledge on the sample influencer: citations, relevance, passing on what it can't answer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

import knowledge
from knowledge.bundles import import_bundle_file
from store.models import Event, Post, Tenant
from tools import REGISTRY
from tools.registry import ToolContext

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def _ctx(session, tenant, role="follower"):
    return ToolContext(
        session=session,
        tenant_id=tenant.id,
        handle=tenant.handle,
        timezone=tenant.timezone,
        role=role,
        now=NOW,
        conversation_id="conv-k",
    )


def test_hits_cite_their_source_and_say_whether_they_answer(db, shira_bundle_path):
    import_bundle_file(db, shira_bundle_path)
    with db.admin_session() as s:
        shira = s.scalars(select(Tenant)).one()
        data = REGISTRY.run("search_knowledge", {"query": "is the olivia oil cold pressed?"}, _ctx(s, shira)).data
        top = data["hits"][0]
        assert data["answered"] and top["relevant"]
        assert top["source_type"] == "partnership_faq" and top["brand"] == "Olivia Oils"
        post = REGISTRY.run("search_knowledge", {"query": "which mixer do you use?"}, _ctx(s, shira)).data
        relevant = [h for h in post["hits"] if h["relevant"]]
        assert relevant and relevant[0]["url"].startswith("https://www.instagram.com/p/")
        assert s.scalars(select(Event).where(Event.kind == "question_unanswered")).all() == []


def test_a_question_nothing_answers_is_passed_on_masked(db, shira_bundle_path):
    import_bundle_file(db, shira_bundle_path)
    with db.admin_session() as s:
        shira = s.scalars(select(Tenant)).one()
        query = "do you have a sushi recipe? call me 054-7654321"
        data = REGISTRY.run("search_knowledge", {"query": query}, _ctx(s, shira)).data
        assert not data["answered"] and not any(h["relevant"] for h in data["hits"])
        event = s.scalars(select(Event).where(Event.kind == "question_unanswered")).one()
        assert "sushi" in event.payload["question"] and "054-7654321" not in event.payload["question"]
        REGISTRY.run("search_knowledge", {"query": "sushi?"}, _ctx(s, shira, role="owner"))
        assert len(s.scalars(select(Event).where(Event.kind == "question_unanswered")).all()) == 1


def test_an_expired_code_in_an_old_post_is_never_quoted(db, shira_bundle_path):
    import_bundle_file(db, shira_bundle_path)
    with db.admin_session() as s:
        shira = s.scalars(select(Tenant)).one()
        s.add(
            Post(
                tenant_id=shira.id,
                post_id="old-kp",
                caption="My KitchenPro knife set review, use code KPSHIRA",
                url="https://www.instagram.com/p/OLDKP/",
            )
        )
        s.flush()
        knowledge.reindex(s, tenant_id=shira.id)
        data = REGISTRY.run("search_knowledge", {"query": "KitchenPro knife set review"}, _ctx(s, shira)).data
        texts = " ".join(h["text"] for h in data["hits"])
        assert "knife set" in texts and "KPSHIRA" not in texts
