"""`/crm`: help for everyone; team set-up and scheme previews for admins."""

from __future__ import annotations

import re
import shlex

from slack_bolt.async_app import AsyncApp

from handlers.context import Deps, listener
from handlers.ids import Command
from handlers.quick import command_text
from handlers.ui import kit
from handlers.ui.i18n import escape, fmt_money, t
from handlers.ui.messages import help_message
from scoring.scheme import SchemeError, load_scheme
from storage.errors import FieldError
from storage.members import Actor
from storage.org import add_to_team, create_team, require_admin, teams
from storage.schemes import preview_scheme

_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
_SCHEME_NAME = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


def _user(word: str) -> str:
    m = _USER.match(word)
    if not m:
        raise FieldError("field.user_mention", field="user", value=word)
    return m.group(1)


def _reply(text: str) -> dict:
    return {"response_type": "ephemeral", **kit.message(text, [kit.section(text)])}


async def team_list(deps: Deps, actor: Actor) -> dict:
    found = await teams(deps.sessions, actor.workspace_id)
    if not found:
        return _reply(t(actor.locale, "crm.no_teams"))
    lines = [
        t(
            actor.locale,
            "crm.team_line",
            name=tv.name,
            channel=f"<#{tv.channel_id}>" if tv.channel_id else "—",
            timezone=tv.timezone,
            manager=f"<@{tv.manager_user_id}>"
            if tv.manager_user_id
            else t(actor.locale, "crm.nobody"),
            members=", ".join(f"<@{u}> ({r})" for u, r in tv.members if r != "manager")
            or t(actor.locale, "crm.nobody"),
        )
        for tv in found
    ]
    return _reply("\n".join([f"*{t(actor.locale, 'crm.teams')}*", *lines]))


async def scheme_preview(deps: Deps, actor: Actor, name: str) -> dict:
    require_admin(actor)
    if not _SCHEME_NAME.match(name):
        raise FieldError("field.scheme_name", field="scheme", value=name)
    folder = deps.settings.schemes_dir
    try:
        if folder and (candidate := folder / f"{name}.yml").exists():
            proposed = load_scheme(candidate)
        else:
            proposed = load_scheme(name)
    except FileNotFoundError:
        raise FieldError("field.scheme_unknown", field="scheme", value=name) from None
    except SchemeError as e:
        raise FieldError("field.scheme_invalid", field="scheme", value=str(e)) from None
    previews = await preview_scheme(deps.sessions, actor, proposed)
    locale = actor.locale
    blocks = []
    for p in previews:
        currency = p.currency
        lines = [
            t(
                locale,
                "crm.preview_line",
                user=p.user_ids.get(c.member_id, "?"),
                old=f"{c.old_total:.2f}",
                new=f"{c.new_total:.2f}",
                old_pay=fmt_money(locale, int(c.old_pay * 100), currency),
                new_pay=fmt_money(locale, int(c.new_pay * 100), currency),
            )
            for c in p.changes
        ] or [t(locale, "crm.preview_none")]
        header = t(locale, "crm.preview_header", scheme=name, period=p.period.label)
        blocks.append(kit.section(f"*{p.team_name}* — {header}\n" + "\n".join(lines[:40])))
    if not blocks:
        return _reply(t(locale, "crm.no_teams"))
    return {"response_type": "ephemeral", **kit.message(name, blocks[:50])}


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)

    @app.command(Command.CRM)
    @guarded
    async def crm_command(ack, command, actor) -> None:
        text = command_text(command.get("text"), Command.CRM)
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        head = [w.casefold() for w in words[:2]]
        locale = actor.locale
        if head[:2] == ["team", "list"]:
            await ack(**await team_list(deps, actor))
        elif head[:2] == ["team", "create"] and len(words) >= 3:
            rest = words[3:]
            channel = next((m.group(1) for w in rest if (m := _CHANNEL.match(w))), None)
            zone = next((w for w in rest if "/" in w and not w.startswith("<")), None)
            name, created = await create_team(deps.sessions, actor, words[2], channel, zone)
            said = "crm.team_created" if created else "crm.team_updated"
            await ack(**_reply(t(locale, said, name=escape(name))))
        elif head[:2] == ["team", "add"] and len(words) >= 4:
            role = words[4].casefold() if len(words) > 4 else "sales"
            user = _user(words[3])
            name = await add_to_team(deps.sessions, actor, words[2], user, role)
            placed = t(locale, "crm.member_placed", user=user, name=escape(name), role=role)
            await ack(**_reply(placed))
        elif head[:2] == ["scheme", "preview"] and len(words) >= 3:
            await ack(**await scheme_preview(deps, actor, words[2]))
        else:
            message = help_message(locale)
            if actor.is_admin:
                message["blocks"].append(kit.context(t(locale, "usage.crm_admin")))
            await ack(response_type="ephemeral", **message)
