"""Knowledge: a tenant's posts, partnerships and FAQ, indexed for hybrid (vector + full-text) retrieval."""

from knowledge.embedders import Embedder, HashingEmbedder, OpenAIEmbedder, get_embedder
from knowledge.index import reindex
from knowledge.search import Hit, search
from knowledge.settings import KnowledgeSettings, get_settings

__all__ = [
    "Embedder",
    "HashingEmbedder",
    "Hit",
    "KnowledgeSettings",
    "OpenAIEmbedder",
    "get_embedder",
    "get_settings",
    "reindex",
    "search",
]
