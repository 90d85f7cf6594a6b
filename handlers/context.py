"""What every listener shares: dependencies, the acting member, and error reporting."""

from __future__ import annotations

import inspect
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.errors import SlackApiError

from handlers.ui import errors as ui_errors
from handlers.ui import kit
from handlers.ui.modals import error_view
from storage.db import Database, describe, is_unavailable
from storage.errors import DatabaseUnavailable, DomainError, SlackStale
from storage.kept import KeptScores
from storage.members import Actor

log = logging.getLogger("crmpay.handlers")


class Settings(Protocol):
    """The settings listeners read; the bot hands its own settings down."""

    currency: str
    default_locale: str
    default_phone_region: str
    schemes_dir: Path | None


@dataclass(frozen=True)
class Deps:
    """Process-wide dependencies handed to every `register(app, deps)`."""

    settings: Settings
    db: Database
    scores: KeptScores = None  # type: ignore[assignment]  # one per process: made if not given

    def __post_init__(self) -> None:
        if self.scores is None:
            object.__setattr__(self, "scores", KeptScores(self.db.sessions, self.db.reads))

    @property
    def sessions(self):
        return self.db.sessions


class ActorUnavailable(Exception):
    """The acting member could not be resolved (Slack or the database failed)."""


def actor_of(args: AsyncArgs) -> Actor:
    actor = args.context.get("actor")
    if actor is None:
        error = args.context.get("actor_error")
        if isinstance(error, DomainError):
            raise error
        raise ActorUnavailable(error or "no user in request")
    return actor


def locale_of(args: AsyncArgs, default: str) -> str:
    actor = args.context.get("actor")
    return actor.locale if actor else args.context.get("locale") or default


def listener(deps: Deps) -> Callable[[Callable[..., Awaitable[None]]], Callable[..., Any]]:
    """Wrap a listener so that no exception escapes it: the user always gets an answer.

    The wrapped function declares the bolt arguments it needs by name, plus `actor`.
    """

    def decorate(fn: Callable[..., Awaitable[None]]) -> Callable[..., Any]:
        wanted = list(inspect.signature(fn).parameters)

        async def run(args: AsyncArgs) -> None:
            try:
                kwargs = {
                    name: actor_of(args) if name == "actor" else getattr(args, name)
                    for name in wanted
                }
                await fn(**kwargs)
            except Exception as exc:
                await report(args, exc, locale_of(args, deps.settings.default_locale))

        run.__name__ = fn.__name__
        run.__qualname__ = fn.__qualname__
        return run

    return decorate


async def report(args: AsyncArgs, exc: Exception, locale: str) -> None:
    """Tell the user what went wrong, in the way the surface allows, and log what we must."""
    if not isinstance(exc, DomainError) and is_unavailable(exc):
        cause, exc = exc, DatabaseUnavailable()
        exc.__cause__ = cause
    elif isinstance(exc, SlackApiError) and exc.response.get("error") in SLACK_STALE:
        # A trigger that expired or was used, a window closed or changed since: the user's
        # click came too late, not a fault to trace.
        log.info("slack refused %s: %s", _kind(args.body), exc.response.get("error"))
        cause, exc = exc, SlackStale()
        exc.__cause__ = cause
    if isinstance(exc, DatabaseUnavailable):
        # Not a bug to trace: the database is gone, read-only or unreachable; /readyz says so.
        log.warning("database unavailable, request=%s: %s", _kind(args.body), describe(exc))
    if isinstance(exc, DomainError):
        text = ui_errors.error_text(locale, exc)
    else:
        ref = secrets.token_hex(4)
        log.error("unexpected error ref=%s body_type=%s", ref, _kind(args.body), exc_info=exc)
        text = ui_errors.unexpected_text(locale, ref)
    ack = args.ack
    body = args.body
    try:
        if body.get("type") == "view_submission":
            if ack.response is None:
                blocks = [b["block_id"] for b in body["view"]["blocks"] if b.get("type") == "input"]
                if isinstance(exc, DomainError):
                    errors = ui_errors.view_errors(locale, exc, blocks)
                else:
                    errors = {blocks[0] if blocks else "customer": kit.clip(text, 2000)}
                await ack(response_action="errors", errors=errors)
            return
        if body.get("type") == "block_suggestion":
            if ack.response is None:
                await ack(options=[])
            return
        reply = ui_errors.error_message(locale, text)
        if "command" in body and ack.response is None:
            await ack(response_type="ephemeral", **reply)
            return
        if ack.response is None:
            await ack()
        if body.get("response_url"):
            await args.respond(response_type="ephemeral", replace_original=False, **reply)
        elif body.get("trigger_id"):
            await args.client.views_open(
                trigger_id=body["trigger_id"], view=error_view(locale, text)
            )
    except Exception:
        log.exception("could not tell the user about an error")


# Web API errors that mean the click or window is stale (Slack's documented error codes).
SLACK_STALE = frozenset(
    {
        "expired_trigger_id",
        "exchanged_trigger_id",
        "invalid_trigger_id",
        "hash_conflict",
        "not_found",
        "view_not_found",
    }
)


def _kind(body: dict[str, Any]) -> str:
    return body.get("type") or body.get("command") or body.get("event", {}).get("type") or "?"


def request_key(actor: Actor, prefix: str, ident: str | None) -> str | None:
    """An idempotency key: a retried delivery or a second submit carries the same one.

    It names the member, so a trigger or view id replayed by someone else is their own
    new request, never an answer with another member's record.
    """
    if not ident:
        return None
    return f"{actor.workspace_id}:{actor.member_id}:{prefix}:{ident[:60]}"[:100]
