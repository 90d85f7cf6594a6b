"""Customers: registration with duplicate protection, lookup and prefix matching."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, case, exists, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from storage import fields
from storage.errors import (
    AmbiguousCustomer,
    CustomerNotFound,
    DuplicateCustomer,
    FieldError,
    NotFound,
    NotOwner,
)
from storage.kept import record_change
from storage.members import Actor
from storage.models import Customer, Member
from storage.vocab import MAX_COMPANY, MAX_KEY, MAX_NAME, MAX_OCCUPATION, CustomerStatus


@dataclass(frozen=True)
class CustomerDraft:
    """A customer as typed into a form or quick command, not yet validated."""

    name: str | None = None
    company: str | None = None
    phone: str | None = None
    occupation: str | None = None
    segment: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class CustomerView:
    """A customer as the user sees it."""

    id: int
    name: str
    company: str
    phone: str | None
    occupation: str | None
    segment: str | None
    status: str
    owner_id: int
    owner_user_id: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


def view(c: Customer) -> CustomerView:
    """Detach a customer (with its owner loaded) into a view."""
    return CustomerView(
        id=c.id,
        name=c.name,
        company=c.company,
        phone=c.phone,
        occupation=c.occupation,
        segment=c.segment,
        status=c.status,
        owner_id=c.owner_id,
        owner_user_id=c.owner.slack_user_id,
    )


@dataclass(frozen=True)
class ValidCustomer:
    name: str
    company: str
    phone: str | None
    occupation: str | None
    segment: str | None
    status: CustomerStatus


def validate(draft: CustomerDraft, phone_region: str) -> ValidCustomer:
    """Check every field of a draft, reporting all the wrong ones together."""
    attempt = fields.Collector()
    name = attempt(fields.name_text, "name", draft.name, MAX_NAME, required=True)
    company = attempt(fields.name_text, "company", draft.company, MAX_COMPANY, required=False)
    phone = attempt(fields.phone_e164, draft.phone, phone_region)
    occupation = attempt(fields.bounded_text, "occupation", draft.occupation, MAX_OCCUPATION)
    segment = attempt(fields.segment, draft.segment)
    status = attempt(fields.customer_status, draft.status)
    for field, value in (("name", name), ("company", company)):
        if value and len(fields.match_key(value)) > MAX_KEY:
            attempt.add("field.too_long_expanded", field)
    attempt.raise_any()
    return ValidCustomer(name, company or "", phone, occupation or None, segment, status)


def _with_owner():
    return select(Customer).options(joinedload(Customer.owner))


# The columns of a CustomerView, with the keys names are matched on, read without the ORM:
# the /touch path builds no objects and reuses these statements (their SQL is cached).
_VIEW_COLUMNS = (
    Customer.id,
    Customer.name,
    Customer.company,
    Customer.phone,
    Customer.occupation,
    Customer.segment,
    Customer.status,
    Customer.owner_id,
    Member.slack_user_id,
    Customer.name_key,
    Customer.company_key,
)
_VIEWS = select(*_VIEW_COLUMNS).join(Member, Member.id == Customer.owner_id)


def _row_view(row) -> CustomerView:
    return CustomerView(*row[:9])


def _is_exact(row, key: str) -> bool:
    return key in (row.name_key, row.company_key)


async def _conflict(
    session: AsyncSession, workspace_id: str, c: ValidCustomer, other_than: int | None = None
) -> Customer | None:
    clauses = [
        (Customer.name_key == fields.match_key(c.name))
        & (Customer.company_key == fields.match_key(c.company))
    ]
    if c.phone:
        clauses.append(Customer.phone == c.phone)
    query = _with_owner().where(Customer.workspace_id == workspace_id, or_(*clauses))
    if other_than is not None:
        query = query.where(Customer.id != other_than)
    return await session.scalar(query.limit(1))


async def _by_request(session: AsyncSession, actor: Actor, request_key: str) -> Customer | None:
    """The customer this member registered under `request_key` (another's key finds nothing)."""
    return await session.scalar(
        _with_owner().where(
            Customer.request_key == request_key, Customer.owner_id == actor.member_id
        )
    )


def _duplicate(existing: Customer, c: ValidCustomer, actor: Actor) -> DuplicateCustomer:
    by = "phone" if c.phone and existing.phone == c.phone else "name"
    return DuplicateCustomer(
        "error.duplicate_own" if existing.owner_id == actor.member_id else None,
        field=by,
        name=existing.name,
        owner=existing.owner.slack_user_id,
        phone=fields.format_phone(existing.phone),
    )


async def register_customer(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    draft: CustomerDraft,
    *,
    phone_region: str,
    request_key: str | None = None,
) -> tuple[CustomerView, bool]:
    """Register a customer owned by the actor; return it and whether it was created now.

    A repeated `request_key` (a retried delivery, a second submit) returns the first result.
    """
    valid = validate(draft, phone_region)
    try:
        async with sessions.begin() as session:
            if request_key and (done := await _by_request(session, actor, request_key)):
                return view(done), False
            if existing := await _conflict(session, actor.workspace_id, valid):
                raise _duplicate(existing, valid, actor)
            customer = Customer(
                workspace_id=actor.workspace_id,
                owner_id=actor.member_id,
                name=valid.name,
                name_key=fields.match_key(valid.name),
                company=valid.company,
                company_key=fields.match_key(valid.company),
                phone=valid.phone,
                occupation=valid.occupation,
                segment=valid.segment,
                status=valid.status,
                request_key=request_key,
            )
            session.add(customer)
            await session.flush()
            await record_change(session, customer_id=customer.id, member_id=actor.member_id)
            customer = await session.scalar(_with_owner().where(Customer.id == customer.id))
            return view(customer), True
    except IntegrityError:
        # Lost a race with a concurrent registration: report what won.
        async with sessions.begin() as session:
            if request_key and (done := await _by_request(session, actor, request_key)):
                return view(done), False
            if existing := await _conflict(session, actor.workspace_id, valid):
                raise _duplicate(existing, valid, actor) from None
        raise


CANDIDATES_SHOWN = 5  # customers offered when a prefix is ambiguous


def _prefix(query: str) -> str:
    key = fields.match_key(query)
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_text(query: str | None) -> str:
    """A typed name or company prefix, refused when no name could start with it."""
    text = fields.clean_text(query)
    if len(text) > MAX_NAME:
        raise FieldError("field.query_too_long", field="customer", value=text[:40], max=MAX_NAME)
    return fields.storable("customer", text)


def _matching(workspace_id: str, query: str):
    like = _prefix(query)
    return _with_owner().where(
        Customer.workspace_id == workspace_id,
        or_(
            Customer.name_key.like(like, escape="\\"), Customer.company_key.like(like, escape="\\")
        ),
    )


async def find_customers(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, query: str, limit: int = 20
) -> list[CustomerView]:
    """Find customers in the workspace whose name or company starts with `query`."""
    query = search_text(query)
    async with sessions.begin() as session:
        rows = await session.scalars(
            _matching(actor.workspace_id, query)
            .order_by(Customer.name_key, Customer.id)
            .limit(limit)
        )
        return [view(c) for c in rows]


async def my_customers(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    query: str,
    limit: int = 100,
    everyone: bool = False,
) -> list[CustomerView]:
    """List the actor's own customers (or, with `everyone`, all) starting with `query`."""
    query = search_text(query)
    mine = Customer.owner_id == actor.member_id
    async with sessions.begin() as session:
        rows = await session.scalars(
            _matching(actor.workspace_id, query)
            .where(mine if not everyone else true())
            .order_by(Customer.name_key, Customer.id)
            .limit(limit)
        )
        return [view(c) for c in rows]


async def naming_prefixes(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, queries: list[str]
) -> set[str]:
    """Which of several typed prefixes start one of the actor's customers: one query."""
    # A prefix no stored name could start with (too long, invisible, unstorable) names none.
    usable = [
        q
        for q in dict.fromkeys(queries)
        if fields.visible_text(q) and len(q) <= MAX_NAME and fields.is_storable(q)
    ]
    if not usable:
        return set()
    own = select(Customer.id).where(
        Customer.workspace_id == actor.workspace_id, Customer.owner_id == actor.member_id
    )
    checks = [
        exists(
            own.where(
                or_(
                    Customer.name_key.like(_prefix(q), escape="\\"),
                    Customer.company_key.like(_prefix(q), escape="\\"),
                )
            )
        ).label(f"q{i}")
        for i, q in enumerate(usable)
    ]
    async with sessions.begin() as session:
        row = (await session.execute(select(*checks))).one()
    return {q for q, hit in zip(usable, row, strict=True) if hit}


def _prefix_of(workspace_id, like):
    return (Customer.workspace_id == workspace_id) & or_(
        Customer.name_key.like(like, escape="\\"), Customer.company_key.like(like, escape="\\")
    )


_KEY = bindparam("key")
# The actor's own customers starting with a prefix, exact matches first, then by name: one
# query answers the usual cases of `resolve_own`.
_OWN_FIRST = (
    _VIEWS.where(
        _prefix_of(bindparam("workspace"), bindparam("like")),
        Customer.owner_id == bindparam("owner"),
    )
    .order_by(
        case((or_(Customer.name_key == _KEY, Customer.company_key == _KEY), 0), else_=1),
        Customer.name_key,
        Customer.id,
    )
    .limit(CANDIDATES_SHOWN + 1)
)
_BY_ID = _VIEWS.where(
    Customer.id == bindparam("id"), Customer.workspace_id == bindparam("workspace")
)


async def resolve_own(
    session: AsyncSession, actor: Actor, query: str, allow_others: bool = False
) -> CustomerView:
    """Pick the actor's customer a typed prefix means, or explain why none fits.

    With `allow_others` (a rating or complaint taken by someone else) a colleague's
    customer fits too when none of the actor's own does.
    """
    query = search_text(query)
    if not fields.visible_text(query):
        raise FieldError("field.customer_required", field="customer")
    key = fields.match_key(query)
    like = _prefix(query)
    conn = await session.connection()
    found = (
        await conn.execute(
            _OWN_FIRST,
            {"workspace": actor.workspace_id, "like": like, "owner": actor.member_id, "key": key},
        )
    ).all()
    exact = [c for c in found if _is_exact(c, key)]
    if len(exact) == 1:
        return _row_view(exact[0])
    if len(found) == 1:
        return _row_view(found[0])
    own = _VIEWS.where(_prefix_of(actor.workspace_id, like), Customer.owner_id == actor.member_id)
    by_name = (Customer.name_key, Customer.id)
    if not exact or len(found) <= CANDIDATES_SHOWN:
        mine = sorted(found, key=lambda c: (c.name_key, c.id))  # all of them, by name
    else:
        mine = (await conn.execute(own.order_by(*by_name).limit(CANDIDATES_SHOWN + 1))).all()
    if mine:
        total = await conn.scalar(select(func.count()).select_from(own.subquery()))
        raise AmbiguousCustomer(query, [_row_view(c) for c in mine[:CANDIDATES_SHOWN]], total or 0)
    others = (
        await conn.execute(
            _VIEWS.where(_prefix_of(actor.workspace_id, like))
            .order_by(*by_name)
            .limit(CANDIDATES_SHOWN + 1)
        )
    ).all()
    if others and allow_others:
        exact_others = [c for c in others if _is_exact(c, key)]
        if len(exact_others) == 1 or len(others) == 1:
            return _row_view((exact_others or others)[0])
        raise AmbiguousCustomer(
            query, [_row_view(c) for c in others[:CANDIDATES_SHOWN]], len(others)
        )
    if others:
        raise NotOwner(name=others[0].name, owner=others[0].slack_user_id)
    raise CustomerNotFound(query=query)


async def get_own(
    session: AsyncSession, actor: Actor, customer_id: int, allow_others: bool = False
) -> CustomerView:
    """One of the actor's customers by id, refusing anyone else's (unless allowed)."""
    conn = await session.connection()
    c = (await conn.execute(_BY_ID, {"id": customer_id, "workspace": actor.workspace_id})).first()
    if c is None:
        raise NotFound(field="customer")
    if c.owner_id != actor.member_id and not allow_others:
        raise NotOwner(field="customer", name=c.name, owner=c.slack_user_id)
    return _row_view(c)


async def update_customer(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    customer_id: int,
    draft: CustomerDraft,
    *,
    phone_region: str,
) -> CustomerView:
    """Change one of the actor's customers (fill in key fields, mark churned…)."""
    valid = validate(draft, phone_region)
    try:
        async with sessions.begin() as session:
            await get_own(session, actor, customer_id)  # theirs, or refused
            customer = await session.get_one(
                Customer, customer_id, options=[joinedload(Customer.owner)]
            )
            if existing := await _conflict(session, actor.workspace_id, valid, customer.id):
                raise _duplicate(existing, valid, actor)
            customer.name, customer.name_key = valid.name, fields.match_key(valid.name)
            customer.company = valid.company
            customer.company_key = fields.match_key(valid.company)
            customer.phone = valid.phone
            customer.occupation = valid.occupation
            customer.segment = valid.segment
            customer.status = valid.status
            await record_change(session, customer_id=customer.id)
            await session.flush()
            return view(customer)
    except IntegrityError:
        async with sessions.begin() as session:
            if existing := await _conflict(session, actor.workspace_id, valid, customer_id):
                raise _duplicate(existing, valid, actor) from None
        raise


async def own_customer(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, query: str
) -> CustomerView:
    """The actor's customer a typed prefix means (see `resolve_own`)."""
    async with sessions.begin() as session:
        return await resolve_own(session, actor, query)
