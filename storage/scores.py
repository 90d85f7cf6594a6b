"""Load a team's period from the database in a few set-based queries, and score it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.engine import score_team
from scoring.inputs import CustomerIn, FollowupIn, MemberIn, Period, TeamData, TouchIn
from scoring.results import TeamScore
from scoring.scheme import Scheme, load_scheme
from storage.errors import NoRules, NoTeam, NotYourReport
from storage.members import Actor
from storage.models import Customer, Followup, Member, Team, Touch, utcnow

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


async def load_team_data(
    session: AsyncSession, team: Team, period: Period, lookback_days: int
) -> TeamData:
    """Everything the engine needs for one team and period: five queries, whatever its size."""
    start, end = _bounds(period)
    members = (
        await session.execute(
            select(Member.id, Member.name, Member.role).where(
                Member.team_id == team.id, Member.role.in_(SCORED_ROLES)
            )
        )
    ).all()
    team_members = select(Member.id).where(Member.team_id == team.id).scalar_subquery()
    owned = select(Customer.id).where(Customer.owner_id.in_(team_members))
    first_orders = (
        select(Touch.customer_id, func.min(Touch.occurred_at).label("first"))
        .where(Touch.kind == "order", Touch.customer_id.in_(owned))
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
            .where(Customer.owner_id.in_(team_members))
        )
    ).all()
    touches = (
        await session.execute(
            select(*TOUCH_COLUMNS).where(
                or_(
                    and_(
                        Touch.customer_id.in_(owned),
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
                        Touch.member_id.in_(team_members),
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
                Followup.member_id.in_(team_members),
                Followup.due_on >= period.first_day,
                Followup.due_on < period.next_first_day,
            )
        )
    ).all()
    return TeamData(
        team_id=team.id,
        period=period,
        members=[MemberIn(i, n, r) for i, n, r in members],
        customers=[
            CustomerIn(i, o, c, s, bool(p), bool(occ), bool(seg), first)
            for i, o, c, s, p, occ, seg, first in customers
        ],
        touches=[TouchIn(*row) for row in touches],
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
        data = await load_team_data(session, team, period, version.retention_lookback_days)
        users = dict(
            (
                await session.execute(
                    select(Member.id, Member.slack_user_id).where(Member.team_id == team.id)
                )
            ).all()
        )
        score = score_team(data, scheme, as_of=now)
        return ScoreView(team.id, team.name, team.manager_id, period, score, users)


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
            lookback = max(
                current.version_for(period.first_day).retention_lookback_days,
                latest.versions[0].retention_lookback_days,
            )
            data = await load_team_data(session, team, period, lookback)
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
