"""Embedders: a local hashing embedder (default, no download) and OpenAI-compatible embeddings."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np

from knowledge._terms import STOPWORDS, token_terms
from knowledge.settings import KnowledgeSettings, get_settings
from knowledge.text import tokens
from store.records import EMBEDDING_DIM

__all__ = ["Embedder", "HashingEmbedder", "OpenAIEmbedder", "get_embedder", "embedder_name"]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors of `dim` floats."""

    dim: int

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""
        ...


def embedder_name(embedder: Embedder) -> str:
    """A stable name for the embedder; vectors of different names are not comparable."""
    return str(getattr(embedder, "name", type(embedder).__name__))


def _stable_hash(feature: str) -> int:
    # blake2b, not hash(): Python salts str hashes per process and the index must outlive the process.
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")


class HashingEmbedder:
    """Signed feature hashing of words (with Hebrew prefix variants) and character n-grams.

    Deterministic, multilingual, instant: it matches words and their spelling variants, not meaning;
    the lexical half of the hybrid search and a good set of terms carry the rest.
    """

    name = "hashing-v1"

    def __init__(
        self,
        dim: int = EMBEDDING_DIM,
        *,
        ngram_sizes: Sequence[int] = (3, 4, 5),
        word_weight: float = 1.0,
        variant_weight: float = 0.7,
        ngram_weight: float = 0.3,
    ) -> None:
        self.dim = dim
        self.ngram_sizes = tuple(ngram_sizes)
        self.word_weight = word_weight
        self.variant_weight = variant_weight
        self.ngram_weight = ngram_weight
        # Per-token features, hashed once: captions repeat words, so this is most of the speed.
        self._token_features = lru_cache(maxsize=200_000)(self._features_of_token)

    def _features_of_token(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        terms = token_terms(token)
        features: dict[str, float] = {}
        for i, term in enumerate(terms):
            features["w:" + term] = self.word_weight if i == 0 else self.variant_weight
        padded = f"<{terms[0]}>"
        for n in self.ngram_sizes:
            for start in range(len(padded) - n + 1):
                key = "c:" + padded[start : start + n]
                features[key] = features.get(key, 0.0) + self.ngram_weight
        hashes = np.fromiter((_stable_hash(f) for f in features), dtype=np.uint64, count=len(features))
        index = (hashes % np.uint64(self.dim)).astype(np.int64)
        sign = np.where((hashes >> np.uint64(63)) & np.uint64(1), -1.0, 1.0)
        return index, sign * np.fromiter(features.values(), dtype=np.float64, count=len(features))

    def _text_features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        words = tokens(text)
        content = [w for w in words if w not in STOPWORDS] or words
        indexes: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for word, count in Counter(content).items():
            index, weight = self._token_features(word)
            indexes.append(index)
            weights.append(weight * (1.0 + math.log(count)))  # sublinear tf
        if not indexes:
            return np.zeros(1, dtype=np.int64), np.ones(1)  # empty text: one fixed unit direction
        return np.concatenate(indexes), np.concatenate(weights)

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """The vectors as one float32 array of shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._text_features(t) for t in texts]
        rows = np.repeat(np.arange(len(texts)), [len(p[0]) for p in parts])
        flat = rows * self.dim + np.concatenate([p[0] for p in parts])
        matrix = np.bincount(flat, weights=np.concatenate([p[1] for p in parts]), minlength=len(texts) * self.dim)
        matrix = matrix.reshape(len(texts), self.dim)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (matrix / norms).astype(np.float32)

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One L2-normalised vector per text."""
        return self.embed_array(texts).tolist()


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible `/v1/embeddings` endpoint, shortened to `dim` dimensions."""

    def __init__(
        self,
        *,
        api_key: str,
        model: str = "text-embedding-3-small",
        base_url: str | None = None,
        dim: int = EMBEDDING_DIM,
        batch_size: int = 256,
        client: Any = None,
    ) -> None:
        if client is None:
            from openai import OpenAI

            client = OpenAI(api_key=api_key, base_url=base_url, max_retries=2, timeout=30.0)
        self.client = client
        self.model = model
        self.dim = dim
        self.batch_size = batch_size
        self.name = f"openai:{model}:{dim}"

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One L2-normalised vector per text (batched requests)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            # The API refuses empty strings; a single space embeds as "nothing".
            batch = [t if t.strip() else " " for t in texts[start : start + self.batch_size]]
            response = self.client.embeddings.create(model=self.model, input=batch, dimensions=self.dim)
            data = sorted(response.data, key=lambda item: item.index)
            matrix = np.asarray([item.embedding for item in data], dtype=np.float64)
            if matrix.shape != (len(batch), self.dim):
                raise ValueError(
                    f"embeddings endpoint returned shape {matrix.shape}, expected ({len(batch)}, {self.dim})"
                )
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            out.extend((matrix / norms).tolist())
        return out


@lru_cache
def _cached_embedder(api_key: str | None, model: str, base_url: str | None) -> Embedder:
    if api_key is not None:
        return OpenAIEmbedder(api_key=api_key, model=model, base_url=base_url)
    return HashingEmbedder()


def get_embedder(settings: KnowledgeSettings | None = None) -> Embedder:
    """The process-wide embedder chosen by the settings (EMBEDDINGS=openai with a key, else hashing)."""
    settings = settings or get_settings()
    if not settings.use_openai:
        return _cached_embedder(None, "", None)
    assert settings.openai_api_key is not None
    return _cached_embedder(
        settings.openai_api_key.get_secret_value(), settings.openai_embedding_model, settings.openai_base_url
    )
