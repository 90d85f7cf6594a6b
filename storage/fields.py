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

from storage import lookalike
from storage.errors import FieldError, FieldErrors
from storage.vocab import (
    KIND_ALIASES,
    MAX_AMOUNT_INPUT,
    MAX_AMOUNT_MINOR,
    MAX_ID,
    MAX_NOTE,
    MAX_PHONE_INPUT,
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


# Characters no database column should hold and no person types: C0/C1 controls (NUL among
# them; PostgreSQL refuses it in text) and lone surrogates (not encodable as UTF-8).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def without_controls(value: str) -> str:
    """Drop what no field can store (for text copied from elsewhere, such as a message)."""
    return _UNSTORABLE.sub("", value)


def is_storable(value: str) -> bool:
    """Tell whether text holds nothing a column could not store."""
    return not _UNSTORABLE.search(value)


def storable(field: str, value: str) -> str:
    """Refuse text holding control characters or lone surrogates, naming the field."""
    if not is_storable(value):
        raise FieldError("field.control_chars", field=field)
    return value


# UTS #39 (Unicode Security Mechanisms), from ICU's data: the skeleton maps look-alikes
# (Cyrillic А, Greek Ο, "rn" for "m"…) onto one form and drops default-ignorable characters.
_IGNORABLE = lookalike.ignorable()


# Characters that render as an empty space although Unicode does not call them spaces
# (Hangul fillers, the Braille blank, Khmer and Mongolian invisibles): read as a space.
_BLANKS = re.compile("[\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0\U00016fe4\U0001d159]")
# More combining marks on one letter than any script writes: text stacked over its
# neighbours ("zalgo"), which can hide what a name says.
MAX_MARKS_PER_LETTER = 4
# Bidirectional controls (marks, embeddings, overrides, isolates) reorder what is around
# them, so a name typed backwards displays as another ("\u202edtL emcA" shows as "Acme Ltd",
# "Shop \u200f1 2" as "Shop 2 1").
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible_text(value: str | None) -> str:
    """Clean text as it shows: blank-looking characters are spaces, invisible ones (zero-width
    spaces, joiners, soft hyphens, BOMs…) are gone."""
    return clean_text(_IGNORABLE.sub("", _BLANKS.sub(" ", value or "")))


def match_key(value: str) -> str:
    """The key that names compare on: equal for look-alikes, whatever their case or width.

    Compatibility normalisation (NFKC: full width, ligatures), invisible characters removed,
    case folded, and the UTS #39 confusables skeleton, so `Аcme Ltd` (Cyrillic А) and
    `Acme\u200bLtd` key like `acme ltd`. The display name is kept as typed.
    """
    # The skeleton is case-sensitive (Cyrillic Т looks like T, its т like ᴛ), so it is taken
    # before folding the case, and again after, so that ACME and Acme meet too.
    text = unicodedata.normalize("NFKC", visible_text(value))
    folded = lookalike.skeleton(text).casefold()
    return lookalike.skeleton(folded).casefold()


def has_letter(value: str) -> bool:
    """Tell whether text holds at least one letter (of any script)."""
    return any(unicodedata.category(ch).startswith("L") for ch in value)


def _stacked_marks(text: str) -> int:
    """The longest run of combining marks on one character."""
    longest = run = 0
    for ch in unicodedata.normalize("NFD", text):
        run = run + 1 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 0
        longest = max(longest, run)
    return longest


def name_text(field: str, value: str | None, max_len: int, *, required: bool) -> str:
    """A name (customer, company, team): bounded, storable, and holding a letter."""
    text = bounded_text(field, value, max_len)
    if _BIDI_CONTROLS.search(text):
        raise FieldError("field.bidi_controls", field=field)
    if _stacked_marks(text) > MAX_MARKS_PER_LETTER:
        raise FieldError("field.stacked_marks", field=field)
    if not visible_text(text):
        if required:
            raise FieldError("field.required", field=field)
        return ""
    if not has_letter(text):
        raise FieldError("field.needs_letter", field=field, value=text)
    return text


def required_text(field: str, value: str | None, max_len: int) -> str:
    """Return cleaned text, refusing it when empty or over `max_len` characters."""
    text = clean_text(value)
    if not text:
        raise FieldError("field.required", field=field)
    return bounded_text(field, text, max_len)


def bounded_text(field: str, value: str | None, max_len: int) -> str:
    """Return cleaned text, refusing it when over `max_len` characters or unstorable."""
    text = clean_text(value)
    if len(text) > max_len:
        raise FieldError("field.too_long", field=field, max=max_len, length=len(text))
    return storable(field, text)


def query_text(field: str, value: str | None, max_len: int) -> str:
    """A typed search (a name or company prefix): bounded like the names it looks for."""
    return bounded_text(field, value, max_len)


def note_text(value: str | None) -> str:
    """Return a note with its line breaks kept, refusing it when too long."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if len(text) > MAX_NOTE:
        raise FieldError("field.too_long", field="note", max=MAX_NOTE, length=len(text))
    return storable("note", text)


_FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")


def ascii_digits(field: str, raw: str) -> str:
    """Read full-width digits (`１２３`, as Chinese input methods type them) as 0–9; refuse
    any other digit-like character (`١٢٣`, `²`, `③`) rather than guess what a number means."""
    for ch in raw:
        if (
            not ch.isascii()
            and ch not in _FULL_WIDTH_DIGITS
            and (ch.isdigit() or unicodedata.normalize("NFKC", ch).isdigit())
        ):
            raise FieldError("field.digits_ascii", field=field, value=raw)
    return unicodedata.normalize("NFKC", raw)


def phone_e164(value: str | None, region: str) -> str | None:
    """Parse a phone number in `region`'s conventions and return it in E.164, or None if blank."""
    raw = bounded_text("phone", value, MAX_PHONE_INPUT)
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise FieldError("field.phone_invalid", field="phone", value=raw) from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError("field.phone_invalid", field="phone", value=raw)
    if number.extension:
        # E.164 has no extension, and two extensions of one switchboard are one number here.
        raise FieldError("field.phone_extension", field="phone", value=raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """Format an E.164 number for display."""
    if not e164:
        return ""
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def record_id(field: str, value: object) -> int:
    """An id a picker or button carries: a positive 32-bit integer, else "pick from the list"."""
    text = str(value if value is not None else "")
    if (
        not (text.isascii() and text.isdigit() and len(text) <= 10)
        or text.startswith("0")
        or not 0 < int(text) <= MAX_ID
    ):
        raise FieldError("field.pick_from_list", field=field)
    return int(text)


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


# Commas only between thousands ("12,000.50"); "1,5" is refused, not read as 15.
_AMOUNT = re.compile(
    r"^([¥$€£]?)\s*(-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]*)?)\s*(k|w|万)?$",
    re.IGNORECASE,
)
# What an amount may be typed with: ASCII, full-width digits and punctuation, the signs, 万.
# Anything else (a superscript ʷ, the Kelvin sign K) is refused, not folded into a multiplier.
_AMOUNT_CHARS = frozenset("0123456789,.-+ kKwW¥$€£万０１２３４５６７８９，．￥ｋＫｗＷ")
# The sign each currency is written with; a different one is another currency, refused.
CURRENCY_SIGNS = {"CNY": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


def amount_minor(value: str | None, *, required: bool, currency: str = "CNY") -> int | None:
    """Parse a positive money amount (e.g. `12000`, `12,000.50`, `¥1.2w`) into minor units."""
    raw = clean_text(value)
    if not raw:
        if required:
            raise FieldError("field.amount_required", field="amount")
        return None
    if len(raw) > MAX_AMOUNT_INPUT:
        raise FieldError(
            "field.amount_too_large", field="amount", value=raw[:MAX_AMOUNT_INPUT] + "…"
        )
    text = ascii_digits("amount", raw)
    if any(ch not in _AMOUNT_CHARS for ch in raw):
        raise FieldError("field.amount_invalid", field="amount", value=raw)
    # NFKC reads full-width ￥ and ，as ¥ and , too.
    m = _AMOUNT.match(text.replace("，", ","))
    if not m or not re.search(r"[0-9]", m.group(2)):
        raise FieldError("field.amount_invalid", field="amount", value=raw)
    if m.group(1) and m.group(1) != CURRENCY_SIGNS.get(currency, m.group(1)):
        raise FieldError("field.amount_currency", field="amount", value=raw, currency=currency)
    try:
        amount = Decimal(m.group(2).replace(",", ""))
    except InvalidOperation:
        raise FieldError("field.amount_invalid", field="amount", value=raw) from None
    suffix = (m.group(3) or "").lower()
    amount *= {"": 1, "k": 1000, "w": 10000, "万": 10000}[suffix]
    if amount <= 0:
        raise FieldError("field.amount_not_positive", field="amount", value=raw)
    if amount * 100 >= MAX_AMOUNT_MINOR:
        raise FieldError("field.amount_too_large", field="amount", value=raw)
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError("field.amount_precision", field="amount", value=raw)
    return int(amount * 100)


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


_REL_DAYS = re.compile(r"^\+([0-9]{1,3})d$")


def followup_date(value: str | None, today: date) -> date | None:
    """Parse a follow-up date (`2026-12-01`, `tomorrow`, `+3d`); refuse one in the past."""
    raw = clean_text(value).casefold()
    if not raw:
        return None
    raw = ascii_digits("next", raw)
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
    m = re.match(r"^(csat|nps)[:=]?([0-9]{1,2})$", ascii_digits("rating", raw))
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
