"""Pure parsers: phone numbers, amounts, dates, kinds, ratings and the quick text forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from handlers.quick import parse_customer, parse_touch
from storage import fields
from storage.errors import FieldError

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+86 138 0013 8000", "CN", "+8613800138000"),
        ("13800138000", "CN", "+8613800138000"),
        ("138-0013-8000", "CN", "+8613800138000"),
        ("010 6552 9988", "CN", "+861065529988"),
        ("(415) 555-0100", "US", "+14155550100"),
        ("+44 20 7946 0958", "CN", "+442079460958"),
        ("", "CN", None),
    ],
)
def test_phones_normalise_to_e164(raw, region, e164):
    assert fields.phone_e164(raw, region) == e164


@pytest.mark.parametrize("raw", ["12345", "phone", "+86 123", "1380013800012345"])
def test_non_phones_are_refused_naming_the_field(raw):
    with pytest.raises(FieldError) as e:
        fields.phone_e164(raw, "CN")
    assert (e.value.code, e.value.field) == ("field.phone_invalid", "phone")


@pytest.mark.parametrize(
    ("raw", "minor"),
    [
        ("12000", 1_200_000),
        ("12,000.50", 1_200_050),
        ("¥1.2w", 1_200_000),
        ("15k", 1_500_000),
        ("0.01", 1),
        ("3万", 3_000_000),
    ],
)
def test_amounts(raw, minor):
    assert fields.amount_minor(raw, required=True) == minor


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-5", "field.amount_not_positive"),
        ("0", "field.amount_not_positive"),
        ("abc", "field.amount_invalid"),
        ("1.234", "field.amount_precision"),
        ("", "field.amount_required"),
        ("1e12", "field.amount_invalid"),
        ("999999999999", "field.amount_too_large"),
    ],
)
def test_bad_amounts(raw, code):
    with pytest.raises(FieldError) as e:
        fields.amount_minor(raw, required=True)
    assert e.value.code == code and e.value.field == "amount"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("today", TODAY),
        ("tomorrow", date(2026, 11, 24)),
        ("+3d", date(2026, 11, 26)),
        ("明天", date(2026, 11, 24)),
        ("", None),
    ],
)
def test_followup_dates(raw, expected):
    assert fields.followup_date(raw, TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2026-11-22", "field.date_past"),
        ("2030-01-01", "field.date_far"),
        ("next week", "field.date_invalid"),
        ("2026-02-30", "field.date_invalid"),
    ],
)
def test_bad_followup_dates(raw, code):
    with pytest.raises(FieldError) as e:
        fields.followup_date(raw, TODAY)
    assert e.value.code == code and e.value.field == "next"


def test_touch_time_cannot_be_in_the_future_or_over_a_year_old():
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert fields.occurred_at(now + timedelta(seconds=30), now)  # clock skew is tolerated
    for when, code in (
        (now + timedelta(hours=1), "field.when_future"),
        (now - timedelta(days=400), "field.when_too_old"),
    ):
        with pytest.raises(FieldError) as e:
            fields.occurred_at(when, now)
        assert e.value.code == code


def test_kinds_in_english_and_chinese():
    assert fields.touch_kind("Call") == "call"
    assert fields.touch_kind("订单") == "order"
    with pytest.raises(FieldError) as e:
        fields.touch_kind("dance")
    assert "satisfaction" in e.value.params["kinds"]


def test_ratings():
    assert fields.rating("csat:4") == (4, None)
    assert fields.rating("NPS 0") == (None, 0)
    for bad in ("csat:0", "csat:6", "nps:11", "stars:5"):
        with pytest.raises(FieldError):
            fields.rating(bad)


def test_match_key_ignores_case_width_and_spacing():
    assert fields.match_key("  ACME   Ltd ") == fields.match_key("acme ltd")
    assert fields.match_key("ＡＣＭＥ") == "acme"


def test_touch_quick_text():
    t = parse_touch("acme ltd order 12,000 annual renewal signed next:2026-12-01")
    assert (t.customer_query, t.kind, t.amount, t.note, t.next_followup) == (
        "acme ltd",
        "order",
        "12,000",
        "annual renewal signed",
        "2026-12-01",
    )
    t = parse_touch('"call center" call asked about csat nps:9')
    assert (t.customer_query, t.kind, t.rating, t.note) == (
        "call center",
        "call",
        "nps:9",
        "asked about csat",
    )
    t = parse_touch("acme call 3 times")
    assert t.amount is None and t.note == "3 times"  # only orders take an amount
    t = parse_touch("acme dance")
    assert (t.customer_query, t.kind) == ("acme", "dance")


def test_customer_quick_text():
    c = parse_customer("add Acme Ltd, Li Wei, +86 138 0013 8000")
    assert (c.action, c.draft.name, c.draft.company, c.draft.phone) == (
        "add",
        "Acme Ltd",
        "Li Wei",
        "+86 138 0013 8000",
    )
    c = parse_customer("add 王芳，13900139000，华为，采购")
    assert (c.draft.name, c.draft.company, c.draft.phone, c.draft.occupation) == (
        "王芳",
        "华为",
        "13900139000",
        "采购",
    )
    assert parse_customer("").action == "form"
    assert parse_customer("acme") == parse_customer("find acme")
