"""The brief vocabulary (knowledge/briefs/data/brief_words.yaml), loaded once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["WORDS"]

WORDS: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "data" / "brief_words.yaml").read_text("utf-8"))
