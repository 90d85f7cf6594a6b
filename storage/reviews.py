"""Around a member's score: whose it is and who may see it, the records behind a line
(computed on demand for that member alone), and a manager's review of a flagged burst."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, union, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.engine import member_values
from scoring.inputs import Period
from scoring.metrics import Context
from scoring.results import MetricValue
from storage.errors import NoTeam, NotYourReport
from storage.kept import ScoreView, record_change
from storage.members import Actor
from storage.models import Customer, Followup, Member, Team, Touch, utcnow
from storage.org import audit
from storage.periods import ANSWER_GRACE, bounds, load_team_data, placements, scheme_named


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


async def accept_bursts(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    team_id: int,
    member_id: int,
    touch_ids: list[int],
) -> int:
    """Let a member's flagged burst of touches count; their manager or an admin only."""

    async with sessions.begin() as session:
        team = await session.get(Team, team_id)
        if team is None or team.manager_id != actor.member_id or member_id == actor.member_id:
            raise NotYourReport(user="?")
        waiting = (
            Touch.id.in_(touch_ids),
            Touch.member_id == member_id,
            Touch.burst_accepted.is_(False),
        )
        rows = (
            await session.execute(select(Touch.customer_id, Touch.logged_at).where(*waiting))
        ).all()
        result = await session.execute(update(Touch).where(*waiting).values(burst_accepted=True))
        count = result.rowcount or 0
        for customer_id, logged_at in set(rows):
            await record_change(
                session, customer_id=customer_id, member_id=member_id, logged_at=logged_at
            )
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


def may_see_pay(actor: Actor, view: ScoreView, member_id: int) -> bool:
    """Pay is shown to the member and their manager: never to teammates."""
    return member_id == actor.member_id or view.manager_id == actor.member_id


def may_see_records(actor: Actor, view: ScoreView, member_id: int) -> bool:
    """A member's records are theirs and their manager's to read."""
    return member_id == actor.member_id or view.manager_id == actor.member_id


def flagged(values: dict[str, MetricValue]) -> list[int]:
    """Touches of a member left out as a burst, waiting for a manager's review."""
    return sorted(
        {
            r.id
            for value in values.values()
            for r in value.records
            if r.kind == "touch" and r.reason == "burst_unreviewed"
        }
    )


async def member_records(
    sessions: async_sessionmaker[AsyncSession],
    team_id: int,
    period: Period,
    member_id: int,
    now: datetime | None = None,
) -> dict[str, MetricValue]:
    """Every metric of one member with the records behind it, scored for that member alone:
    only the customers they own, touched or promised a follow-up to are read."""
    now = now or utcnow()
    start, end = bounds(period)
    async with sessions.begin() as session:
        team = await session.get(Team, team_id)
        if team is None:
            raise NoTeam()
        version = scheme_named(team.scheme).version_for(period.first_day)
        reach = version.retention_lookback_days
        mine = union(
            select(Customer.id).where(Customer.owner_id == member_id),
            select(Touch.customer_id).where(
                Touch.member_id == member_id,
                Touch.occurred_at >= start - timedelta(days=reach),
                Touch.occurred_at < end + ANSWER_GRACE,
            ),
            select(Followup.customer_id).where(
                Followup.member_id == member_id,
                Followup.due_on >= period.first_day,
                Followup.due_on < period.next_first_day,
            ),
        )
        scope = {cid for (cid,) in await session.execute(mine)}
        found = await placements(session, team.id, period)
        data = await load_team_data(session, team, period, version, found, only=scope)
    scheme = scheme_named(team.scheme)

    def run() -> dict[str, MetricValue]:
        ctx = Context(data, scheme.version_for(period.first_day), now)
        member = next((m for m in data.members if m.id == member_id), None)
        if member is None or member.role not in ctx.version.roles:
            return {}
        return member_values(ctx, member)

    return await asyncio.to_thread(run)
