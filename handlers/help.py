"""`/crm`: help for everyone, with the admin commands listed for admins.

A `/crm` line naming an admin sub-command is answered by `handlers/admin.py`.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.admin import is_admin_command
from handlers.context import Deps, listener
from handlers.ids import Command
from handlers.quick import command_text
from handlers.ui import kit
from handlers.ui.i18n import t
from handlers.ui.messages import help_message


async def is_help(command: dict) -> bool:
    """Listener matcher: every `/crm` line that is not an admin sub-command."""
    return not await is_admin_command(command)


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)

    @app.command(Command.CRM, matchers=[is_help])
    @guarded
    async def crm_command(ack, command, actor) -> None:
        command_text(command.get("text"), Command.CRM)  # a line too long is refused first
        locale = actor.locale
        message = help_message(locale)
        if actor.is_admin:
            message["blocks"].append(kit.context(t(locale, "usage.crm_admin")))
        await ack(response_type="ephemeral", **message)
