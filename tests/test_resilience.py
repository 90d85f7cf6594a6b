"""Bad deliveries are refused at the door; health tells the truth; the database heals.

- Every malformed delivery gets a 4xx (401 unsigned, 400 malformed, 413 too big, 415 not
  JSON or a form), is logged in one bounded line, and never reaches bolt or a listener.
- `/healthz` says the process is alive; `/readyz` says the database answers, its schema is
  at the head revision and it takes a write.
- A SQLite file made read-only and writable again, or a PostgreSQL database switched to
  read-only and back, serves writes again without a restart.
- A SQLite file deleted or replaced under the bot is noticed: writes are refused with a clear
  message (nothing is written into the unlinked file), no empty database is created in its
  place, and everything works again once the file is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from bot.server import ReadinessProbe
from handlers.ids import Command
from storage.db import Database, Readiness, run_admin_sql, sqlite_file
from storage.errors import DatabaseUnavailable
from storage.migrate import head_revisions, upgrade
from storage.models import Customer
from tests.conftest import SIGNING_SECRET, _postgres_url
from tests.helpers import all_rows, scalars

UNAVAILABLE = "The database is not available right now; nothing was saved. Try again in a minute."
UNAVAILABLE_ZH = "数据库暂时无法使用，本次操作未保存。请一分钟后再试。"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TEAM = "T0TEAM"


# -- malformed deliveries -------------------------------------------------------------------


def _sign(raw: bytes, ts: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{ts}:".encode() + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


async def _post(
    stack, raw: bytes, content_type: str | None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST raw bytes to /slack/events with exactly the headers given (signed by default)."""
    if headers is None:
        ts = int(time.time())
        headers = {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": _sign(raw, ts)}
    if content_type is not None:
        headers = {**headers, "Content-Type": content_type}
    async with aiohttp.ClientSession(skip_auto_headers=["Content-Type"]) as http:
        async with http.post(stack.slack.app_url, data=raw, headers=headers) as r:
            body = await r.text()
            return r.status, (json.loads(body) if body.startswith("{") else {})


def _form(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def _interactive(payload: Any) -> bytes:
    return b"payload=" + quote(json.dumps(payload)).encode()


def _command(**change: Any) -> dict[str, str]:
    fields = {
        "token": "legacy",
        "team_id": TEAM,
        "team_domain": "fake",
        "channel_id": "C0GENERAL",
        "user_id": "U0ALICE",
        "user_name": "alice",
        "command": "/customer",
        "text": "add Acme Ltd, Li Wei, 13800138000",
        "api_app_id": "A0CRMPAY",
        "response_url": "http://127.0.0.1:1/response",
        "trigger_id": "1.2.abc",
    }
    fields.update(change)
    return {k: v for k, v in fields.items() if v is not None}


def _user() -> dict[str, Any]:
    return {"id": "U0ALICE", "username": "alice", "team_id": TEAM}


def _actions(**change: Any) -> dict[str, Any]:
    payload = {
        "type": "block_actions",
        "user": _user(),
        "team": {"id": TEAM, "domain": "fake"},
        "api_app_id": "A0CRMPAY",
        "trigger_id": "1.2.abc",
        "actions": [{"action_id": "followup_done", "block_id": "b", "type": "button"}],
        "container": {"type": "message", "channel_id": "C0GENERAL"},
        "response_url": "http://127.0.0.1:1/response",
    }
    payload.update(change)
    return {k: v for k, v in payload.items() if v is not None}


def _view(**change: Any) -> dict[str, Any]:
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": "touch_modal",
        "private_metadata": "{}",
        "blocks": [{"type": "input", "block_id": "note", "element": {"type": "plain_text_input"}}],
        "state": {"values": {"note": {"note": {"type": "plain_text_input", "value": "hi"}}}},
    }
    view.update(change)
    return {k: v for k, v in view.items() if v is not None}


def _submission(**change: Any) -> dict[str, Any]:
    payload = {"type": "view_submission", "user": _user(), "team": {"id": TEAM}, "view": _view()}
    payload.update(change)
    return {k: v for k, v in payload.items() if v is not None}


def _suggestion(**change: Any) -> dict[str, Any]:
    payload = {
        "type": "block_suggestion",
        "user": _user(),
        "team": {"id": TEAM},
        "action_id": "customer_pick",
        "block_id": "customer",
        "value": "ac",
        "view": {"id": "V1", "type": "modal"},
    }
    payload.update(change)
    return {k: v for k, v in payload.items() if v is not None}


def _event(**change: Any) -> dict[str, Any]:
    body = {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0CRMPAY",
        "type": "event_callback",
        "event_id": "Ev1",
        "event": {"type": "app_home_opened", "user": "U0ALICE", "tab": "home"},
    }
    body.update(change)
    return {k: v for k, v in body.items() if v is not None}


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


MALFORMED = {
    # the body cannot be read as what its content type says
    "payload=%7Bbad": (b"payload=%7Bbad", FORM),
    "a JSON list as the body": (b"[1, 2]", JSON),
    "a JSON string as the body": (b'"x"', JSON),
    "a form labelled JSON": (_form(_command()), JSON),
    "JSON labelled a form": (_json(_event()), FORM),
    "invalid UTF-8": (b"command=/touch&text=\xff\xfe", FORM),
    "percent-encoded invalid UTF-8": (b"command=%2Ftouch&text=%FF", FORM),
    "a repeated form field": (_form(_command()) + b"&user_id=U0BOB", FORM),
    "an empty body": (b"", FORM),
    "JSON NaN": (b'{"type": "event_callback", "team_id": "T", "x": NaN}', JSON),
    "JSON nested too deep": (b'{"a": ' * 5_000 + b"1" + b"}" * 5_000, JSON),
    "a number of 5,000 digits": (b'{"type": "x", "n": 1' + b"0" * 5000 + b"}", JSON),
    "a lone surrogate": (b'{"type": "url_verification", "challenge": "\\ud800"}', JSON),
    "a 600 kB payload of escapes": (b"payload=" + b"%22" * 200_000, FORM),
    "a payload that is a list": (_interactive([1]), FORM),
    "a payload that is a string": (_interactive("x"), FORM),
    # interactivity whose shape bolt or a listener would choke on
    "block_actions with actions: []": (_interactive(_actions(actions=[])), FORM),
    "actions that are not objects": (_interactive(_actions(actions=["x", 1])), FORM),
    "an action without action_id": (_interactive(_actions(actions=[{"type": "button"}])), FORM),
    "actions not a list": (_interactive(_actions(actions="x")), FORM),
    "an action_id that is a number": (
        _interactive(_actions(actions=[{"action_id": 5, "type": "button"}])),
        FORM,
    ),
    "block_actions without user": (_interactive(_actions(user=None)), FORM),
    "a user that is a number": (_interactive(_actions(user=42)), FORM),
    "a user without id": (_interactive(_actions(user={"name": "alice"})), FORM),
    "block_actions without team": (_interactive(_actions(team=None)), FORM),
    "a team that is a list": (_interactive(_actions(team=[1])), FORM),
    "block_actions without trigger_id": (_interactive(_actions(trigger_id=None)), FORM),
    "a channel that is a number": (_interactive(_actions(channel=5)), FORM),
    "response_urls not objects": (_interactive(_actions(response_urls=[1])), FORM),
    "authorizations a string": (_interactive(_actions(authorizations="x")), FORM),
    "a container that is a string": (_interactive(_actions(container="x")), FORM),
    "a view without id": (_interactive(_actions(view={"type": "home"})), FORM),
    "view_submission without view": (_interactive(_submission(view=None)), FORM),
    "a view without state": (_interactive(_submission(view=_view(state=None))), FORM),
    "a view without callback_id": (_interactive(_submission(view=_view(callback_id=None))), FORM),
    "an input block without block_id": (
        _interactive(_submission(view=_view(blocks=[{"type": "input"}]))),
        FORM,
    ),
    "state values not objects": (
        _interactive(_submission(view=_view(state={"values": {"note": "x"}}))),
        FORM,
    ),
    "a selected option without value": (
        _interactive(
            _submission(
                view=_view(
                    state={"values": {"k": {"k": {"type": "static_select", "selected_option": {}}}}}
                )
            )
        ),
        FORM,
    ),
    "private_metadata not a string": (
        _interactive(_submission(view=_view(private_metadata={"a": 1}))),
        FORM,
    ),
    "block_suggestion without value": (_interactive(_suggestion(value=None)), FORM),
    "block_suggestion with a number": (_interactive(_suggestion(value=5)), FORM),
    "a shortcut without callback_id": (
        _interactive({"type": "shortcut", "user": _user(), "team": {"id": TEAM}}),
        FORM,
    ),
    "a message shortcut without message": (
        _interactive(
            {
                "type": "message_action",
                "callback_id": "log_touch_from_message",
                "trigger_id": "1.2.abc",
                "user": _user(),
                "team": {"id": TEAM},
                "channel": {"id": "C0GENERAL"},
            }
        ),
        FORM,
    ),
    "an interactive type the app does not take": (
        _interactive({"type": "dialog_submission", "user": _user(), "team": {"id": TEAM}}),
        FORM,
    ),
    "interactivity without type": (_interactive({"user": _user(), "team": {"id": TEAM}}), FORM),
    # slash commands
    "a command without user_id": (_form(_command(user_id=None)), FORM),
    "a command without team_id": (_form(_command(team_id=None)), FORM),
    "a command without trigger_id": (_form(_command(trigger_id=None)), FORM),
    "a command without a slash": (_form(_command(command="customer")), FORM),
    "a team_id no Slack id looks like": (_form(_command(team_id="T" * 40)), FORM),
    "a user_id no Slack id looks like": (_form(_command(user_id="u0alice; drop")), FORM),
    "a view's team no Slack id looks like": (
        _interactive(_submission(view=_view(app_installed_team_id="x" * 40))),
        FORM,
    ),
    "a form of other fields": (_form({"hello": "world"}), FORM),
    # events
    "an event that is a string": (_json(_event(event="app_home_opened")), JSON),
    "an event without type": (_json(_event(event={"user": "U0ALICE"})), JSON),
    "app_home_opened without user": (_json(_event(event={"type": "app_home_opened"})), JSON),
    "an event without team_id": (_json(_event(team_id=None)), JSON),
    "url_verification without challenge": (_json({"type": "url_verification"}), JSON),
    "a JSON type the app does not take": (_json({"type": "block_actions"}), JSON),
    "an empty JSON object": (b"{}", JSON),
}


def _bounded_logs(caplog) -> None:
    for record in caplog.records:
        assert record.levelno < logging.ERROR, record.getMessage()[:300]
        assert record.exc_info is None, record.getMessage()[:300]
        assert len(record.getMessage()) < 600, record.getMessage()[:300]


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_a_malformed_signed_delivery_gets_400_and_reaches_nothing(stack, caplog, case):
    raw, content_type = MALFORMED[case]
    before = await all_rows(stack.db)
    with caplog.at_level(logging.DEBUG):
        status, body = await _post(stack, raw, content_type)
    assert (status, body.get("error")) == (400, "malformed_request")
    assert stack.fake.calls == []  # bolt never ran: not even its auth.test
    assert await all_rows(stack.db) == before
    _bounded_logs(caplog)
    [refusal] = [r for r in caplog.records if r.name == "crmpay.requests"]
    assert "refused HTTP request: 400" in refusal.getMessage()


def _now() -> int:
    return int(time.time())


UNSIGNED = {
    "no signature headers": lambda raw: {},
    "no signature": lambda raw: {"X-Slack-Request-Timestamp": str(_now())},
    "no timestamp": lambda raw: {"X-Slack-Signature": _sign(raw, _now())},
    "timestamp abc": lambda raw: {
        "X-Slack-Request-Timestamp": "abc",
        "X-Slack-Signature": _sign(raw, _now()),
    },
    "a negative timestamp": lambda raw: {
        "X-Slack-Request-Timestamp": "-1",
        "X-Slack-Signature": _sign(raw, -1),
    },
    "a stale timestamp": lambda raw: {
        "X-Slack-Request-Timestamp": str(_now() - 600),
        "X-Slack-Signature": _sign(raw, _now() - 600),
    },
    "a future timestamp": lambda raw: {
        "X-Slack-Request-Timestamp": str(_now() + 600),
        "X-Slack-Signature": _sign(raw, _now() + 600),
    },
    "another secret": lambda raw: {
        "X-Slack-Request-Timestamp": str(_now()),
        "X-Slack-Signature": _sign(raw, _now(), "not-the-secret"),
    },
    "another body's signature": lambda raw: {
        "X-Slack-Request-Timestamp": str(_now()),
        "X-Slack-Signature": _sign(raw + b"&x=1", _now()),
    },
    "a signature that is not hex": lambda raw: {
        "X-Slack-Request-Timestamp": str(_now()),
        "X-Slack-Signature": "v0=☃",
    },
}


@pytest.mark.parametrize("case", list(UNSIGNED))
@pytest.mark.parametrize("body", ["a command", "payload=%7Bbad", "invalid UTF-8"])
async def test_an_unsigned_delivery_gets_401_before_its_body_is_read(stack, caplog, case, body):
    raw = {
        "a command": _form(_command()),
        "payload=%7Bbad": b"payload=%7Bbad",
        "invalid UTF-8": b"\xff\xfe{",
    }[body]
    with caplog.at_level(logging.DEBUG):
        status, answer = await _post(stack, raw, FORM, UNSIGNED[case](raw))
    assert (status, answer.get("error")) == (401, "invalid_request")
    assert stack.fake.calls == []
    assert await scalars(stack.db, select(Customer)) == []
    _bounded_logs(caplog)


async def test_a_large_unsigned_body_is_logged_as_one_short_line(stack, caplog):
    raw = b"payload=" + b"A" * 900_000
    with caplog.at_level(logging.DEBUG):
        status, _ = await _post(stack, raw, FORM, {"X-Slack-Request-Timestamp": str(_now())})
    assert status == 401
    _bounded_logs(caplog)
    [line] = [r.getMessage() for r in caplog.records if r.name == "crmpay.requests"]
    assert "401" in line and "900008 bytes" in line
    assert sum(len(r.getMessage()) for r in caplog.records) < 2000


async def test_a_body_over_a_megabyte_gets_413(stack, caplog):
    raw = _form(_command(text="x" * 1_100_000))
    with caplog.at_level(logging.DEBUG):
        status, answer = await _post(stack, raw, FORM)
    assert (status, answer.get("error")) == (413, "body_too_large")
    assert stack.fake.calls == []
    _bounded_logs(caplog)


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data", None])
async def test_a_body_neither_json_nor_a_form_gets_415(stack, content_type):
    status, answer = await _post(stack, _form(_command()), content_type)
    assert (status, answer.get("error")) == (415, "unsupported_media_type")
    assert stack.fake.calls == []


async def test_well_formed_deliveries_still_work(stack):
    status, _ = await _post(stack, _form({"ssl_check": "1", "token": "legacy"}), FORM)
    assert status == 200
    status, answer = await _post(stack, _json({"type": "url_verification", "challenge": "c"}), JSON)
    assert (status, answer) == (200, {"challenge": "c"})
    # A note that holds the word "payload" is a command, not an interactive payload.
    r = await stack.slack.command(
        "U0ALICE", Command.CUSTOMER, "add Payload Systems, Payload Group, 13800138000"
    )
    assert "Registered *Payload Systems*" in r.message_text
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "payload call sent the payload")
    assert "Logged: call with *Payload Systems*" in r.message_text


# -- /healthz and /readyz -------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _scratch(database_url: str, tmp_path: Path, revision: str | None):
    """A database of our own on the same backend: empty, or migrated to `revision`."""
    if sqlite_file(database_url):
        path = tmp_path / "scratch.db"
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA user_version = 1")  # a database, without a table
        url = f"sqlite+aiosqlite:///{path}"
        if revision:
            await asyncio.to_thread(upgrade, url, revision)
        yield url
        return
    admin = _postgres_url(os.environ["TEST_DATABASE_URL"])
    name = f"crmpay_scratch_{uuid.uuid4().hex[:12]}"
    await run_admin_sql(admin, f'CREATE DATABASE "{name}"')
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        if revision:
            await asyncio.to_thread(upgrade, url, revision)
        yield url
    finally:
        await run_admin_sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _readyz(stack) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        async with http.get(stack.app_url + "/readyz") as r:
            return r.status, await r.json()


async def test_readyz_is_ready_on_a_migrated_database(stack):
    status, body = await _readyz(stack)
    assert (status, body["ok"], body["failed"]) == (200, True, [])
    assert body["checks"]["writes"] == "ok"
    assert body["checks"]["schema"].startswith("ok")


@pytest.mark.parametrize("revision", [None, "0004"], ids=["empty", "behind"])
async def test_readyz_fails_on_a_database_without_the_head_schema(database_url, tmp_path, revision):
    async with _scratch(database_url, tmp_path, revision) as url:
        db = Database(url)
        try:
            ready = await db.readiness()
        finally:
            await db.dispose()
    assert (ready.ok, ready.failed) == (False, ["schema"])
    assert ready.checks["database"] == "ok"
    head = ", ".join(sorted(head_revisions()))
    expected = "not migrated" if revision is None else f"at {revision}, head {head}"
    assert ready.checks["schema"].startswith(expected)


async def test_readiness_probes_share_one_check_and_never_pile_up():
    started = 0
    release = asyncio.Event()

    class Stuck:
        async def readiness(self) -> Readiness:
            nonlocal started
            started += 1
            await release.wait()
            ready = Readiness()
            ready.checks.update(database="ok", schema="ok", writes="ok")
            return ready

    probe = ReadinessProbe(Stuck(), timeout=0.05)  # type: ignore[arg-type]
    answers = await asyncio.gather(*(probe.check() for _ in range(50)))
    assert started == 1  # fifty probes while the database hangs: one check running
    assert {tuple(a.failed) for a in answers} == {("database",)}
    assert "no answer within" in answers[0].checks["database"]
    release.set()
    assert (await probe.check()).ok
    assert started == 1  # the finished check answered; a new one starts only when needed
    assert (await probe.check()).ok and started == 2
    await probe.close()


# -- a SQLite file deleted, replaced, or made read-only ---------------------------------------


def _sqlite_only(stack) -> Path:
    if stack.db.path is None:
        pytest.skip("a SQLite file")
    return Path(stack.db.path)


@contextlib.contextmanager
def _moved_away(path: Path):
    """Take the database file away from its path (as `rm` does: open handles live on)."""
    aside = path.with_name(path.name + ".aside")
    os.rename(path, aside)
    try:
        yield aside
    finally:
        if path.exists():
            path.unlink()
        os.rename(aside, path)


async def _register(stack, name: str, user: str = "U0ALICE") -> str:
    r = await stack.slack.command(
        user, Command.CUSTOMER, f"add {name}, {name} Group, 1380013{_n(name)}"
    )
    return r.message_text


def _n(name: str) -> str:
    return str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[:4]


async def test_a_deleted_sqlite_file_refuses_writes_clearly_and_is_not_recreated(stack, caplog):
    path = _sqlite_only(stack)
    assert "Registered *Acme Ltd*" in await _register(stack, "Acme Ltd")
    await stack.slack.command("U0LI", Command.CRM)  # 李伟 is known before the file goes
    with _moved_away(path):
        with caplog.at_level(logging.WARNING):
            reply = await _register(stack, "Kilo Co")
            assert UNAVAILABLE in reply and "reference" not in reply
            reply = await stack.slack.command("U0ALICE", Command.TOUCH, "acme call lost?")
            assert UNAVAILABLE in reply.message_text
            reply = await _register(stack, "Lima Co", user="U0LI")
            assert UNAVAILABLE_ZH in reply
        assert not path.exists()  # no empty database was created in its place
        status, body = await _readyz(stack)
        assert (status, body["failed"][0]) == (503, "database")
        assert "file missing" in body["checks"]["database"]
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # The file is back: everything works again, and nothing from the outage was written.
    assert "Registered *Mike Co*" in await _register(stack, "Mike Co")
    names = {c.name for c in await scalars(stack.db, select(Customer))}
    assert names == {"Acme Ltd", "Mike Co"}
    assert (await _readyz(stack))[0] == 200


async def test_a_sqlite_file_replaced_by_an_empty_one_is_left_alone(stack):
    path = _sqlite_only(stack)
    assert "Registered *Acme Ltd*" in await _register(stack, "Acme Ltd")
    with _moved_away(path):
        path.touch()
        assert UNAVAILABLE in await _register(stack, "Kilo Co")
        status, body = await _readyz(stack)
        assert (status, body["failed"][0]) == (503, "database")
        assert "file empty" in body["checks"]["database"]
        # Never opened: SQLite would delete the write-ahead log, holding Acme, beside it.
        assert path.stat().st_size == 0
    assert "Registered *Lima Co*" in await _register(stack, "Lima Co")
    assert {c.name for c in await scalars(stack.db, select(Customer))} == {"Acme Ltd", "Lima Co"}


async def test_a_file_deleted_inside_a_transaction_fails_its_commit(database_url, tmp_path):
    if not sqlite_file(database_url):
        pytest.skip("a SQLite file")
    path = tmp_path / "t.db"
    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        with pytest.raises(DatabaseUnavailable):
            async with db.sessions.begin() as s:
                await s.execute(text("UPDATE alembic_version SET version_num = 'x'"))
                os.rename(path, tmp_path / "gone.db")
        os.rename(tmp_path / "gone.db", path)
        async with db.sessions.begin() as s:
            assert set((await s.execute(text("SELECT version_num FROM alembic_version"))).scalars())
            assert (await s.scalar(text("SELECT version_num FROM alembic_version"))) != "x"
    finally:
        await db.dispose()


async def test_the_bot_never_creates_a_missing_sqlite_file(tmp_path):
    path = tmp_path / "missing.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        with pytest.raises(DatabaseUnavailable):
            async with db.sessions.begin() as s:
                await s.execute(text("SELECT 1"))
        ready = await db.readiness()
        assert ready.failed[0] == "database" and "file missing" in ready.checks["database"]
    finally:
        await db.dispose()
    assert not path.exists()


def _chattr(flag: str, path: Path) -> None:
    subprocess.run(["chattr", flag, str(path)], check=True, capture_output=True)


@pytest.fixture
def immutable():
    """Make a file write-protected for everyone, root included (root ignores chmod)."""
    if shutil.which("chattr") is None:
        pytest.skip("needs chattr")
    done: list[Path] = []

    def make(path: Path) -> None:
        try:
            _chattr("+i", path)
        except subprocess.CalledProcessError as e:
            pytest.skip(f"chattr +i is not allowed here: {e.stderr.decode().strip()}")
        done.append(path)

    def undo() -> None:
        while done:
            _chattr("-i", done.pop())

    make.undo = undo  # type: ignore[attr-defined]
    yield make
    undo()


async def test_a_sqlite_file_made_read_only_and_back_serves_writes_again(stack, immutable):
    path = _sqlite_only(stack)
    await stack.slack.command("U0ALICE", Command.CRM)
    # A connection opened while the file is write-protected is read-only for good: SQLite
    # falls back to read-only when it cannot open the file for writing.
    await stack.db.dispose()
    immutable(path)
    assert UNAVAILABLE in await _register(stack, "Kilo Co")
    status, body = await _readyz(stack)
    assert (status, body["failed"]) == (503, ["writes"])
    immutable.undo()
    assert "Registered *Lima Co*" in await _register(stack, "Lima Co")
    assert (await _readyz(stack))[0] == 200
    assert [c.name for c in await scalars(stack.db, select(Customer))] == ["Lima Co"]


async def test_a_connection_sqlite_opened_read_only_is_replaced_once_writes_fail(stack):
    # The same fault without chattr: SQLite itself opens the connection read-only
    # (`mode=ro`, as it does for a write-protected file), and the file stays writable.
    _sqlite_only(stack)
    await stack.slack.command("U0ALICE", Command.CRM)
    read_only = True

    @event.listens_for(stack.db.engine.sync_engine, "do_connect")
    def _as_if_write_protected(_dialect, _record, cargs, _cparams):
        if read_only:
            cargs[0] = cargs[0].replace("mode=rw", "mode=ro")

    await stack.db.dispose()
    assert UNAVAILABLE in await _register(stack, "Kilo Co")
    read_only = False
    # Without the write error marking the connection broken, this would stay refused.
    assert "Registered *Lima Co*" in await _register(stack, "Lima Co")
    assert [c.name for c in await scalars(stack.db, select(Customer))] == ["Lima Co"]
    event.remove(stack.db.engine.sync_engine, "do_connect", _as_if_write_protected)


async def test_a_postgresql_database_made_read_only_and_back_serves_writes_again(stack):
    if stack.db.path is not None or not stack.db.url.startswith("postgresql"):
        pytest.skip("PostgreSQL")
    name = make_url(stack.db.url).database
    admin = _postgres_url(os.environ["TEST_DATABASE_URL"])
    await stack.slack.command("U0ALICE", Command.CRM)
    await run_admin_sql(admin, f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    try:
        await stack.db.dispose()  # new connections start read-only
        assert UNAVAILABLE in await _register(stack, "Kilo Co")
        status, body = await _readyz(stack)
        assert (status, body["failed"]) == (503, ["writes"])
    finally:
        await run_admin_sql(admin, f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
    # The pooled connections began read-only and would stay so; they are replaced.
    assert "Registered *Lima Co*" in await _register(stack, "Lima Co")
    assert (await _readyz(stack))[0] == 200
    assert [c.name for c in await scalars(stack.db, select(Customer))] == ["Lima Co"]
