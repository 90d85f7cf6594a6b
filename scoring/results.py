"""What a scoring run returns: every number with the records that produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.tally import Tally


@dataclass(frozen=True)
class Record:
    """One record behind a metric, and whether (and why not) it counted."""

    kind: str  # "touch", "customer", "followup"
    id: int
    counted: bool
    reason: str  # a message key suffix, e.g. "on_time", "late_logged", "over_daily_cap"
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricValue:
    """A metric's raw value for one member, before normalisation."""

    metric: str
    raw: Decimal | None  # None: not applicable (no data) — never a silent zero
    records: list[Record]
    detail: dict[str, Any] = field(default_factory=dict)
    tally: Tally | None = None  # the counts `raw` and `detail` are read from
    # Customers each record's line answers for beyond its records (complaints: those with
    # a credited touch, the denominator).
    reach: frozenset[int] = frozenset()

    @property
    def applicable(self) -> bool:
        return self.raw is not None


@dataclass(frozen=True)
class MetricLine:
    """A metric as it enters the score."""

    metric: str
    raw: Decimal | None
    target: Decimal | None
    normalised: Decimal  # 0–1
    weight: Decimal  # the scheme's weight
    effective_weight: Decimal  # after sharing out not-applicable metrics' weight
    points: Decimal
    records: list[Record]  # empty when read from kept scores: ask for them on demand
    detail: dict[str, Any]
    tally: Tally | None = None

    @property
    def applicable(self) -> bool:
        return self.raw is not None


@dataclass(frozen=True)
class Pay:
    """A member's pay for the period; components are exact (already pro rata for a part of
    the period), `total` is their sum rounded once to the cent."""

    currency: str
    base: Decimal
    variable: Decimal
    multiplier: Decimal
    team_bonus: Decimal
    capped: bool
    total: Decimal
    days: int = 0  # days on the team in the period: pay is pro rata days ÷ period_days
    period_days: int = 0
    # The team has a bonus pool but no one scored above zero: the pool is not paid out.
    pool_unpaid: bool = False

    @property
    def part_of_period(self) -> bool:
        return self.days < self.period_days


@dataclass(frozen=True)
class MemberScore:
    """One member's period: each metric, the total, tier, pay and rank."""

    member_id: int
    name: str
    role: str
    lines: list[MetricLine]
    total: Decimal  # 0–100, two decimals
    tier: str
    pay: Pay
    rank: int = 0

    def line(self, metric: str) -> MetricLine:
        return next(line for line in self.lines if line.metric == metric)


@dataclass(frozen=True)
class TeamScore:
    """A team's period, members in rank order."""

    team_id: int
    period: str
    scheme: str
    effective_from: str
    members: list[MemberScore]

    def member(self, member_id: int) -> MemberScore:
        return next(m for m in self.members if m.member_id == member_id)
