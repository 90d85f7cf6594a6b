"""Load a team's period from the database in a few set-based queries, and score it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.engine import score_team
from scoring.inputs import CustomerIn, FollowupIn, MemberIn, Period, TeamData, TouchIn
from scoring.metrics import CROSS_KINDS
from scoring.results import MemberScore, TeamScore
from scoring.scheme import Scheme, load_scheme
from storage.errors import NoRules, NoTeam, NotYourReport
from storage.members import Actor
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


@lru_cache(maxsize=16)
def scheme_named(name: str) -> Scheme:
    """A shipped scheme, parsed once per process."""
    return load_scheme(name)


def current_period(timezone: str, now: datetime | None = None) -> Period:
    local = (now or utcnow()).astimezone(ZoneInfo(timezone))
    return Period(local.year, local.month, timezone)


def _bounds(period: Period) -> tuple[datetime, datetime]:
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
    start, end = _bounds(period)
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


async def load_team_data(
    session: AsyncSession,
    team: Team,
    period: Period,
    lookback_days: int,
    min_order_minor: int = 0,
    found: list[Placement] | None = None,
) -> TeamData:
    """Everything the engine needs for one team and period, in a handful of queries.

    Members are those on the team in a scored role during the period, with their days
    on it; orders below `min_order_minor` do not make a customer a buyer.
    """
    start, end = _bounds(period)
    if found is None:
        found = await placements(session, team.id, period)
    on_team = scored_days(found, period)
    period_members = (
        select(TeamMembership.member_id)
        .where(_overlapping(team.id, start, end), TeamMembership.role.in_(SCORED_ROLES))
        .scalar_subquery()
    )
    members = (
        await session.execute(select(Member.id, Member.name).where(Member.id.in_(period_members)))
    ).all()
    owned = select(Customer.id).where(Customer.owner_id.in_(period_members))
    # And the customers the service agents handled (they own none): every entry on them is
    # read. One IN over a union keeps the customer index usable (an OR of two does not).
    agents = (
        select(TeamMembership.member_id)
        .where(_overlapping(team.id, start, end), TeamMembership.role == "service")
        .scalar_subquery()
    )
    handled = select(Touch.customer_id).where(
        Touch.member_id.in_(agents), Touch.occurred_at >= start, Touch.occurred_at < end
    )
    in_scope = union(owned, handled).subquery()
    scope = select(in_scope.c[0])
    first_orders = (
        select(Touch.customer_id, func.min(Touch.occurred_at).label("first"))
        .where(
            Touch.kind == "order",
            Touch.amount_minor >= min_order_minor,
            Touch.customer_id.in_(scope),
        )
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
            .where(Customer.id.in_(scope))
        )
    ).all()
    touches = (
        await session.execute(
            select(*TOUCH_COLUMNS).where(
                or_(
                    and_(
                        Touch.customer_id.in_(scope),
                        Touch.occurred_at >= start,
                        # A week past the end, so late-month inquiries find their answers.
                        Touch.occurred_at < end + timedelta(days=7),
                    ),
                    # Before the period only orders matter (who bought recently).
                    and_(
                        Touch.customer_id.in_(owned),
                        Touch.kind == "order",
                        Touch.occurred_at >= start - timedelta(days=lookback_days),
                        Touch.occurred_at < start,
                    ),
                    and_(
                        Touch.member_id.in_(period_members),
                        Touch.occurred_at >= start,
                        Touch.occurred_at < end,
                    ),
                )
            )
        )
    ).all()
    followups = (
        await session.execute(
            select(
                Followup.id,
                Followup.member_id,
                Followup.customer_id,
                Followup.due_on,
                Followup.done_at,
            ).where(
                Followup.member_id.in_(period_members),
                Followup.due_on >= period.first_day,
                Followup.due_on < period.next_first_day,
            )
        )
    ).all()
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
    )


@dataclass(frozen=True)
class ScoreView:
    """A team's scores for a period, with what the page needs to name people."""

    team_id: int
    team_name: str
    manager_id: int | None
    period: Period
    score: TeamScore
    user_ids: dict[int, str]  # member id → Slack user id
    # Still open: its pay is a projection. An ended period's pay is what it is.
    projected: bool = True
    present: frozenset[int] = frozenset()  # members on the team in the period, any role

    def scored(self, member_id: int) -> MemberScore | None:
        return next((m for m in self.score.members if m.member_id == member_id), None)


async def team_scores(
    sessions: async_sessionmaker[AsyncSession],
    team_id: int,
    month: str | None = None,
    last: bool = False,
    now: datetime | None = None,
) -> ScoreView:
    """Score a team's current (or `month`, YYYY-MM, or previous) period as of now."""
    now = now or utcnow()
    async with sessions.begin() as session:
        team = await session.get(Team, team_id)
        if team is None:
            raise NoTeam()
        if month:
            year, mon = (int(x) for x in month.split("-"))
            period = Period(year, mon, team.timezone)
        else:
            period = current_period(team.timezone, now)
        if last:
            period = period.previous
        scheme = scheme_named(team.scheme)
        try:
            version = scheme.version_for(period.first_day)
        except LookupError:
            raise NoRules(period=period.label, scheme=scheme.name) from None
        found = await placements(session, team.id, period)
        data = await load_team_data(
            session,
            team,
            period,
            version.retention_lookback_days,
            int(version.anti_gaming.min_order_amount * 100),
            found,
        )
        present = frozenset(p.member_id for p in found if days_on_team(p, period))
        users = dict(
            (
                await session.execute(
                    select(Member.id, Member.slack_user_id).where(
                        or_(Member.team_id == team.id, Member.id.in_(list(present) or [-1]))
                    )
                )
            ).all()
        )
        team_name, manager_id = team.name, team.manager_id
    # Scoring is pure Python over rows already read: done with the connection released (one
    # SQLite connection serves everyone) and beside the event loop, so that a big month
    # slows only the member asking for it.
    score = await asyncio.to_thread(score_team, data, scheme, now)
    return ScoreView(
        team_id,
        team_name,
        manager_id,
        period,
        score,
        users,
        projected=now < _bounds(period)[1],
        present=present,
    )


async def resolve_subject(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, user_id: str | None
) -> tuple[int, int]:
    """(team id, member id) whose score the actor may see: their own, or a report's."""
    async with sessions.begin() as session:
        if user_id is None or user_id == actor.slack_user_id:
            if actor.team_id is None:
                raise NoTeam()
            return actor.team_id, actor.member_id
        subject = await session.scalar(
            select(Member).where(
                Member.workspace_id == actor.workspace_id, Member.slack_user_id == user_id
            )
        )
        team = await session.get(Team, subject.team_id) if subject and subject.team_id else None
        if team is None or subject is None:
            raise NotYourReport(user=user_id)
        if team.manager_id != actor.member_id:
            raise NotYourReport(user=user_id)
        return team.id, subject.id


async def is_manager_of(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, team_id: int
) -> bool:
    async with sessions.begin() as session:
        team = await session.get(Team, team_id)
        return team is not None and team.manager_id == actor.member_id


@dataclass(frozen=True)
class RecordLabel:
    """What a record is, for the records modal."""

    title: str  # the customer's name
    kind: str | None = None  # a touch's kind
    when: datetime | None = None
    due: object | None = None
    amount_minor: int | None = None
    currency: str | None = None


async def record_labels(
    sessions: async_sessionmaker[AsyncSession], refs: list[tuple[str, int]]
) -> dict[tuple[str, int], RecordLabel]:
    """Describe records by (kind, id) with one query per record kind."""
    ids: dict[str, set[int]] = {"touch": set(), "customer": set(), "followup": set()}
    for kind, rid in refs:
        ids[kind].add(rid)
    out: dict[tuple[str, int], RecordLabel] = {}
    async with sessions.begin() as session:
        if ids["touch"]:
            rows = await session.execute(
                select(
                    Touch.id,
                    Touch.kind,
                    Touch.occurred_at,
                    Touch.amount_minor,
                    Touch.currency,
                    Customer.name,
                )
                .join(Customer, Customer.id == Touch.customer_id)
                .where(Touch.id.in_(ids["touch"]))
            )
            for tid, kind, when, amount, currency, name in rows:
                out[("touch", tid)] = RecordLabel(
                    name, kind, when, amount_minor=amount, currency=currency
                )
        if ids["customer"]:
            rows = await session.execute(
                select(Customer.id, Customer.name).where(Customer.id.in_(ids["customer"]))
            )
            for cid, name in rows:
                out[("customer", cid)] = RecordLabel(name)
        if ids["followup"]:
            rows = await session.execute(
                select(Followup.id, Followup.due_on, Customer.name)
                .join(Customer, Customer.id == Followup.customer_id)
                .where(Followup.id.in_(ids["followup"]))
            )
            for fid, due, name in rows:
                out[("followup", fid)] = RecordLabel(name, due=due)
    return out


@dataclass(frozen=True)
class TeamPreview:
    team_name: str
    period: Period
    changes: list  # scoring.engine.Change
    user_ids: dict[int, str]
    currency: str


async def preview_scheme(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    proposed: Scheme,
    now: datetime | None = None,
) -> list[TeamPreview]:
    """Replay last month of every team under `proposed`; admins only."""
    from scoring.engine import replay
    from storage.org import require_admin

    require_admin(actor)
    now = now or utcnow()
    # The proposal's newest version, as if it had applied to last month already.
    newest = proposed.versions[-1].model_copy(update={"effective_from": date(1970, 1, 1)})
    latest = Scheme(name=proposed.name, versions=[newest])
    out = []
    async with sessions.begin() as session:
        rows = list(
            await session.scalars(
                select(Team).where(Team.workspace_id == actor.workspace_id).order_by(Team.name)
            )
        )
        for team in rows:
            period = current_period(team.timezone, now).previous
            current = scheme_named(team.scheme)
            try:
                in_force = current.version_for(period.first_day)
            except LookupError:
                in_force = latest.versions[0]
            lookback = max(
                in_force.retention_lookback_days, latest.versions[0].retention_lookback_days
            )
            minimum = min(
                in_force.anti_gaming.min_order_amount,
                latest.versions[0].anti_gaming.min_order_amount,
            )
            data = await load_team_data(session, team, period, lookback, int(minimum * 100))
            users = dict(
                (
                    await session.execute(
                        select(Member.id, Member.slack_user_id).where(Member.team_id == team.id)
                    )
                ).all()
            )
            try:
                changes = replay(data, current, latest)
            except LookupError:
                changes = []  # the team's scheme had no version in force that month
            out.append(TeamPreview(team.name, period, changes, users, newest.currency))
    return out


async def accept_bursts(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    team_id: int,
    member_id: int,
    touch_ids: list[int],
) -> int:
    """Let a member's flagged burst of touches count; their manager or an admin only."""
    from sqlalchemy import update

    from storage.org import audit

    async with sessions.begin() as session:
        team = await session.get(Team, team_id)
        if team is None or team.manager_id != actor.member_id or member_id == actor.member_id:
            raise NotYourReport(user="?")
        result = await session.execute(
            update(Touch)
            .where(
                Touch.id.in_(touch_ids),
                Touch.member_id == member_id,
                Touch.burst_accepted.is_(False),
            )
            .values(burst_accepted=True)
        )
        count = result.rowcount or 0
        if count:
            await audit(
                session,
                actor.workspace_id,
                actor.member_id,
                "burst.accept",
                f"member:{member_id}",
                touches=sorted(touch_ids),
            )
        return count
