"""A database held by someone else is a clear refusal inside Slack's ack budget, never a
late failure that saves the touch after the user was told it failed."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import asyncpg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from handlers.ids import Command
from storage.models import Touch
from tests.helpers import scalars

ACK_BUDGET = 3.0


async def _hold_touches(database_url: str):
    """Lock the touches table from another connection; return a coroutine that lets go."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database, timeout=5, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")

        async def release() -> None:
            conn.execute("ROLLBACK")
            conn.close()

        return release
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    await conn.execute("BEGIN")
    await conn.execute("LOCK TABLE touches IN ACCESS EXCLUSIVE MODE")

    async def release_pg() -> None:
        await conn.execute("ROLLBACK")
        await conn.close()

    return release_pg


async def test_a_locked_database_is_refused_in_time_and_nothing_is_saved_later(
    stack, acme, database_url
):
    release = await _hold_touches(database_url)
    try:
        start = time.monotonic()
        replies = await asyncio.gather(
            stack.slack.command("U0ALICE", Command.TOUCH, "acme call during the lock"),
            stack.slack.command("U0ALICE", Command.TOUCH, "acme visit during the lock too"),
        )
        took = time.monotonic() - start
    finally:
        await release()
    assert took < ACK_BUDGET
    for r in replies:
        assert r.status == 200
        assert "The database is not available right now; nothing was saved" in r.message_text
    await asyncio.sleep(0.3)
    assert await scalars(stack.db, select(Touch)) == []  # told "not saved", and it was not
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "acme call after the lock")
    assert "Logged: call with *Acme Ltd*" in r.message_text


async def test_sqlite_planner_statistics_are_gathered_on_upkeep(db):
    """`crmpay serve` keeps SQLite's planner statistics fresh (PostgreSQL does it itself)."""
    await db.optimize()
    await db.optimize()  # and again: statistics kept up, nothing refused
    if db.path is not None:
        async with db.engine.connect() as conn:
            names = await conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
            )
            assert names.scalar() == "sqlite_stat1"
