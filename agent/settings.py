"""Settings of the agent (AGENT_...) and of the model engine (OPENAI_API_KEY, OPENAI_BASE_URL, ...).

With no OPENAI_API_KEY the agent runs the offline engine; with one it runs the model engine
against OpenAI, or any OpenAI-compatible server (vLLM, Ollama, llama.cpp) given OPENAI_BASE_URL.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["AgentSettings", "OpenAISettings", "get_agent_settings", "get_settings"]


class AgentSettings(BaseSettings):
    """Limits and knobs of the agent (env prefix AGENT_)."""

    model_config = SettingsConfigDict(env_prefix="AGENT_", extra="ignore")

    rate_contact_capacity: int = 20
    rate_contact_refill_per_sec: float = 0.5
    rate_tenant_capacity: int = 600
    rate_tenant_refill_per_sec: float = 50.0
    rate_owner_capacity: int = 120  # owners manage their business by chat: a higher limit, not none
    rate_owner_refill_per_sec: float = 2.0
    catalog_ttl_seconds: float = 30.0
    # exit: the state is saved once, as the graph ends, in the turn's transaction (sync: after every node).
    durability: str = Field(default="exit", pattern="^(exit|sync)$")
    confirm_ttl_minutes: int = 10
    clarify_below: float = 0.2  # a tool intent understood with less confidence than this is asked back
    whatsapp_continue_hours: float = 24.0
    redis_timeout_seconds: float = 0.25


class OpenAISettings(BaseSettings):
    """Which model to talk to and how long to wait for it."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    model: str = Field(default="gpt-4o-mini", alias="OPENAI_MODEL")
    # Seconds one model call may take before the turn falls back to the offline engine.
    timeout: float = Field(default=8.0, gt=0, alias="OPENAI_TIMEOUT")
    # After a timeout or a connection failure the model is skipped this long, so a dead server
    # costs one follower the timeout, not every follower.
    cooldown: float = Field(default=30.0, ge=0, alias="OPENAI_COOLDOWN")
    # auto finds the first the server accepts (json_schema, json_object with a schema, function_calling,
    # JSON in text) and remembers it; agent/engines/model/structured.py. json_mode: json_object, no schema.
    structured_method: Literal["auto", "json_schema", "json_object", "function_calling", "json_text", "json_mode"] = (
        Field(default="auto", alias="OPENAI_STRUCTURED_METHOD"))
    temperature: float | None = Field(default=None, ge=0, le=2, alias="OPENAI_TEMPERATURE")
    # The longest answer one call may write: a small local model left unbounded can loop for minutes.
    max_tokens: int = Field(default=300, gt=0, le=16000, alias="OPENAI_MAX_TOKENS")

    @property
    def enabled(self) -> bool:
        """True when a key is set (the model engine is used)."""
        return bool(self.api_key and self.api_key.get_secret_value().strip())


@lru_cache
def get_settings() -> OpenAISettings:
    """The process-wide model settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return OpenAISettings()


@lru_cache
def get_agent_settings() -> AgentSettings:
    """The process-wide agent settings (cached; call ``get_agent_settings.cache_clear()`` in tests)."""
    return AgentSettings()
