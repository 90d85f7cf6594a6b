"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg).

The engine heals and refuses rather than lose data: errors that mean the database cannot
serve (a read-only or vanished SQLite file, a read-only PostgreSQL, an unreachable server)
invalidate the connection, so the next use reconnects, and surface as `DatabaseUnavailable`.
The bot opens a SQLite file only if it exists (`crmpay db upgrade` creates it), and a file
deleted or replaced under a running bot is noticed before the next transaction and before
each commit, instead of writing into an unlinked inode.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.errors import DatabaseUnavailable
from storage.inline import inline_url

# SQLite result codes (and messages) that mean the file cannot serve as it is: read-only,
# I/O failure, corrupt or replaced by something else, gone, full, or without our tables.
SQLITE_UNAVAILABLE = (
    "SQLITE_READONLY",
    "SQLITE_IOERR",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_CANTOPEN",
    "SQLITE_FULL",
)
SQLITE_UNAVAILABLE_TEXT = ("no such table",)
SQLITE_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")
# PostgreSQL SQLSTATEs: read-only transaction, undefined table (schema gone), no such
# database, shutting down / starting up, out of disk, memory or connections, bad login.
PG_UNAVAILABLE = {
    "25006",
    "42P01",
    "3D000",
    "57P01",
    "57P02",
    "57P03",
    "53100",
    "53200",
    "53300",
    "28000",
    "28P01",
    "55P03",  # lock_timeout: another session holds what we need
    "57014",  # statement_timeout
}
# How long a request may wait on the database before it is told "not available" instead:
# for a lock (SQLite's busy handler, PostgreSQL's lock_timeout) and for a pooled connection,
# each, so that waiting and answering stay inside Slack's 3 s for an acknowledgement.
REQUEST_WAIT = 0.5
# With checkpoints in the background, a commit still checkpoints past this many pages of log
# (80 MB): a backstop should the background fall behind, not the usual path.
BACKSTOP_PAGES = 20_000
# How long a batch command (no `wait`) waits for SQLite's one request connection.
SQLITE_POOL_WAIT = 30.0
log = logging.getLogger("crmpay.db")
FILE_KEY = "crmpay_sqlite_file"
WRITABLE_KEY = "crmpay_sqlite_writable"


def async_url(url: str) -> str:
    """Return `url` with its async driver: `postgresql://` → asyncpg, `sqlite://` → aiosqlite."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"{backend!r} is not supported; use postgresql://… or sqlite:///…")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    """Tell whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> str | None:
    """The absolute path of a SQLite database file, or None (PostgreSQL, in-memory)."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return None
    return os.path.abspath(database)


def _file_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def _file_size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        return None


def _sqlstate(orig: BaseException | None) -> str:
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def _sqlite_unavailable(orig: BaseException | None) -> bool:
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    return name.startswith(SQLITE_UNAVAILABLE) or str(orig).startswith(SQLITE_UNAVAILABLE_TEXT)


def is_unavailable(exc: BaseException) -> bool:
    """Tell whether `exc` means the database cannot serve right now (not a fault of the request)."""
    if isinstance(exc, DatabaseUnavailable | sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        orig = exc.orig
        name = str(getattr(orig, "sqlite_errorname", "") or "")
        state = _sqlstate(orig)
        return (
            exc.connection_invalidated
            or _sqlite_unavailable(orig)
            or name.startswith(SQLITE_BUSY)
            or state.startswith("08")
            or state in PG_UNAVAILABLE
        )
    return False


def _on_error(ctx: Any) -> BaseException | None:
    """Invalidate connections that cannot serve, and say so in the domain's terms."""
    orig = ctx.original_exception
    if _sqlite_unavailable(orig) or _sqlstate(orig) == "25006":
        # The connection itself may be what is stuck (SQLite falls back to read-only when it
        # opens a write-protected file and stays so): reconnect on next use.
        ctx.is_disconnect = True
    if ctx.is_pre_ping:
        return None  # the pool reconnects; another exception here would defeat that
    if ctx.sqlalchemy_exception is not None and is_unavailable(ctx.sqlalchemy_exception):
        return DatabaseUnavailable()
    if is_unavailable(orig):
        return DatabaseUnavailable()
    return None


def create_engine(
    url: str,
    *,
    must_exist: bool = False,
    wait: float | None = None,
    inline: bool = False,
    read_only: bool = False,
    checkpoint_pages: int | None = None,
    **kwargs: object,
) -> AsyncEngine:
    """Create an async engine; SQLite gets foreign keys, WAL, a busy timeout and file checks.

    With `must_exist`, a SQLite file is opened only if it is there (migrations create it).
    With `inline`, a SQLite file's statements run on the event loop (`storage.inline`);
    with `read_only`, its connections refuse writes (`PRAGMA query_only`); with
    `checkpoint_pages`, a commit checkpoints only once the log holds that many pages.
    With `wait` (seconds), no statement waits longer than that for a lock, nor longer than
    twice that for a new connection or four times that for one from the pool (requests queue
    for those under load), and none runs longer than twice that: for serving requests, which
    must be answered within seconds, not for batch work.
    """
    if wait is not None:
        # Waiting for a pooled connection is being queued under load, which is no outage: a
        # request may wait longer for one (still answering inside Slack's 3 s) than for a
        # lock or a new connection.
        kwargs.setdefault("pool_timeout", 4 * wait)
    if not is_sqlite(url):
        if wait is not None:
            kwargs.setdefault(
                "connect_args",
                {
                    "timeout": 2 * wait,
                    "server_settings": {
                        "lock_timeout": str(int(wait * 1000)),
                        "statement_timeout": str(int(2 * wait * 1000)),
                    },
                },
            )
        engine = create_async_engine(url, pool_pre_ping=True, **kwargs)
        event.listen(engine.sync_engine, "handle_error", _on_error)
        event.listen(engine.sync_engine, "do_connect", _connect_or_unavailable)
        return engine
    path = sqlite_file(url)
    # One connection: SQLite has one writer at a time, and queueing for the connection in
    # asyncio is fair and prompt, where SQLite's own busy handler sleeps and backs off
    # (measured in bench/touch_latency.py: p99 at 10 concurrent requests fell from ~1.4 s).
    if path is not None:
        # Readers never wait for each other in WAL mode: the read-only engine keeps a few.
        kwargs.setdefault("pool_size", 3 if read_only else 1)
        kwargs.setdefault("max_overflow", 0)
    busy = wait if wait is not None else 30.0
    engine = create_async_engine(
        inline_url(url) if inline and path is not None else url,
        connect_args={"timeout": busy},
        **kwargs,
    )
    event.listen(engine.sync_engine, "handle_error", _on_error)

    if path is not None and must_exist:

        @event.listens_for(engine.sync_engine, "do_connect")
        def _open_existing(_dialect, _record, cargs, cparams):
            if _file_size(path) == 0:
                # An empty file put where ours was: SQLite would delete the write-ahead log
                # that still holds our file's latest commits. Leave both alone.
                raise DatabaseUnavailable() from FileNotFoundError(f"{path} is empty")
            # mode=rw: a missing file is an error, not a new empty database.
            cargs[:] = [f"file:{quote(path)}?mode=rw"]
            cparams["uri"] = True

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_conn, record):  # pragma: no cover - exercised via every SQLite test
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
        if path is not None:
            cur.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL still never corrupts and loses nothing when the process dies;
            # only a power cut or OS crash may take the last commits back. FULL syncs the log
            # on every commit, which costs each /touch more than all its statements together.
            cur.execute("PRAGMA synchronous=NORMAL")
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        if checkpoint_pages is not None:
            cur.execute(f"PRAGMA wal_autocheckpoint={int(checkpoint_pages)}")
        cur.close()
        if path is not None:
            record.info[FILE_KEY] = _file_id(path)
            record.info[WRITABLE_KEY] = os.access(path, os.W_OK)

    if path is not None:

        @event.listens_for(engine.sync_engine, "checkout")
        def _same_file(_dbapi_conn, record, _proxy):
            if record.info.get(FILE_KEY) != _file_id(path):
                # Deleted or replaced: this connection writes where nobody will read.
                raise sa_exc.DisconnectionError(f"{path} was deleted or replaced")
            if not record.info.get(WRITABLE_KEY) and os.access(path, os.W_OK):
                # Opened while the file was write-protected, so SQLite opened it read-only
                # for good; the file takes writes again, so open it afresh.
                raise sa_exc.DisconnectionError(f"{path} is writable again")

        @event.listens_for(engine.sync_engine, "commit")
        def _still_there(conn):
            if conn.connection.info.get(FILE_KEY) != _file_id(path):
                raise DatabaseUnavailable() from sa_exc.DisconnectionError(
                    f"{path} was deleted or replaced"
                )

    return engine


def _connect_or_unavailable(dialect, _record, cargs, cparams):
    """Connect; a server refused, unreachable or timed out (asyncpg raises these raw) is down."""
    try:
        return dialect.connect(*cargs, **cparams)
    except OSError as exc:
        raise DatabaseUnavailable() from exc


@dataclass
class Readiness:
    """What /readyz reports: each check's outcome, and which failed."""

    checks: dict[str, str] = field(
        default_factory=lambda: dict.fromkeys(("database", "schema", "writes"), "unchecked")
    )

    @property
    def failed(self) -> list[str]:
        """The checks that failed (those after a failure are left unchecked)."""
        return [
            name
            for name, outcome in self.checks.items()
            if not outcome.startswith(("ok", "unchecked"))
        ]

    @property
    def ok(self) -> bool:
        return all(outcome.startswith("ok") for outcome in self.checks.values())


def describe(exc: BaseException) -> str:
    """A short, single-line account of a database error (no SQL, no parameters)."""
    while isinstance(exc, DatabaseUnavailable) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        exc = exc.orig
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:160]


class InTurn:
    """Sessions on SQLite's one request connection, handed out in the order they were asked
    for. The pool alone lets whoever asks at the moment it is returned take it ahead of
    those already waiting (statements here never pause, so that is often): under 50
    concurrent requests some waited seconds, and were told the database was unavailable.
    `asyncio.Lock` serves its waiters first come, first served.

    Used as the session factory it stands for: `async with sessions() as s`, or
    `async with sessions.begin() as s`. A session on it must not open another. Waiting for
    a turn is bounded as waiting for the pool is (`timeout`), with the same error.
    """

    def __init__(self, factory: async_sessionmaker[AsyncSession], timeout: float) -> None:
        self.factory = factory
        self.timeout = timeout
        self._turn = asyncio.Lock()

    def __call__(self, **kw: Any) -> AbstractAsyncContextManager[AsyncSession]:
        return self._in_turn(lambda: self.factory(**kw))

    def begin(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._in_turn(self.factory.begin)

    @asynccontextmanager
    async def _in_turn(self, make) -> AsyncIterator[AsyncSession]:
        try:
            await asyncio.wait_for(self._turn.acquire(), self.timeout)
        except TimeoutError:
            raise sa_exc.TimeoutError(
                f"waited {self.timeout:g} s for the database connection"
            ) from None
        try:
            async with make() as session:
                yield session
        finally:
            self._turn.release()


class Database:
    """The engines and session factories of a process.

    `sessions` serves requests and every write. `reads` is for reads that may take long
    (kept scores, a member's whole month): on a SQLite file they run on a connection of
    their own, in its own thread, so that the requests' connection, whose statements run
    on the event loop, is never held by them; elsewhere it is `sessions`.
    """

    def __init__(
        self,
        url: str,
        *,
        wait: float | None = None,
        background_checkpoints: bool = False,
        **engine_kwargs: object,
    ) -> None:
        """`wait`: the most a statement waits for a lock or a connection (see create_engine).

        `background_checkpoints` (a serving bot, which runs `maintain`): SQLite's log is
        copied into the file beside the event loop, not by the commit that fills it, which
        would stall every request for the length of the copy and its sync.
        """
        self.url = url
        self.path = sqlite_file(url)
        self.background_checkpoints = background_checkpoints and self.path is not None
        self.engine = create_engine(
            url,
            must_exist=True,
            wait=wait,
            inline=True,
            checkpoint_pages=BACKSTOP_PAGES if self.background_checkpoints else None,
            **engine_kwargs,
        )
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )
        self.read_engine = self.engine
        self.reads = self.sessions
        if self.path is not None:
            turn_wait = 4 * wait if wait is not None else SQLITE_POOL_WAIT
            self.sessions = InTurn(self.sessions, turn_wait)  # type: ignore[assignment]
            self.read_engine = create_engine(
                url, must_exist=True, wait=wait, read_only=True, **engine_kwargs
            )
            self.reads = async_sessionmaker(self.read_engine, expire_on_commit=False)

    async def readiness(self) -> Readiness:
        """Check that the database answers, its schema is at the head revision, and it writes."""
        from storage.migrate import head_revisions

        ready = Readiness()
        checks = ready.checks
        if self.path is not None and not _file_size(self.path):
            gone = "missing" if _file_size(self.path) is None else "empty"
            checks["database"] = f"file {gone}: {self.path}"
            return ready
        heads = await asyncio.to_thread(head_revisions)
        step = "database"
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                checks["database"] = "ok"
                step = "schema"
                try:
                    rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
                    current = set(rows.scalars())
                except (sa_exc.DBAPIError, DatabaseUnavailable):
                    checks["schema"] = f"not migrated (head {', '.join(sorted(heads))})"
                    return ready
                if current != heads:
                    checks["schema"] = (
                        f"at {', '.join(sorted(current)) or 'nothing'}, "
                        f"head {', '.join(sorted(heads))}: run crmpay db upgrade"
                    )
                    return ready
                checks["schema"] = f"ok ({', '.join(sorted(heads))})"
                step = "writes"
                if self.path is not None and not os.access(self.path, os.W_OK):
                    checks["writes"] = f"file is read-only: {self.path}"
                    return ready
                # A real write, rolled back: proves the file (or server) takes writes now.
                await conn.rollback()
                async with conn.begin() as trans:
                    await conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
                    await trans.rollback()
                checks["writes"] = "ok"
        except Exception as exc:
            checks[step] = describe(exc)
        return ready

    async def optimize(self) -> None:
        """Keep SQLite's query planner informed: statistics are gathered the first time, and
        `PRAGMA optimize` refreshes them where tables grew (PostgreSQL's autovacuum does this
        by itself)."""
        if not is_sqlite(str(self.engine.url)):
            return
        async with self.engine.connect() as conn:
            known = await conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            )
            # A bounded look at each index: statistics good enough for the planner, gathered
            # in milliseconds even on a large file (this connection runs on the event loop).
            await conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            await conn.exec_driver_sql("PRAGMA optimize" if known.first() else "ANALYZE")
            await conn.commit()

    async def checkpoint(self) -> None:
        """Copy what SQLite's write-ahead log holds into the database file, beside the event
        loop: on the threaded read connection, PASSIVE (it never waits for, nor blocks, the
        writer or readers; what they still use is copied next time)."""
        if self.read_engine is self.engine:
            return
        async with self.read_engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    async def maintain(self, every: float = 3600.0, checkpoint_every: float = 1.0) -> None:
        """For as long as the bot serves (cancel to stop): `optimize` now and then, and, with
        background checkpoints, a checkpoint every `checkpoint_every` seconds."""
        loop = asyncio.get_running_loop()
        next_optimize = loop.time()
        while True:
            try:
                if loop.time() >= next_optimize:
                    next_optimize = loop.time() + every
                    await self.optimize()
                if self.background_checkpoints:
                    await self.checkpoint()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("database upkeep failed; trying again later", exc_info=True)
            await asyncio.sleep(checkpoint_every if self.background_checkpoints else every)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


async def run_admin_sql(url: str, sql: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE) on PostgreSQL."""
    import asyncpg

    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
