"""Messages: confirmations, customer lists, follow-up lists, choices and help."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.ids import Action
from handlers.meta import ChooseCustomerValue, RegisterValue, SnoozeValue
from handlers.ui import kit
from handlers.ui.i18n import escape, fmt_date, fmt_datetime, fmt_money, t
from storage.customers import CustomerView
from storage.fields import format_phone
from storage.followups import FollowupList, FollowupView
from storage.touches import LoggedTouch, TouchView

FOLLOWUPS_SHOWN = 15  # 3 blocks each keeps a message well under Slack's 50


def rating_text(touch: TouchView) -> str | None:
    if touch.csat is not None:
        return f"CSAT {touch.csat}/5"
    if touch.nps is not None:
        return f"NPS {touch.nps}/10"
    return None


def touch_logged(locale: str, tz: str, logged: LoggedTouch) -> dict[str, Any]:
    """Confirm a logged touch with everything that was recorded."""
    tv = logged.touch
    lines = [
        t(
            locale,
            "touch.logged",
            kind=t(locale, f"kind.{tv.kind}"),
            customer=escape(tv.customer_name),
            when=fmt_datetime(locale, tv.occurred_at, tz),
        )
    ]
    if tv.amount_minor is not None and tv.currency:
        lines.append(
            t(locale, "touch.amount", amount=fmt_money(locale, tv.amount_minor, tv.currency))
        )
    if rating := rating_text(tv):
        lines.append(t(locale, "touch.rating", rating=rating))
    if tv.next_followup_on:
        lines.append(t(locale, "touch.next", date=fmt_date(locale, tv.next_followup_on)))
    if logged.followups_closed:
        lines.append(t(locale, "touch.closed", n=logged.followups_closed))
    blocks = [kit.section(":white_check_mark: " + "\n".join(lines))]
    if tv.note:
        blocks.append(kit.context(escape(kit.clip(tv.note, 2900))))
    if not logged.created:
        blocks.append(kit.context(t(locale, "touch.already")))
    return kit.message(lines[0], blocks)


def _customer_line(locale: str, c: CustomerView, viewer_id: int | None = None) -> str:
    """One customer; contact details only for its owner (`viewer_id` None: the owner)."""
    parts = [f"*{escape(c.name)}*"]
    if c.company:
        parts.append(escape(c.company))
    if viewer_id is None or viewer_id == c.owner_id:
        if c.phone:
            parts.append(format_phone(c.phone))
        if c.occupation:
            parts.append(escape(c.occupation))
    parts.append(t(locale, f"status.{c.status}"))
    parts.append(t(locale, "customer.owner", owner=c.owner_user_id))
    return " · ".join(parts)


def customer_registered(locale: str, customer: CustomerView, created: bool) -> dict[str, Any]:
    text = t(locale, "customer.registered", name=escape(customer.name))
    blocks = [
        kit.section(":white_check_mark: " + text),
        kit.context(_customer_line(locale, customer)),
    ]
    if not created:
        blocks.append(kit.context(t(locale, "customer.already")))
    return kit.message(text, blocks)


def customer_updated(locale: str, customer: CustomerView) -> dict[str, Any]:
    text = t(locale, "customer.updated", name=escape(customer.name))
    return kit.message(
        text,
        [kit.section(":white_check_mark: " + text), kit.context(_customer_line(locale, customer))],
    )


def customer_list(
    locale: str, query: str, customers: list[CustomerView], viewer_id: int
) -> dict[str, Any]:
    """The result of `/customer find`: everyone's matches, contact details only for mine."""
    if not customers:
        text = t(locale, "customer.none", query=escape(query))
        return kit.message(
            text,
            [
                kit.section(text),
                kit.actions(register_button(locale, RegisterValue(name=query[:120]))),
            ],
        )
    text = t(locale, "customer.matches", query=escape(query))
    lines = "\n".join(f"• {_customer_line(locale, c, viewer_id)}" for c in customers)
    return kit.message(text, [kit.section(text), kit.section(lines)])


def choose_customer(
    locale: str, query: str, candidates: list[CustomerView], total: int, key: str, text: str
) -> dict[str, Any]:
    """Ask which customer an ambiguous `/touch` meant; each button logs the parked touch."""
    prompt = t(locale, "error.customer_ambiguous", query=escape(query))
    blocks = [kit.section(prompt)]
    for c in candidates:
        value = ChooseCustomerValue(customer_id=c.id, key=key).dump()
        blocks.append(
            kit.section(
                _customer_line(locale, c),
                accessory=kit.button(t(locale, "button.this_one"), Action.CHOOSE_CUSTOMER, value),
            )
        )
    if total > len(candidates):
        blocks.append(kit.context(t(locale, "customer.more_matches", n=total - len(candidates))))
        blocks.append(
            kit.actions(kit.button(t(locale, "button.open_form"), Action.OPEN_TOUCH_FORM, text))
        )
    return kit.message(prompt, blocks)


def register_button(locale: str, value: RegisterValue) -> dict[str, Any]:
    return kit.button(
        t(locale, "button.register_named", name=value.name),
        Action.OPEN_CUSTOMER_FORM,
        value.dump(),
        style="primary",
    )


def offer_register(locale: str, query: str, key: str | None) -> dict[str, Any]:
    """No customer matched a `/touch`: offer to register one and then log the parked touch."""
    message = t(locale, "error.customer_not_found", query=escape(query))
    value = RegisterValue(name=query[:120], touch_key=key)
    return kit.message(
        message,
        [
            kit.section(f"{message} {t(locale, 'customer.not_found_offer')}"),
            kit.actions(register_button(locale, value)),
        ],
    )


def due_label(locale: str, f: FollowupView, today: date) -> str:
    if f.effective_due < today:
        return t(locale, "followup.overdue", date=fmt_date(locale, f.effective_due))
    if f.effective_due == today:
        return t(locale, "followup.today")
    return t(locale, "followup.due", date=fmt_date(locale, f.effective_due))


def followup_blocks(locale: str, f: FollowupView, today: date) -> list[kit.Block]:
    """One follow-up: who, when, and its Done / Snooze buttons."""
    icon = (
        ":red_circle:"
        if f.effective_due < today
        else (":large_orange_circle:" if f.effective_due == today else ":white_circle:")
    )
    line = f"{icon} *{escape(f.customer_name)}* — {due_label(locale, f, today)}"
    if f.snooze_count:
        line += f" ({t(locale, 'followup.snoozed', n=f.snooze_count)})"
    return [
        kit.section(line),
        kit.actions(
            kit.button(t(locale, "button.done"), Action.FOLLOWUP_DONE, str(f.id), style="primary"),
            kit.button(
                t(locale, "button.snooze"),
                Action.FOLLOWUP_SNOOZE,
                SnoozeValue(id=f.id, due=f.effective_due).dump(),
            ),
            block_id=f"followup-{f.id}",
        ),
    ]


def followup_list(
    locale: str, followups: FollowupList, today: date, notice: str | None = None
) -> dict[str, Any]:
    """The `/followup` message, most overdue first."""
    title = t(locale, "followup.header", total=followups.total)
    blocks: list[kit.Block] = []
    if notice:
        blocks.append(kit.context(notice))
    blocks.append(kit.header(title))
    blocks += followup_section(locale, followups, today, FOLLOWUPS_SHOWN, "followup.none")
    return kit.message(title, blocks)


def followup_section(
    locale: str, followups: FollowupList, today: date, shown: int, empty_key: str
) -> list[kit.Block]:
    """Up to `shown` follow-ups with their buttons, and how many more there are."""
    blocks: list[kit.Block] = []
    if not followups.items:
        blocks.append(kit.section(t(locale, empty_key)))
    for f in followups.items[:shown]:
        blocks.extend(followup_blocks(locale, f, today))
    hidden = followups.total - min(len(followups.items), shown)
    if hidden > 0:
        blocks.append(kit.context(t(locale, "followup.more", n=hidden)))
    return blocks


def help_message(locale: str) -> dict[str, Any]:
    text = t(locale, "help.text")
    return kit.message(
        text,
        [
            kit.section(text),
            kit.context(t(locale, "usage.touch")),
            kit.context(t(locale, "usage.customer")),
            kit.actions(
                kit.button(t(locale, "button.log_touch"), Action.OPEN_TOUCH_FORM, style="primary"),
                kit.button(t(locale, "button.register"), Action.OPEN_CUSTOMER_FORM),
            ),
        ],
    )


def touch_line(locale: str, tz: str, tv: TouchView) -> str:
    """One touch in a list: when, kind, customer, amount or rating, note excerpt."""
    parts = [
        fmt_datetime(locale, tv.occurred_at, tz),
        t(locale, f"kind.{tv.kind}"),
        f"*{escape(tv.customer_name)}*",
    ]
    if tv.amount_minor is not None and tv.currency:
        parts.append(fmt_money(locale, tv.amount_minor, tv.currency))
    if rating := rating_text(tv):
        parts.append(rating)
    line = " · ".join(parts)
    if tv.note:
        line += f" — {escape(kit.clip(tv.note.replace(chr(10), ' '), 120))}"
    return line
