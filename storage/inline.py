"""SQLite for requests: SQLAlchemy's asyncio API over sqlite3, run on the event loop.

aiosqlite carries every call to a worker thread and back (four thread hops a statement),
and SQLAlchemy's asyncio adapter adds a greenlet switch for each of them. On the request
path that costs far more than SQLite itself (measured in bench/touch_latency.py), and
while the loop serves other requests, a transaction holding SQLite's one write connection
waits for its turn at every hop, so the connection is held for the length of a busy
loop's round instead of the microseconds SQLite needs. Requests run short, indexed
statements, so running them in place is quicker and fairer: a transaction holds the
connection only while it is working.

This dialect is the stock pysqlite one marked asynchronous: `create_async_engine` accepts
it, sessions and connections are used exactly as with aiosqlite, and each statement runs
synchronously inside SQLAlchemy's greenlet, with no thread and no further switch.

What may run long (the kept scores' reads, a member's whole month) goes through a second,
threaded aiosqlite connection instead (`Database.reads`): in WAL mode readers never block
the writer, nor the writer them. A statement here can still wait for SQLite's write lock
when another *process* holds it (a shell command, a second bot): the busy timeout bounds
that wait (`REQUEST_WAIT` for a serving bot).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util.concurrency import await_, in_greenlet

DRIVER = "crmpay_inline"


async def _ready() -> None:
    """An awaitable that is done at once (awaiting it never suspends)."""


class _Cursor(sqlite3.Cursor):
    # SQLAlchemy's asyncio API checks that a statement awaited something (a sync driver
    # by mistake would otherwise block the loop unnoticed); here that is by design, so
    # each statement awaits a coroutine that is already done: two greenlet switches.
    def execute(self, *args: Any) -> sqlite3.Cursor:
        if in_greenlet():
            await_(_ready())
        return super().execute(*args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        if in_greenlet():
            await_(_ready())
        return super().executemany(*args)

    async def _async_soft_close(self) -> None:
        """What the asyncio API calls before handing a result out: the rows of a sqlite3
        cursor stay readable without any I/O, so there is nothing to do."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory)


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite, usable from SQLAlchemy's asyncio extension; statements run in place."""

    driver = DRIVER
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def connect(self, *cargs: Any, **cparams: Any):
        # The pool may finalise a connection from another thread than the one that made it.
        cparams["check_same_thread"] = False
        cparams["factory"] = _Connection
        return super().connect(*cargs, **cparams)


registry.register(f"sqlite.{DRIVER}", __name__, "InlineSQLiteDialect")


def inline_url(url: str | URL) -> URL:
    """The same SQLite database, reached through this dialect."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername=f"sqlite+{DRIVER}")
