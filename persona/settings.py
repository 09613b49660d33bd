"""Settings for the optional model-written voice description (read from the environment)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PersonaSettings", "get_settings"]


class PersonaSettings(BaseSettings):
    """An OpenAI-compatible model, used only when a key is configured."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    model: str = Field(default="gpt-4o-mini", alias="PERSONA_MODEL")
    timeout_seconds: float = Field(default=20.0, alias="PERSONA_MODEL_TIMEOUT")


def get_settings() -> PersonaSettings:
    """Fresh settings from the environment (cheap, and tests change the environment)."""
    return PersonaSettings()
