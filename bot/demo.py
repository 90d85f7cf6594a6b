"""A walk-through of the bot against the built-in fake Slack: no Slack app or tokens needed."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from aiohttp import web

from bot.app import build_app
from bot.fakeslack import FakeSlack, SlackDriver
from bot.fakeslack.driver import render_text
from bot.server import EVENTS_PATH, build_web_app
from bot.settings import Settings
from handlers.ids import Action, Callback, Command
from storage.db import REQUEST_WAIT, Database
from storage.models import utcnow
from storage.org import OrgFile, OrgMember, OrgTeam, import_org

REP = "U0DEMO"


def _shown(payload: dict) -> str:
    """What a person would read: the blocks, not the notification fallback."""
    return render_text({"blocks": payload.get("blocks", [])})


async def run_demo(settings: Settings, echo: Callable[[str], None], keep_serving: bool) -> None:
    """Serve the bot on loopback, play a rep's morning against it, and print the exchange."""
    fake = FakeSlack(
        token=settings.slack_bot_token.get_secret_value(),
        team_id=f"TDEMO{secrets.token_hex(3).upper()}",
    )
    settings = settings.model_copy(update={"slack_api_url": await fake.start()})
    fake.add_user(REP, "Demo Rep", tz=settings.default_timezone)
    db = Database(settings.database_url, wait=REQUEST_WAIT)
    await import_org(
        db.sessions,
        OrgFile(
            workspace=fake.team_id,
            teams=[
                OrgTeam(
                    name="Demo Team",
                    timezone=settings.default_timezone,
                    members=[OrgMember(user=REP, role="sales")],
                )
            ],
        ),
    )
    runner = web.AppRunner(
        build_web_app(
            build_app(settings, db), db, settings.slack_signing_secret.get_secret_value()
        ),
        access_log=None,
    )
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    base = f"http://{settings.host}:{settings.port}"
    slack = SlackDriver(base + EVENTS_PATH, settings.slack_signing_secret.get_secret_value(), fake)

    def show(step: str, text: str) -> None:
        echo(f"\n> {step}")
        for line in text.strip().splitlines():
            echo(f"  {line}")

    try:
        echo(
            f"CRM Pay is serving {base}{EVENTS_PATH} (health: {base}/healthz), "
            f"database {db.engine.url.render_as_string(hide_password=True)}"
        )
        r = await slack.command(REP, Command.CUSTOMER, "add Li Wei, Acme Ltd, +86 138 0013 8000")
        show("/customer add Li Wei, Acme Ltd, +86 138 0013 8000", _shown(r.json))
        r = await slack.command(REP, Command.TOUCH, "acme call discussed renewal next:tomorrow")
        show("/touch acme call discussed renewal next:tomorrow", _shown(r.json))
        r = await slack.command(REP, Command.TOUCH, "acme order 12000 annual renewal signed")
        show("/touch acme order 12000 annual renewal signed", _shown(r.json))
        r = await slack.command(REP, Command.TOUCH, "acme dance")
        show("/touch acme dance", _shown(r.json))

        await slack.message_shortcut(
            REP, Callback.LOG_FROM_MESSAGE, "Can you send the 2027 price list?"
        )
        [opened] = await fake.wait_for("views.open")
        view = opened.response["view"]
        r = await slack.suggest(REP, view["id"], Action.CUSTOMER_PICK, "acme")
        customer = r.json["options"][0]["value"]
        next_day = (utcnow() + timedelta(days=3)).astimezone().date().isoformat()
        r = await slack.submit(
            REP, view["id"], {"customer": customer, "kind": "inquiry", "next": next_day}
        )
        show(
            "Message shortcut “Log as customer touch” → form → Save", _shown(r.json.get("view", {}))
        )

        r = await slack.command(REP, Command.FOLLOWUP)
        show("/followup", _shown(r.json))
        r = await slack.command(REP, Command.SCORE)
        show("/score", _shown(r.json))
        await slack.open_home(REP)
        await fake.wait_for("views.publish")
        show("App Home", _shown(fake.homes[REP]))
        if keep_serving:
            echo("\nStill serving; press Ctrl+C to stop.")
            import asyncio

            await asyncio.Event().wait()
    finally:
        await slack.close()
        await runner.cleanup()
        await fake.stop()
        await db.dispose()
