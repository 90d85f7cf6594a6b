"""Pure parsers for user-typed field values; each refusal is a FieldError naming the fix."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from storage.errors import FieldError, FieldErrors
from storage.vocab import (
    KIND_ALIASES,
    MAX_AMOUNT_MINOR,
    MAX_NOTE,
    SEGMENTS,
    CustomerStatus,
    TouchKind,
)

T = TypeVar("T")


class Collector:
    """Run field parsers, keeping every FieldError so a form can show them all at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def __call__(self, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return parse(*args, **kwargs)
        except FieldError as e:
            self.errors.append(e)
            return None

    def add(self, code: str, field: str, **params: Any) -> None:
        self.errors.append(FieldError(code, field=field, **params))

    def raise_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


def known_zone(value: str) -> str:
    """Return an IANA time zone name, refusing (ValueError) one zoneinfo does not know."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


def clean_text(value: str | None) -> str:
    """Strip, normalise Unicode (NFC) and collapse runs of whitespace."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    return re.sub(r"\s+", " ", value).strip()


def match_key(value: str) -> str:
    """Return the case- and width-insensitive key used for duplicates and prefix search."""
    return unicodedata.normalize("NFKC", clean_text(value)).casefold()


def required_text(field: str, value: str | None, max_len: int) -> str:
    """Return cleaned text, refusing it when empty or over `max_len` characters."""
    text = clean_text(value)
    if not text:
        raise FieldError("field.required", field=field)
    return bounded_text(field, text, max_len)


def bounded_text(field: str, value: str | None, max_len: int) -> str:
    """Return cleaned text, refusing it when over `max_len` characters."""
    text = clean_text(value)
    if len(text) > max_len:
        raise FieldError("field.too_long", field=field, max=max_len, length=len(text))
    return text


def note_text(value: str | None) -> str:
    """Return a note with its line breaks kept, refusing it when too long."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if len(text) > MAX_NOTE:
        raise FieldError("field.too_long", field="note", max=MAX_NOTE, length=len(text))
    return text


def phone_e164(value: str | None, region: str) -> str | None:
    """Parse a phone number in `region`'s conventions and return it in E.164, or None if blank."""
    raw = clean_text(value)
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise FieldError("field.phone_invalid", field="phone", value=raw) from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError("field.phone_invalid", field="phone", value=raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(value: str) -> bool:
    """Tell whether a piece of quick text is meant as a phone number."""
    digits = re.sub(r"[\s\-().+]", "", value)
    return len(digits) >= 5 and digits.isdigit()


def format_phone(e164: str | None) -> str:
    """Format an E.164 number for display."""
    if not e164:
        return ""
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def touch_kind(value: str | None) -> TouchKind:
    """Return the touch kind a word names (English or Chinese)."""
    word = clean_text(value).casefold()
    if not word:
        raise FieldError("field.kind_required", field="kind", kinds=", ".join(TouchKind))
    try:
        return TouchKind(word)
    except ValueError:
        pass
    if word in KIND_ALIASES:
        return KIND_ALIASES[word]
    raise FieldError("field.kind_unknown", field="kind", value=value, kinds=", ".join(TouchKind))


def is_kind_word(value: str) -> bool:
    """Tell whether a word names a touch kind."""
    word = value.casefold()
    return word in TouchKind._value2member_map_ or word in KIND_ALIASES


_AMOUNT = re.compile(r"^[¥￥$€£]?\s*(-?[\d,，]*\.?\d*)\s*(k|w|万)?$", re.IGNORECASE)


def amount_minor(value: str | None, *, required: bool) -> int | None:
    """Parse a positive money amount (e.g. `12000`, `12,000.50`, `¥1.2w`) into minor units."""
    raw = clean_text(value)
    if not raw:
        if required:
            raise FieldError("field.amount_required", field="amount")
        return None
    m = _AMOUNT.match(raw)
    if not m or not re.search(r"\d", m.group(1)):
        raise FieldError("field.amount_invalid", field="amount", value=raw)
    try:
        amount = Decimal(m.group(1).replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise FieldError("field.amount_invalid", field="amount", value=raw) from None
    suffix = (m.group(2) or "").lower()
    amount *= {"": 1, "k": 1000, "w": 10000, "万": 10000}[suffix]
    if amount <= 0:
        raise FieldError("field.amount_not_positive", field="amount", value=raw)
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError("field.amount_precision", field="amount", value=raw)
    minor = int(amount * 100)
    if minor >= MAX_AMOUNT_MINOR:
        raise FieldError("field.amount_too_large", field="amount", value=raw)
    return minor


def segment(value: str | None) -> str | None:
    """Return a known age bracket / company size code, or None if blank."""
    if not value:
        return None
    if value not in SEGMENTS:
        raise FieldError("field.segment_unknown", field="segment", value=value)
    return value


def customer_status(value: str | None) -> CustomerStatus:
    """Return a customer status, `lead` when blank."""
    if not value:
        return CustomerStatus.LEAD
    try:
        return CustomerStatus(value)
    except ValueError:
        raise FieldError("field.status_unknown", field="status", value=value) from None


_REL_DAYS = re.compile(r"^\+(\d{1,3})d$")


def followup_date(value: str | None, today: date) -> date | None:
    """Parse a follow-up date (`2026-12-01`, `tomorrow`, `+3d`); refuse one in the past."""
    raw = clean_text(value).casefold()
    if not raw:
        return None
    if raw in ("today", "今天"):
        day = today
    elif raw in ("tomorrow", "明天"):
        day = today + timedelta(days=1)
    elif m := _REL_DAYS.match(raw):
        day = today + timedelta(days=int(m.group(1)))
    else:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise FieldError("field.date_invalid", field="next", value=value) from None
    return future_date(day, today)


def future_date(day: date, today: date) -> date:
    """Refuse a follow-up date before today or more than two years ahead."""
    if day < today:
        raise FieldError("field.date_past", field="next", value=day.isoformat())
    if day > today + timedelta(days=731):
        raise FieldError("field.date_far", field="next", value=day.isoformat())
    return day


def occurred_at(value: datetime, now: datetime) -> datetime:
    """Refuse a touch time in the future (a minute of clock skew is tolerated)."""
    if value > now + timedelta(minutes=1):
        raise FieldError("field.when_future", field="when")
    if value < now - timedelta(days=366):
        raise FieldError("field.when_too_old", field="when")
    return value


def rating(value: str | None) -> tuple[int | None, int | None]:
    """Parse `csat:4` or `nps:9` into (csat, nps)."""
    raw = clean_text(value).casefold().replace(" ", "")
    if not raw:
        return None, None
    m = re.match(r"^(csat|nps)[:=]?(\d{1,2})$", raw)
    if not m:
        raise FieldError("field.rating_invalid", field="rating", value=value)
    scale, score = m.group(1), int(m.group(2))
    if scale == "csat":
        if not 1 <= score <= 5:
            raise FieldError("field.rating_invalid", field="rating", value=value)
        return score, None
    if not 0 <= score <= 10:
        raise FieldError("field.rating_invalid", field="rating", value=value)
    return None, score
