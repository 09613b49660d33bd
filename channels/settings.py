"""Settings of the channels: Twilio (TWILIO_*) and the web chat (WEB_*), read once, never at import."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["TwilioSettings", "WebSettings", "get_twilio_settings", "get_web_settings", "PURPOSES"]

# Why an outbound WhatsApp message is sent; outside the 24-hour window each needs its own template.
PURPOSES = ("reply", "handoff", "support", "digest", "follow_up", "relay", "reminder")


class TwilioSettings(BaseSettings):
    """Twilio credentials, the sending number, the public URL Twilio calls, and approved templates."""

    model_config = SettingsConfigDict(env_prefix="TWILIO_", env_file=None, extra="ignore")

    account_sid: str = "AC00000000000000000000000000000000"
    auth_token: SecretStr | None = None
    # The secret of Twilio's newer webhook signatures (X-Twilio-Webhooks-Signature-Settings); else the token.
    webhook_key: SecretStr | None = None
    from_number: str = ""  # E.164 of the WhatsApp sender, e.g. +14155238886
    public_base_url: str | None = None  # e.g. https://bot.example.com (what Twilio signs against)
    api_base: str | None = None  # e.g. http://127.0.0.1:9999 for a local fake of api.twilio.com
    default_handle: str | None = None  # the tenant a follower's message goes to when no number matches
    # Approved WhatsApp templates (ContentSid) per purpose, for messages outside the 24-hour window.
    content_sid_handoff: str | None = None
    content_sid_support: str | None = None
    content_sid_digest: str | None = None
    content_sid_follow_up: str | None = None
    content_sid_relay: str | None = None  # the owner's own reply to a follower outside the window
    content_sid_reminder: str | None = None  # an owner reminder (falls back to the digest's template)
    max_attempts: int = Field(default=4, ge=1, le=10)
    backoff_seconds: float = Field(default=0.5, ge=0)
    backoff_max_seconds: float = Field(default=8.0, ge=0)
    timeout_seconds: float = Field(default=10.0, gt=0)

    @property
    def configured(self) -> bool:
        """True when messages can be sent: an auth token and a sending number are set."""
        return self.auth_token is not None and bool(self.from_number)

    def content_sid_for(self, purpose: str) -> str | None:
        """The approved template for a purpose (support falls back to the handoff template)."""
        sid = getattr(self, f"content_sid_{purpose}", None)
        if sid is None and purpose == "support":
            sid = self.content_sid_handoff
        if sid is None and purpose == "reminder":
            sid = self.content_sid_digest
        return sid or None

    def public_url(self, path: str, fallback: str) -> str:
        """The URL Twilio called for `path`: the configured public base, else what the server saw."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/") + path
        return fallback


class WebSettings(BaseSettings):
    """The web chat: how long a turn may take before the widget is told to retry, origins, limits.

    A message's size limit is the agent's (agent.types.MAX_MESSAGE_CHARS), the same on every channel."""

    model_config = SettingsConfigDict(env_prefix="WEB_", env_file=None, extra="ignore")

    turn_timeout_seconds: float = 30.0
    extra_allowed_origins: list[str] = Field(default_factory=list)  # allowed for every influencer
    # New conversations and client events, per client IP and per influencer: token buckets
    # (capacity, then tokens per second). A page that creates one conversation per visit needs 1.
    conversations_per_ip: int = 20
    conversations_per_ip_refill: float = 0.1
    conversations_per_tenant: int = 600
    conversations_per_tenant_refill: float = 10.0
    events_per_ip: int = 120
    events_per_ip_refill: float = 1.0
    # The trace summary (intent, policy verdict, tools, variants) goes to owners (their token) only;
    # developers may turn it on for everyone on a local server (benchmarks do).
    expose_trace: bool = False
    # Where people reach this server (links in messages: the console's one-time sign-in link)
    public_base_url: str | None = None
    # An open widget listens for the influencer's relayed replies: how often the server looks, and how
    # long one listening response lasts before the browser reconnects (EventSource does, with Last-Event-ID).
    updates_poll_seconds: float = Field(default=1.0, gt=0, le=30)
    updates_stream_seconds: float = Field(default=300.0, gt=0)


@lru_cache
def get_twilio_settings() -> TwilioSettings:
    """The process-wide Twilio settings (cached; `get_twilio_settings.cache_clear()` in tests)."""
    return TwilioSettings()


@lru_cache
def get_web_settings() -> WebSettings:
    """The process-wide web chat settings (cached)."""
    return WebSettings()
