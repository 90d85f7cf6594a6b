"""Score a realistic month at scale: 1,000 members in 50 teams, 1,000,000 touches.

Generates the organisation into a scratch database (SQLite file, or a scratch PostgreSQL
database beside --database-url, dropped afterwards), then times, in one run: the floor (one
aggregate scan of the touches), a full recompute of every team, building and reading the
kept scores, one `/score` answered from them, and the refresh work each new touch costs.
The last line is machine-readable.

    .venv/bin/python bench/scoring_scale.py
    .venv/bin/python bench/scoring_scale.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from handlers.ui.scores import score_message
from storage.db import Database, run_admin_sql
from storage.fields import match_key
from storage.kept import KeptScores
from storage.members import _actor
from storage.migrate import upgrade
from storage.models import Customer, Followup, Member, Team, TeamMembership, Touch
from storage.scores import team_scores
from storage.touches import TouchDraft, log_touch

WS = "TBENCH"
ZONE = ZoneInfo("Asia/Shanghai")
KINDS = (
    ["call"] * 30
    + ["visit"] * 10
    + ["email"] * 15
    + ["message"] * 20
    + ["meeting"] * 5
    + ["order"] * 8
    + ["inquiry"] * 5
    + ["response"] * 4
    + ["complaint"] * 1
    + ["satisfaction"] * 2
)


async def generate(db: Database, members: int, teams: int, touches: int, now: datetime) -> float:
    rnd = random.Random(7)
    start = time.perf_counter()
    month_start = datetime(now.year, now.month, 1, tzinfo=ZONE).astimezone(UTC)
    span = (now - month_start).total_seconds()
    lookback = month_start - timedelta(days=90)
    per_team = members // teams
    async with db.engine.begin() as conn:
        await conn.execute(
            insert(Team),
            [
                {
                    "id": t + 1,
                    "workspace_id": WS,
                    "name": f"Team {t + 1:02d}",
                    "name_key": match_key(f"Team {t + 1:02d}"),
                    "timezone": "Asia/Shanghai",
                    "scheme": "default",
                }
                for t in range(teams)
            ],
        )
        await conn.execute(
            insert(Member),
            [
                {
                    "id": m + 1,
                    "workspace_id": WS,
                    "slack_user_id": f"U{m + 1:06d}",
                    "name": f"Rep {m + 1}",
                    "timezone": "Asia/Shanghai",
                    "locale": "en",
                    "role": "service" if m % per_team >= per_team - 4 else "sales",
                    "team_id": m // per_team + 1,
                }
                for m in range(members)
            ],
        )
        # Everyone on their team since before the lookback: scored for the whole month.
        await conn.execute(
            insert(TeamMembership),
            [
                {
                    "member_id": m + 1,
                    "team_id": m // per_team + 1,
                    "role": "service" if m % per_team >= per_team - 4 else "sales",
                    "valid_from": lookback - timedelta(days=1),
                }
                for m in range(members)
            ],
        )
        customers = []
        for c in range(members * 20):
            customers.append(
                {
                    "id": c + 1,
                    "workspace_id": WS,
                    "owner_id": c // 20 + 1,
                    "name": f"Cust {c + 1}",
                    "name_key": match_key(f"Cust {c + 1}"),
                    "company": "",
                    "company_key": "",
                    "phone": f"+86138{c + 1:08d}" if rnd.random() < 0.9 else None,
                    "occupation": "buyer" if rnd.random() < 0.8 else None,
                    "segment": "size:10-49" if rnd.random() < 0.7 else None,
                    "status": "active" if rnd.random() < 0.6 else "lead",
                    "created_at": lookback
                    + timedelta(seconds=rnd.random() * (now - lookback).total_seconds()),
                }
            )
        await conn.execute(insert(Customer), customers)
        batch = []
        for i in range(touches):
            customer = rnd.randrange(len(customers))
            owner = customers[customer]["owner_id"]
            in_month = rnd.random() < 0.75
            when = (
                (month_start + timedelta(seconds=rnd.random() * span))
                if in_month
                else (lookback + timedelta(seconds=rnd.random() * 90 * 86400))
            )
            kind = rnd.choice(KINDS)
            batch.append(
                {
                    "id": i + 1,
                    "workspace_id": WS,
                    "customer_id": customer + 1,
                    "member_id": owner,
                    "kind": kind,
                    "occurred_at": when,
                    "logged_at": when + timedelta(hours=rnd.choice((0.1, 0.5, 2, 20, 40))),
                    "note": "",
                    "amount_minor": rnd.randrange(1000_00, 50000_00) if kind == "order" else None,
                    "csat": rnd.randint(1, 5) if kind == "satisfaction" else None,
                    "source": "command",
                    "burst_accepted": False,
                }
            )
            if len(batch) == 20_000:
                await conn.execute(insert(Touch), batch)
                batch = []
        if batch:
            await conn.execute(insert(Touch), batch)
        today = now.astimezone(ZONE).date()
        first = date(today.year, today.month, 1)
        await conn.execute(
            insert(Followup),
            [
                {
                    "id": f + 1,
                    "workspace_id": WS,
                    "customer_id": (promised := rnd.randrange(len(customers))) + 1,
                    # A rep promises follow-ups to their own customers.
                    "member_id": customers[promised]["owner_id"],
                    "due_on": first
                    + timedelta(days=rnd.randrange(max(1, (today - first).days + 5))),
                    "status": "open",
                    "snooze_count": 0,
                }
                for f in range(members * 30)
            ],
        )
    async with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Rows were written with their ids: the sequences go on after them.
            for table in ("teams", "members", "customers", "touches", "followups"):
                await conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        # Planner statistics, as after `crmpay db upgrade` on a filled database.
        await conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - start


async def _floor(db: Database) -> float:
    """One aggregate scan of the same rows: touches by member and kind, distinct customers."""
    t0 = time.perf_counter()
    async with db.engine.connect() as conn:
        await conn.execute(
            select(
                Touch.member_id,
                Touch.kind,
                func.count(),
                func.count(Touch.customer_id.distinct()),
                func.sum(Touch.amount_minor),
            ).group_by(Touch.member_id, Touch.kind)
        )
    return time.perf_counter() - t0


async def _actors(db: Database, ids: list[int]) -> dict[int, object]:
    async with db.sessions.begin() as s:
        return {m.id: _actor(m) for m in await s.scalars(select(Member).where(Member.id.in_(ids)))}


async def _refresh_cost(
    db: Database, kept: KeptScores, now: datetime, batch: int, rounds: int, customers: int
) -> tuple[float, datetime]:
    """Log `batch` touches (random reps, their own customers, a second apart: a rep's next
    touch comes minutes later, as at a busy hour), then refresh; the refresh time per touch,
    and the clock after."""
    rnd = random.Random(batch)
    spent = 0.0
    logged = 0
    for _ in range(rounds):
        picks = [rnd.randrange(1, customers + 1) for _ in range(batch)]
        actors = await _actors(db, sorted({(c - 1) // 20 + 1 for c in picks}))
        for c in picks:
            actor = actors[(c - 1) // 20 + 1]
            now += timedelta(seconds=1)
            await log_touch(
                db.sessions,
                actor,
                TouchDraft(kind="call", customer_id=c, occurred_at=now - timedelta(hours=1)),
                currency="CNY",
                now=now,
            )
            logged += 1
        t0 = time.perf_counter()
        await kept.refresh(now)
        spent += time.perf_counter() - t0
    return spent * 1000 / logged, now


async def measure(url: str, args) -> None:
    db = Database(url)
    now = datetime.now(UTC)
    took = await generate(db, args.members, args.teams, args.touches, now)
    print(
        f"generated {args.members} members, {args.teams} teams, {args.members * 20} customers, "
        f"{args.touches} touches in {took:.1f}s ({args.touches / took:,.0f} touches/s)"
    )
    floor = min([await _floor(db) for _ in range(2)])
    print(f"aggregate scan of the touches (member x kind, distinct customers): {floor:.2f}s")
    t0 = time.perf_counter()
    scored = 0
    for team_id in range(1, args.teams + 1):
        view = await team_scores(db.sessions, team_id, now=now)
        scored += len(view.score.members)
    whole = time.perf_counter() - t0
    print(f"full recompute of the org ({scored} members scored): {whole:.2f}s")
    kept = KeptScores(db.sessions, db.reads)
    t0 = time.perf_counter()
    await kept.rebuild(now=now)
    built = time.perf_counter() - t0
    print(f"build the kept scores of the org (per-customer tallies + cards): {built:.2f}s")
    t0 = time.perf_counter()
    standings = await kept.standings(now=now)
    read = time.perf_counter() - t0
    ranked = sum(len(team) for team in standings.values())
    print(f"read the kept scores of the whole org ({ranked} members, standings): {read:.3f}s")
    one = []
    for i in range(args.repeat):
        t1 = time.perf_counter()
        view = await kept.view(1 + i % args.teams, now=now)
        member = view.score.members[0]
        score_message("en", view, member, who="Rep", show_pay=True)
        one.append(time.perf_counter() - t1)
    p50 = statistics.median(one) * 1000
    print(f"one /score from kept scores (read + render), {args.repeat} runs: median {p50:.1f} ms")
    customers = args.members * 20
    single, now = await _refresh_cost(db, kept, now, 1, 20, customers)
    some, now = await _refresh_cost(db, kept, now, 50, 4, customers)
    # As many touches as the bot takes in a second at its target rate, then one refresh.
    batched, now = await _refresh_cost(db, kept, now, 500, 2, customers)
    print(
        f"refresh work per touch: {single:.1f} ms refreshed alone, {some:.2f} ms when 50 "
        f"are refreshed together, {batched:.2f} ms when 500 are"
    )
    await db.dispose()
    print(
        f"org_full_s={whole:.2f} org_kept_s={read:.3f} floor_s={floor:.2f} "
        f"score_p50_ms={p50:.1f} refresh_ms_per_touch={batched:.2f} "
        f"refresh_single_ms={single:.1f} refresh_50_ms={some:.2f} org_build_s={built:.2f}"
    )


@contextmanager
def scratch_database(database_url: str | None) -> Iterator[str]:
    """A migrated scratch database: a SQLite file in a temporary folder, or a PostgreSQL
    database created beside `database_url` and dropped afterwards."""
    scratch = None
    if database_url:
        scratch = f"crmpay_bench_{secrets.token_hex(4)}"
        asyncio.run(run_admin_sql(database_url, f'CREATE DATABASE "{scratch}"'))
        url = (
            make_url(database_url)
            .set(drivername="postgresql+asyncpg", database=scratch)
            .render_as_string(False)
        )
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    try:
        upgrade(url)
        yield url
    finally:
        if scratch:
            asyncio.run(run_admin_sql(database_url, f'DROP DATABASE "{scratch}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--touches", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with scratch_database(args.database_url) as url:
        print(f"database: {make_url(url).get_backend_name()}")
        asyncio.run(measure(url, args))
    cmd = (
        f".venv/bin/python bench/scoring_scale.py --members {args.members} --teams {args.teams}"
        f" --touches {args.touches}"
    )
    print("reproduce:", cmd + (f" --database-url {args.database_url}" if args.database_url else ""))


if __name__ == "__main__":
    main()
