"""`/crm team …` and `/crm scheme preview …`: team set-up and scheme previews for admins.

These share the `/crm` command with its help (`handlers/help.py`): a line naming one of
the sub-commands below, with the words it needs, is routed here; any other line gets help.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp

from handlers.context import Deps, listener
from handlers.ids import Command
from handlers.quick import command_text
from handlers.ui import admin as ui
from storage.errors import FieldError
from storage.members import Actor
from storage.org import add_to_team, create_team, require_admin, teams
from storage.schemes import preview_scheme, proposed_scheme

_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


def _user(word: str) -> str:
    m = _USER.match(word)
    if not m:
        raise FieldError("field.user_mention", field="user", value=word)
    return m.group(1)


async def team_list(deps: Deps, actor: Actor) -> dict:
    return ui.team_list(actor.locale, await teams(deps.sessions, actor.workspace_id))


async def team_create(deps: Deps, actor: Actor, words: list[str]) -> dict:
    rest = words[3:]
    channel = next((m.group(1) for w in rest if (m := _CHANNEL.match(w))), None)
    zone = next((w for w in rest if "/" in w and not w.startswith("<")), None)
    name, created = await create_team(deps.sessions, actor, words[2], channel, zone)
    return ui.team_set_up(actor.locale, name, created)


async def team_add(deps: Deps, actor: Actor, words: list[str]) -> dict:
    role = words[4].casefold() if len(words) > 4 else "sales"
    user = _user(words[3])
    name = await add_to_team(deps.sessions, actor, words[2], user, role)
    return ui.member_placed(actor.locale, user, name, role)


async def scheme_preview(deps: Deps, actor: Actor, name: str) -> dict:
    require_admin(actor)
    proposed = proposed_scheme(name, deps.settings.schemes_dir)
    # A replay of every team's month only reads: on its own connection, beside the loop.
    previews = await preview_scheme(deps.db.reads, actor, proposed)
    return ui.scheme_preview(actor.locale, name, previews)


Run = Callable[[Deps, Actor, list[str]], Awaitable[dict]]

# Each admin sub-command: the words the line needs (the two naming it too), and its runner.
SUBCOMMANDS: dict[tuple[str, ...], tuple[int, Run]] = {
    ("team", "list"): (2, lambda deps, actor, words: team_list(deps, actor)),
    ("team", "create"): (3, team_create),
    ("team", "add"): (4, team_add),
    ("scheme", "preview"): (3, lambda deps, actor, words: scheme_preview(deps, actor, words[2])),
}


def admin_request(text: str | None) -> tuple[Run, list[str]] | None:
    """What a `/crm` line asks for, if it is an admin sub-command with the words it needs;
    None for any other line, which gets help."""
    text = command_text(text, Command.CRM)
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    needed, run = SUBCOMMANDS.get(tuple(w.casefold() for w in words[:2]), (0, None))
    return (run, words) if run is not None and len(words) >= needed else None


async def is_admin_command(command: dict) -> bool:
    """Listener matcher: does this `/crm` line ask for an admin sub-command?"""
    try:
        return admin_request(command.get("text")) is not None
    except Exception:
        return False  # help reads the line again and says what is wrong with it


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)

    @app.command(Command.CRM, matchers=[is_admin_command])
    @guarded
    async def crm_admin_command(ack, command, actor) -> None:
        request = admin_request(command.get("text"))
        if request is None:  # the matcher let only admin sub-commands through
            raise LookupError("not an admin sub-command")
        run, words = request
        await ack(**await run(deps, actor, words))
