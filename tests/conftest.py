"""Fixtures: a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
and the running bot wired to a fake Slack."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.app import build_app
from bot.fakeslack import FakeSlack, SlackDriver
from bot.server import build_web_app
from bot.settings import Settings, load_settings
from handlers.ids import Command
from storage.db import REQUEST_WAIT, Database, run_admin_sql
from storage.migrate import upgrade
from storage.models import Customer
from tests.helpers import empty_tables

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


def _postgres_url(raw: str) -> str:
    url = make_url(raw)
    return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A freshly migrated database of our own, dropped at the end of the run.

    Every database test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
    """
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "crmpay-test.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url
        return
    admin = _postgres_url(os.environ["TEST_DATABASE_URL"])
    name = f"crmpay_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(run_admin_sql(admin, f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(run_admin_sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The test database; every table is emptied after the test."""
    database = Database(database_url, wait=REQUEST_WAIT)  # as `crmpay serve` opens it
    try:
        yield database
    finally:
        await empty_tables(database)
        await database.dispose()


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


@dataclass
class Stack:
    """The bot on loopback, a fake Slack, and a driver playing Slack's part."""

    fake: FakeSlack
    slack: SlackDriver
    db: Database
    settings: Settings
    app_url: str
    expect_refusals: bool = False


@pytest.fixture
async def stack(db: Database, database_url: str) -> AsyncIterator[Stack]:
    fake = FakeSlack(token=BOT_TOKEN, scopes=set(manifest()["oauth_config"]["scopes"]["bot"]))
    await fake.start()
    for user, name, locale in (
        ("U0ALICE", "Alice Chen", "en-US"),
        ("U0BOB", "Bob Smith", "en-GB"),
        ("U0LI", "李伟", "zh-CN"),
    ):
        fake.add_user(user, name, locale=locale)
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        database_url=database_url,
    )
    runner = web.AppRunner(
        build_web_app(build_app(settings, db), db, SIGNING_SECRET), access_log=None
    )
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    driver = SlackDriver(f"{base}/slack/events", SIGNING_SECRET, fake)
    s = Stack(fake, driver, db, settings, base)
    try:
        yield s
    finally:
        await asyncio.sleep(0.05)  # let listeners still running after their ack finish
        await driver.close()
        await runner.cleanup()
        await fake.stop()
    if not s.expect_refusals:
        assert fake.refusals == [], "Slack would have refused these calls"


@pytest.fixture
async def acme(stack):
    """Alice owns Acme Ltd (company Li Wei); Bob has been in touch with the bot."""
    await stack.slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd, Li Wei, 13800138000")
    await stack.slack.command("U0BOB", Command.CRM)
    async with stack.db.sessions.begin() as s:
        return (await s.scalars(select(Customer))).one()
