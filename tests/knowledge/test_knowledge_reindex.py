"""Reindex: idempotent, embeds only what changed, forgets what is gone, splits long texts."""

from __future__ import annotations

from _knowledge_seed import load
from sqlalchemy import func, select

from knowledge.embedders import HashingEmbedder
from knowledge.index import reindex
from knowledge.search import search
from store.models import KnowledgeChunk, KnowledgeDocument, Partnership, Post

CHALLAH = "3401000000000000002"


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting the texts it was asked to embed."""

    def __init__(self):
        super().__init__()
        self.embedded = 0

    def embed_array(self, texts):
        self.embedded += len(texts)
        return super().embed_array(texts)


def _docs(session, tenant_id):
    rows = session.execute(
        select(KnowledgeDocument.source_type, func.count())
        .where(KnowledgeDocument.tenant_id == tenant_id)
        .group_by(KnowledgeDocument.source_type)
    )
    return dict(rows.all())


def test_first_run_indexes_everything_public_and_a_second_run_changes_nothing(db, shira_bundle_path):
    embedder = CountingEmbedder()
    with db.admin_session() as session:
        tenant = load(session, shira_bundle_path)
        assert reindex(session, tenant_id=tenant.id, embedder=embedder) == 14
        # 8 posts; Olivia, GreenBox (active) and KitchenPro (completed), not Lumi/Sababa; 1 brand Q&A; 2 FAQ.
        assert _docs(session, tenant.id) == {"post": 8, "partnership": 3, "partnership_faq": 1, "faq": 2}
        assert embedder.embedded == 14
        assert reindex(session, tenant_id=tenant.id, embedder=embedder) == 0
        assert embedder.embedded == 14
    with db.admin_session() as session:  # and after a commit, in a new transaction
        assert reindex(session, tenant_id=tenant.id, embedder=embedder) == 0


def test_changes_are_picked_up_and_only_they_are_embedded(db, shira_bundle_path):
    embedder = CountingEmbedder()
    with db.admin_session() as session:
        tenant = load(session, shira_bundle_path)
        reindex(session, tenant_id=tenant.id, embedder=embedder)
        before = embedder.embedded

        post = session.scalars(select(Post).where(Post.tenant_id == tenant.id, Post.post_id == CHALLAH)).one()
        post.caption = "Friday challah with za'atar and sesame 🥖 #challah"
        session.add(
            Post(
                tenant_id=tenant.id,
                post_id="new-1",
                caption="Pistachio baklava, finally! #baklava",
                hashtags=["baklava"],
                mentions=[],
                tagged_users=[],
                raw={},
                url="https://ig.example/p/new1/",
            )
        )
        greenbox = session.scalars(select(Partnership).where(Partnership.ref == "greenbox")).one()
        session.delete(greenbox)
        tenant.faq = [*tenant.faq, {"q": "Are you gluten free?", "a": "No, but many recipes are."}]
        session.flush()

        # changed challah, new baklava post, GreenBox brief gone (and its post no longer names the
        # brand), new FAQ question: 5 documents, 4 of them embedded again.
        assert reindex(session, tenant_id=tenant.id, embedder=embedder) == 5
        assert embedder.embedded - before == 4

        assert search(session, tenant_id=tenant.id, query="zaatar sesame challah")[0].source_ref == CHALLAH
        assert search(session, tenant_id=tenant.id, query="baklava")[0].url == "https://ig.example/p/new1/"
        assert search(session, tenant_id=tenant.id, query="gluten free?")[0].source_type == "faq"
        refs = {h.source_ref for h in search(session, tenant_id=tenant.id, query="GreenBox גרינבוקס", k=20)}
        assert "greenbox" not in refs
        assert reindex(session, tenant_id=tenant.id, embedder=embedder) == 0


def test_partnership_going_back_to_negotiation_leaves_the_index(db, shira_bundle_path):
    with db.admin_session() as session:
        tenant = load(session, shira_bundle_path)
        reindex(session, tenant_id=tenant.id)
        olivia = session.scalars(select(Partnership).where(Partnership.ref == "olivia")).one()
        olivia.status = "negotiation"
        session.flush()
        assert reindex(session, tenant_id=tenant.id) == 2 + 2  # brief and Q&A gone; two posts lose the brand
        hits = search(session, tenant_id=tenant.id, query="olive oil cold pressed", k=20)
        assert hits and not [h for h in hits if h.meta.get("partnership") == "olivia"]


def test_a_long_caption_is_split_into_chunks_that_all_cite_the_post(db, shira_bundle_path):
    sentences = [f"Step {i}: stir the risotto slowly and add warm stock number {i}." for i in range(60)]
    with db.admin_session() as session:
        tenant = load(session, shira_bundle_path)
        session.add(
            Post(
                tenant_id=tenant.id,
                post_id="long",
                caption=" ".join(sentences) + " Saffron at the end.",
                hashtags=["risotto"],
                mentions=[],
                tagged_users=[],
                raw={},
                url="https://ig.example/p/long/",
            )
        )
        session.flush()
        reindex(session, tenant_id=tenant.id)
        chunks = session.scalars(
            select(KnowledgeChunk.text)
            .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
            .where(KnowledgeDocument.source_ref == "long")
            .order_by(KnowledgeChunk.ordinal)
        ).all()
        assert len(chunks) >= 3 and all(len(c) <= 900 for c in chunks)
        assert " ".join(chunks).endswith("Saffron at the end.")
        hit = search(session, tenant_id=tenant.id, query="saffron risotto")[0]
        assert hit.source_ref == "long" and "Saffron" in hit.text and hit.url == "https://ig.example/p/long/"
