"""`/crm`: what the bot does and how to use it."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.context import Deps, listener
from handlers.ids import Command
from handlers.ui.messages import help_message


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)

    @app.command(Command.CRM)
    @guarded
    async def crm_command(ack, actor) -> None:
        await ack(response_type="ephemeral", **help_message(actor.locale))
