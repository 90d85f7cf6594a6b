"""App Home: published when the member opens it and after actions taken there."""

from __future__ import annotations

from datetime import timedelta

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from handlers.context import Deps, listener
from handlers.ui.home import HOME_FOLLOWUPS, HOME_TOUCHES, home_view
from handlers.ui.scores import home_card
from storage.followups import open_followups
from storage.members import Actor
from storage.touches import recent_touches


async def publish_home(deps: Deps, client: AsyncWebClient, actor: Actor) -> None:
    """Render and publish the member's App Home."""
    today = actor.today()
    followups = await open_followups(
        deps.sessions, actor, limit=HOME_FOLLOWUPS, due_by=today + timedelta(days=7)
    )
    touches = await recent_touches(deps.sessions, actor, limit=HOME_TOUCHES)
    card = await _score_card(deps, actor)
    view = home_view(actor.locale, actor.timezone, today, followups, touches, card)
    await client.views_publish(user_id=actor.slack_user_id, view=view)


async def _score_card(deps: Deps, actor: Actor) -> list:
    """The member's score and rank this month, if they are on a team and scored."""
    if actor.team_id is None:
        return home_card(actor.locale, None, None)
    view = await deps.scores.view(actor.team_id)
    mine = [m for m in view.score.members if m.member_id == actor.member_id]
    return home_card(actor.locale, view, mine[0]) if mine else []


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)

    @app.event("app_home_opened")
    @guarded
    async def home_opened(event, client, actor) -> None:
        if event.get("tab", "home") == "home":
            await publish_home(deps, client, actor)
