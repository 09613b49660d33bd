"""What gets indexed: a tenant's posts, public partnerships (brief, Q&A) and FAQ, as documents of chunks."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from knowledge._terms import index_terms
from knowledge.lexicon import translations
from knowledge.text import language_of, search_terms, tokens
from store import content as content_store
from store import partnerships as partnership_store
from store import tenants as tenant_store
from store.records import PUBLIC_STATUSES as PUBLIC_PARTNERSHIP_STATUSES
from store.records import Partnership, Post

__all__ = ["ChunkSpec", "DocumentSpec", "PUBLIC_PARTNERSHIP_STATUSES", "tenant_documents", "split_text"]

# Only collaborations the public has seen are knowledge a follower may get; a lead or a deal in
# negotiation is the influencer's business, not an answer.
MAX_CHUNK_CHARS = 900
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")


@dataclass
class ChunkSpec:
    """One piece of text to show (`text`) and what it is found by (`search_text`)."""

    text: str
    search_text: str

    @property
    def terms(self) -> str:
        """The `terms` column: every search term of the chunk, space separated."""
        return " ".join(index_terms(self.search_text))


@dataclass
class DocumentSpec:
    """One source (a post, a partnership brief, one Q&A) as it should be in the index."""

    source_type: str
    source_ref: str
    title: str | None
    url: str | None
    language: str | None
    meta: dict[str, Any]
    chunks: list[ChunkSpec] = field(default_factory=list)

    def content_hash(self, embedder_name: str) -> str:
        """A digest of everything stored for the document, and of the embedder that embedded it."""
        payload = {
            "embedder": embedder_name,
            "title": self.title,
            "url": self.url,
            "language": self.language,
            "meta": self.meta,
            "chunks": [[c.text, c.search_text] for c in self.chunks],
        }
        raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def split_text(text: str, *, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Split a long text into chunks of whole sentences up to `limit` characters (one chunk if short)."""
    text = (text or "").strip()
    if len(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > limit:  # a single run-on "sentence": cut at a space
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if current:
                chunks.append(current)
                current = ""
            chunks.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            chunks.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        chunks.append(current)
    return chunks


def _with_translations(text: str) -> str:
    """The text plus the other language's words for its everyday words (cross-language matching)."""
    extra = translations(text)
    return f"{text}\n{' '.join(extra)}" if extra else text


def _compact(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


@dataclass(frozen=True)
class _Brand:
    """A public partner and the ways a post can name it, worked out once per reindex."""

    ref: str
    name: str
    aliases: tuple[str, ...]
    compact: frozenset[str] = frozenset()  # "greenbox", "oliviaoils": matched inside handles
    words: frozenset[str] = frozenset()  # one-word names as search terms: matched with prefixes
    phrases: tuple[str, ...] = ()  # several-word names: matched as whole words in order

    @classmethod
    def of(cls, ref: str, name: str, aliases: tuple[str, ...]) -> _Brand:
        names = [name, *aliases]
        words = {search_terms(n)[0] for n in names if len(tokens(n)) == 1}
        phrases = tuple(f" {' '.join(tokens(n))} " for n in names if len(tokens(n)) > 1)
        compact = frozenset(c for c in map(_compact, names) if c)
        return cls(ref, name, aliases, compact, frozenset(words), phrases)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


def _brands_in_post(post: Post, brands: list[_Brand]) -> list[_Brand]:
    """Brands a post tags, mentions, hashtags or names in its caption ("מאוליביה" names אוליביה)."""
    handles = {_compact(h) for h in [*post.mentions, *post.tagged_users, *post.hashtags]}
    caption_terms = set(search_terms(post.caption or ""))
    padded = f" {' '.join(tokens(post.caption or ''))} "
    found = []
    for brand in brands:
        # "olivia.oils" tags Olivia Oils, "greenbox.il" GreenBox; short names only match whole.
        tagged = any(c == h or (len(c) >= 4 and c in h) for c in brand.compact for h in handles)
        named = bool(brand.words & caption_terms) or any(p in padded for p in brand.phrases)
        if tagged or named:
            found.append(brand)
    return found


def _post_document(post: Post, brands: list[_Brand]) -> DocumentSpec:
    caption = (post.caption or "").strip()
    tagged = _brands_in_post(post, brands)
    # What the post is found by besides its caption: hashtags, handles, and the brands behind them.
    tail = " ".join(
        [
            *(f"#{h}" for h in post.hashtags),
            *(f"@{m}" for m in [*post.mentions, *post.tagged_users]),
            *(name for b in tagged for name in b.names),
        ]
    )
    posted = post.posted_at.date().isoformat() if post.posted_at else None
    first_line = caption.splitlines()[0] if caption else ""
    title = (first_line[:77] + "…") if len(first_line) > 80 else (first_line or f"Post {post.post_id}")
    chunks = [ChunkSpec(text=part, search_text=_with_translations(f"{part}\n{tail}")) for part in split_text(caption)]
    if not chunks:
        chunks = [ChunkSpec(text=tail or title, search_text=_with_translations(tail or title))]
    return DocumentSpec(
        source_type="post",
        source_ref=post.post_id,
        title=title,
        url=post.url,
        language=language_of(caption),
        meta={
            "date": posted,
            "type": post.type,
            "hashtags": list(post.hashtags),
            "mentions": list(post.mentions),
            "tagged_users": list(post.tagged_users),
            "brands": [b.ref for b in tagged],
            "sponsored": bool(post.is_sponsored),
        },
        chunks=chunks,
    )


def _partnership_documents(p: Partnership) -> list[DocumentSpec]:
    brand = _Brand.of(p.ref, p.brand, tuple(p.brand_aliases or ()))
    names = " ".join(brand.names)  # "כמה זה עולה באוליביה" must find Olivia Oils by its Hebrew alias
    meta = {"brand": p.brand, "aliases": list(brand.aliases), "partnership": p.ref, "status": p.status}
    docs = []
    about = " ".join(x for x in [f"{p.brand}.", (p.brief or "").strip(), p.link or ""] if x)
    chunks = [ChunkSpec(text=part, search_text=_with_translations(f"{part}\n{names}")) for part in split_text(about)]
    docs.append(
        DocumentSpec(
            source_type="partnership",
            source_ref=p.ref,
            title=p.brand,
            url=p.link,
            language=language_of(about),
            meta=meta,
            chunks=chunks,
        )
    )
    for item in p.faq or []:
        docs.append(
            _qa_document("partnership_faq", f"{p.ref}/faq/", item, title=p.brand, url=p.link, meta=meta, extra=names)
        )
    return docs


def _qa_document(
    source_type: str,
    ref_prefix: str,
    item: dict[str, Any],
    *,
    title: str,
    url: str | None,
    meta: dict[str, Any],
    extra: str = "",
) -> DocumentSpec:
    question = str(item.get("q") or "").strip()
    answer = str(item.get("a") or "").strip()
    text = f"Q: {question}\nA: {answer}"
    key = hashlib.sha1(question.casefold().encode("utf-8")).hexdigest()[:12]
    return DocumentSpec(
        source_type=source_type,
        source_ref=ref_prefix + key,
        title=title,
        url=url,
        language=item.get("lang") or language_of(question + answer),
        meta={**meta, "question": question},
        chunks=[ChunkSpec(text=text, search_text=_with_translations(f"{question}\n{answer}\n{extra}"))],
    )


def tenant_documents(session: Session, *, tenant_id: int) -> list[DocumentSpec]:
    """Every document the tenant's knowledge index should hold, built from the tenant's own rows."""
    tenant = tenant_store.get(session=session, tenant_id=tenant_id)
    if tenant is None:
        return []
    partnerships = partnership_store.visible(session=session, tenant_id=tenant_id, public_only=True)
    brands = [_Brand.of(p.ref, p.brand, tuple(p.brand_aliases or ())) for p in partnerships]
    docs: list[DocumentSpec] = []
    for post in content_store.posts_for_index(session=session, tenant_id=tenant_id):
        docs.append(_post_document(post, brands))
    for p in partnerships:
        docs.extend(_partnership_documents(p))
    seen: set[str] = set()
    for item in tenant.faq or []:
        if not isinstance(item, dict) or not item.get("q"):
            continue
        doc = _qa_document("faq", "faq/", item, title="FAQ", url=None, meta={})
        if doc.source_ref not in seen:  # the same question twice: the first answer wins
            seen.add(doc.source_ref)
            docs.append(doc)
    return _deduplicated(docs)


def _deduplicated(docs: list[DocumentSpec]) -> list[DocumentSpec]:
    unique: dict[tuple[str, str], DocumentSpec] = {}
    for doc in docs:
        unique.setdefault((doc.source_type, doc.source_ref), doc)
    return list(unique.values())
