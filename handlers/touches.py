"""`/touch`, the touch modal, the customer picker and the "Log a touch" shortcuts."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta

from slack_bolt.async_app import AsyncApp

from handlers.context import Deps, listener, request_key
from handlers.forms import TouchForm
from handlers.home import publish_home
from handlers.ids import Action, Callback, Command
from handlers.meta import ChooseCustomerValue, TouchModalMeta
from handlers.quick import TouchText, parse_touch, slack_to_plain, touch_readings
from handlers.ui import kit
from handlers.ui.errors import error_message, error_text
from handlers.ui.i18n import t
from handlers.ui.messages import choose_customer, offer_register, touch_logged
from handlers.ui.modals import TouchPrefill, customer_option, done_view, touch_modal
from storage.customers import my_customers, naming_prefixes
from storage.errors import AmbiguousCustomer, CustomerNotFound, DomainError, FieldError
from storage.fields import is_kind_word, touch_kind, without_controls
from storage.members import Actor
from storage.models import utcnow
from storage.pending import park, parked_text
from storage.touches import log_touch, loggable_customers
from storage.vocab import MAX_NAME, MAX_NOTE, TouchSource


async def _reading(deps: Deps, actor: Actor, text: str) -> TouchText:
    """Pick how to read a `/touch` line: the longest customer part that names a customer."""
    readings = touch_readings(text)
    if len(readings) == 1:
        return readings[0]
    named = await naming_prefixes(deps.sessions, actor, [r.customer_query for r in readings])
    return next((r for r in reversed(readings) if r.customer_query in named), readings[0])


async def _prefill(deps: Deps, actor: Actor, text: str) -> TouchPrefill:
    """Pre-fill the form with whatever parts of a quick command make sense."""
    if not text.strip():
        return TouchPrefill()
    try:
        parsed = parse_touch(text)
    except FieldError:
        return TouchPrefill()
    customer = None
    if parsed.customer_query and len(parsed.customer_query) <= MAX_NAME:
        matches = await my_customers(deps.sessions, actor, parsed.customer_query, limit=2)
        customer = matches[0] if len(matches) == 1 else None
    kind = touch_kind(parsed.kind) if parsed.kind and is_kind_word(parsed.kind) else None
    next_on = None
    try:
        next_on = date.fromisoformat(parsed.next_followup or "")
    except ValueError:
        pass
    return TouchPrefill(
        customer=customer,
        kind=kind,
        note=parsed.note or None,
        amount=parsed.amount,
        rating=parsed.rating.lower() if parsed.rating else None,
        next_followup=next_on if next_on and next_on >= actor.today() else None,
    )


def _message_note(text: object) -> str | None:
    """A message's text as a note the form will take: plain, normalised, storable, in size."""
    plain = unicodedata.normalize("NFC", without_controls(slack_to_plain(str(text or ""))))
    return plain[:MAX_NOTE].strip() or None


def _message_time(ts: str | None) -> datetime | None:
    """When a message was posted, as the default time of the touch it becomes."""
    try:
        when = datetime.fromtimestamp(float(ts or ""), UTC)
    except ValueError:
        return None
    now = utcnow()
    return when if now - timedelta(days=365) < when <= now else None


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)
    currency = deps.settings.currency

    async def open_form(
        client, trigger_id: str, actor: Actor, prefill: TouchPrefill, meta: TouchModalMeta
    ) -> None:
        view = touch_modal(actor.locale, utcnow(), prefill, meta.dump())
        await client.views_open(trigger_id=trigger_id, view=view)

    @app.command(Command.TOUCH)
    @guarded
    async def touch_command(ack, command, client, actor) -> None:
        text = (command.get("text") or "").strip()
        locale = actor.locale
        if text.casefold() in ("help", "帮助"):
            usage = t(locale, "usage.touch")
            await ack(response_type="ephemeral", **kit.message(usage, [kit.section(usage)]))
            return
        if not text:
            await ack()
            meta = TouchModalMeta.of(channel_id=command.get("channel_id"))
            await open_form(client, command["trigger_id"], actor, TouchPrefill(), meta)
            return
        key = request_key(actor, "cmd", command.get("trigger_id")) or ""
        try:
            parsed = await _reading(deps, actor, text)
            logged = await log_touch(
                deps.sessions, actor, parsed.draft(), currency=currency, request_key=key
            )
        except AmbiguousCustomer as e:
            await park(deps.sessions, actor, key, text)
            reply = choose_customer(
                locale, parsed.customer_query, e.candidates, e.total, key, text[:1900]
            )
            await ack(response_type="ephemeral", **reply)
            return
        except CustomerNotFound:
            await park(deps.sessions, actor, key, text)
            reply = offer_register(locale, parsed.customer_query, key)
            await ack(response_type="ephemeral", **reply)
            return
        except DomainError as e:
            form = kit.button(t(locale, "button.open_form"), Action.OPEN_TOUCH_FORM, text[:1900])
            reply = error_message(
                locale, error_text(locale, e), usage=t(locale, "usage.touch"), form_button=form
            )
            await ack(response_type="ephemeral", **reply)
            return
        await ack(response_type="ephemeral", **touch_logged(locale, actor.timezone, logged))

    @app.action(Action.OPEN_TOUCH_FORM)
    @guarded
    async def open_touch_form(ack, body, action, client, actor) -> None:
        await ack()
        prefill = await _prefill(deps, actor, action.get("value") or "")
        channel = (body.get("channel") or {}).get("id")
        on_home = (body.get("view") or {}).get("type") == "home"
        meta = TouchModalMeta.of(channel_id=channel, from_home=on_home)
        await open_form(client, body["trigger_id"], actor, prefill, meta)

    @app.action(Action.CHOOSE_CUSTOMER)
    @guarded
    async def choose(ack, action, respond, actor) -> None:
        await ack()
        choice = ChooseCustomerValue.load(action.get("value"))
        text = await parked_text(deps.sessions, actor, choice.key)
        logged = await log_touch(
            deps.sessions,
            actor,
            parse_touch(text).draft(customer_id=choice.customer_id),
            currency=currency,
            request_key=choice.key,
        )
        await respond(
            replace_original=True,
            response_type="ephemeral",
            **touch_logged(actor.locale, actor.timezone, logged),
        )

    @app.shortcut(Callback.LOG_FROM_MESSAGE)
    @guarded
    async def from_message(ack, shortcut, client, actor) -> None:
        await ack()
        message = shortcut.get("message") or {}
        channel = (shortcut.get("channel") or {}).get("id")
        meta = TouchModalMeta.of(
            source=TouchSource.SHORTCUT,
            source_ref=f"{channel}/{message.get('ts')}" if channel else None,
            channel_id=channel,
        )
        prefill = TouchPrefill(
            note=_message_note(message.get("text")),
            occurred_at=_message_time(message.get("ts")),
        )
        await open_form(client, shortcut["trigger_id"], actor, prefill, meta)

    @app.shortcut(Callback.LOG_TOUCH)
    @guarded
    async def global_shortcut(ack, shortcut, client, actor) -> None:
        await ack()
        await open_form(client, shortcut["trigger_id"], actor, TouchPrefill(), TouchModalMeta.of())

    @app.options(Action.CUSTOMER_PICK)
    @guarded
    async def customer_options(ack, payload, actor) -> None:
        # Service agents: anyone's customers; managers: their own team's (ratings etc.).
        found = await loggable_customers(deps.sessions, actor, payload.get("value") or "")
        await ack(options=[customer_option(c) for c in found])

    @app.view(Callback.TOUCH_MODAL)
    @guarded
    async def touch_submitted(ack, view, client, actor) -> None:
        meta = TouchModalMeta.load(view.get("private_metadata") or "{}")
        form = TouchForm.from_view(view)
        logged = await log_touch(
            deps.sessions,
            actor,
            form.draft(meta.source, meta.source_ref),
            currency=currency,
            request_key=request_key(actor, "view", view.get("id")),
        )
        confirmation = touch_logged(actor.locale, actor.timezone, logged)
        await ack(
            response_action="update",
            view=done_view(actor.locale, "modal.touch_done", confirmation),
        )
        if meta.from_home:
            await publish_home(deps, client, actor)
