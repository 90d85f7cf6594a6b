"""`crmpay serve --socket` runs the same app over Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest
from sqlalchemy import select

from bot.cli import _serve
from bot.fakeslack import FakeSlack, SlackDriver
from bot.settings import load_settings
from handlers.ids import Command
from storage.models import Customer, Touch
from tests.conftest import BOT_TOKEN, manifest
from tests.helpers import scalars
from tests.test_server import _free_port


@pytest.fixture
async def socket_bot(db, database_url):
    """`crmpay serve --socket` against a fake Slack; yields (fake Slack, driver)."""
    fake = FakeSlack(
        token=BOT_TOKEN,
        app_token="xapp-test",
        scopes=set(manifest()["oauth_config"]["scopes"]["bot"]),
    )
    await fake.start()
    fake.add_user("U0ALICE", "Alice Chen")
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="unused-in-socket-mode",
        slack_app_token="xapp-test",
        slack_api_url=fake.api_url,
        database_url=database_url,
        port=_free_port(),
    )
    server = asyncio.create_task(_serve(settings, socket=True))
    slack = SlackDriver("", "", fake, socket_mode=True)
    try:
        yield fake, slack
    finally:
        server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server
        await fake.stop()


async def test_socket_mode_serves_the_same_commands(db, socket_bot):
    fake, slack = socket_bot
    r = await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd, , 13800138000")
    assert "Registered *Acme Ltd*" in r.message_text
    r = await slack.command("U0ALICE", Command.TOUCH, "acme visit demo went well")
    assert "Logged: visit with *Acme Ltd*" in r.message_text
    await slack.command("U0ALICE", Command.TOUCH, "")
    [opened] = await fake.wait_for("views.open")
    assert opened.ok
    await slack.open_home("U0ALICE")
    await fake.wait_for("views.publish")
    assert [c.name for c in await scalars(db, select(Customer))] == ["Acme Ltd"]
    assert [t.note for t in await scalars(db, select(Touch))] == ["demo went well"]
    assert fake.refusals == []


async def test_malformed_socket_mode_envelopes_are_dropped_with_one_short_line(
    db, socket_bot, caplog
):
    fake, slack = socket_bot
    user = {"id": "U0ALICE", "team_id": fake.team_id}
    with caplog.at_level(logging.INFO):
        for raw in ("not json", "[1, 2]", '{"envelope_id": 5, "type": "interactive"}', "{"):
            await fake.socket_send_raw(raw)
        # Each is acknowledged (Slack does not send it again) and goes no further.
        for kind, payload in (
            ("interactive", {"type": "block_actions", "user": user, "actions": []}),
            ("interactive", {"type": "block_actions", "user": user, "actions": ["x"]}),
            ("interactive", {"type": "view_submission", "user": user, "team": None}),
            ("interactive", "a string"),
            ("interactive", [1]),
            ("slash_commands", {"command": "/touch", "text": "acme call"}),
            ("events_api", {"type": "event_callback", "event": "app_home_opened"}),
            ("hello_world", {"type": "x"}),
        ):
            assert await fake.socket_send(kind, payload) is None
        # The connection still serves.
        r = await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd, Li Wei, 13800138000")
        assert "Registered *Acme Ltd*" in r.message_text
    refusals = [r for r in caplog.records if r.name == "crmpay.requests"]
    assert len(refusals) == 12
    for record in caplog.records:
        assert record.levelno < logging.ERROR and record.exc_info is None, record.getMessage()
        assert len(record.getMessage()) < 600
    assert [c.name for c in await scalars(db, select(Customer))] == ["Acme Ltd"]
    assert fake.refusals == []
