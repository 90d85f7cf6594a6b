"""Follow-ups: listing what is due, marking done, snoozing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from storage.errors import FollowupClosed, FollowupMoved, NotFound
from storage.kept import record_change
from storage.members import Actor
from storage.models import Customer, Followup, utcnow
from storage.vocab import CustomerStatus, FollowupStatus

SNOOZE_DAYS = 1


@dataclass(frozen=True)
class FollowupView:
    """An open follow-up as the user sees it."""

    id: int
    customer_id: int
    customer_name: str
    due_on: date
    effective_due: date
    snooze_count: int
    status: str


@dataclass(frozen=True)
class FollowupList:
    """A page of a member's open follow-ups and how many there are in all."""

    items: list[FollowupView]
    total: int


def _view(f: Followup) -> FollowupView:
    return FollowupView(
        id=f.id,
        customer_id=f.customer_id,
        customer_name=f.customer.name,
        due_on=f.due_on,
        effective_due=f.effective_due,
        snooze_count=f.snooze_count,
        status=f.status,
    )


def _open_for(actor: Actor):
    return (
        select(Followup)
        .join(Followup.customer)
        .where(
            Followup.member_id == actor.member_id,
            Followup.status == FollowupStatus.OPEN,
            # Churned customers get no more reminders.
            Customer.status != CustomerStatus.CHURNED,
        )
    )


async def open_followups(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    limit: int = 20,
    due_by: date | None = None,
) -> FollowupList:
    """List the actor's open follow-ups, most overdue first."""
    effective = func.coalesce(Followup.snoozed_to, Followup.due_on)
    query = _open_for(actor)
    if due_by is not None:
        query = query.where(effective <= due_by)
    async with sessions.begin() as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = await session.scalars(
            query.options(joinedload(Followup.customer))
            .order_by(effective, Followup.id)
            .limit(limit)
        )
        return FollowupList([_view(f) for f in rows], total)


async def _own(session: AsyncSession, actor: Actor, followup_id: int) -> Followup:
    f = await session.scalar(
        select(Followup)
        .options(joinedload(Followup.customer, innerjoin=True))
        .where(Followup.id == followup_id, Followup.member_id == actor.member_id)
        .with_for_update(of=Followup)
    )
    if f is None:
        raise NotFound()
    return f


async def complete(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    followup_id: int,
    now: datetime | None = None,
) -> FollowupView:
    """Mark one of the actor's follow-ups done; doing it twice changes nothing."""
    async with sessions.begin() as session:
        f = await _own(session, actor, followup_id)
        if f.status == FollowupStatus.OPEN:
            f.status = FollowupStatus.DONE
            f.done_at = now or utcnow()
            await record_change(session, customer_id=f.customer_id, member_id=actor.member_id)
        return _view(f)


async def snooze(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    followup_id: int,
    *,
    from_due: date,
    now: datetime | None = None,
) -> FollowupView:
    """Push an open follow-up to the day after `from_due` (or tomorrow if that has passed).

    The button carries the due date it showed, so a double click snoozes once.
    """
    async with sessions.begin() as session:
        f = await _own(session, actor, followup_id)
        if f.status != FollowupStatus.OPEN:
            raise FollowupClosed(customer=f.customer.name)
        if f.effective_due != from_due:
            # A second click, or a button left over from before the date moved.
            raise FollowupMoved(customer=f.customer.name, date=f.effective_due.isoformat())
        today = actor.today(now)
        f.snoozed_to = max(from_due, today) + timedelta(days=SNOOZE_DAYS)
        f.snooze_count += 1
        return _view(f)
