"""`/followup` and the Done / Snooze buttons, in messages and on App Home."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.context import Deps, listener
from handlers.home import publish_home
from handlers.ids import Action, Command
from handlers.meta import SnoozeValue
from handlers.ui.i18n import escape, fmt_date, t
from handlers.ui.messages import FOLLOWUPS_SHOWN, followup_list
from storage.fields import record_id
from storage.followups import complete, open_followups, snooze


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)

    async def refresh(body, client, respond, actor, notice: str) -> None:
        """Redraw wherever the button was: the App Home tab or the ephemeral list."""
        if (body.get("container") or {}).get("type") == "view":
            await publish_home(deps, client, actor)
            return
        followups = await open_followups(deps.sessions, actor, limit=FOLLOWUPS_SHOWN)
        await respond(
            replace_original=True,
            response_type="ephemeral",
            **followup_list(actor.locale, followups, actor.today(), notice=notice),
        )

    @app.command(Command.FOLLOWUP)
    @guarded
    async def followup_command(ack, actor) -> None:
        followups = await open_followups(deps.sessions, actor, limit=FOLLOWUPS_SHOWN)
        await ack(
            response_type="ephemeral", **followup_list(actor.locale, followups, actor.today())
        )

    @app.action(Action.FOLLOWUP_DONE)
    @guarded
    async def done(ack, body, action, client, respond, actor) -> None:
        await ack()
        f = await complete(deps.sessions, actor, record_id("followup", action.get("value")))
        notice = t(actor.locale, "followup.done", customer=escape(f.customer_name))
        await refresh(body, client, respond, actor, notice)

    @app.action(Action.FOLLOWUP_SNOOZE)
    @guarded
    async def snoozed(ack, body, action, client, respond, actor) -> None:
        await ack()
        value = SnoozeValue.load(action.get("value"))
        f = await snooze(deps.sessions, actor, value.id, from_due=value.due)
        notice = t(
            actor.locale,
            "followup.snoozed_to",
            customer=escape(f.customer_name),
            date=fmt_date(actor.locale, f.effective_due),
        )
        await refresh(body, client, respond, actor, notice)
