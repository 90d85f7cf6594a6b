"""Touches: logging a customer touch, with its follow-up, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from storage import fields
from storage.customers import (
    CustomerView,
    _matching,
    get_own,
    my_customers,
    resolve_own,
    search_text,
)
from storage.customers import view as customer_view
from storage.errors import AlreadyLogged, NotOwner
from storage.kept import record_change
from storage.members import Actor
from storage.models import Customer, Followup, Member, Touch, utcnow
from storage.vocab import (
    OUTBOUND_KINDS,
    CustomerStatus,
    FollowupStatus,
    TouchKind,
    TouchSource,
)


@dataclass(frozen=True)
class TouchDraft:
    """A touch as typed into a form or quick command, not yet validated."""

    kind: str | None
    customer_id: int | None = None
    customer_query: str | None = None
    occurred_at: datetime | None = None
    note: str | None = None
    amount: str | None = None
    rating: str | None = None
    next_followup: str | date | None = None
    source: TouchSource = TouchSource.COMMAND
    source_ref: str | None = None


@dataclass(frozen=True)
class TouchView:
    """A logged touch as the user sees it."""

    id: int
    customer_id: int
    customer_name: str
    kind: str
    occurred_at: datetime
    note: str
    amount_minor: int | None
    currency: str | None
    csat: int | None
    nps: int | None
    next_followup_on: date | None


@dataclass(frozen=True)
class LoggedTouch:
    """The outcome of logging a touch."""

    touch: TouchView
    created: bool
    followups_closed: int = 0


def _view(t: Touch) -> TouchView:
    return TouchView(
        id=t.id,
        customer_id=t.customer_id,
        customer_name=t.customer.name,
        kind=t.kind,
        occurred_at=t.occurred_at,
        note=t.note,
        amount_minor=t.amount_minor,
        currency=t.currency,
        csat=t.csat,
        nps=t.nps,
        next_followup_on=t.next_followup_on,
    )


@dataclass(frozen=True)
class _Valid:
    kind: TouchKind
    occurred_at: datetime
    note: str
    amount_minor: int | None
    csat: int | None
    nps: int | None
    next_followup_on: date | None


def validate(draft: TouchDraft, actor: Actor, now: datetime, currency: str = "CNY") -> _Valid:
    """Check every field of a touch draft, reporting all the wrong ones together."""
    attempt = fields.Collector()
    kind = attempt(fields.touch_kind, draft.kind)
    when = attempt(fields.occurred_at, draft.occurred_at or now, now)
    note = attempt(fields.note_text, draft.note)
    amount = None
    if kind == TouchKind.ORDER:
        amount = attempt(fields.amount_minor, draft.amount, required=True, currency=currency)
    elif fields.clean_text(draft.amount):
        attempt.add("field.amount_not_order", "amount")
    csat = nps = None
    if kind == TouchKind.SATISFACTION:
        if not fields.clean_text(draft.rating):
            attempt.add("field.rating_required", "rating")
        else:
            csat, nps = attempt(fields.rating, draft.rating) or (None, None)
    elif fields.clean_text(draft.rating):
        attempt.add("field.rating_not_satisfaction", "rating")
    today = actor.today(now)
    if isinstance(draft.next_followup, date):
        next_on = attempt(fields.future_date, draft.next_followup, today)
    else:
        next_on = attempt(fields.followup_date, draft.next_followup, today)
    attempt.raise_any()
    return _Valid(kind, when, note or "", amount, csat, nps, next_on)


async def _by_request(session: AsyncSession, actor: Actor, key: str) -> Touch | None:
    """The touch this member logged under `key` (another member's key finds nothing)."""
    return await session.scalar(
        select(Touch)
        .options(joinedload(Touch.customer))
        .where(Touch.request_key == key, Touch.member_id == actor.member_id)
    )


CROSS_KINDS = frozenset({TouchKind.SATISFACTION, TouchKind.COMPLAINT, TouchKind.INQUIRY})
# Who may take those on a colleague's customer: any service agent, and the manager of the
# team the owner is on. Never a peer rep or another team's manager, who could sway a rival
# (scoring applies the same rule to entries already made: `scoring.metrics.ALLOWED_LOGGERS`).
CROSS_ROLES = frozenset({"service", "manager"})


def _team_of(actor: Actor):
    """Members of the actor's team (a subquery of member ids; none without a team)."""
    return select(Member.id).where(Member.team_id == actor.team_id, Member.team_id.is_not(None))


async def may_log_on(session: AsyncSession, actor: Actor, customer: Customer) -> bool:
    """Whether the actor may take a rating, complaint or inquiry on this customer: as its
    owner, as a service agent, or as a manager placed on the team the owner is on (the
    same fact scoring reads from the placement history)."""
    if customer.owner_id == actor.member_id or actor.role == "service":
        return True
    if actor.role != "manager" or actor.team_id is None:
        return False
    owner_team = await session.scalar(select(Member.team_id).where(Member.id == customer.owner_id))
    return owner_team == actor.team_id


async def loggable_customers(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, query: str, limit: int = 100
) -> list[CustomerView]:
    """The customers the touch form offers the actor: their own; for a service agent
    everyone's; for a manager also their own team's (for ratings, complaints, inquiries)."""
    if actor.role not in CROSS_ROLES:
        return await my_customers(sessions, actor, query, limit)
    if actor.role == "service":
        return await my_customers(sessions, actor, query, limit, everyone=True)
    text = search_text(query)
    async with sessions.begin() as session:
        rows = await session.scalars(
            _matching(actor.workspace_id, text)
            .where(
                or_(
                    Customer.owner_id == actor.member_id,
                    Customer.owner_id.in_(_team_of(actor)),
                )
            )
            .order_by(Customer.name_key, Customer.id)
            .limit(limit)
        )
        return [customer_view(c) for c in rows]


async def _from_message(session: AsyncSession, actor: Actor, source_ref: str) -> Touch | None:
    return await session.scalar(
        select(Touch)
        .options(joinedload(Touch.customer))
        .where(Touch.member_id == actor.member_id, Touch.source_ref == source_ref)
    )


_touches = Touch.__table__
_followups = Followup.__table__
_INSERT_TOUCH = insert(_touches).returning(_touches.c.id)
_INSERT_FOLLOWUP = insert(_followups)
# An outbound touch settles the open follow-ups on its customer; a touch logged late, dated
# before a follow-up was planned, does not.
_SETTLE_FOLLOWUPS = (
    update(_followups)
    .where(
        _followups.c.customer_id == bindparam("customer"),
        _followups.c.member_id == bindparam("member"),
        _followups.c.status == FollowupStatus.OPEN,
        _followups.c.created_at <= bindparam("occurred"),
    )
    .values(
        status=FollowupStatus.DONE, done_at=bindparam("done_at"), done_touch_id=bindparam("touch")
    )
)
_ACTIVATE = (
    update(Customer.__table__)
    .where(Customer.__table__.c.id == bindparam("customer"))
    .values(status=CustomerStatus.ACTIVE)
)


async def log_touch(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    draft: TouchDraft,
    *,
    currency: str,
    request_key: str | None = None,
    now: datetime | None = None,
) -> LoggedTouch:
    """Log a touch on one of the actor's customers, with its follow-up, all or nothing.

    An outbound touch settles the open follow-ups on that customer; a next follow-up date
    opens a new one. A repeated `request_key` returns the first result and writes nothing.
    """
    now = now or utcnow()
    valid = validate(draft, actor, now, currency)
    try:
        # A repeated `request_key` is caught by its unique index when the touch is written
        # (below, IntegrityError): no lookup before every write for the rare retry.
        async with sessions.begin() as session:
            # Service agents, and a manager on their own team's customers, take ratings,
            # complaints and inquiries on a colleague's customer; the owner is credited.
            others = valid.kind in CROSS_KINDS and actor.role in CROSS_ROLES
            if draft.customer_id is not None:
                customer = await get_own(session, actor, draft.customer_id, allow_others=others)
            else:
                customer = await resolve_own(
                    session, actor, draft.customer_query or "", allow_others=others
                )
            if others and not await may_log_on(session, actor, customer):
                raise NotOwner(
                    "error.not_your_team",
                    field="customer",
                    name=customer.name,
                    owner=customer.owner_user_id,
                )
            source_ref = (draft.source_ref or "")[:300] or None
            if source_ref and (earlier := await _from_message(session, actor, source_ref)):
                raise AlreadyLogged(customer=earlier.customer.name)
            # Plain statements built once, not the unit of work: the touch path holds the
            # database for as short a time as it can.
            conn = await session.connection()
            touch_currency = currency if valid.amount_minor is not None else None
            touch_id = await conn.scalar(
                _INSERT_TOUCH,
                {
                    "workspace_id": actor.workspace_id,
                    "customer_id": customer.id,
                    "member_id": actor.member_id,
                    "kind": valid.kind,
                    "occurred_at": valid.occurred_at,
                    "logged_at": now,
                    "note": valid.note,
                    "amount_minor": valid.amount_minor,
                    "currency": touch_currency,
                    "csat": valid.csat,
                    "nps": valid.nps,
                    "next_followup_on": valid.next_followup_on,
                    "source": draft.source,
                    "source_ref": source_ref,
                    "request_key": request_key,
                },
            )
            closed = 0
            if valid.kind in OUTBOUND_KINDS:
                result = await conn.execute(
                    _SETTLE_FOLLOWUPS,
                    {
                        "customer": customer.id,
                        "member": actor.member_id,
                        "occurred": valid.occurred_at,
                        "done_at": now,
                        "touch": touch_id,
                    },
                )
                closed = result.rowcount or 0
            if valid.kind == TouchKind.ORDER and customer.status == CustomerStatus.LEAD:
                await conn.execute(_ACTIVATE, {"customer": customer.id})
            if valid.next_followup_on is not None:
                await conn.execute(
                    _INSERT_FOLLOWUP,
                    {
                        "workspace_id": actor.workspace_id,
                        "customer_id": customer.id,
                        "member_id": actor.member_id,
                        "touch_id": touch_id,
                        "due_on": valid.next_followup_on,
                    },
                )
            await record_change(
                session, customer_id=customer.id, member_id=actor.member_id, logged_at=now
            )
            view = TouchView(
                id=touch_id,
                customer_id=customer.id,
                customer_name=customer.name,
                kind=valid.kind,
                occurred_at=valid.occurred_at,
                note=valid.note,
                amount_minor=valid.amount_minor,
                currency=touch_currency,
                csat=valid.csat,
                nps=valid.nps,
                next_followup_on=valid.next_followup_on,
            )
            return LoggedTouch(view, created=True, followups_closed=closed)
    except IntegrityError:
        async with sessions.begin() as session:
            if request_key and (done := await _by_request(session, actor, request_key)):
                return LoggedTouch(_view(done), created=False)
            if draft.source_ref and (
                earlier := await _from_message(session, actor, draft.source_ref[:300])
            ):
                raise AlreadyLogged(customer=earlier.customer.name) from None
        raise


async def recent_touches(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, limit: int = 10
) -> list[TouchView]:
    """Return the actor's latest touches, newest first."""
    async with sessions.begin() as session:
        rows = await session.scalars(
            select(Touch)
            .options(joinedload(Touch.customer))
            .where(Touch.member_id == actor.member_id)
            .order_by(Touch.occurred_at.desc(), Touch.id.desc())
            .limit(limit)
        )
        return [_view(t) for t in rows]
