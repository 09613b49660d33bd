"""Loading and validating eval suites (`eval-suite/1`): every error names its YAML path."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = ["Suite", "Case", "Turn", "Expect", "Delivered", "AfterCheck", "SuiteInvalid", "load_suite", "load_suites",
           "turn_clock"]

ACTIONS = ("respond", "clarify", "confirm", "handoff", "refuse", "rate_limited")
RESOURCES = (
    "partnerships",
    "coupons",
    "coupon_events",
    "tasks",
    "invoices",
    "conversations",
    "messages",
    "support_issues",
    "handoffs",
    "events",
    "contacts",
    "outbound_messages",
    "scheduled_jobs",
    "surveys",
    "brand_notes",
)
PARTIES = ("follower", "owner")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _str_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Delivered(_Strict):
    """A message sent to one party since the previous turn (not the reply to this turn itself)."""

    to: Literal[PARTIES]  # type: ignore[valid-type]
    contains: list[str] | None = None
    contains_any: list[str] | None = None
    not_contains: list[str] | None = None
    template: str | None = None

    _lists = field_validator("contains", "contains_any", "not_contains", mode="before")(
        classmethod(lambda cls, v: _str_list(v))
    )


class Expect(_Strict):
    """What must hold after one turn (all optional, all must hold)."""

    intent: str | None = None
    intent_in: list[str] | None = None
    tools: list[str] | None = None
    no_tools: bool | list[str] | None = None
    action: Literal[ACTIONS] | None = None  # type: ignore[valid-type]
    contains: list[str] | None = None
    contains_any: list[str] | None = None
    not_contains: list[str] | None = None
    regex: str | None = None
    not_regex: str | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    max_ms: float | None = Field(default=None, gt=0)
    judge: str | None = None
    delivered: list[Delivered] | None = None
    not_delivered: Literal[PARTIES] | None = None  # type: ignore[valid-type]

    _lists = field_validator("tools", "contains", "contains_any", "not_contains", "intent_in", mode="before")(
        classmethod(lambda cls, v: _str_list(v))
    )

    @field_validator("regex", "not_regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        import re

        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


_OFFSET = r"^\+(?:\d+[dhm])+$"


class Turn(_Strict):
    """One user message and what must hold after it; who writes it, on which channel, and when."""

    user: str = Field(min_length=1)
    expect: Expect = Expect()
    role: Literal["follower", "owner"] | None = None
    channel: Literal["web", "whatsapp", "cli"] | None = None
    at: str | None = None  # an ISO datetime, or an offset from the previous turn's clock: +2h, +3d, +1d2h

    @field_validator("at")
    @classmethod
    def _when(cls, value: str | None) -> str | None:
        import re

        if value is None or re.match(_OFFSET, value):
            return value
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("must be an ISO datetime with an offset, or +2h / +3d / +1d2h / +30m") from None
        if when.tzinfo is None:
            raise ValueError("must include a UTC offset, e.g. 2026-11-23T10:00:00+02:00")
        return value


class AfterCheck(_Strict):
    """A count of rows of one resource, in the case's tenant, that match `where`."""

    resource: Literal[RESOURCES]  # type: ignore[valid-type]
    where: dict[str, Any] = {}
    count: int = Field(ge=0)

    @model_validator(mode="after")
    def _known_fields(self) -> AfterCheck:
        from evals.state_checks import check_where_keys

        check_where_keys(self.resource, self.where)
        return self


class Case(_Strict):
    """One conversation: its turns share a conversation; it starts from the bundle's state."""

    id: str = Field(min_length=1)
    tags: list[str] = []
    role: Literal["follower", "owner"] = "follower"
    channel: Literal["web", "whatsapp", "cli"] = "web"
    turns: list[Turn] = Field(min_length=1)
    after: list[AfterCheck] = []


class _SuiteModel(_Strict):
    format: Literal["eval-suite/1"]
    name: str = Field(min_length=1)
    bundle: str
    influencer: str = Field(min_length=1)
    now: dt.datetime | None = None
    others: list[str] = []
    cases: list[Case] = Field(min_length=1)

    @field_validator("now")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a UTC offset, e.g. 2026-11-23T10:00:00+02:00")
        return value

    @model_validator(mode="after")
    def _unique_ids(self) -> _SuiteModel:
        seen: set[str] = set()
        for case in self.cases:
            if case.id in seen:
                raise ValueError(f"duplicate case id {case.id!r}")
            seen.add(case.id)
        return self


@dataclass(frozen=True)
class Suite:
    """A validated suite, with its file and the bundle path resolved."""

    path: Path
    name: str
    bundle_path: Path
    influencer: str
    now: dt.datetime | None
    cases: list[Case] = field(default_factory=list)
    others: list[Path] = field(default_factory=list)


class SuiteInvalid(Exception):
    """A suite breaks the format; `.errors` are lines like `file: cases[2].turns[0].expect.intnt: unknown key`."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


_UNION_LABELS = {"str", "bool", "int", "float", "none", "dict", "list"}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part) in _UNION_LABELS or "[" in str(part) or str(part).startswith("function-"):
            continue  # pydantic's union branch labels are not part of the YAML path
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _reason(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("literal_error", "enum"):
        return f"{err.get('input')!r} is not one of {err['ctx'].get('expected', '')}"
    msg = err.get("msg", "invalid value")
    return msg.removeprefix("Value error, ")


def load_suite(path: str | Path) -> Suite:
    """Read and validate one suite file; raise SuiteInvalid with every error found."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteInvalid([f"{path}: no such file"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise SuiteInvalid([f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(raw, dict):
        raise SuiteInvalid([f"{path}: (top level): must be a mapping with format, name, bundle, influencer, cases"])
    try:
        model = _SuiteModel.model_validate(raw)
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            where, reason = _path(tuple(e["loc"])), _reason(dict(e))
            if reason.startswith("where."):  # a state check names its own sub-path
                sub, reason = reason.split(": ", 1)
                where = f"{where}.{sub}"
            errors.append(f"{path}: {where}: {reason}")
        raise SuiteInvalid(errors[:50]) from None
    bundle = (path.parent / model.bundle).resolve()
    if not bundle.is_file():
        raise SuiteInvalid([f"{path}: bundle: no such file {model.bundle!r} (relative to the suite)"])
    others = [(path.parent / other).resolve() for other in model.others]
    missing = [f"{path}: others[{i}]: no such file {model.others[i]!r} (relative to the suite)"
               for i, other in enumerate(others) if not other.is_file()]
    if missing:
        raise SuiteInvalid(missing)
    return Suite(path, model.name, bundle, model.influencer, model.now, list(model.cases), others)


def load_suites(paths: list[str | Path]) -> list[Suite]:
    """Validate every file first; raise SuiteInvalid with all the errors of all files."""
    suites, errors = [], []
    for p in paths:
        try:
            suites.append(load_suite(p))
        except SuiteInvalid as exc:
            errors.extend(exc.errors)
    if errors:
        raise SuiteInvalid(errors)
    return suites


def turn_clock(previous: dt.datetime, at: str | None) -> dt.datetime:
    """The clock of a turn: `previous` unless `at` gives an ISO datetime or an offset (+2h, +3d, +1d2h, +30m)."""
    import re

    if at is None:
        return previous
    if not at.startswith("+"):
        return dt.datetime.fromisoformat(at)
    units = {"d": "days", "h": "hours", "m": "minutes"}
    delta = dt.timedelta(**{units[u]: 0 for u in units})
    for amount, unit in re.findall(r"(\d+)([dhm])", at):
        delta += dt.timedelta(**{units[unit]: int(amount)})
    return previous + delta
