"""Kept scores: each team's period stored as member cards, refreshed as its inputs change.

A write that changes what scoring reads queues a change (`record_change`, in the write's
own transaction). `KeptScores.refresh` takes the queue, works out which customers of which
kept periods it touches, re-scores only those customers (a narrowed load, see
`storage.periods`), adds the difference to the members' tallies and settles the team
again: cost follows the writes, not the size of the month. Every refresh reads in one
short transaction, computes with no connection held, and writes in another, guarded by
the period's generation so that two processes never interleave their results.

`/score`, `/leaderboard` and App Home read cards (`KeptScores.view`); a period with
changes still queued, or with tallies the clock has overtaken, is refreshed first, so a
rep sees the touch they just logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, exists, false, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.engine import settle, values_from_tallies
from scoring.inputs import Period, TeamData
from scoring.parts import add_parts, score_parts
from scoring.results import MemberScore, MetricLine, Pay, TeamScore
from scoring.scheme import Scheme
from scoring.tally import Tally
from storage.errors import NoTeam
from storage.models import (
    Customer,
    Member,
    ScoreCard,
    ScoreChange,
    ScorePart,
    ScorePeriod,
    ScoreSnapshot,
    Team,
    TeamMembership,
    Touch,
    utcnow,
)
from storage.periods import (
    ANSWER_GRACE,
    Narrowed,
    ShortReads,
    bounds,
    current_period,
    days_on_team,
    load_narrowed,
    load_team_data,
    placements,
    scheme_named,
    team_period,
)

log = logging.getLogger("crmpay.scores")

# Changes taken per refresh; the rest wait for the next one (a refresh holds SQLite's one
# connection for a few short reads, so it stays short).
BATCH = 100
# Changes a member's own refresh looks through for their team. Past this many queued (an
# overload: the background pass has fallen far behind), the answer is as of the first this
# many, rather than keep the member waiting past Slack's 3 s; the rest reach the team's
# card when the background pass takes them in (on SQLite also at the team's next look).
TARGETED_BATCH = 20_000
# The background pass waits for a burst of writes to settle (seconds without a new change),
# but never longer than this for the oldest one.
SETTLE = 1.0
AT_MOST = 10.0
# While requests are served, a background pass is followed by this many times its length
# of rest (at most a fifth of the time goes to keeping up).
BUSY_REST = 4.0
BUSY_BATCH = 10
# Past this many customers a period is re-read whole: one pass beats many narrow ones.
WHOLE_AT = 400


async def record_change(
    session: AsyncSession,
    *,
    customer_id: int | None = None,
    member_id: int | None = None,
    logged_at: datetime | None = None,
    team_id: int | None = None,
) -> None:
    """Queue a change to scoring's inputs, in the transaction that makes it."""
    conn = await session.connection()
    await conn.execute(
        _QUEUE_CHANGE,
        {
            "customer_id": customer_id,
            "member_id": member_id,
            "logged_at": logged_at,
            "team_id": team_id,
        },
    )


_QUEUE_CHANGE = insert(ScoreChange.__table__)


# --- cards as JSON: Decimals travel as strings, tagged -----------------------------------


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    raise TypeError(f"not JSON: {value!r}")


def _hook(obj: dict) -> Any:
    return Decimal(obj["$d"]) if len(obj) == 1 and "$d" in obj else obj


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"), sort_keys=True)


def _loads(text: str) -> Any:
    return json.loads(text, object_hook=_hook)


def _dump_part(part: dict[int, dict[str, Tally]]) -> str:
    return _dumps({str(m): {k: t.dump() for k, t in ms.items()} for m, ms in part.items()})


def _load_part(text: str) -> dict[int, dict[str, Tally]]:
    return {int(m): {k: Tally.load(t) for k, t in ms.items()} for m, ms in _loads(text).items()}


def _summary(member: MemberScore) -> str:
    p = member.pay
    return _dumps(
        {
            "name": member.name,
            "role": member.role,
            "pay": {
                "currency": p.currency,
                "base": p.base,
                "variable": p.variable,
                "multiplier": p.multiplier,
                "team_bonus": p.team_bonus,
                "capped": p.capped,
                "total": p.total,
                "days": p.days,
                "period_days": p.period_days,
                "pool_unpaid": p.pool_unpaid,
            },
        }
    )


def _lines(member: MemberScore) -> str:
    return _dumps(
        [
            {
                "metric": line.metric,
                "raw": line.raw,
                "target": line.target,
                "normalised": line.normalised,
                "weight": line.weight,
                "effective_weight": line.effective_weight,
                "points": line.points,
                "detail": line.detail,
                "tally": (line.tally or Tally()).dump(),
            }
            for line in member.lines
        ]
    )


def _member(row: ScoreCard, name: str | None = None) -> MemberScore:
    card = _loads(row.summary)
    lines = [
        MetricLine(
            metric=li["metric"],
            raw=li["raw"],
            target=li["target"],
            normalised=li["normalised"],
            weight=li["weight"],
            effective_weight=li["effective_weight"],
            points=li["points"],
            records=[],
            detail=li["detail"],
            tally=Tally.load(li["tally"]),
        )
        for li in _loads(row.lines)
    ]
    return MemberScore(
        row.member_id,
        name or card["name"],
        card["role"],
        lines,
        Decimal(row.total),
        row.tier,
        Pay(**card["pay"]),
        row.rank,
    )


def _tallies(row: ScoreCard) -> dict[str, Tally]:
    return {li["metric"]: Tally.load(li["tally"]) for li in _loads(row.lines)}


# --- what a refresh does to one kept period ----------------------------------------------


@dataclass
class _Work:
    """One kept period's share of a refresh: read, then computed, then written."""

    period_id: int
    generation: int
    as_of: datetime  # when it was last refreshed
    team: Team
    period: Period
    scheme: Scheme
    only: set[int] | None  # None: the whole period
    data: TeamData | None = None
    old_parts: dict[int, str] = field(default_factory=dict)
    cards: list[ScoreCard] = field(default_factory=list)
    # computed
    parts: dict[int, tuple[str, datetime | None]] = field(default_factory=dict)
    score: TeamScore | None = None
    moved: set[int] | None = None  # members whose lines may have moved (None: anyone's)
    # Members' tallies before (when this process wrote the generation read) and after.
    totals: dict[int, dict[str, Tally]] | None = None
    # Members whose tallies in `totals` are still the process's kept ones, not yet copied:
    # a member's are copied the first time a change reaches them (most never are).
    shared: set[int] = field(default_factory=set)


def _compute(work: _Work, now: datetime) -> None:
    """Re-score the work's customers and settle its team (pure Python, no connection)."""
    assert work.data is not None
    version = work.scheme.version_for(work.period.first_day)
    new, until = score_parts(work.data, work.scheme, now, work.only)
    if work.only is None:
        totals: dict[int, dict[str, Tally]] = {}
        for part in new.values():
            add_parts(totals, part)
    else:
        if work.totals is None:
            work.totals = {row.member_id: _tallies(row) for row in work.cards}
        totals = work.totals
        work.moved = set()

        def own(part: dict[int, dict[str, Tally]]) -> None:
            for m in part.keys() & work.shared:
                totals[m] = {k: t.copy() for k, t in totals[m].items()}
                work.shared.discard(m)

        for cid in work.only:
            if cid in work.old_parts:
                old = _load_part(work.old_parts[cid])
                own(old)
                add_parts(totals, old, -1)
                work.moved |= old.keys()
            if cid in new:
                own(new[cid])
                add_parts(totals, new[cid])
                work.moved |= new[cid].keys()
    values = {
        m.id: values_from_tallies(version, m.role, totals.get(m.id, {}))
        for m in work.data.members
        if m.role in version.roles
    }
    work.score = settle(work.team.id, work.period, work.data.members, values, work.scheme)
    work.totals = totals
    # A customer with nothing to count yet is still kept while the clock can change that.
    work.parts = {
        cid: (_dump_part(new.get(cid, {})), max(until[cid], now) if cid in until else None)
        for cid in new.keys() | until.keys()
    }


class KeptScores:
    """The kept scores of every team: refresh them, read them, rebuild them."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        reads: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        """`sessions` writes; `reads` (default: `sessions`) takes the long reads of a
        refresh, so that on SQLite they never hold the requests' connection (see
        `storage.db.Database.reads`)."""
        self.sessions = sessions
        self.reads = reads or sessions
        self._lock = asyncio.Lock()
        # Each kept period's member tallies as this process last wrote them, by generation:
        # the next refresh starts from them instead of reading every card back.
        self._totals: dict[int, tuple[int, dict[int, dict[str, Tally]]]] = {}
        # Per kept period brought up to date for someone asking: the generation it then had
        # and the last change it took in. Until someone else writes it, the next such
        # refresh need only look at the changes queued since. Only where changes become
        # visible in the order of their ids: SQLite, whose writers take turns. On PostgreSQL
        # a change with a smaller id can commit after a larger one was read.
        self._covered: dict[int, tuple[int, int]] = {}
        bind = getattr(self.reads, "kw", {}).get("bind")
        self._ids_in_commit_order = bind is not None and bind.dialect.name == "sqlite"

    # --- reading ---------------------------------------------------------------------

    async def view(
        self,
        team_id: int,
        month: str | None = None,
        last: bool = False,
        now: datetime | None = None,
    ) -> ScoreView:
        """A team's period as kept, refreshed first if anything it shows is out of date."""
        now = now or utcnow()
        async with self.sessions.begin() as session:
            team, period, _, version = await team_period(session, team_id, month, last, now)
            kept = await _kept_period(session, team.id, period.label)
            fresh = (
                kept is not None
                and (kept.timezone, kept.scheme, kept.version)
                == (team.timezone, team.scheme, version.effective_from.isoformat())
                and not await _pending(session, kept.id, now)
            )
        if not fresh:
            await self.refresh(now, want=(team_id, period.label))
        return await self._read(team_id, period, now)

    async def standings(
        self, team_ids: list[int] | None = None, now: datetime | None = None
    ) -> dict[int, list[Standing]]:
        """Every team's open period as kept (or these teams'): each member's rank, total,
        tier and pay, best first, in a couple of queries (lines are left out)."""
        now = now or utcnow()
        async with self.reads.begin() as session:
            query = select(Team)
            if team_ids is not None:
                query = query.where(Team.id.in_(team_ids))
            teams = list(await session.scalars(query))
            labels = {t.id: current_period(t.timezone, now).label for t in teams}
            kept = {
                (row.team_id, row.period): row
                for row in await session.scalars(
                    select(ScorePeriod).where(ScorePeriod.team_id.in_(list(labels)))
                )
            }
            stale = [tid for tid, label in labels.items() if (tid, label) not in kept]
            # Changes queued, or tallies the clock has overtaken: refresh before reading.
            pending = await session.scalar(
                select(
                    exists().where(ScoreChange.id.is_not(None))
                    | exists().where(
                        ScorePart.period_id.in_([row.id for row in kept.values()]),
                        ScorePart.valid_until < now,
                    )
                )
            )
        for tid in stale:
            await self.refresh(now, want=(tid, labels[tid]))
        if pending:
            await self.refresh(now)  # every team's: a stale one's refresh took its own only
        async with self.reads.begin() as session:
            periods = {
                row.id: row.team_id
                for row in await session.scalars(
                    select(ScorePeriod).where(
                        or_(
                            *(
                                (ScorePeriod.team_id == tid) & (ScorePeriod.period == label)
                                for tid, label in labels.items()
                            ),
                            false(),
                        )
                    )
                )
            }
            rows = (
                await session.execute(
                    select(
                        ScoreCard.period_id,
                        ScoreCard.member_id,
                        ScoreCard.rank,
                        ScoreCard.total,
                        ScoreCard.tier,
                        ScoreCard.summary,
                    ).where(ScoreCard.period_id.in_(list(periods)))
                )
            ).all()
        out: dict[int, list[Standing]] = {tid: [] for tid in labels}
        for pid, member_id, rank, total, tier, summary in rows:
            card = _loads(summary)
            out[periods[pid]].append(
                Standing(member_id, card["name"], rank, Decimal(total), tier, Pay(**card["pay"]))
            )
        for standing in out.values():
            standing.sort(key=lambda s: (s.rank, s.name, s.member_id))
        return out

    async def _read(self, team_id: int, period: Period, now: datetime) -> ScoreView:
        async with self.sessions.begin() as session:
            team = await session.get(Team, team_id)
            if team is None:
                raise NoTeam()
            kept = await _kept_period(session, team.id, period.label)
            cards = (
                list(await session.scalars(select(ScoreCard).where(ScoreCard.period_id == kept.id)))
                if kept is not None
                else []
            )
            found = await placements(session, team.id, period)
            present = frozenset(p.member_id for p in found if days_on_team(p, period))
            people = (
                await session.execute(
                    select(Member.id, Member.slack_user_id, Member.name).where(
                        or_(Member.team_id == team.id, Member.id.in_(list(present) or [-1]))
                    )
                )
            ).all()
            team_name, manager_id, scheme_name = team.name, team.manager_id, team.scheme
            version = kept.version if kept is not None else ""
        names = {mid: name for mid, _, name in people}
        members = sorted(
            (_member(row, names.get(row.member_id)) for row in cards),
            key=lambda m: (m.rank, m.name, m.member_id),
        )
        score = TeamScore(team_id, period.label, scheme_name, version, members)
        return ScoreView(
            team_id,
            team_name,
            manager_id,
            period,
            score,
            {mid: uid for mid, uid, _ in people},
            projected=now < bounds(period)[1],
            present=present,
        )

    # --- refreshing ------------------------------------------------------------------

    async def refresh(
        self, now: datetime | None = None, *, want: tuple[int, str] | None = None
    ) -> int:
        """Take queued changes and expired tallies, re-score what they touch. Returns the
        changes taken.

        With `want` (team id, YYYY-MM), bring that one period up to date (building it if
        it is not kept yet) and nothing else: a member asking for their team's score pays
        for their team's changes, not for every team's queue. The changes stay queued for
        the background pass, which takes them for the other teams (re-scoring a customer
        again is harmless: it replaces what was kept)."""
        async with self._lock:
            now = now or utcnow()
            if want is not None:
                async with self.sessions.begin() as session:
                    await _ensure_kept(session, *want, now)
                    kept = await _kept_period(session, *want)
                if kept is not None:
                    await self._refresh_once(now, target=kept.id)
                return 0
            taken = 0
            for _ in range(100):  # a queue that keeps growing still lets the reader go
                done, more = await self._refresh_once(now, idle_ok=want is None)
                taken += done
                if not more:
                    break
            return taken

    async def _refresh_once(
        self,
        now: datetime,
        idle_ok: bool = False,
        target: int | None = None,
        batch: int = BATCH,
    ) -> tuple[int, bool]:
        """One pass. With `idle_ok`, a pass with no change queued, no tallies overtaken and
        no period waiting to be built stops at that (the background refresher's usual
        case); otherwise every kept period is checked against its team's rules too.

        With `target` (a kept period's id), the pass reads the queue (from where its last
        such pass for that period stopped, if no one wrote the period since), re-scores
        and writes that period alone, and leaves the queue as it was."""
        async with self.reads.begin() as session:
            since = 0
            if target is not None:
                generation = await session.scalar(
                    select(ScorePeriod.generation).where(ScorePeriod.id == target)
                )
                covered_generation, covered_id = self._covered.get(target, (-1, 0))
                if generation == covered_generation and self._ids_in_commit_order:
                    since = covered_id
            changes = list(
                await session.scalars(
                    select(ScoreChange)
                    .where(ScoreChange.id > since)
                    .order_by(ScoreChange.id)
                    .limit(batch if target is None else TARGETED_BATCH)
                )
            )
            overtaken = select(ScorePart.period_id, ScorePart.customer_id).where(
                ScorePart.valid_until < now
            )
            if target is not None:
                overtaken = overtaken.where(ScorePart.period_id == target)
            expired = (await session.execute(overtaken)).all()
            if idle_ok and not changes and not expired:
                unbuilt = await session.scalar(select(exists().where(ScorePeriod.generation == 0)))
                if not unbuilt:
                    return 0, False
            last_id = max((c.id for c in changes), default=since)
            if target is not None and changes:
                changes = await _bearing_on(session, target, changes)
            works = await self._plan(session, changes, expired, now)
        if target is not None:
            works = [w for w in works if w.period_id == target]
            changes = []  # the other teams still need them
            if not works and generation is not None:
                self._covered[target] = (generation, last_id)
        # Read in several short transactions, so that requests waiting for SQLite's one
        # connection get it in between (the generation guards the writes: see above).
        await _read_works(self.reads, works)
        for work in works:
            generation, totals = self._totals.get(work.period_id, (-1, {}))
            if work.only is not None and generation == work.generation:
                work.totals, work.shared = dict(totals), set(totals)
        # The scoring itself runs beside the event loop with no connection held.
        if works:
            await asyncio.to_thread(lambda: [_compute(w, now) for w in works])
        # Each period is written in its own short transaction, and requests waiting for the
        # connection go first in between: writing fifty teams' cards at once held SQLite's
        # one connection for a third of a second. (Periods are independent of each other;
        # the changes go only once every period that needed them is written.)
        conflicts = 0
        written = []
        for work in works:
            async with self.sessions.begin() as session:
                if await _write_work(session, work, now):
                    written.append(work)
                else:
                    conflicts += 1
            await asyncio.sleep(0)
        if not conflicts and changes:
            async with self.sessions.begin() as session:
                await session.execute(
                    delete(ScoreChange).where(ScoreChange.id.in_([c.id for c in changes]))
                )
        for work in written:
            if target is not None:
                self._covered[target] = (work.generation + 1, last_id)
            if work.totals is not None:
                self._totals[work.period_id] = (work.generation + 1, work.totals)
            else:
                self._totals.pop(work.period_id, None)
        if conflicts:
            log.info("kept scores: %d period(s) refreshed elsewhere meanwhile", conflicts)
        if target is not None:
            return 0, False
        return len(changes), len(changes) == batch or bool(conflicts)

    async def _plan(
        self,
        session: AsyncSession,
        changes: list[ScoreChange],
        expired: Iterable,
        now: datetime,
    ) -> list[_Work]:
        """Which customers of which kept periods the changes and the clock touch."""
        kept = {row.id: row for row in await session.scalars(select(ScorePeriod))}
        if not kept:
            return []
        teams = {t.id: t for t in await session.scalars(select(Team))}
        whole: set[int] = set()  # kept period ids re-read whole
        only: dict[int, set[int]] = {}
        for row in kept.values():
            team = teams.get(row.team_id)
            if team is None:
                continue
            try:
                version = scheme_named(team.scheme).version_for(_period(row).first_day)
            except LookupError:
                continue  # no rules for it any more: left as it was
            same = (row.timezone, row.scheme, row.version) == (
                team.timezone,
                team.scheme,
                version.effective_from.isoformat(),
            )
            if row.generation == 0 or not same:
                whole.add(row.id)
        changed_teams = {c.team_id for c in changes if c.team_id is not None}
        whole |= {pid for pid, row in kept.items() if row.team_id in changed_teams}
        for pid, cid in expired:
            only.setdefault(pid, set()).add(cid)
        customers = {c.customer_id for c in changes if c.customer_id is not None}
        # A logger's new entry can tip their entries on other customers into a burst.
        reach = max(
            (
                scheme_named(teams[r.team_id].scheme)
                .version_for(_period(r).first_day)
                .anti_gaming.burst_minutes
                for r in kept.values()
                if r.team_id in teams
            ),
            default=0,
        )
        near = [
            (c.member_id, c.logged_at)
            for c in changes
            if c.member_id is not None and c.logged_at is not None
        ]
        for chunk in _chunks(near, 200):
            window = timedelta(minutes=reach)
            rows = await session.execute(
                select(Touch.customer_id)
                .where(
                    or_(
                        *(
                            (Touch.member_id == m)
                            & (Touch.logged_at > at - window)
                            & (Touch.logged_at < at + window)
                            for m, at in chunk
                        )
                    )
                )
                .distinct()
            )
            customers |= {cid for (cid,) in rows}
        if customers:
            ids = sorted(customers)
            for chunk in _chunks(ids, 2000):
                for pid, cid in await session.execute(
                    select(ScorePart.period_id, ScorePart.customer_id).where(
                        ScorePart.customer_id.in_(chunk)
                    )
                ):
                    if pid in kept:
                        only.setdefault(pid, set()).add(cid)
                owners = await session.execute(
                    select(Customer.id, Customer.owner_id).where(Customer.id.in_(chunk))
                )
                involved: dict[int, set[int]] = {}
                for cid, owner in owners:
                    involved.setdefault(owner, set()).add(cid)
                for c in changes:
                    if c.customer_id in customers and c.member_id is not None:
                        involved.setdefault(c.member_id, set()).add(c.customer_id)
                stays = await session.execute(
                    select(
                        TeamMembership.member_id,
                        TeamMembership.team_id,
                        TeamMembership.valid_from,
                        TeamMembership.valid_to,
                    ).where(TeamMembership.member_id.in_(sorted(involved)))
                )
                for mid, team_id, since, until in stays:
                    for pid, row in kept.items():
                        if row.team_id != team_id:
                            continue
                        start, end = bounds(_period(row))
                        if since < end + ANSWER_GRACE and (until is None or until > start):
                            only.setdefault(pid, set()).update(involved[mid])
        works = []
        for pid in sorted(set(only) | whole):
            row = kept[pid]
            team = teams.get(row.team_id)
            if team is None:
                continue
            customers_here = None if pid in whole else only[pid]
            if customers_here is not None and len(customers_here) > WHOLE_AT:
                customers_here = None
            works.append(
                _Work(
                    pid,
                    row.generation,
                    row.as_of,
                    team,
                    _period(row, team.timezone),
                    scheme_named(team.scheme),
                    customers_here,
                )
            )
        return works

    # --- rebuilding ------------------------------------------------------------------

    async def rebuild(self, team_id: int | None = None, now: datetime | None = None) -> int:
        """Re-score kept periods whole (every team's, or one team's), keeping every team's
        open period from now on; returns how many periods were built."""
        now = now or utcnow()
        async with self.sessions.begin() as session:
            teams = list(
                await session.scalars(
                    select(Team).where(Team.id == team_id) if team_id is not None else select(Team)
                )
            )
            for team in teams:
                await _ensure_kept(session, team.id, current_period(team.timezone, now).label, now)
            await session.execute(
                update(ScorePeriod)
                .where(ScorePeriod.team_id.in_([t.id for t in teams]))
                .values(generation=0)
            )
        async with self._lock:
            while (await self._refresh_once(now))[1]:
                pass
        async with self.sessions.begin() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(ScorePeriod)
                    .where(ScorePeriod.team_id.in_([t.id for t in teams]))
                )
                or 0
            )

    async def run(
        self,
        every: float = 0.25,
        settle: float = SETTLE,
        at_most: float = AT_MOST,
        busy: Callable[[], bool] = lambda: False,
    ) -> None:
        """Keep refreshing in the background (cancel to stop).

        A burst of writes is taken together: a pass starts once no change has been queued
        for `settle` seconds, or once the oldest has waited `at_most`. While `busy()` says
        requests are being served, passes take a few changes at a time and at most a fifth
        of the time (each is followed by four times its length of rest), so keeping up
        never crowds out the requests themselves; idle, the queue is worked off at full
        speed. Whoever asks for a score meanwhile has their team brought up to date first
        (`view`)."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                if await self._settled(settle, at_most):
                    more = True
                    while more:
                        started = loop.time()
                        # While requests are answered, in small bites.
                        bite = BUSY_BATCH if busy() else BATCH
                        async with self._lock:
                            _, more = await self._refresh_once(utcnow(), True, batch=bite)
                        if more and busy():
                            await asyncio.sleep(BUSY_REST * (loop.time() - started))
            except asyncio.CancelledError:
                raise
            except Exception:  # a database outage: try again later
                log.warning("kept scores: refresh failed", exc_info=True)
                await asyncio.sleep(5)
            await asyncio.sleep(every)

    async def _settled(self, settle: float, at_most: float) -> bool:
        """Whether the queue is quiet, or has waited long enough (also when it is empty:
        the clock alone may have overtaken some tallies)."""
        async with self.reads.begin() as session:
            oldest, newest = (
                await session.execute(
                    select(func.min(ScoreChange.created_at), func.max(ScoreChange.created_at))
                )
            ).one()
        if newest is None:
            return True
        now = utcnow()
        return now - newest >= timedelta(seconds=settle) or now - oldest >= timedelta(
            seconds=at_most
        )


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _period(row: ScorePeriod, timezone: str | None = None) -> Period:
    year, month = (int(x) for x in row.period.split("-"))
    return Period(year, month, timezone or row.timezone)


async def _kept_period(session: AsyncSession, team_id: int, label: str) -> ScorePeriod | None:
    return await session.scalar(
        select(ScorePeriod).where(ScorePeriod.team_id == team_id, ScorePeriod.period == label)
    )


async def _pending(session: AsyncSession, period_id: int, now: datetime) -> bool:
    """Changes are queued, or some of the period's tallies have been overtaken by the clock."""
    return bool(
        await session.scalar(
            select(
                exists().where(ScoreChange.id.is_not(None))
                | exists().where(ScorePart.period_id == period_id, ScorePart.valid_until < now)
            )
        )
    )


async def _bearing_on(
    session: AsyncSession, period_id: int, changes: list[ScoreChange]
) -> list[ScoreChange]:
    """The changes that can move a kept period: to its team; on a customer it keeps, or
    whose owner was on the team; by anyone who was on the team or who logged on one of its
    customers (their new entry can tip those into a burst, or out of one). What no member
    of the team touches and no logger of its customers logged cannot change its scores."""
    row = await session.get(ScorePeriod, period_id)
    if row is None:
        return changes
    start, end = bounds(_period(row))
    members = set(
        await session.scalars(
            select(TeamMembership.member_id).where(
                TeamMembership.team_id == row.team_id,
                TeamMembership.valid_from < end + ANSWER_GRACE,
                or_(TeamMembership.valid_to.is_(None), TeamMembership.valid_to > start),
            )
        )
    )
    kept = select(ScorePart.customer_id).where(ScorePart.period_id == period_id)
    customers = set(await session.scalars(kept))
    loggers = members | set(
        await session.scalars(select(Touch.member_id).where(Touch.customer_id.in_(kept)).distinct())
    )
    asked = sorted({c.customer_id for c in changes if c.customer_id is not None} - customers)
    owners: dict[int, int] = {}
    for chunk in _chunks(asked, 2000):
        owners.update(
            (
                await session.execute(
                    select(Customer.id, Customer.owner_id).where(Customer.id.in_(chunk))
                )
            ).all()
        )
    return [
        c
        for c in changes
        if c.team_id == row.team_id
        or c.member_id in loggers
        or c.customer_id in customers
        or owners.get(c.customer_id) in members
    ]


async def _ensure_kept(session: AsyncSession, team_id: int, label: str, now: datetime) -> None:
    """Start keeping a team's period (generation 0: to be built whole)."""
    if await _kept_period(session, team_id, label) is not None:
        return
    team = await session.get(Team, team_id)
    if team is None:
        return
    year, month = (int(x) for x in label.split("-"))
    try:
        version = scheme_named(team.scheme).version_for(date(year, month, 1))
    except LookupError:
        return
    try:
        async with session.begin_nested():
            session.add(
                ScorePeriod(
                    team_id=team_id,
                    period=label,
                    timezone=team.timezone,
                    scheme=team.scheme,
                    version=version.effective_from.isoformat(),
                    generation=0,
                    as_of=now,
                    built_at=now,
                )
            )
    except IntegrityError:
        pass  # another process started keeping it first


async def _read_works(sessions: async_sessionmaker[AsyncSession], works: list[_Work]) -> None:
    """Read what the works need: whole periods one by one, narrowed ones in one pass (the
    number of queries does not grow with the number of teams a refresh touches)."""
    for work in works:
        if work.only is None:
            version = work.scheme.version_for(work.period.first_day)
            async with sessions.begin() as session:
                work.data = await load_team_data(session, work.team, work.period, version)
    narrowed = [w for w in works if w.only is not None]
    if not narrowed:
        return
    targets = [
        Narrowed(w.team, w.period, w.scheme.version_for(w.period.first_day), w.only or set())
        for w in narrowed
    ]
    await load_narrowed(ShortReads(sessions), targets)
    by_period = {w.period_id: w for w in narrowed}
    for w, t in zip(narrowed, targets, strict=True):
        w.data = t.data
    ids = sorted(set().union(*(w.only or set() for w in narrowed)))
    async with sessions.begin() as session:
        await _read_kept(session, ids, by_period)


async def _read_kept(session: AsyncSession, ids: list[int], by_period: dict[int, _Work]) -> None:
    """The kept tallies of these customers and the cards of these periods, as they stand."""
    for chunk in _chunks(ids, 2000):
        rows = await session.execute(
            select(ScorePart.period_id, ScorePart.customer_id, ScorePart.tallies).where(
                ScorePart.period_id.in_(sorted(by_period)), ScorePart.customer_id.in_(chunk)
            )
        )
        for pid, cid, tallies in rows:
            if cid in (by_period[pid].only or ()):
                by_period[pid].old_parts[cid] = tallies
    for card in await session.scalars(
        select(ScoreCard).where(ScoreCard.period_id.in_(sorted(by_period)))
    ):
        by_period[card.period_id].cards.append(card)


async def _write_work(session: AsyncSession, work: _Work, now: datetime) -> bool:
    """Store a computed period, if no one else refreshed it since it was read."""
    assert work.score is not None
    version = work.scheme.version_for(work.period.first_day)
    moved = await session.execute(
        update(ScorePeriod)
        .where(ScorePeriod.id == work.period_id, ScorePeriod.generation == work.generation)
        .values(
            generation=work.generation + 1,
            as_of=now,
            timezone=work.team.timezone,
            scheme=work.team.scheme,
            version=version.effective_from.isoformat(),
        )
    )
    if not moved.rowcount:
        return False
    gone = delete(ScorePart).where(ScorePart.period_id == work.period_id)
    if work.only is None:
        await session.execute(gone)
    else:
        for chunk in _chunks(sorted(work.only), 2000):
            await session.execute(gone.where(ScorePart.customer_id.in_(chunk)))
    if work.parts:
        await session.execute(
            ScorePart.__table__.insert(),
            [
                {"period_id": work.period_id, "customer_id": cid, "tallies": t, "valid_until": u}
                for cid, (t, u) in work.parts.items()
            ],
        )
    changed = await _write_cards(session, work)
    # One snapshot per member per day of the period: the day's latest.
    zone = ZoneInfo(work.period.timezone)
    day = now.astimezone(zone).date()
    if not work.period.first_day <= day < work.period.next_first_day:
        return True
    members = work.score.members
    if work.moved is not None and work.as_of.astimezone(zone).date() == day:
        members = [m for m in members if m.member_id in changed]  # the rest stand as they are
    if members:
        await session.execute(
            delete(ScoreSnapshot).where(
                ScoreSnapshot.team_id == work.team.id,
                ScoreSnapshot.day == day,
                ScoreSnapshot.member_id.in_([m.member_id for m in members]),
            )
        )
        await session.execute(
            ScoreSnapshot.__table__.insert(),
            [
                {
                    "member_id": m.member_id,
                    "team_id": work.team.id,
                    "day": day,
                    "period": work.period.label,
                    "rank": m.rank,
                    "total": str(m.total),
                    "tier": m.tier,
                    "pay": str(m.pay.total),
                    "currency": m.pay.currency,
                    "as_of": now,
                }
                for m in members
            ],
        )
    return True


async def _write_cards(session: AsyncSession, work: _Work) -> set[int]:
    """Store the period's cards, rewriting only what moved: a member's lines when their own
    records changed, the rest (rank, total, tier, pay) when the team settled differently.
    Returns the members whose card changed."""
    assert work.score is not None
    old = {row.member_id: row for row in work.cards} if work.moved is not None else {}
    whole, brief, changed = [], [], set()
    for m in work.score.members:
        summary = _summary(m)
        before = old.get(m.member_id)
        row = {"rank": m.rank, "total": str(m.total), "tier": m.tier, "summary": summary}
        if before is None or work.moved is None or m.member_id in work.moved:
            whole.append({"period_id": work.period_id, "member_id": m.member_id, **row})
            whole[-1]["lines"] = _lines(m)
        elif (before.rank, before.total, before.tier, before.summary) != tuple(row.values()):
            brief.append({f"b_{k}": v for k, v in row.items()} | {"b_member": m.member_id})
        else:
            continue
        changed.add(m.member_id)
    cards = delete(ScoreCard).where(ScoreCard.period_id == work.period_id)
    if work.moved is None:
        await session.execute(cards)
    else:
        gone = old.keys() - {m.member_id for m in work.score.members}
        renewed = {r["member_id"] for r in whole} | gone
        if renewed:
            await session.execute(cards.where(ScoreCard.member_id.in_(sorted(renewed))))
    if whole:
        await session.execute(ScoreCard.__table__.insert(), whole)
    if brief:
        table = ScoreCard.__table__
        await session.execute(
            update(table)
            .where(table.c.period_id == work.period_id, table.c.member_id == bindparam("b_member"))
            .values(
                rank=bindparam("b_rank"),
                total=bindparam("b_total"),
                tier=bindparam("b_tier"),
                summary=bindparam("b_summary"),
            ),
            brief,
        )
    return changed


@dataclass(frozen=True)
class Standing:
    """A member's place in their team's open period, as kept."""

    member_id: int
    name: str
    rank: int
    total: Decimal
    tier: str
    pay: Pay


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
