"""Pure parsers for the quick text forms of `/touch` and `/customer`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.customers import CustomerDraft
from storage.errors import FieldError
from storage.fields import clean_text, is_kind_word
from storage.touches import TouchDraft
from storage.vocab import (
    MAX_COMMAND_LINE,
    MAX_CUSTOMER_LINE,
    MAX_NAME,
    MAX_TOUCH_LINE,
    TouchKind,
    TouchSource,
)

# "1 000" or "1,000 000": digits grouped with a space; "12 k" or "1.5 万": a spaced suffix.
_LEADING_GROUP = re.compile(r"^[0-9０-９]{1,3}([,，][0-9０-９]{3})*$")
_GROUP = re.compile(r"^[0-9０-９]{3}([.,，．][0-9０-９]*)?$")
_NUMBER = re.compile(r"^[0-9０-９][0-9０-９,，.．]*$")
_SUFFIX = re.compile(r"^(k|w|万)$", re.IGNORECASE)
_RATING = re.compile(r"^(csat|nps)[:=]\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class TouchText:
    """A `/touch` line split into its parts; validation happens in the service."""

    customer_query: str
    kind: str | None
    amount: str | None = None
    rating: str | None = None
    note: str = ""
    next_followup: str | None = None

    def draft(self, customer_id: int | None = None) -> TouchDraft:
        """The touch to log: for the typed customer, or for `customer_id` once it is known."""
        return TouchDraft(
            kind=self.kind,
            customer_id=customer_id,
            customer_query=self.customer_query,
            note=self.note,
            amount=self.amount,
            rating=self.rating,
            next_followup=self.next_followup,
            source=TouchSource.COMMAND,
        )


def command_text(
    text: str | None, command: str, limit: int = MAX_COMMAND_LINE, field: str = "command"
) -> str:
    """A slash command's text, refused before any parsing when it is longer than `limit`."""
    text = (text or "").strip()
    if len(text) > limit:
        raise FieldError(
            "field.line_too_long", field=field, length=len(text), max=limit, command=command
        )
    return text


# How many ways to split a line are tried: a name holding a kind word gives a second one, a
# name holding two a third; nobody's customer is named with more than a handful of them.
MAX_READINGS = 6


def touch_readings(text: str) -> list[TouchText]:
    """The ways to split `<customer> <kind> [amount] [note] [next:DATE] [csat:N|nps:N]`.

    The customer is the words before a kind word (or a quoted name). A name that itself
    holds a kind word ("Acme Order Systems order 500") gives one reading per kind word,
    shortest customer first; the caller picks the one that names a customer. Only customer
    parts that could be a name (at most MAX_NAME characters) are tried, at most
    MAX_READINGS of them, so the work stays linear in the length of the line.
    """
    text = command_text(text, "/touch", MAX_TOUCH_LINE, field="note")
    next_followup = rating = None
    quoted = None
    if m := re.match(r'^["“]([^"”]+)["”]\s*(.*)$', text, re.DOTALL):
        quoted, text = m.group(1), m.group(2)
    words: list[str] = []
    for word in text.split():
        low = word.casefold()
        if low.startswith(("next:", "next=", "下次:", "下次：")):
            next_followup = re.split(r"[:=：]", word, maxsplit=1)[1]
        elif _RATING.match(word):
            rating = word
        else:
            words.append(word)

    def reading(customer: str, kind: str | None, rest: list[str]) -> TouchText:
        amount = None
        if kind and _is_order(kind) and rest:
            # Whatever follows "order" is its amount; a non-number is reported as such.
            amount = rest[0]
            rest = rest[1:]
            lead = amount.lstrip("¥￥$€£")
            if rest and (
                (_GROUP.match(rest[0]) and _LEADING_GROUP.match(lead))
                or (_SUFFIX.match(rest[0]) and _NUMBER.match(lead))
            ):
                # "1 000": digits grouped with a space are one amount, not 1 and a note.
                raise FieldError("field.amount_spaced", field="amount", value=f"{amount} {rest[0]}")
        return TouchText(clean_text(customer), kind, amount, rating, " ".join(rest), next_followup)

    if quoted is not None:
        return [reading(quoted, words[0] if words else None, words[1:])]
    positions = []
    length = 0
    for i, w in enumerate(words):
        if i > 0 and is_kind_word(w):
            positions.append(i)
            if len(positions) == MAX_READINGS:
                break
        length += len(w) + 1
        if length > MAX_NAME + 1:
            break  # no customer's name is this long
    if positions:
        return [reading(" ".join(words[:i]), words[i], words[i + 1 :]) for i in positions]
    if words and is_kind_word(words[0]):
        return [reading("", words[0], words[1:])]  # the customer is missing
    # No kind word: the word after the customer is taken as the (bad) kind, for the message.
    return [reading(words[0] if words else "", words[1] if len(words) > 1 else None, words[2:])]


def parse_touch(text: str) -> TouchText:
    """The first reading of a `/touch` line (see `touch_readings`)."""
    return touch_readings(text)[0]


def _is_order(word: str) -> bool:
    return word.casefold() in (TouchKind.ORDER, "订单")


@dataclass(frozen=True)
class CustomerCommand:
    """What `/customer <text>` asks for."""

    action: str  # "form", "add", "find", "edit", "help"
    query: str = ""
    draft: CustomerDraft | None = None


def parse_customer(text: str) -> CustomerCommand:
    """Read `/customer`, `/customer add a, b, phone`, `/customer find x` or `/customer x`."""
    text = text.strip()
    if not text:
        return CustomerCommand("form")
    head, _, rest = text.partition(" ")
    verb = head.casefold()
    if verb in ("help", "帮助"):
        return CustomerCommand("help")
    if verb in ("add", "new", "register", "登记", "添加"):
        return CustomerCommand("add", draft=_draft(rest))
    if verb in ("find", "search", "查找", "搜索"):
        return CustomerCommand("find", query=clean_text(rest))
    if verb in ("edit", "update", "修改", "编辑"):
        return CustomerCommand("edit", query=clean_text(rest))
    return CustomerCommand("find", query=clean_text(text))


def _draft(text: str) -> CustomerDraft:
    """Read `<name>, <company>, <phone>[, <occupation>]` by position, as the usage says."""
    text = command_text(text, "/customer", MAX_CUSTOMER_LINE, field="name")
    parts = [clean_text(p) for p in re.split(r"[,，;；]", text, maxsplit=3)]
    parts += [""] * (4 - len(parts))
    name, company, phone, occupation = parts
    return CustomerDraft(
        name=name or None,
        company=company or None,
        phone=phone or None,
        occupation=occupation or None,
    )


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def slack_to_plain(text: str) -> str:
    """Turn a message's Slack markup into plain text: `<@U1>` → `@U1`, `<url|label>` →
    `label (url)`, `<#C1|sales>` → `#sales`, and `&lt;` `&gt;` `&amp;` back into characters."""

    def link(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith(("@", "#", "!")):
            return f"{target[0]}{label}" if label else target
        return f"{label} ({target})" if label and label != target else target

    text = _LINK.sub(link, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
