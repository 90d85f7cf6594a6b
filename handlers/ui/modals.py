"""Modals: the touch form, the customer form and their confirmation views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from handlers.ids import Action, Block, Callback
from handlers.ui import kit
from handlers.ui.i18n import t
from storage.customers import CustomerView
from storage.fields import format_phone
from storage.vocab import (
    AGE_BRACKETS,
    COMPANY_SIZES,
    MAX_COMPANY,
    MAX_NAME,
    MAX_NOTE,
    MAX_OCCUPATION,
    MAX_PHONE_INPUT,
    CustomerStatus,
    TouchKind,
)


@dataclass(frozen=True)
class TouchPrefill:
    """What the touch form starts with."""

    customer: CustomerView | None = None
    kind: TouchKind | None = None
    note: str | None = None
    amount: str | None = None
    rating: str | None = None
    next_followup: date | None = None
    occurred_at: datetime | None = None


def customer_option(c: CustomerView) -> dict[str, Any]:
    return kit.option(c.label, str(c.id))


def kind_options(locale: str) -> list[dict[str, Any]]:
    return [kit.option(t(locale, f"kind.{k}"), k.value) for k in TouchKind]


def rating_groups(locale: str) -> list[dict[str, Any]]:
    return [
        {
            "label": kit.plain(t(locale, "group.csat")),
            "options": [kit.option(f"CSAT {n}", f"csat:{n}") for n in range(5, 0, -1)],
        },
        {
            "label": kit.plain(t(locale, "group.nps")),
            "options": [kit.option(f"NPS {n}", f"nps:{n}") for n in range(10, -1, -1)],
        },
    ]


def _select(
    locale: str,
    initial: str | None,
    options: list[dict[str, Any]] | None = None,
    groups: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A static select over options or option groups, with `initial` chosen if present."""
    el: dict[str, Any] = {
        "type": "static_select",
        "action_id": Action.INPUT,
        "placeholder": kit.plain(t(locale, "placeholder.pick")),
    }
    if groups is not None:
        el["option_groups"] = groups
        options = [o for g in groups for o in g["options"]]
    else:
        el["options"] = options
    chosen = [o for o in options or [] if o["value"] == initial]
    if chosen:
        el["initial_option"] = chosen[0]
    return el


def _text(max_length: int, initial: str | None = None, multiline: bool = False) -> dict[str, Any]:
    el: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": Action.INPUT,
        "max_length": max_length,
        "multiline": multiline,
    }
    if initial:
        el["initial_value"] = initial[:max_length]
    return el


def touch_modal(
    locale: str, now: datetime, prefill: TouchPrefill, private_metadata: str
) -> dict[str, Any]:
    """The touch form, optionally pre-filled (from a message, or a quick command that failed)."""
    picker: dict[str, Any] = {
        "type": "external_select",
        "action_id": Action.CUSTOMER_PICK,
        "placeholder": kit.plain(t(locale, "placeholder.customer")),
        "min_query_length": 0,
    }
    if prefill.customer:
        picker["initial_option"] = customer_option(prefill.customer)
    rating = _select(locale, prefill.rating, groups=rating_groups(locale))
    next_picker: dict[str, Any] = {"type": "datepicker", "action_id": Action.INPUT}
    if prefill.next_followup:
        next_picker["initial_date"] = prefill.next_followup.isoformat()
    blocks = [
        kit.input_block(
            Block.CUSTOMER, t(locale, "label.customer"), picker, hint=t(locale, "hint.customer")
        ),
        kit.input_block(
            Block.KIND,
            t(locale, "label.kind"),
            _select(locale, prefill.kind.value if prefill.kind else None, kind_options(locale)),
        ),
        kit.input_block(
            Block.WHEN,
            t(locale, "label.when"),
            {
                "type": "datetimepicker",
                "action_id": Action.INPUT,
                "initial_date_time": int((prefill.occurred_at or now).timestamp()),
            },
        ),
        kit.input_block(
            Block.NOTE,
            t(locale, "label.note"),
            _text(MAX_NOTE, prefill.note, multiline=True),
            optional=True,
        ),
        kit.input_block(
            Block.AMOUNT,
            t(locale, "label.amount"),
            _text(32, prefill.amount),
            optional=True,
            hint=t(locale, "hint.amount"),
        ),
        kit.input_block(
            Block.RATING,
            t(locale, "label.rating"),
            rating,
            optional=True,
            hint=t(locale, "hint.rating"),
        ),
        kit.input_block(Block.NEXT, t(locale, "label.next"), next_picker, optional=True),
    ]
    return kit.modal(
        t(locale, "modal.touch"),
        blocks,
        callback_id=Callback.TOUCH_MODAL,
        submit=t(locale, "button.save"),
        close=t(locale, "button.cancel"),
        private_metadata=private_metadata,
    )


def segment_groups(locale: str) -> list[dict[str, Any]]:
    return [
        {
            "label": kit.plain(t(locale, "group.age")),
            "options": [kit.option(a, f"age:{a}") for a in AGE_BRACKETS],
        },
        {
            "label": kit.plain(t(locale, "group.size")),
            "options": [kit.option(s, f"size:{s}") for s in COMPANY_SIZES],
        },
    ]


def customer_modal(
    locale: str, name: str | None, private_metadata: str, current: CustomerView | None = None
) -> dict[str, Any]:
    """The customer form: empty (or with a name) to register, filled in to edit."""
    c = current
    statuses = [kit.option(t(locale, f"status.{s}"), s.value) for s in CustomerStatus]
    status = _select(locale, c.status if c else CustomerStatus.LEAD.value, options=statuses)
    segment = _select(locale, c.segment if c else None, groups=segment_groups(locale))
    blocks = [
        kit.input_block(
            Block.NAME, t(locale, "label.name"), _text(MAX_NAME, c.name if c else name)
        ),
        kit.input_block(
            Block.COMPANY,
            t(locale, "label.company"),
            _text(MAX_COMPANY, c.company if c else None),
            optional=True,
        ),
        kit.input_block(
            Block.PHONE,
            t(locale, "label.phone"),
            _text(MAX_PHONE_INPUT, format_phone(c.phone) if c else None),
            optional=True,
            hint=t(locale, "hint.phone"),
        ),
        kit.input_block(
            Block.OCCUPATION,
            t(locale, "label.occupation"),
            _text(MAX_OCCUPATION, c.occupation if c else None),
            optional=True,
        ),
        kit.input_block(Block.SEGMENT, t(locale, "label.segment"), segment, optional=True),
        kit.input_block(Block.STATUS, t(locale, "label.status"), status),
    ]
    return kit.modal(
        t(locale, "modal.customer_edit" if c else "modal.customer"),
        blocks,
        callback_id=Callback.CUSTOMER_MODAL,
        submit=t(locale, "button.save"),
        close=t(locale, "button.cancel"),
        private_metadata=private_metadata,
    )


def done_view(locale: str, title_key: str, message: dict[str, Any]) -> dict[str, Any]:
    """The view a modal turns into after a successful submit."""
    return kit.modal(t(locale, title_key), message["blocks"], close=t(locale, "button.close"))


def error_view(locale: str, text: str) -> dict[str, Any]:
    """A small modal for errors on surfaces that have no message to reply to."""
    return kit.modal("CRM Pay", [kit.section(f":warning: {text}")], close=t(locale, "button.close"))
