"""`/score`, the records behind each line, `/leaderboard`."""

from __future__ import annotations

import re
from dataclasses import replace

from slack_bolt.async_app import AsyncApp

from handlers.context import Deps, listener
from handlers.ids import Action, Command
from handlers.meta import RecordsValue
from handlers.quick import command_text
from handlers.ui import kit
from handlers.ui.i18n import t
from handlers.ui.scores import leaderboard, records_modal, score_message
from scoring.results import MemberScore
from storage.errors import BadPayload, NoTeam, NotOnTeam, NotScored, NotYourReport
from storage.kept import ScoreView
from storage.members import Actor
from storage.reviews import (
    accept_bursts,
    flagged,
    may_see_pay,
    may_see_records,
    member_records,
    record_labels,
    resolve_subject,
)

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


async def score_reply(deps: Deps, actor: Actor, text: str) -> dict:
    """Render `/score [last] [@member]` for the actor, or raise a refusal."""
    words = text.casefold().split()
    last = "last" in words or "上月" in words
    mention = _MENTION.search(text)
    team_id, member_id = await resolve_subject(
        deps.sessions, actor, mention.group(1) if mention else None
    )
    view = await deps.scores.view(team_id, last=last)
    member = scored_or_refuse(actor, view, member_id)
    who = t(actor.locale, "score.you") if member_id == actor.member_id else member.name
    return score_message(
        actor.locale,
        view,
        member,
        who=who,
        show_pay=may_see_pay(actor, view, member_id),
    )


def scored_or_refuse(actor: Actor, view: ScoreView, member_id: int) -> MemberScore:
    """The member's score in the view, or why there is none: not a scored role (managers,
    admins), or not on the team in that period (no card, no pay)."""
    member = view.scored(member_id)
    if member is not None:
        return member
    if member_id in view.present:
        raise NotScored()
    where = {"team": view.team_name, "period": view.period.label}
    if member_id == actor.member_id:
        raise NotOnTeam("error.not_on_team_you", **where)
    raise NotOnTeam(user=view.user_ids.get(member_id, "?"), **where)


def _open_modal(body: dict) -> tuple[str, str | None]:
    """The id and hash of the modal a button was clicked in; a click from elsewhere is stale."""
    view = body.get("view")
    if not isinstance(view, dict) or not isinstance(view.get("id"), str):
        raise BadPayload()
    return view["id"], view.get("hash") if isinstance(view.get("hash"), str) else None


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)

    @app.command(Command.SCORE)
    @guarded
    async def score_command(ack, command, actor) -> None:
        text = command_text(command.get("text"), Command.SCORE)
        if text.casefold() in ("help", "帮助"):
            usage = t(actor.locale, "usage.score")
            await ack(response_type="ephemeral", **kit.message(usage, [kit.section(usage)]))
            return
        await ack(response_type="ephemeral", **await score_reply(deps, actor, text))

    @app.action(Action.OPEN_SCORE)
    @guarded
    async def open_score(ack, body, client, actor) -> None:
        await ack()
        message = await score_reply(deps, actor, "")
        view = kit.modal(
            t(actor.locale, "score.you"), message["blocks"], close=t(actor.locale, "button.close")
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def records_view(actor: Actor, value: RecordsValue) -> dict:
        view = await deps.scores.view(value.team, month=value.period)
        if not may_see_records(actor, view, value.member):
            raise NotYourReport(user=view.user_ids.get(value.member, "?"))
        member = scored_or_refuse(actor, view, value.member)
        line = next((li for li in member.lines if li.metric == value.metric), None)
        if line is None:
            raise BadPayload()  # a metric not on this member's card
        # The card is kept; the records behind it are read for this member alone.
        values = await member_records(deps.db.reads, value.team, view.period, value.member)
        records = values[line.metric].records if line.metric in values else []
        line = replace(line, records=records)
        labels = await record_labels(deps.sessions, [(r.kind, r.id) for r in records])
        reviews = view.manager_id == actor.member_id and value.member != actor.member_id
        waiting = len(flagged(values)) if reviews else 0
        return records_modal(actor.locale, actor.timezone, value, line, labels, waiting)

    @app.action(Action.ACCEPT_BURST)
    @guarded
    async def accept_burst(ack, body, action, client, actor) -> None:
        await ack()
        value = RecordsValue.load(action.get("value"))
        view_id, _ = _open_modal(body)
        view = await deps.scores.view(value.team, month=value.period)
        if view.manager_id != actor.member_id or value.member == actor.member_id:
            raise NotYourReport(user=view.user_ids.get(value.member, "?"))
        scored_or_refuse(actor, view, value.member)
        values = await member_records(deps.db.reads, value.team, view.period, value.member)
        await accept_bursts(deps.sessions, actor, value.team, value.member, flagged(values))
        modal = await records_view(actor, value)
        await client.views_update(view_id=view_id, view=modal)

    @app.action(Action.SCORE_RECORDS)
    @guarded
    async def show_records(ack, body, action, client, actor) -> None:
        await ack()
        modal = await records_view(actor, RecordsValue.load(action.get("value")))
        if (body.get("view") or {}).get("type") == "modal":
            await client.views_push(trigger_id=body["trigger_id"], view=modal)
        else:
            await client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.action(Action.RECORDS_PREV)
    @app.action(Action.RECORDS_NEXT)
    @guarded
    async def records_page(ack, body, action, client, actor) -> None:
        await ack()
        view_id, view_hash = _open_modal(body)
        modal = await records_view(actor, RecordsValue.load(action.get("value")))
        await client.views_update(view_id=view_id, hash=view_hash, view=modal)

    @app.command(Command.LEADERBOARD)
    @guarded
    async def leaderboard_command(ack, command, actor) -> None:
        if actor.team_id is None:
            raise NoTeam()
        last = command_text(command.get("text"), Command.LEADERBOARD).casefold() in ("last", "上月")
        view = await deps.scores.view(actor.team_id, last=last)
        sees_all = view.manager_id == actor.member_id
        pay_for = {
            m.member_id for m in view.score.members if sees_all or m.member_id == actor.member_id
        }
        await ack(response_type="ephemeral", **leaderboard(actor.locale, view, pay_for))
