"""The demo influencer: shipped in the repo, loaded on first start of `serve --demo`."""

from __future__ import annotations

import functools
import json
from pathlib import Path

__all__ = ["DEMO_BUNDLE", "load_demo", "demo_handle"]

DEMO_BUNDLE = Path(__file__).resolve().parents[1] / "store" / "data" / "demo-bundle.json"


def load_demo(db) -> None:
    """Import the demo bundle (a no-op when it is already there and unchanged)."""
    from knowledge.bundles import import_bundle_file

    import_bundle_file(db, DEMO_BUNDLE)


@functools.cache
def demo_handle() -> str:
    """The demo influencer's handle."""
    return str(json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))["influencer"]["handle"])
