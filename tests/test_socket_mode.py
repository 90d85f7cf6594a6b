"""`crmpay serve --socket` runs the same app over Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy import select

from bot.cli import _serve
from bot.fakeslack import FakeSlack, SlackDriver
from bot.settings import load_settings
from handlers.ids import Command
from storage.models import Customer, Touch
from tests.conftest import BOT_TOKEN, manifest
from tests.helpers import scalars
from tests.test_server import _free_port


async def test_socket_mode_serves_the_same_commands(db, database_url):
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
    finally:
        server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server
        await fake.stop()
