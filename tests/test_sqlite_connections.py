"""How a serving bot uses a SQLite file: requests on the event loop, long reads and the
log's checkpoints on a connection of their own."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from storage.db import REQUEST_WAIT, Database, is_unavailable
from storage.errors import DatabaseUnavailable
from storage.inline import DRIVER


@pytest.fixture
def sqlite_url(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's connections only")
    return database_url


def _size(path: str) -> int:
    return os.path.getsize(path)


async def _thread_of(sessions) -> int:
    async with sessions() as session:
        conn = await session.connection()
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        if isinstance(driver, sqlite3.Connection):  # the stock sqlite3 module, in place
            driver.create_function("thread_id", 0, threading.get_ident)
        else:  # aiosqlite, in its worker thread
            await driver.create_function("thread_id", 0, threading.get_ident)
        return await session.scalar(text("SELECT thread_id()"))


async def test_requests_run_on_the_loop_and_long_reads_beside_it(sqlite_url):
    db = Database(sqlite_url, wait=REQUEST_WAIT)
    try:
        assert db.engine.dialect.driver == DRIVER
        assert await _thread_of(db.sessions) == threading.get_ident()
        assert await _thread_of(db.reads) != threading.get_ident()
    finally:
        await db.dispose()


async def test_the_long_reads_connection_refuses_writes(sqlite_url):
    db = Database(sqlite_url, wait=REQUEST_WAIT)
    try:
        # Read-only reads as "the database cannot take writes", as for any read-only file.
        with pytest.raises(DatabaseUnavailable):
            async with db.reads.begin() as session:
                await session.execute(text("UPDATE alembic_version SET version_num = 'x'"))
        async with db.sessions() as session:
            assert await session.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    finally:
        await db.dispose()


async def test_a_serving_bot_checkpoints_beside_the_loop_not_in_its_commits(sqlite_url):
    db = Database(sqlite_url, wait=REQUEST_WAIT, background_checkpoints=True)
    path = db.path
    try:
        async with db.sessions.begin() as session:
            await session.execute(text("CREATE TABLE checkpoint_fill (x TEXT)"))
        async with db.sessions() as session:
            await session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        before = _size(path)
        for _ in range(1500):  # past SQLite's usual checkpoint at 1,000 pages of log
            async with db.sessions.begin() as session:
                await session.execute(
                    text("INSERT INTO checkpoint_fill VALUES (:x)"), {"x": "x" * 3000}
                )
        assert _size(path) == before  # every page still waits in the log
        await db.checkpoint()
        assert _size(path) > before + 1500 * 3000
    finally:
        async with db.sessions.begin() as session:
            await session.execute(text("DROP TABLE IF EXISTS checkpoint_fill"))
        await db.dispose()


async def test_the_request_connection_goes_to_those_waiting_in_the_order_they_asked(sqlite_url):
    db = Database(sqlite_url, wait=REQUEST_WAIT)
    served: list[int] = []
    try:
        held = asyncio.Event()

        async def first() -> None:
            async with db.sessions.begin() as session:
                await session.execute(text("SELECT 1"))
                held.set()
                await asyncio.sleep(0.05)  # others queue meanwhile
            # Asking again at once, as a request's second transaction does: to the back.
            async with db.sessions.begin() as session:
                served.append(-1)
                await session.execute(text("SELECT 1"))

        async def then(i: int) -> None:
            await held.wait()
            await asyncio.sleep(0.001 * i)
            async with db.sessions.begin() as session:
                served.append(i)
                await session.execute(text("SELECT 1"))

        await asyncio.gather(first(), *(then(i) for i in range(5)))
        assert served == [0, 1, 2, 3, 4, -1]
    finally:
        await db.dispose()


async def test_waiting_too_long_for_the_connection_is_unavailable_not_a_hang(sqlite_url):
    db = Database(sqlite_url, wait=0.05)  # a turn waits at most 0.2 s
    try:
        async with db.sessions.begin() as session:
            await session.execute(text("SELECT 1"))
            start = time.monotonic()
            with pytest.raises(Exception) as caught:
                async with db.sessions.begin() as other:
                    await other.execute(text("SELECT 1"))
            assert time.monotonic() - start < 1
            assert is_unavailable(caught.value)
    finally:
        await db.dispose()
