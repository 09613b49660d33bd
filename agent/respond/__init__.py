"""Replies: the respond node, the templates in the persona's voice and the reply plans behind them."""

from agent.respond.compose import TEMPLATES, environment, render_offline, respond
from agent.respond.node import respond_node

__all__ = ["TEMPLATES", "environment", "render_offline", "respond", "respond_node"]
