"""Tools: every tool is a typed function with the roles that may call it, offered by a Registry.

The tenant always comes from the ToolContext, never from arguments; arguments (from a model or a
parser) are validated like user input; the role gate is checked here, where tools run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

__all__ = [
    "FOLLOWER",
    "OWNER",
    "ToolContext",
    "ToolError",
    "ToolResult",
    "ToolSpec",
    "Registry",
    "tool",
    "validate_args",
    "writes_data",
]

log = logging.getLogger(__name__)

FOLLOWER = "follower"
OWNER = "owner"


@dataclass(frozen=True)
class ToolContext:
    """What a tool may use: one tenant, one role, one clock. Built by the agent, never by the caller."""

    session: Session
    tenant_id: int
    handle: str
    timezone: str
    role: str
    channel: str = "web"
    languages: tuple[str, ...] = ("he", "en")
    conversation_id: str | None = None
    contact_id: int | None = None
    actor: str = ""  # who acts (owner phone / token label / contact id), for the audit log
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    services: dict[str, Any] = field(default_factory=dict)  # embedder, redis, notifier...


class ToolError(Exception):
    """A failure a chat can show: the field (if any) and the reason, never a stack trace."""

    def __init__(self, reason: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason
        self.code = code


@dataclass
class ToolResult:
    """The outcome of one tool call, JSON-serialisable for the trace and the reply templates."""

    name: str
    ok: bool
    data: Any = None
    error: dict[str, Any] | None = None
    args: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for the state, the trace and templates."""
        return {"name": self.name, "ok": self.ok, "data": self.data, "error": self.error, "args": self.args}


@dataclass(frozen=True)
class ToolSpec:
    """A registered tool: name, the model-readable description, argument model, roles, function."""

    name: str
    description: str
    args_model: type[BaseModel]
    roles: frozenset[str]
    fn: Callable[[ToolContext, Any], Any]
    # Returns a one-line description of the change when the call must be confirmed first, else None.
    confirm: Callable[[ToolContext, Any], str | None] | None = None

    def __call__(self, ctx: ToolContext, args: Any) -> Any:
        """Call the tool function directly (no gate, no validation): for tests and composition."""
        return self.fn(ctx, args)


def tool(
    name: str,
    *,
    roles: set[str] | frozenset[str],
    args: type[BaseModel],
    confirm: Callable[[ToolContext, Any], str | None] | None = None,
) -> Callable[[Callable[[ToolContext, Any], Any]], ToolSpec]:
    """Describe a tool function `fn(ctx, args) -> data`; its docstring is what the model reads.

    Nothing is registered: `tools/__init__.py` lists the tools a registry offers.
    """

    def decorate(fn: Callable[[ToolContext, Any], Any]) -> ToolSpec:
        return ToolSpec(name, (fn.__doc__ or name).strip(), args, frozenset(roles), fn, confirm)

    return decorate


class Registry:
    """The tools one agent offers, by name; the one place the role gate is checked."""

    def __init__(self, specs: Iterable[ToolSpec]) -> None:
        self._specs: dict[str, ToolSpec] = {}
        for spec in specs:
            if spec.name in self._specs:
                raise ValueError(f"two tools named {spec.name!r}")
            self._specs[spec.name] = spec

    def get(self, name: str) -> ToolSpec | None:
        """The tool of that name, or None."""
        return self._specs.get(name)

    def names(self) -> list[str]:
        """Every tool name, sorted."""
        return sorted(self._specs)

    def for_role(self, role: str) -> list[ToolSpec]:
        """The tools a role may call (an owner may call every follower tool too)."""
        return [s for s in self._specs.values() if role in s.roles]

    def replaced(self, spec: ToolSpec) -> Registry:
        """A copy with one tool swapped (tests inject failing tools this way)."""
        return Registry({**self._specs, spec.name: spec}.values())

    def run(self, name: str, raw_args: dict[str, Any] | None, ctx: ToolContext) -> ToolResult:
        """Run one tool for the context's tenant and role: unknown tool, role gate and validation included."""
        spec = self._specs.get(name)
        if spec is None:
            return ToolResult(name, False, error={"code": "unknown_tool", "reason": f"no tool named {name!r}"},
                              args=dict(raw_args or {}))
        if ctx.role not in spec.roles:
            log.warning("blocked %s for role %s", name, ctx.role)
            return ToolResult(name, False, error={"code": "forbidden", "reason": "not allowed for this user"},
                              args=dict(raw_args or {}))
        try:
            args = validate_args(spec, raw_args)
            data = spec.fn(ctx, args)
        except ToolError as exc:
            return ToolResult(name, False, error={"code": exc.code, "field": exc.field, "reason": exc.reason},
                              args=dict(raw_args or {}))
        return ToolResult(name, True, data=data, args=args.model_dump(mode="json"))


def writes_data(name: str) -> bool:
    """True for a tool that changes her data (create_*, update_*, delete_*): what cached copies of it
    (brands, codes, persona) must be reloaded after."""
    return name.split("_", 1)[0] in ("create", "update", "delete")


def validate_args(spec: ToolSpec, raw: dict[str, Any] | None) -> BaseModel:
    """Validate raw arguments; raise ToolError naming the first bad field."""
    raw = dict(raw or {})
    for banned in ("tenant_id", "tenant", "handle", "influencer"):
        raw.pop(banned, None)  # the tenant comes from the context, whatever the caller says
    try:
        return spec.args_model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or None
        # A validator's own sentence reads better in a chat without pydantic's "Value error, " prefix.
        reason = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        raise ToolError(reason, field=where) from None
