"""The plain data one scoring run reads: a period, members, customers, touches, follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Period:
    """A calendar month in a team's time zone: [start, end) as aware datetimes."""

    year: int
    month: int
    timezone: str

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + self.month // 12, self.month % 12 + 1, 1)

    @property
    def previous(self) -> Period:
        if self.month == 1:
            return Period(self.year - 1, 12, self.timezone)
        return Period(self.year, self.month - 1, self.timezone)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class MemberIn:
    """A team member being scored."""

    id: int
    name: str
    role: str  # "sales" or "service"


@dataclass(frozen=True)
class CustomerIn:
    """A customer as scoring sees it."""

    id: int
    owner_id: int
    created_at: datetime
    status: str
    has_phone: bool
    has_occupation: bool
    has_segment: bool
    first_order_at: datetime | None = None  # ever, not only in the period


@dataclass(frozen=True)
class TouchIn:
    """A logged touch. `member_id` is who logged it; credit goes to the customer's owner."""

    id: int
    customer_id: int
    member_id: int
    kind: str
    occurred_at: datetime
    logged_at: datetime
    amount_minor: int | None = None
    csat: int | None = None
    nps: int | None = None
    burst_accepted: bool = False  # a manager reviewed a flagged burst and let it count


@dataclass(frozen=True)
class FollowupIn:
    """A follow-up promised by `member_id`."""

    id: int
    member_id: int
    customer_id: int
    due_on: date
    done_at: datetime | None


@dataclass(frozen=True)
class TeamData:
    """Everything one team's period score needs (touches may reach back for lookbacks)."""

    team_id: int
    period: Period
    members: list[MemberIn]
    customers: list[CustomerIn]
    touches: list[TouchIn]
    followups: list[FollowupIn] = field(default_factory=list)
    holidays_country: str | None = None  # the team's; None: the scheme's
