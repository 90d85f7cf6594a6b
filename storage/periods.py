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

from sqlalchemy import Integer, Row, TextClause, and_, bindparam, func, or_, select, text, union
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.inputs import CustomerIn, FollowupIn, MemberIn, Period, TeamData, TouchIn
from scoring.metrics import CROSS_KINDS
from scoring.scheme import Scheme, Version, load_scheme
from storage.errors import NoRules, NoTeam
from storage.models import Customer, Followup, Member, Team, TeamMembership, Touch, utcnow
from storage.types import UTCDateTime

SCORED_ROLES = ("sales", "service")
CUSTOMER_COLUMNS = (
    Customer.id,
    Customer.owner_id,
    Customer.created_at,
    Customer.status,
    Customer.phone,
    Customer.occupation,
    Customer.segment,
)
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
# A narrowed load asks for loggers' neighbours this many time ranges a query (one statement,
# compiled once, padded with ranges that match nothing).
NEAR_SLOTS = 128
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Customers a narrowed load reads a query: each read stays short, so requests get SQLite's
# one connection in between.
READ_AT_ONCE = 40


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
    """Open ranges (m − reach, m + reach) around each moment, overlapping ones merged."""
    out: list[tuple[datetime, datetime]] = []
    for m in sorted(moments):
        lo, hi = m - reach, m + reach
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


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


def _chunks(items: list, size: int = 2000):
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class _Frame:
    """What one team's period reads, worked out from its placements and rules."""

    team: Team
    period: Period
    found: list[Placement]
    lookback_days: int
    min_order_minor: int

    def __post_init__(self) -> None:
        self.start, self.end = bounds(self.period)
        self.lookback = self.start - timedelta(days=self.lookback_days)
        self.on_team = scored_days(self.found, self.period)
        # The placements overlapping the period say who its members and agents are.
        self.members = {p.member_id for p in self.found if p.role in SCORED_ROLES}
        self.agents = {p.member_id for p in self.found if p.role == "service"}


async def _assemble(
    session: AsyncSession,
    frames: list[_Frame],
    names: dict[int, str],
    customers: list[list],
    touches: list[list],
    followups: list[list],
    neighbours: list[list],
) -> list[TeamData]:
    """Each frame's rows as the engine's input, naming what each cross entry's logger was."""
    owner_of = {row.id: row.owner_id for rows in customers for row in rows}
    cross = [
        row
        for rows in touches
        for row in rows
        if row.kind in CROSS_KINDS and owner_of.get(row.customer_id) != row.member_id
    ]
    # Who each rating, complaint or inquiry on someone else's customer came from, then.
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
    return [
        TeamData(
            team_id=f.team.id,
            period=f.period,
            members=[
                MemberIn(mid, names.get(mid, "?"), role, spans)
                for mid, (role, spans) in f.on_team.items()
            ],
            customers=[
                CustomerIn(i, o, c, s, bool(p), bool(occ), bool(seg), first)
                for i, o, c, s, p, occ, seg, first in customers[n]
            ],
            touches=[TouchIn(*row, logged_as=logged_as.get(row.id)) for row in touches[n]],
            followups=[FollowupIn(*row) for row in followups[n]],
            holidays_country=f.team.holidays_country,
            neighbours=[TouchIn(*row) for row in neighbours[n]],
        )
        for n, f in enumerate(frames)
    ]


def _frame(
    team: Team,
    period: Period,
    version: Version,
    found: list[Placement],
    lookback_days: int | None,
    min_order_minor: int | None,
) -> _Frame:
    return _Frame(
        team,
        period,
        found,
        version.retention_lookback_days if lookback_days is None else lookback_days,
        int(version.anti_gaming.min_order_amount * 100)
        if min_order_minor is None
        else min_order_minor,
    )


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(sorted(ids)):
        out.update(
            (
                await session.execute(select(Member.id, Member.name).where(Member.id.in_(chunk)))
            ).all()
        )
    return out


FOLLOWUP_COLUMNS = (
    Followup.id,
    Followup.member_id,
    Followup.customer_id,
    Followup.due_on,
    Followup.done_at,
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
    it. `only` narrows the load to those customers (see `load_narrowed`).
    """
    if found is None:
        found = await placements(session, team.id, period)
    if only is not None:
        target = Narrowed(team, period, version, set(only), found)
        await load_narrowed(session, [target], lookback_days, min_order_minor)
        assert target.data is not None
        return target.data
    f = _frame(team, period, version, found, lookback_days, min_order_minor)
    member_ids, agent_ids = sorted(f.members), sorted(f.agents)
    owned = select(Customer.id).where(Customer.owner_id.in_(member_ids))
    # And the customers the service agents handled (they own none): every entry on them is
    # read. One IN over a union keeps the customer index usable (an OR of two does not).
    handled = select(Touch.customer_id).where(
        Touch.member_id.in_(agent_ids), Touch.occurred_at >= f.start, Touch.occurred_at < f.end
    )
    in_scope = union(owned, handled).subquery()
    scope = select(in_scope.c[0])
    first_orders = (
        select(Touch.customer_id, func.min(Touch.occurred_at).label("first"))
        .where(
            Touch.kind == "order",
            Touch.amount_minor >= f.min_order_minor,
            Touch.customer_id.in_(scope),
        )
        .group_by(Touch.customer_id)
        .subquery()
    )
    customers = (
        await session.execute(
            select(*CUSTOMER_COLUMNS, first_orders.c.first)
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
                        Touch.occurred_at >= f.start,
                        Touch.occurred_at < f.end + ANSWER_GRACE,
                    ),
                    # Before the period only orders matter (who bought recently).
                    and_(
                        Touch.customer_id.in_(owned),
                        Touch.kind == "order",
                        Touch.occurred_at >= f.lookback,
                        Touch.occurred_at < f.start,
                    ),
                    and_(
                        Touch.member_id.in_(member_ids),
                        Touch.occurred_at >= f.start,
                        Touch.occurred_at < f.end,
                    ),
                )
            )
        )
    ).all()
    followups = (
        await session.execute(
            select(*FOLLOWUP_COLUMNS).where(
                Followup.member_id.in_(member_ids),
                Followup.due_on >= period.first_day,
                Followup.due_on < period.next_first_day,
            )
        )
    ).all()
    names = await _names(session, f.members)
    return (await _assemble(session, [f], names, [customers], [touches], [followups], [[]]))[0]


class ShortReads:
    """Stands in for a session: each statement is read in its own short transaction, so a
    long load never holds SQLite's one connection for long. (What the rows miss of a write
    made meanwhile, that write's own queued change brings in later.)"""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def execute(self, statement, params=None):
        async with self.sessions() as session:
            return (await session.execute(statement, params)).freeze()()


@dataclass
class Narrowed:
    """A team's period narrowed to a few customers; `data` is filled in by the load."""

    team: Team
    period: Period
    version: Version
    only: set[int]
    found: list[Placement] | None = None
    data: TeamData | None = None


async def load_narrowed(
    session: AsyncSession,
    targets: list[Narrowed],
    lookback_days: int | None = None,
    min_order_minor: int | None = None,
) -> None:
    """Load several teams' periods, each narrowed to some customers, in one pass.

    Each gets exactly the rows a whole-team load would read for its customers, plus (as
    `TeamData.neighbours`) the entries the same loggers made within a burst window of
    them, which the burst rule needs. The queries are shared: their number does not grow
    with the number of teams.
    """
    if not targets:
        return
    missing = [t for t in targets if t.found is None]
    if missing:
        stays = await _placements_of(session, {t.team.id for t in missing})
        for t in missing:
            start, end = bounds(t.period)
            t.found = [
                p
                for p in stays.get(t.team.id, [])
                if p.valid_from < end and (p.valid_to is None or p.valid_to > start)
            ]
    frames = [
        _frame(t.team, t.period, t.version, t.found or [], lookback_days, min_order_minor)
        for t in targets
    ]
    wanted = sorted(set().union(*(t.only for t in targets)))
    # Every customer's row, with its first order at each minimum in use.
    by_minimum: dict[int, dict[int, Row]] = {}
    for minimum in {f.min_order_minor for f in frames}:
        rows: dict[int, Row] = {}
        for chunk in _chunks(wanted, READ_AT_ONCE):
            first = (
                select(Touch.customer_id, func.min(Touch.occurred_at).label("first"))
                .where(
                    Touch.kind == "order",
                    Touch.amount_minor >= minimum,
                    Touch.customer_id.in_(chunk),
                )
                .group_by(Touch.customer_id)
                .subquery()
            )
            found_rows = await session.execute(
                select(*CUSTOMER_COLUMNS, first.c.first)
                .outerjoin(first, first.c.customer_id == Customer.id)
                .where(Customer.id.in_(chunk))
            )
            rows.update((row.id, row) for row in found_rows)
        by_minimum[minimum] = rows
    # Every entry on them that any of the periods could read.
    since = min(f.lookback for f in frames)
    until = max(f.end for f in frames) + ANSWER_GRACE
    on_wanted: dict[int, list[Row]] = {}
    for chunk in _chunks(wanted, READ_AT_ONCE):
        for row in await session.execute(
            select(*TOUCH_COLUMNS).where(
                Touch.customer_id.in_(chunk),
                Touch.occurred_at >= since,
                Touch.occurred_at < until,
                # Before the periods only orders are read (who bought recently).
                or_(Touch.kind == "order", Touch.occurred_at >= min(f.start for f in frames)),
            )
        ):
            on_wanted.setdefault(row.customer_id, []).append(row)
    customers, touches, scopes = [], [], []
    for t, f in zip(targets, frames, strict=True):
        rows = by_minimum[f.min_order_minor]
        mine = [row for cid in t.only for row in on_wanted.get(cid, ())]
        owned = {cid for cid in t.only if cid in rows and rows[cid].owner_id in f.members}
        handled = {
            row.customer_id
            for row in mine
            if row.member_id in f.agents and f.start <= row.occurred_at < f.end
        }
        scope = owned | handled
        scopes.append((scope, owned))
        customers.append([rows[cid] for cid in sorted(scope) if cid in rows])
        touches.append(
            [
                row
                for row in mine
                if _team_reads(row, scope, owned, f.members, f.start, f.end, f.lookback)
            ]
        )
    neighbours = await _neighbours(session, targets, frames, touches)
    followups: list[list] = [[] for _ in targets]
    first_day = min(f.period.first_day for f in frames)
    last_day = max(f.period.next_first_day for f in frames)
    for chunk in _chunks(wanted, READ_AT_ONCE):
        for row in await session.execute(
            select(*FOLLOWUP_COLUMNS).where(
                Followup.customer_id.in_(chunk),
                Followup.due_on >= first_day,
                Followup.due_on < last_day,
            )
        ):
            for n, (t, f) in enumerate(zip(targets, frames, strict=True)):
                if (
                    row.customer_id in t.only
                    and row.member_id in f.members
                    and f.period.first_day <= row.due_on < f.period.next_first_day
                ):
                    followups[n].append(row)
    names = await _names(session, set().union(*(f.members for f in frames)))
    datas = await _assemble(session, frames, names, customers, touches, followups, neighbours)
    for t, data in zip(targets, datas, strict=True):
        t.data = data


def _dense(moments: list[datetime], window: timedelta, least: int) -> list[tuple]:
    """The stretches [first, last] of sorted moments where `least` or more fall within less
    than `window` of each other (where the burst rule can catch anything)."""
    out: list[tuple[datetime, datetime]] = []
    j = 0
    for i in range(len(moments)):
        j = max(j, i)
        while j + 1 < len(moments) and moments[j + 1] - moments[i] < window:
            j += 1
        if j - i + 1 >= least:
            lo, hi = moments[i], moments[j]
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
    return out


def _in_ranges(columns: tuple) -> TextClause:
    """Touches (these columns) by given loggers logged inside given open ranges: one
    statement for `NEAR_SLOTS` ranges, compiled once (see `_slots`)."""
    table = Touch.__table__
    ranges = " OR ".join(
        f"(member_id = :m{i} AND logged_at > :lo{i} AND logged_at < :hi{i})"
        for i in range(NEAR_SLOTS)
    )
    names = ", ".join(c.key for c in columns)
    return (
        text(f"SELECT {names} FROM touches WHERE {ranges}")
        .bindparams(
            *(bindparam(f"m{i}", type_=Integer()) for i in range(NEAR_SLOTS)),
            *(bindparam(f"lo{i}", type_=UTCDateTime()) for i in range(NEAR_SLOTS)),
            *(bindparam(f"hi{i}", type_=UTCDateTime()) for i in range(NEAR_SLOTS)),
        )
        .columns(*(table.c[c.key] for c in columns))
    )


@lru_cache(maxsize=1)
def _near_statement() -> TextClause:
    """Whole touches by given loggers logged inside given open ranges."""
    return _in_ranges(TOUCH_COLUMNS)


@lru_cache(maxsize=1)
def _times_statement() -> TextClause:
    """Who logged when, for given loggers inside given open ranges."""
    return _in_ranges((Touch.member_id, Touch.logged_at))


def _slots(chunk: list[tuple[int, datetime, datetime]]) -> dict[str, object]:
    """The parameters of `_in_ranges` for up to `NEAR_SLOTS` ranges (the rest match none)."""
    params: dict[str, object] = {}
    for i in range(NEAR_SLOTS):
        logger, lo, hi = chunk[i] if i < len(chunk) else (-1, _EPOCH, _EPOCH)
        params |= {f"m{i}": logger, f"lo{i}": lo, f"hi{i}": hi}
    return params


async def _neighbours(
    session: AsyncSession, targets: list[Narrowed], frames: list[_Frame], touches: list[list]
) -> list[list]:
    """For each target, its loggers' entries on other customers within a burst window of
    its entries, held to the whole-team rule (a narrowed load's context for bursts)."""
    ranges: dict[int, list[datetime]] = {}
    reach = max(t.version.anti_gaming.burst_minutes for t in targets)
    for rows in touches:
        for row in rows:
            ranges.setdefault(row.member_id, []).append(row.logged_at)
    if not ranges:
        return [[] for _ in targets]
    # Only where a logger logged enough entries close enough together can a burst be: find
    # those stretches from the times alone, then read whole rows there and nowhere else.
    least = min(t.version.anti_gaming.burst_touches for t in targets)
    window = timedelta(minutes=reach)
    times: dict[int, list[datetime]] = {}
    # A burst that can catch an entry lies within a window of it on either side: the
    # logging times there are all it takes (not the logger's whole month between).
    around = [(logger, lo, hi) for logger, ms in ranges.items() for lo, hi in _merged(ms, window)]
    for chunk in _chunks(around, NEAR_SLOTS):
        for logger, moment in await session.execute(_times_statement(), _slots(chunk)):
            times.setdefault(logger, []).append(moment)
    near = []
    for logger, moments in ranges.items():
        dense = _dense(sorted(times.get(logger, [])), window, least)
        if not dense:
            continue  # no burst anywhere near this logger's entries
        wanted_near = _merged(moments, window)
        near += [
            (logger, max(lo, a - window), min(hi, b + window))
            for a, b in dense
            for lo, hi in wanted_near
            if lo < b + window and a - window < hi
        ]
    if not near:
        return [[] for _ in targets]
    statement = _near_statement()
    candidates = []
    for chunk in _chunks(near, NEAR_SLOTS):
        candidates += (await session.execute(statement, _slots(chunk))).all()
    if not candidates:
        return [[] for _ in targets]
    ids = sorted({row.customer_id for row in candidates})
    owners: dict[int, int] = {}
    agents = set().union(*(f.agents for f in frames))
    by_agents: list[Row] = []
    for chunk in _chunks(ids):
        owners.update(
            (
                await session.execute(
                    select(Customer.id, Customer.owner_id).where(Customer.id.in_(chunk))
                )
            ).all()
        )
    # Whether an agent handled a customer matters only where nothing else already decides
    # (an entry of a member in their period is read anyway; so is any on an owned customer
    # in the period).
    undecided = sorted(
        {
            row.customer_id
            for row in candidates
            for f in frames
            if f.agents
            and owners.get(row.customer_id) not in f.members
            and not (row.member_id in f.members and f.start <= row.occurred_at < f.end)
        }
    )
    for chunk in _chunks(undecided):
        if agents:
            by_agents += (
                await session.execute(
                    select(Touch.customer_id, Touch.member_id, Touch.occurred_at).where(
                        Touch.customer_id.in_(chunk),
                        Touch.member_id.in_(sorted(agents)),
                        Touch.occurred_at >= min(f.start for f in frames),
                        Touch.occurred_at < max(f.end for f in frames),
                    )
                )
            ).all()
    out = []
    for t, f, rows in zip(targets, frames, touches, strict=True):
        loggers = {row.member_id for row in rows}
        owned = {cid for cid in ids if owners.get(cid) in f.members}
        handled = {
            r.customer_id
            for r in by_agents
            if r.member_id in f.agents and f.start <= r.occurred_at < f.end
        }
        scope = owned | handled
        out.append(
            [
                row
                for row in candidates
                if row.member_id in loggers
                and row.customer_id not in t.only
                and _team_reads(row, scope, owned, f.members, f.start, f.end, f.lookback)
            ]
        )
    return out


async def _placements_of(session: AsyncSession, team_ids: set[int]) -> dict[int, list[Placement]]:
    """Every placement on these teams, oldest first."""
    out: dict[int, list[Placement]] = {}
    rows = await session.execute(
        select(*_membership_columns())
        .where(TeamMembership.team_id.in_(sorted(team_ids)))
        .order_by(TeamMembership.valid_from, TeamMembership.id)
    )
    for row in rows:
        out.setdefault(row.team_id, []).append(Placement(*row))
    return out
