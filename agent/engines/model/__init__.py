"""The model engine: any OpenAI-compatible chat model, its prompts, output schema and reply checks."""

from agent.engines.model.engine import (
    ModelEngine,
    ModelUnavailable,
    UngroundedReply,
    build_model_engine,
    make_chat_model,
    tool_schema,
)

__all__ = ["ModelEngine", "ModelUnavailable", "UngroundedReply", "build_model_engine", "make_chat_model",
           "tool_schema"]
