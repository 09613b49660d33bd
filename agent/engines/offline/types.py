"""The public data types of the offline understanding engine."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["BrandEntry", "Catalog", "Understanding", "INTENTS", "FOLLOWER_INTENTS", "OWNER_INTENTS"]

FOLLOWER_INTENTS = (
    "greeting",
    "coupon_request",
    "product_question",
    "content_question",
    "partnership_question",
    "support_issue",
    "human_request",
    "feedback",
    "small_talk",
    "consent",
    "abuse",
    "off_topic",
)
OWNER_INTENTS = ("owner_query", "owner_command")
INTENTS = FOLLOWER_INTENTS + OWNER_INTENTS


@dataclass(frozen=True)
class BrandEntry:
    """One partnership as the understanding engine sees it."""

    ref: str  # partnership ref (stable id)
    name: str  # brand display name
    aliases: tuple[str, ...] = ()
    coupon_codes: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # product names known for this brand, may be empty


@dataclass(frozen=True)
class Catalog:
    """What the engine may recognise for one influencer: their brands and who they are."""

    brands: tuple[BrandEntry, ...] = ()
    handle: str = ""
    display_name: str = ""


@dataclass
class Understanding:
    """The result of understanding one message."""

    intent: str
    confidence: float
    language: str  # "he" | "en"
    entities: dict = field(default_factory=dict)
    sentiment: str = "neutral"  # "negative" | "neutral" | "positive"
    ambiguous_brands: list[str] = field(default_factory=list)
    followup: bool = False
    scores: dict[str, float] = field(default_factory=dict)
