"""An optional short description of the voice, written by a model when one is configured."""

from __future__ import annotations

import json
import logging

from persona.settings import PersonaSettings, get_settings

__all__ = ["describe_voice"]

log = logging.getLogger(__name__)

_PROMPT = (
    "You describe an Instagram influencer's tone of voice for an assistant that answers their followers "
    "in their name. In at most 3 short sentences, in English, describe how they write: register, warmth, "
    "humour, emoji, typical length, language mix. Do not invent facts. Persona data:\n{data}\n"
    "Sample captions:\n{captions}"
)


def describe_voice(
    persona: dict, captions: list[str], *, settings: PersonaSettings | None = None
) -> str | None:
    """Three sentences about the voice, or None without a model key or when the model fails."""
    settings = settings or get_settings()
    if settings.api_key is None:
        return None
    try:
        from langchain_openai import ChatOpenAI

        model = ChatOpenAI(
            model=settings.model,
            api_key=settings.api_key,
            base_url=settings.base_url,
            timeout=settings.timeout_seconds,
            max_retries=1,
            temperature=0.2,
            max_completion_tokens=200,  # three sentences; a small local model left unbounded loops for minutes
            # local servers (llama.cpp, Ollama, LM Studio) read max_tokens, not max_completion_tokens
            extra_body={"max_tokens": 200} if settings.base_url else None,
        )
        keep = {
            k: persona.get(k)
            for k in (
                "language_shares",
                "favourite_emojis",
                "emoji_rate",
                "phrases",
                "topics",
                "answer_length",
                "tone",
                "sign_off",
                "avoid",
            )
        }
        prompt = _PROMPT.format(
            data=json.dumps(keep, ensure_ascii=False),
            captions="\n".join(f"- {c[:300]}" for c in captions[:8]),
        )
        text = model.invoke(prompt).content
        return str(text).strip()[:600] or None
    except Exception as exc:  # the description is a nicety: never fail an import over it
        log.warning("voice description skipped: %s", exc)
        return None
