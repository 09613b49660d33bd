"""The influencer's voice: built from their Instagram captions, profile and hand-written notes."""

from persona.build import PersonaSource, build_persona, detect_languages
from persona.service import get, rebuild

__all__ = ["PersonaSource", "build_persona", "detect_languages", "get", "rebuild"]
