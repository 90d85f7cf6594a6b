"""`/customer`, the customer modal and the "register it" buttons."""

from __future__ import annotations

import logging
import secrets

from slack_bolt.async_app import AsyncApp

from handlers.context import Deps, listener, request_key
from handlers.forms import CustomerForm
from handlers.ids import Action, Callback, Command
from handlers.meta import CustomerModalMeta, RegisterValue
from handlers.quick import parse_customer, parse_touch
from handlers.ui import kit
from handlers.ui.errors import error_message, error_text, unexpected_text
from handlers.ui.i18n import t
from handlers.ui.messages import (
    customer_list,
    customer_registered,
    customer_updated,
    touch_logged,
)
from handlers.ui.modals import customer_modal, done_view
from storage.customers import (
    find_customers,
    own_customer,
    register_customer,
    update_customer,
)
from storage.errors import DomainError, FieldError, FieldErrors
from storage.members import Actor
from storage.pending import parked_text
from storage.touches import log_touch

log = logging.getLogger("crmpay.handlers")


async def _log_parked_touch(
    deps: Deps, actor: Actor, customer_id: int, key: str, confirmation: dict
) -> dict:
    """Log the `/touch` that offered this registration, on the new customer.

    The customer is saved either way; the reply says plainly if the touch was not.
    """
    locale = actor.locale
    try:
        text = await parked_text(deps.sessions, actor, key)
        logged = await log_touch(
            deps.sessions,
            actor,
            parse_touch(text).draft(customer_id=customer_id),
            currency=deps.settings.currency,
            request_key=key,
        )
    except DomainError as e:
        problem = error_text(locale, e)
    except Exception:
        ref = secrets.token_hex(4)
        log.exception("could not log the parked touch ref=%s", ref)
        problem = unexpected_text(locale, ref)
    else:
        touch = touch_logged(locale, actor.timezone, logged)
        return kit.message(confirmation["text"], [*confirmation["blocks"], *touch["blocks"]])
    text = f"{t(locale, 'customer.touch_not_logged')} {problem}"
    return kit.message(confirmation["text"], [*confirmation["blocks"], kit.section(text)])


def register(app: AsyncApp, deps: Deps) -> None:
    guarded = listener(deps)

    @app.command(Command.CUSTOMER)
    @guarded
    async def customer_command(ack, command, client, actor) -> None:
        parsed = parse_customer(command.get("text") or "")
        locale = actor.locale
        if parsed.action == "form":
            await ack()
            meta = CustomerModalMeta.of(channel_id=command.get("channel_id"))
            await client.views_open(
                trigger_id=command["trigger_id"], view=customer_modal(locale, None, meta.dump())
            )
            return
        if parsed.action == "help" or (parsed.action == "find" and not parsed.query):
            await ack(
                response_type="ephemeral",
                **kit.message(
                    t(locale, "usage.customer"), [kit.section(t(locale, "usage.customer"))]
                ),
            )
            return
        if parsed.action == "edit":
            customer = await own_customer(deps.sessions, actor, parsed.query)
            await ack()
            meta = CustomerModalMeta.of(channel_id=command.get("channel_id"), edit_id=customer.id)
            await client.views_open(
                trigger_id=command["trigger_id"],
                view=customer_modal(locale, None, meta.dump(), current=customer),
            )
            return
        if parsed.action == "find":
            found = await find_customers(deps.sessions, actor, parsed.query)
            await ack(
                response_type="ephemeral",
                **customer_list(locale, parsed.query, found, actor.member_id),
            )
            return
        assert parsed.draft is not None
        try:
            customer, created = await register_customer(
                deps.sessions,
                actor,
                parsed.draft,
                phone_region=deps.settings.default_phone_region,
                request_key=request_key(actor, "cmd", command.get("trigger_id")),
            )
        except DomainError as e:
            prefill = RegisterValue(name=(parsed.draft.name or "")[:120]).dump()
            await ack(
                response_type="ephemeral",
                **error_message(
                    locale,
                    error_text(locale, e),
                    usage=t(locale, "usage.customer"),
                    form_button=kit.button(
                        t(locale, "button.open_form"), Action.OPEN_CUSTOMER_FORM, prefill
                    )
                    if isinstance(e, FieldError | FieldErrors)
                    else None,
                ),
            )
            return
        await ack(response_type="ephemeral", **customer_registered(locale, customer, created))

    @app.action(Action.OPEN_CUSTOMER_FORM)
    @guarded
    async def open_customer_form(ack, body, action, client, actor) -> None:
        await ack()
        value = RegisterValue.load(action.get("value") or "{}")
        meta = CustomerModalMeta.of(
            channel_id=(body.get("channel") or {}).get("id"),
            touch_key=value.touch_key,
        )
        await client.views_open(
            trigger_id=body["trigger_id"],
            view=customer_modal(actor.locale, value.name or None, meta.dump()),
        )

    @app.view(Callback.CUSTOMER_MODAL)
    @guarded
    async def customer_submitted(ack, view, actor) -> None:
        form = CustomerForm.from_view(view)
        meta = CustomerModalMeta.load(view.get("private_metadata") or "{}")
        if meta.edit_id is not None:
            changed = await update_customer(
                deps.sessions,
                actor,
                meta.edit_id,
                form.draft(),
                phone_region=deps.settings.default_phone_region,
            )
            await ack(
                response_action="update",
                view=done_view(
                    actor.locale, "modal.customer_saved", customer_updated(actor.locale, changed)
                ),
            )
            return
        customer, created = await register_customer(
            deps.sessions,
            actor,
            form.draft(),
            phone_region=deps.settings.default_phone_region,
            request_key=request_key(actor, "view", view.get("id")),
        )
        confirmation = customer_registered(actor.locale, customer, created)
        if meta.touch_key:
            confirmation = await _log_parked_touch(
                deps, actor, customer.id, meta.touch_key, confirmation
            )
        await ack(
            response_action="update",
            view=done_view(actor.locale, "modal.customer_done", confirmation),
        )
