"""Grading `judge` rubrics with an OpenAI-compatible judge model, when one is configured."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["JudgeSettings", "Verdict", "Judge", "get_judge"]


class JudgeSettings(BaseSettings):
    """JUDGE_MODEL enables grading; JUDGE_BASE_URL / JUDGE_API_KEY fall back to the OPENAI_ ones."""

    model_config = SettingsConfigDict(extra="ignore")
    model: str | None = Field(default=None, alias="JUDGE_MODEL")
    base_url: str | None = Field(default=None, alias="JUDGE_BASE_URL")
    api_key: SecretStr | None = Field(default=None, alias="JUDGE_API_KEY")


@dataclass(frozen=True)
class Verdict:
    """Whether the conversation meets the rubric, and why."""

    passed: bool
    reason: str


_PROMPT = (
    "You grade a chatbot that answers an influencer's followers. Read the conversation and the rubric. "
    'Answer with JSON only: {"pass": true|false, "reason": "<one short sentence>"}.'
)


class Judge:
    """A judge model behind langchain-openai's ChatOpenAI (any OpenAI-compatible server)."""

    def __init__(self, chat_model) -> None:
        self.chat = chat_model

    def grade(self, rubric: str, history: list[tuple[str, str]]) -> Verdict:
        """Grade the conversation so far against the rubric; errors count as a failed grade."""
        convo = "\n".join(f"USER: {u}\nBOT: {b}" for u, b in history)
        try:
            answer = self.chat.invoke(
                [("system", _PROMPT), ("user", f"Conversation:\n{convo}\n\nRubric: {rubric}")]
            ).content
            start, end = answer.find("{"), answer.rfind("}")
            data = json.loads(answer[start : end + 1])
            return Verdict(bool(data.get("pass")), str(data.get("reason", ""))[:300])
        except Exception as exc:  # a broken judge must not pass a case
            return Verdict(False, f"judge error: {type(exc).__name__}")


@lru_cache
def get_judge() -> Judge | None:
    """The configured judge, or None (rubrics are then reported as skipped)."""
    s = JudgeSettings()
    if not s.model:
        return None
    from langchain_openai import ChatOpenAI

    from agent.settings import get_settings as model_settings

    fallback = model_settings()  # the agent's OPENAI_API_KEY / OPENAI_BASE_URL, read in one place
    key = s.api_key or fallback.api_key
    chat = ChatOpenAI(
        model=s.model,
        base_url=s.base_url or fallback.base_url,
        api_key=key or SecretStr("not-needed"),
        temperature=0,
        timeout=30,
    )
    return Judge(chat)
