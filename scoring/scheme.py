"""Scoring schemes: YAML files of effective-dated versions, validated with line numbers."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

METRICS = (
    "revenue",
    "conversion",
    "new_customers",
    "retention",
    "satisfaction",
    "complaints",
    "response_speed",
    "timeliness",
    "data_quality",
    "followups",
)
COUNTS = ("revenue", "new_customers")  # not shares: only a target makes them 0–1
SCHEMES_DIR = Path(__file__).parent / "schemes"


class SchemeError(ValueError):
    """A scheme file that does not validate; the message names the file and line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Normalisation(_Strict):
    """How a metric's raw value becomes a 0–1 share of its weight.

    target: raw / the role's target, capped at `cap` (1 by default). rate: the raw share
    itself (0–1).
    inverted: 1 − raw / limit, floored at 0 (for things that should be low).
    """

    kind: Literal["target", "rate", "inverted"]
    limit: Decimal | None = Field(default=None, gt=0)
    # target only: how far past the target still earns (1.2 = up to 120% of the points);
    # the total is still capped at 100.
    cap: Decimal = Field(default=Decimal(1), ge=1, le=2)

    @model_validator(mode="after")
    def _limit_for_inverted(self) -> Normalisation:
        if self.kind == "inverted" and self.limit is None:
            raise ValueError("an inverted metric needs a limit (the value that scores zero)")
        return self


class RolePlan(_Strict):
    """One role's weights, targets and pay."""

    weights: dict[str, Decimal]
    targets: dict[str, Decimal] = {}
    base_pay: Decimal = Field(ge=0)
    variable_pay: Decimal = Field(ge=0)

    @field_validator("weights", "targets")
    @classmethod
    def _known_metrics(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = sorted(set(v) - set(METRICS))
        if unknown:
            raise ValueError(f"unknown metric {unknown[0]!r}; known: {', '.join(METRICS)}")
        return v

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        if any(w < 0 for w in v.values()):
            raise ValueError("weights cannot be negative")
        if sum(v.values(), Decimal(0)) != 100:
            raise ValueError(f"weights must sum to 100, not {sum(v.values(), Decimal(0))}")
        return v

    @field_validator("targets")
    @classmethod
    def _targets(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        for metric, target in v.items():
            if target <= 0:
                raise ValueError(f"the target for {metric} must be more than zero")
        return v


class Tier(_Strict):
    name: str
    min_score: Decimal = Field(ge=0, le=100)
    multiplier: Decimal = Field(ge=0)


class AntiGaming(_Strict):
    max_touches_per_customer_day: int = Field(default=3, ge=1)
    # Orders below this (major units) still add revenue but prove no (re)purchase.
    min_order_amount: Decimal = Field(default=Decimal(100), ge=0)
    burst_touches: int = Field(default=10, ge=2)
    burst_minutes: int = Field(default=5, ge=1)


class Caps(_Strict):
    max_pay: Decimal | None = Field(default=None, gt=0)


class Version(_Strict):
    """The rules in force from `effective_from` until the next version."""

    effective_from: date
    currency: str = "CNY"
    roles: dict[Literal["sales", "service"], RolePlan]
    normalisation: dict[str, Normalisation]
    tiers: list[Tier]
    holidays_country: str | None = "CN"
    work_start: time = time(9)
    work_end: time = time(18)
    sla_working_hours: Decimal = Field(default=Decimal(4), gt=0)
    timeliness_cutoff: time = time(10)
    retention_lookback_days: int = Field(default=90, ge=1)
    lead_window_days: int = Field(default=180, ge=1)  # leads older than this leave conversion
    team_bonus_per_member: Decimal = Field(default=Decimal(0), ge=0)
    caps: Caps = Caps()
    anti_gaming: AntiGaming = AntiGaming()

    @field_validator("work_start", "work_end", "timeliness_cutoff", mode="before")
    @classmethod
    def _quoted_time(cls, v: object) -> object:
        # YAML reads an unquoted 10:00 as the number 600 (base 60): refuse, don't guess.
        if not isinstance(v, str):
            raise ValueError('write times in quotes, e.g. "10:00"')
        return v

    @field_validator("normalisation")
    @classmethod
    def _every_metric(cls, v: dict[str, Normalisation]) -> dict[str, Normalisation]:
        unknown = sorted(set(v) - set(METRICS))
        if unknown:
            raise ValueError(f"unknown metric {unknown[0]!r}; known: {', '.join(METRICS)}")
        for metric in COUNTS:
            if metric in v and v[metric].kind != "target":
                raise ValueError(f"{metric} is an amount or a count: score it against a target")
        return v

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, v: list[Tier]) -> list[Tier]:
        if not v:
            raise ValueError("at least one tier is needed")
        if [t.min_score for t in v] != sorted((t.min_score for t in v), reverse=True):
            raise ValueError("tiers must be listed from the highest min_score down")
        if v[-1].min_score != 0:
            raise ValueError("the last tier must start at min_score 0")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Version:
        for role, plan in self.roles.items():
            for metric, weight in plan.weights.items():
                if weight and metric not in self.normalisation:
                    raise ValueError(f"{role}: {metric} has a weight but no normalisation")
                norm = self.normalisation.get(metric)
                if weight and norm and norm.kind == "target" and metric not in plan.targets:
                    raise ValueError(f"{role}: {metric} is scored against a target; set one")
        return self

    def tier_for(self, score: Decimal) -> Tier:
        return next(t for t in self.tiers if score >= t.min_score)


class Scheme(_Strict):
    """A named scheme: its versions, in effective-date order."""

    name: str
    versions: list[Version]

    @field_validator("versions")
    @classmethod
    def _ordered(cls, v: list[Version]) -> list[Version]:
        if not v:
            raise ValueError("a scheme needs at least one version")
        for a, b in pairwise(v):
            if b.effective_from <= a.effective_from:
                raise ValueError(
                    f"versions overlap: {b.effective_from} does not come after {a.effective_from}"
                )
        return v

    def version_for(self, day: date) -> Version:
        """The version in force on `day`."""
        found = [v for v in self.versions if v.effective_from <= day]
        if not found:
            raise LookupError(f"scheme {self.name!r} has no version in force on {day}")
        return found[-1]


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at a pydantic error location."""
    line = node.start_mark.line + 1 if node else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if pair is None:
                break
            line = pair[0].start_mark.line + 1  # the key's line: where a reader looks
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def parse_scheme(text: str, source: str = "<scheme>") -> Scheme:
    """Parse and validate a scheme, naming the file and line of the first problem."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise SchemeError(f"{where}: not valid YAML: {getattr(e, 'problem', e)}") from None
    try:
        return Scheme.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(p for p in err["loc"] if p not in ("function-after",))
        line = _line_of(root, loc)
        path = ".".join(str(p) for p in loc) or "(top)"
        msg = err["msg"].removeprefix("Value error, ")
        raise SchemeError(f"{source}:{line}: {path}: {msg}") from None


def load_scheme(name_or_path: str | Path) -> Scheme:
    """Load a shipped scheme by name (`default`) or a scheme file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SCHEMES_DIR / f"{name_or_path}.yml"
    return parse_scheme(path.read_text(encoding="utf-8"), str(path))
