"""Fetch an influencer's Instagram with Apify (profile and posts) and shape it as a bundle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "PROFILE_ACTOR",
    "POSTS_ACTOR",
    "ApifySettings",
    "InstagramFetchError",
    "bundle_from_instagram",
    "fetch_instagram_bundle",
    "fetch_posts",
    "fetch_profile",
    "get_apify_settings",
]

PROFILE_ACTOR = "apify/instagram-profile-scraper"
POSTS_ACTOR = "apify/instagram-scraper"
_RUN_WAIT = dt.timedelta(minutes=15)


class ApifySettings(BaseSettings):
    """The Apify token (APIFY_TOKEN) and, for tests or a proxy, the API URL (APIFY_API_URL)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    token: SecretStr | None = Field(default=None, alias="APIFY_TOKEN")
    api_url: str | None = Field(default=None, alias="APIFY_API_URL")


def get_apify_settings() -> ApifySettings:
    """Apify settings read from the environment now."""
    return ApifySettings()


class InstagramFetchError(RuntimeError):
    """Apify could not give us the profile or the posts; the message says why, in one line."""


def _run_actor(client: Any, actor: str, run_input: dict) -> list[dict]:
    from apify_client.errors import ApifyApiError

    try:
        run = client.actor(actor).call(run_input=run_input, logger=None, wait_duration=_RUN_WAIT)
    except ApifyApiError as exc:
        raise InstagramFetchError(f"Apify refused to run {actor}: {exc}") from None
    if run is None:
        raise InstagramFetchError(f"the Apify run of {actor} disappeared")
    if run.status != "SUCCEEDED":
        raise InstagramFetchError(
            f"the Apify run of {actor} ended {run.status}"
            + (f": {run.status_message}" if run.status_message else "")
        )
    return [item for item in client.dataset(run.default_dataset_id).iterate_items() if isinstance(item, dict)]


def fetch_profile(client: Any, handle: str) -> dict:
    """The profile item of the handle, as `apify/instagram-profile-scraper` returns it."""
    items = _run_actor(client, PROFILE_ACTOR, {"usernames": [handle]})
    for item in items:
        if not item.get("error") and str(item.get("username", "")).lower() == handle.lower():
            return item
    reason = next((str(i.get("errorDescription") or i.get("error")) for i in items if i.get("error")), None)
    raise InstagramFetchError(f"no Instagram profile found for @{handle}" + (f": {reason}" if reason else ""))


def fetch_posts(client: Any, handle: str, *, limit: int = 50) -> list[dict]:
    """The newest posts of the handle, as `apify/instagram-scraper` returns them (resultsType posts)."""
    run_input = {
        "directUrls": [f"https://www.instagram.com/{handle}/"],
        "resultsType": "posts",
        "resultsLimit": limit,
        "addParentData": False,
    }
    items = _run_actor(client, POSTS_ACTOR, run_input)
    # Keep only the account's own posts (a run over a URL may also return posts it is tagged in).
    return [
        item
        for item in items
        if not item.get("error") and str(item.get("ownerUsername") or handle).lower() == handle.lower()
    ][:limit]


def bundle_from_instagram(profile: dict, posts: list[dict], *, existing: dict | None = None) -> dict:
    """A bundle of the influencer and their Instagram; `existing` (display_name, languages, timezone) wins."""
    from persona import detect_languages

    handle = str(profile.get("username") or "").lower()
    influencer: dict[str, Any] = {"handle": handle}
    captions = [p.get("caption") or "" for p in posts] + [str(profile.get("biography") or "")]
    if existing:
        influencer.update(
            {k: existing[k] for k in ("display_name", "languages", "timezone") if existing.get(k)}
        )
    influencer.setdefault("display_name", str(profile.get("fullName") or "").strip() or handle)
    influencer.setdefault("languages", detect_languages(captions))
    return {
        "format": "influencer-bundle/1",
        "influencer": influencer,
        "instagram": {"profile": profile, "posts": posts},
    }


def fetch_instagram_bundle(
    handle: str,
    *,
    token: str,
    api_url: str | None = None,
    posts_limit: int = 50,
    existing: dict | None = None,
    on_step: Callable[[str], None] | None = None,
    client: Any = None,
) -> dict:
    """Run both Apify actors for the handle and return the bundle to import."""
    from apify_client import ApifyClient

    if client is None:
        client = ApifyClient(token, api_url=api_url) if api_url else ApifyClient(token)
    step = on_step or (lambda _: None)
    handle = handle.strip().lstrip("@").lower()
    step(f"fetching the profile of @{handle}")
    profile = fetch_profile(client, handle)
    step(f"fetching up to {posts_limit} posts")
    posts = fetch_posts(client, handle, limit=posts_limit)
    step(f"got {len(posts)} posts")
    return bundle_from_instagram(profile, posts, existing=existing)
