"""Knowledge: a tenant's posts, partnerships and FAQ, indexed for hybrid (vector + full-text) retrieval."""

from knowledge.embedders import E5Embedder, Embedder, HashingEmbedder, OpenAIEmbedder, embedder_name, get_embedder
from knowledge.index import reindex
from knowledge.search import Hit, search
from knowledge.settings import KnowledgeSettings, get_settings

__all__ = [
    "E5Embedder",
    "Embedder",
    "HashingEmbedder",
    "Hit",
    "KnowledgeSettings",
    "OpenAIEmbedder",
    "embedder_name",
    "get_embedder",
    "get_settings",
    "reindex",
    "search",
]
