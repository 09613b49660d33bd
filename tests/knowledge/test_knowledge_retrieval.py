"""Retrieval over the sample influencer: what a follower asking in Hebrew or English gets back."""

from __future__ import annotations

import pytest
from _knowledge_seed import load

import knowledge

SHAKSHUKA, CHALLAH, GREENBOX, PAN, SOUP, MEALPREP, COOKIES, SALAD = (
    f"340100000000000000{i}" for i in range(1, 9)
)
OLIVIA_POSTS = {SHAKSHUKA, SALAD}


@pytest.fixture
def shira(db, shira_bundle_path):
    with db.admin_session() as session:
        tenant = load(session, shira_bundle_path)
        knowledge.reindex(session, tenant_id=tenant.id)
        yield session, tenant


def _search(shira, query, **kwargs):
    session, tenant = shira
    return knowledge.search(session, tenant_id=tenant.id, query=query, **kwargs)


def _post_refs(hits):
    return [h.source_ref for h in hits if h.source_type == "post"]


@pytest.mark.parametrize("query", ["which olive oil do you use", "איזה שמן זית"])
def test_olive_oil_question_finds_both_olivia_posts_in_either_language(shira, query):
    hits = _search(shira, query)
    assert OLIVIA_POSTS <= set(_post_refs(hits[:4])), [h.title for h in hits]
    assert all(h.meta.get("brands") == ["olivia"] for h in hits[:4] if h.source_ref in OLIVIA_POSTS)


def test_challah_recipe_finds_the_challah_post_first_with_its_permalink(shira):
    first = _search(shira, "challah recipe")[0]
    assert (first.source_type, first.source_ref) == ("post", CHALLAH)
    assert first.url == "https://www.instagram.com/p/DShA0002bbb/"
    assert first.meta["date"] == "2026-11-14"
    assert "1kg flour" in first.text
    assert first.citation.startswith("post 2026-11-14 https://www.instagram.com/p/DShA0002bbb/")


def test_hebrew_word_with_a_prefix_letter_finds_the_word_without_it(shira):
    assert _post_refs(_search(shira, "בשקשוקה"))[0] == SHAKSHUKA
    top = _search(shira, "לגרינבוקס")[:2]
    assert {(h.source_type, h.source_ref) for h in top} == {("post", GREENBOX), ("partnership", "greenbox")}


def test_price_question_with_hebrew_brand_alias_finds_olivia(shira):
    hits = _search(shira, "כמה זה עולה באוליביה")[:4]
    assert {h.source_ref for h in hits if h.source_type == "partnership"} == {"olivia"}
    assert OLIVIA_POSTS <= set(_post_refs(hits))


def test_partnership_question_and_answer_cites_the_brand_and_its_link(shira):
    first = _search(shira, "is the oil cold pressed?")[0]
    assert first.source_type == "partnership_faq"
    assert first.title == "Olivia Oils"
    assert first.url == "https://olivia-oils.example/shop"
    assert first.source_ref.startswith("olivia/faq/")
    assert "first cold press from the Galilee" in first.text


def test_influencer_faq_answers_in_hebrew_and_english(shira):
    oven = _search(shira, "באיזה תנור את אופה?")[0]
    assert oven.source_type == "faq" and "טורבו" in oven.text
    workshop = _search(shira, "do you run private workshops?")[0]
    assert workshop.source_type == "faq" and "Tel Aviv" in workshop.text


def test_source_types_limit_what_comes_back(shira):
    hits = _search(shira, "olive oil", source_types=["partnership", "partnership_faq"], k=10)
    assert hits and {h.source_type for h in hits} <= {"partnership", "partnership_faq"}


def test_deals_not_yet_public_are_not_knowledge(shira):
    """Lumi is a proposal and Sababa a negotiation: followers must not learn of them from search."""
    for query in ("Lumi holiday campaign stand mixer", "sababa spices סבבה תבלינים"):
        hits = _search(shira, query, k=20)
        assert not [h for h in hits if h.source_type != "post" and h.source_ref in ("lumi", "sababa")]
        assert all(h.meta.get("status") not in ("proposal", "negotiation") for h in hits)


def test_empty_query_returns_nothing_and_k_limits(shira):
    assert _search(shira, "   ") == []
    assert len(_search(shira, "olive oil", k=2)) == 2
    scores = [h.score for h in _search(shira, "olive oil", k=8)]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


def test_a_tenant_never_sees_another_tenants_chunks(db, shira_bundle_path):
    with db.admin_session() as session:
        a = load(session, shira_bundle_path, handle="shira.kitchen")
        b = load(session, shira_bundle_path, handle="shira.copy", post_id_prefix="b-")
        from store.models import Post

        session.add(
            Post(
                tenant_id=b.id,
                post_id="b-baklava",
                caption="Pistachio baklava with rose water 🌹",
                hashtags=["baklava"],
                mentions=[],
                tagged_users=[],
                raw={},
            )
        )
        session.flush()
        knowledge.reindex(session, tenant_id=a.id)
        knowledge.reindex(session, tenant_id=b.id)
        queries = [
            "which olive oil do you use",
            "איזה שמן זית",
            "challah recipe",
            "pistachio baklava",
            "לגרינבוקס",
        ]
        for query in queries:
            hits_a = knowledge.search(session, tenant_id=a.id, query=query, k=20)
            assert hits_a and not [h for h in hits_a if h.source_ref.startswith("b-")], query
            assert not [h for h in hits_a if "baklava" in h.text]
        hits_b = knowledge.search(session, tenant_id=b.id, query="pistachio baklava")
        assert hits_b[0].source_ref == "b-baklava"
        assert all(h.source_type != "post" or h.source_ref.startswith("b-") for h in hits_b)


@pytest.mark.parametrize("query", ["which olive oil do you use", "challah recipe", "לגרינבוקס"])
def test_exact_scan_and_hnsw_index_agree_on_a_small_tenant(shira, query):
    exact = [(h.source_type, h.source_ref) for h in _search(shira, query, exact=True)]
    hnsw = [(h.source_type, h.source_ref) for h in _search(shira, query, exact=False, ef_search=100)]
    assert exact == hnsw
