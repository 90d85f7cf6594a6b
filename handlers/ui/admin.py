"""Replies to the admin commands of `/crm`: teams, members placed and scheme previews."""

from __future__ import annotations

from typing import Any

from handlers.ui import kit
from handlers.ui.i18n import escape, fmt_money, t
from storage.org import TeamView
from storage.schemes import TeamPreview

PREVIEW_LINES = 40  # members shown per team
PREVIEW_TEAMS = 50  # one section per team; Slack allows 50 blocks in a message


def reply(text: str) -> dict[str, Any]:
    """An ephemeral reply of one section."""
    return {"response_type": "ephemeral", **kit.message(text, [kit.section(text)])}


def team_list(locale: str, found: list[TeamView]) -> dict[str, Any]:
    """`/crm team list`: each team with its channel, time zone, manager and members."""
    if not found:
        return reply(t(locale, "crm.no_teams"))
    lines = [
        t(
            locale,
            "crm.team_line",
            name=tv.name,
            channel=f"<#{tv.channel_id}>" if tv.channel_id else "—",
            timezone=tv.timezone,
            manager=f"<@{tv.manager_user_id}>" if tv.manager_user_id else t(locale, "crm.nobody"),
            members=", ".join(f"<@{u}> ({r})" for u, r in tv.members if r != "manager")
            or t(locale, "crm.nobody"),
        )
        for tv in found
    ]
    return reply("\n".join([f"*{t(locale, 'crm.teams')}*", *lines]))


def team_set_up(locale: str, name: str, created: bool) -> dict[str, Any]:
    """`/crm team create`: the team is new, or its settings were updated."""
    said = "crm.team_created" if created else "crm.team_updated"
    return reply(t(locale, said, name=escape(name)))


def member_placed(locale: str, user: str, name: str, role: str) -> dict[str, Any]:
    """`/crm team add`: who is now on which team, as what."""
    return reply(t(locale, "crm.member_placed", user=user, name=escape(name), role=role))


def scheme_preview(locale: str, scheme: str, previews: list[TeamPreview]) -> dict[str, Any]:
    """`/crm scheme preview`: per team, each member's score and pay before → after."""
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
        header = t(locale, "crm.preview_header", scheme=scheme, period=p.period.label)
        blocks.append(
            kit.section(f"*{p.team_name}* — {header}\n" + "\n".join(lines[:PREVIEW_LINES]))
        )
    if not blocks:
        return reply(t(locale, "crm.no_teams"))
    return {"response_type": "ephemeral", **kit.message(scheme, blocks[:PREVIEW_TEAMS])}
