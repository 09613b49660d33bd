"""Settings for storage and services, read from the environment (no prefix: DATABASE_URL, REDIS_URL)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["StoreSettings", "get_settings"]


class StoreSettings(BaseSettings):
    """Where the data lives: external servers by URL, or embedded ones under the data home."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    # A login of the `influencer_app` role (row-level security applies); DATABASE_URL is the owner's.
    app_database_url: str | None = Field(default=None, alias="APP_DATABASE_URL")
    home: Path = Field(default=Path("~/.influencer-os"), alias="INFLUENCER_OS_HOME")
    pool_size: int = Field(default=10, alias="DATABASE_POOL_SIZE")

    @property
    def home_dir(self) -> Path:
        """The data home, expanded and absolute."""
        return self.home.expanduser().resolve()


@lru_cache
def get_settings() -> StoreSettings:
    """The process-wide storage settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return StoreSettings()
