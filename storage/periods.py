"""One team's period read from the database: who was on the team, and the rows scoring reads.

Everything is fetched in a few set-based queries as plain rows. A load can be narrowed to a
set of customers: it then reads exactly the rows a whole-team load would read for them, plus
the loggers' neighbouring entries the burst rule looks at, so kept scores can re-score one
customer without re-reading the team's month.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, false, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.inputs import CustomerIn, FollowupIn, MemberIn, Period, TeamData, TouchIn
from scoring.metrics import CROSS_KINDS
from scoring.scheme import Scheme, Version, load_scheme
from storage.errors import NoRules, NoTeam
from storage.models import Customer, Followup, Member, Team, TeamMembership, Touch, utcnow

SCORED_ROLES = ("sales", "service")
# Plain columns, in TouchIn's field order: rows, not ORM objects, for speed at scale.
TOUCH_COLUMNS = (
    Touch.id,
    Touch.customer_id,
    Touch.member_id,
    Touch.kind,
    Touch.occurred_at,
    Touch.logged_at,
    Touch.amount_minor,
    Touch.csat,
    Touch.nps,
    Touch.burst_accepted,
)
# Inquiries late in a period are answered early in the next: a load reads this far past it.
ANSWER_GRACE = timedelta(days=7)
# A narrowed load asks for a logger's neighbours in at most this many time ranges.
MAX_RANGES = 48


@lru_cache(maxsize=16)
def scheme_named(name: str) -> Scheme:
    """A shipped scheme, parsed once per process."""
    return load_scheme(name)


def current_period(timezone: str, now: datetime | None = None) -> Period:
    local = (now or utcnow()).astimezone(ZoneInfo(timezone))
    return Period(local.year, local.month, timezone)


def period_of(team: Team, month: str | None, last: bool, now: datetime) -> Period:
    """The team's current period, or `month` (YYYY-MM); `last`: the one before it."""
    if month:
        year, mon = (int(x) for x in month.split("-"))
        period = Period(year, mon, team.timezone)
    else:
        period = current_period(team.timezone, now)
    return period.previous if last else period


async def team_period(
    session: AsyncSession, team_id: int, month: str | None, last: bool, now: datetime
) -> tuple[Team, Period, Scheme, Version]:
    """A team, the period asked for, and the scheme and version it is scored by; refuses a
    team that is gone and a period the scheme has no rules for."""
    team = await session.get(Team, team_id)
    if team is None:
        raise NoTeam()
    period = period_of(team, month, last, now)
    scheme = scheme_named(team.scheme)
    try:
        version = scheme.version_for(period.first_day)
    except LookupError:
        raise NoRules(period=period.label, scheme=scheme.name) from None
    return team, period, scheme, version


def bounds(period: Period) -> tuple[datetime, datetime]:
    zone = ZoneInfo(period.timezone)
    start = datetime.combine(period.first_day, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(period.next_first_day, datetime.min.time(), zone).astimezone(UTC)
    return start, end


@dataclass(frozen=True)
class Placement:
    """One stretch of a member on a team in a role (`valid_to` None: still there)."""

    member_id: int
    team_id: int
    role: str
    valid_from: datetime
    valid_to: datetime | None

    def covers(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_to is None or moment < self.valid_to)


def _membership_columns():
    return (
        TeamMembership.member_id,
        TeamMembership.team_id,
        TeamMembership.role,
        TeamMembership.valid_from,
        TeamMembership.valid_to,
    )


def _overlapping(team_id: int, start: datetime, end: datetime):
    return and_(
        TeamMembership.team_id == team_id,
        TeamMembership.valid_from < end,
        or_(TeamMembership.valid_to.is_(None), TeamMembership.valid_to > start),
    )


async def placements(session: AsyncSession, team_id: int, period: Period) -> list[Placement]:
    """Every placement on the team that overlaps the period, oldest first."""
    start, end = bounds(period)
    rows = await session.execute(
        select(*_membership_columns())
        .where(_overlapping(team_id, start, end))
        .order_by(TeamMembership.valid_from, TeamMembership.id)
    )
    return [Placement(*row) for row in rows]


def days_on_team(placement: Placement, period: Period) -> tuple[date, date] | None:
    """The local days [from, to) of the period a placement covers; the day of a change
    belongs to the new placement, so no day is paid twice."""
    zone = ZoneInfo(period.timezone)
    first = max(placement.valid_from.astimezone(zone).date(), period.first_day)
    last = period.next_first_day
    if placement.valid_to is not None:
        last = min(last, placement.valid_to.astimezone(zone).date())
    return (first, last) if first < last else None


def scored_days(
    found: list[Placement], period: Period
) -> dict[int, tuple[str, tuple[tuple[date, date], ...]]]:
    """Each member's role (their latest scored one) and merged days on the team in a scored
    role in the period; members with no such day are left out."""
    out: dict[int, tuple[str, list[tuple[date, date]]]] = {}
    for p in sorted(found, key=lambda p: p.valid_from):
        span = days_on_team(p, period) if p.role in SCORED_ROLES else None
        if span is None:
            continue
        spans = out[p.member_id][1] if p.member_id in out else []
        if spans and span[0] <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], span[1]))
        else:
            spans.append(span)
        out[p.member_id] = (p.role, spans)
    return {mid: (role, tuple(spans)) for mid, (role, spans) in out.items()}


async def _history(session: AsyncSession, member_ids: set[int]) -> dict[int, list[Placement]]:
    """Every placement of these members, on any team, oldest first."""
    out: dict[int, list[Placement]] = {mid: [] for mid in member_ids}
    if not member_ids:
        return out
    rows = await session.execute(
        select(*_membership_columns())
        .where(TeamMembership.member_id.in_(member_ids))
        .order_by(TeamMembership.valid_from, TeamMembership.id)
    )
    for row in rows:
        out[row.member_id].append(Placement(*row))
    return out


def _placed_at(history: list[Placement], moment: datetime) -> Placement | None:
    """Where a member was at a moment; before any recorded placement, their first one
    (history is kept from the first placement on)."""
    if not history:
        return None
    if moment < history[0].valid_from:
        return history[0]
    return next((p for p in reversed(history) if p.covers(moment)), None)


def _logged_as(logger: Placement | None, owner: Placement | None) -> str:
    """What a logger was, seen from the owner's team: a service agent, its manager, other."""
    if logger is None:
        return "other"
    if logger.role == "service":
        return "service"
    if logger.role == "manager" and owner is not None and owner.team_id == logger.team_id:
        return "manager"
    return "other"


def _merged(moments: list[datetime], reach: timedelta) -> list[tuple[datetime, datetime]]:
    """Open ranges (m − reach, m + reach) around each moment, overlapping ones merged; past
    MAX_RANGES they become one (reading more neighbours than needed is harmless)."""
    out: list[tuple[datetime, datetime]] = []
    for m in sorted(moments):
        lo, hi = m - reach, m + reach
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    if len(out) > MAX_RANGES:
        return [(out[0][0], out[-1][1])]
    return out


async def _scope_among(
    session: AsyncSession,
    ids: list[int],
    members: list[int],
    agents: list[int],
    start: datetime,
    end: datetime,
) -> tuple[set[int], set[int]]:
    """Of these customers, those the team answers for (owned by a period member, or handled
    by one of its service agents in the period), and those it owns."""
    owned: set[int] = set()
    handled: set[int] = set()
    for chunk in (ids[i : i + 2000] for i in range(0, len(ids), 2000)):
        owned |= set(
            await session.scalars(
                select(Customer.id).where(Customer.id.in_(chunk), Customer.owner_id.in_(members))
            )
        )
        if agents:
            handled |= set(
                await session.scalars(
                    select(Touch.customer_id)
                    .where(
                        Touch.customer_id.in_(chunk),
                        Touch.member_id.in_(agents),
                        Touch.occurred_at >= start,
                        Touch.occurred_at < end,
                    )
                    .distinct()
                )
            )
    return owned | handled, owned


def _team_reads(
    row, scope: set[int], owned: set[int], members: set[int], start, end, lookback: datetime
) -> bool:
    """Whether a whole-team load reads this touch (the same rule as its query)."""
    when = row.occurred_at
    return (
        (row.customer_id in scope and start <= when < end + ANSWER_GRACE)
        or (row.customer_id in owned and row.kind == "order" and lookback <= when < start)
        or (row.member_id in members and start <= when < end)
    )


async def load_team_data(
    session: AsyncSession,
    team: Team,
    period: Period,
    version: Version,
    found: list[Placement] | None = None,
    *,
    lookback_days: int | None = None,
    min_order_minor: int | None = None,
    only: Collection[int] | None = None,
) -> TeamData:
    """Everything the engine needs for one team and period, in a handful of queries.

    Members are those on the team in a scored role during the period, with their days on
    it. `only` narrows the load to those customers: their rows, exactly as a whole-team
    load reads them, and (as `TeamData.neighbours`) the entries the same loggers made
    within a burst window of them, which the burst rule needs.
    """
    start, end = bounds(period)
    if lookback_days is None:
        lookback_days = version.retention_lookback_days
    if min_order_minor is None:
        min_order_minor = int(version.anti_gaming.min_order_amount * 100)
    lookback = start - timedelta(days=lookback_days)
    if found is None:
        found = await placements(session, team.id, period)
    on_team = scored_days(found, period)
    # The placements overlapping the period say who its members and agents are.
    member_ids = sorted({p.member_id for p in found if p.role in SCORED_ROLES})
    agent_ids = sorted({p.member_id for p in found if p.role == "service"})
    members = (
        await session.execute(select(Member.id, Member.name).where(Member.id.in_(member_ids)))
    ).all()
    wanted = sorted(set(only)) if only is not None else None
    if wanted is None:
        owned_q = select(Customer.id).where(Customer.owner_id.in_(member_ids))
        # And the customers the service agents handled (they own none): every entry on
        # them is read. One IN over a union keeps the customer index usable.
        handled = select(Touch.customer_id).where(
            Touch.member_id.in_(agent_ids), Touch.occurred_at >= start, Touch.occurred_at < end
        )
        in_scope = union(owned_q, handled).subquery()
        scope_in = Touch.customer_id.in_(select(in_scope.c[0]))
        customer_in = Customer.id.in_(select(in_scope.c[0]))
        owned_in = Touch.customer_id.in_(owned_q)
    else:
        scope_ids, owned_ids = await _scope_among(
            session, wanted, member_ids, agent_ids, start, end
        )
        scope_in = Touch.customer_id.in_(sorted(scope_ids))
        customer_in = Customer.id.in_(sorted(scope_ids))
        owned_in = Touch.customer_id.in_(sorted(owned_ids))
    first_orders = (
        select(Touch.customer_id, func.min(Touch.occurred_at).label("first"))
        .where(Touch.kind == "order", Touch.amount_minor >= min_order_minor, scope_in)
        .group_by(Touch.customer_id)
        .subquery()
    )
    customers = (
        await session.execute(
            select(
                Customer.id,
                Customer.owner_id,
                Customer.created_at,
                Customer.status,
                Customer.phone,
                Customer.occupation,
                Customer.segment,
                first_orders.c.first,
            )
            .outerjoin(first_orders, first_orders.c.customer_id == Customer.id)
            .where(customer_in)
        )
    ).all()
    # The rows a whole-team load reads; a narrowed one reads the same, for its customers.
    team_rows = or_(
        and_(scope_in, Touch.occurred_at >= start, Touch.occurred_at < end + ANSWER_GRACE),
        # Before the period only orders matter (who bought recently).
        and_(
            owned_in,
            Touch.kind == "order",
            Touch.occurred_at >= lookback,
            Touch.occurred_at < start,
        ),
        and_(Touch.member_id.in_(member_ids), Touch.occurred_at >= start, Touch.occurred_at < end),
    )
    touch_query = select(*TOUCH_COLUMNS).where(team_rows)
    if wanted is not None:
        touch_query = touch_query.where(Touch.customer_id.in_(wanted))
    touches = (await session.execute(touch_query)).all()
    neighbours = []
    if wanted is not None and touches:
        reach = timedelta(minutes=version.anti_gaming.burst_minutes)
        by_logger: dict[int, list[datetime]] = {}
        for row in touches:
            by_logger.setdefault(row.member_id, []).append(row.logged_at)
        near = [
            and_(
                Touch.member_id == logger,
                or_(*(and_(Touch.logged_at > lo, Touch.logged_at < hi) for lo, hi in ranges)),
            )
            for logger, moments in by_logger.items()
            if (ranges := _merged(moments, reach))
        ]
        candidates = (
            await session.execute(
                select(*TOUCH_COLUMNS).where(Touch.customer_id.not_in(wanted), or_(false(), *near))
            )
        ).all()
        if candidates:
            scope_x, owned_x = await _scope_among(
                session,
                sorted({row.customer_id for row in candidates}),
                member_ids,
                agent_ids,
                start,
                end,
            )
            members_x = set(member_ids)
            neighbours = [
                row
                for row in candidates
                if _team_reads(row, scope_x, owned_x, members_x, start, end, lookback)
            ]
    followup_query = select(
        Followup.id,
        Followup.member_id,
        Followup.customer_id,
        Followup.due_on,
        Followup.done_at,
    ).where(
        Followup.member_id.in_(member_ids),
        Followup.due_on >= period.first_day,
        Followup.due_on < period.next_first_day,
    )
    if wanted is not None:
        followup_query = followup_query.where(Followup.customer_id.in_(wanted))
    followups = (await session.execute(followup_query)).all()
    # Who each rating, complaint or inquiry on someone else's customer came from, then.
    owner_of = {row.id: row.owner_id for row in customers}
    cross = [
        row
        for row in touches
        if row.kind in CROSS_KINDS and owner_of.get(row.customer_id) != row.member_id
    ]
    history = await _history(
        session,
        {row.member_id for row in cross}
        | {owner_of[row.customer_id] for row in cross if row.customer_id in owner_of},
    )
    logged_as: dict[int, str] = {}
    for row in cross:
        owner = owner_of.get(row.customer_id)
        logged_as[row.id] = _logged_as(
            _placed_at(history[row.member_id], row.logged_at),
            _placed_at(history[owner], row.logged_at) if owner is not None else None,
        )
    names = dict(members)
    return TeamData(
        team_id=team.id,
        period=period,
        members=[
            MemberIn(mid, names.get(mid, "?"), role, spans)
            for mid, (role, spans) in on_team.items()
        ],
        customers=[
            CustomerIn(i, o, c, s, bool(p), bool(occ), bool(seg), first)
            for i, o, c, s, p, occ, seg, first in customers
        ],
        touches=[TouchIn(*row, logged_as=logged_as.get(row.id)) for row in touches],
        followups=[FollowupIn(*row) for row in followups],
        holidays_country=team.holidays_country,
        neighbours=[TouchIn(*row) for row in neighbours],
    )
