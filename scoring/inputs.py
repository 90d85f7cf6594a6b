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

    @property
    def days(self) -> int:
        """Calendar days in the month."""
        return (self.next_first_day - self.first_day).days


@dataclass(frozen=True)
class MemberIn:
    """A team member being scored."""

    id: int
    name: str
    role: str  # "sales" or "service"
    # The local days [from, to) of the period the member was on the team in a scored role;
    # None: the whole period. Days outside the period are ignored.
    on_team: tuple[tuple[date, date], ...] | None = None


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
    # The first order at or above the scheme's minimum, ever (not only in the period).
    first_order_at: datetime | None = None


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
    # For a rating, complaint or inquiry on a customer the logger does not own: what the
    # logger was when they entered it, "service" (a service agent) or "manager" (the
    # manager of the owner's team). Anything else, or None, is not allowed to count.
    logged_as: str | None = None


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
    # Entries on other customers, read only for the burst rule when a load is narrowed to a
    # few customers: the same loggers' entries within a burst window of the loaded ones.
    neighbours: list[TouchIn] = field(default_factory=list)
