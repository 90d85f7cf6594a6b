"""Build the bolt AsyncApp: client, member resolution, listeners, global error handler."""

from __future__ import annotations

import asyncio
import logging
import secrets

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from handlers import admin, customers, followups, help, home, scores, touches
from handlers.context import Deps
from handlers.ui.i18n import normalise_locale
from storage.db import Database, is_unavailable
from storage.errors import DatabaseUnavailable
from storage.fields import known_zone
from storage.kept import KeptScores
from storage.members import Profile, ensure_member

log = logging.getLogger("crmpay.app")


class InFlight:
    """How many requests the app is answering right now."""

    def __init__(self) -> None:
        self.count = 0

    def busy(self) -> bool:
        return self.count > 0


SURFACES = (customers, touches, followups, scores, home, admin, help)
MAX_LOCALES = 10_000
# users.info runs before the ack on a first contact; Slack waits 3 s for the ack in all.
PROFILE_TIMEOUT = 1.5


def _zone(name: str | None, default: str) -> str:
    try:
        return known_zone(name) if name else default
    except ValueError:
        return default


async def fetch_profile(client: AsyncWebClient, user_id: str, settings: Settings) -> Profile:
    """Read a user's name, time zone, locale and admin flag from `users.info`."""
    resp = await client.users_info(user=user_id, include_locale=True)
    user = resp["user"]
    profile = user.get("profile") or {}
    return Profile(
        name=user.get("real_name") or profile.get("display_name") or user.get("name") or user_id,
        timezone=_zone(user.get("tz"), settings.default_timezone),
        locale=normalise_locale(user.get("locale") or settings.default_locale),
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
    )


def build_app(
    settings: Settings,
    db: Database,
    scores: KeptScores | None = None,
    in_flight: InFlight | None = None,
) -> AsyncApp:
    """Create the app with every listener registered (`scores`: the process's kept scores,
    whose refresher the caller runs; made here if not given; `in_flight`: counts the
    requests being answered)."""
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url
    )
    app = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # bot/requests.py verifies every HTTP request on its raw bytes, and checks its
        # shape, before bolt sees it (bot/server.py); Socket Mode needs no signature.
        request_verification_enabled=False,
    )
    deps = Deps(settings=settings, db=db, scores=scores or KeptScores(db.sessions, db.reads))
    in_flight = in_flight or InFlight()
    # Members' languages, so that even a database outage is reported in theirs.
    locales: dict[tuple[str, str], str] = {}

    @app.middleware
    async def count_in_flight(next) -> None:
        """How many requests are being answered (background work yields while any are)."""
        in_flight.count += 1
        try:
            await next()
        finally:
            in_flight.count -= 1

    @app.middleware
    async def resolve_actor(context, client, next) -> None:
        """Attach the acting member; failures are left for the listener to report."""
        user_id, team_id = context.user_id, context.team_id
        if user_id and team_id:
            try:
                context["actor"] = actor = await ensure_member(
                    db.sessions,
                    team_id,
                    user_id,
                    lambda: asyncio.wait_for(
                        fetch_profile(client, user_id, settings), PROFILE_TIMEOUT
                    ),
                    fallback=Profile(
                        name=user_id,
                        timezone=settings.default_timezone,
                        locale=settings.default_locale,
                    ),
                )
                locales[(team_id, user_id)] = actor.locale
                if len(locales) > MAX_LOCALES:
                    del locales[next(iter(locales))]
            except Exception as exc:
                if is_unavailable(exc):
                    # The listener tells the member so, in the language they last used.
                    context["locale"] = locales.get((team_id, user_id))
                    unavailable = exc if isinstance(exc, DatabaseUnavailable) else None
                    if unavailable is None:
                        unavailable = DatabaseUnavailable()
                        unavailable.__cause__ = exc
                    context["actor_error"] = unavailable
                else:
                    log.warning("could not resolve member %s/%s: %r", team_id, user_id, exc)
                    context["actor_error"] = repr(exc)
        await next()

    @app.error
    async def on_error(error, body) -> None:
        ref = secrets.token_hex(4)
        kind = body.get("type") or body.get("command") if isinstance(body, dict) else "?"
        log.error("unhandled error ref=%s request=%s", ref, kind, exc_info=error)

    for surface in SURFACES:
        surface.register(app, deps)
    return app
