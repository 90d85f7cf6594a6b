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
    assert fields.match_key("ＡＣＭＥ") == fields.match_key("acme")


@pytest.mark.parametrize(
    "look_alike",
    [
        "Acme Ltd\u200b",  # zero-width space
        "\ufeffAcme Ltd",  # byte-order mark
        "Ac\u00adme Ltd",  # soft hyphen
        "Ac\u200dme Ltd",  # zero-width joiner
        "\u0410cme Ltd",  # Cyrillic А
        "Acm\u0435 Ltd",  # Cyrillic е
        "ACME L\u0422D",  # Cyrillic capital Т
        "\u0391cme Ltd",  # Greek capital Alpha
        "ACME LTD",
        "Ａｃｍｅ Ｌｔｄ",  # full width
        "Acme\u00a0Ltd",  # no-break space
        "Acme \u2060 Ltd",  # word joiner between spaces
    ],
)
def test_look_alike_names_share_one_key(look_alike):
    assert fields.match_key(look_alike) == fields.match_key("Acme Ltd")


def test_different_names_keep_different_keys():
    keys = {fields.match_key(n) for n in ("Acme Ltd", "Acme Lab", "Acne Ltd", "王芳", "王方")}
    assert len(keys) == 5


@pytest.mark.parametrize(
    ("raw", "minor"),
    [("１２３", 12_300), ("￥１２，０００", 1_200_000), ("１.５ｋ", 150_000)],
)
def test_full_width_digits_are_read_as_digits(raw, minor):
    assert fields.amount_minor(raw, required=True) == minor


@pytest.mark.parametrize("raw", ["١٢٣", "१२३", "1٢3", "๑๒๓"])
def test_digits_of_other_scripts_are_refused_naming_the_field(raw):
    with pytest.raises(FieldError) as e:
        fields.amount_minor(raw, required=True)
    assert (e.value.code, e.value.field) == ("field.digits_ascii", "amount")
    with pytest.raises(FieldError) as e:
        fields.rating(f"csat:{raw[1]}")
    assert (e.value.code, e.value.field) == ("field.digits_ascii", "rating")


@pytest.mark.parametrize("raw", ["1" * 24, "9" * 40, "1" + "0" * 30 + ".5", "100000000000"])
def test_huge_amounts_are_refused_not_crashed_on(raw):
    with pytest.raises(FieldError) as e:
        fields.amount_minor(raw, required=True)
    assert (e.value.code, e.value.field) == ("field.amount_too_large", "amount")


@pytest.mark.parametrize("bad", ["a\x00b", "x\x07", "\ud800", "tab\x1bescape"])
def test_control_characters_are_refused_in_every_text_field(bad):
    for parse in (
        lambda: fields.note_text(bad),
        lambda: fields.name_text("name", bad, 120, required=True),
        lambda: fields.bounded_text("occupation", bad, 80),
    ):
        with pytest.raises(FieldError) as e:
            parse()
        assert e.value.code == "field.control_chars"
    assert fields.note_text("line one\nline two\ttab") == "line one\nline two\ttab"


@pytest.mark.parametrize("bad", ["12", "  ", "\u200b", "+86 138", "--", "١٢"])
def test_a_name_must_hold_a_letter(bad):
    with pytest.raises(FieldError) as e:
        fields.name_text("name", bad, 120, required=True)
    assert e.value.field == "name" and e.value.code in ("field.needs_letter", "field.required")


def test_names_with_letters_in_any_script_pass():
    for name in ("3M", "7-Eleven", "王芳", "Ёлка", "O'Brien & Sons"):
        assert fields.name_text("name", name, 120, required=True) == name


@pytest.mark.parametrize(
    "raw", ["0", "-1", "abc", str(2**31), "9" * 40, "", None, "١", "0000000000019999999999", " 1"]
)
def test_ids_outside_32_bits_are_refused(raw):
    with pytest.raises(FieldError) as e:
        fields.record_id("customer", raw)
    assert (e.value.code, e.value.field) == ("field.pick_from_list", "customer")
    assert fields.record_id("customer", str(2**31 - 1)) == 2**31 - 1


def test_a_phone_with_an_extension_is_refused_naming_the_field():
    with pytest.raises(FieldError) as e:
        fields.phone_e164("+1 415 555 0100 ext. 12", "US")
    assert (e.value.code, e.value.field) == ("field.phone_extension", "phone")


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
    c = parse_customer("add 王芳，华为，13900139000，采购")
    assert (c.draft.name, c.draft.company, c.draft.phone, c.draft.occupation) == (
        "王芳",
        "华为",
        "13900139000",
        "采购",
    )
    assert parse_customer("").action == "form"
    assert parse_customer("acme") == parse_customer("find acme")


@pytest.mark.parametrize(
    ("text", "fields_read"),
    [
        (", , 12", (None, None, "12", None)),
        ("Kilo Co, Bai Yu, notaphone", ("Kilo Co", "Bai Yu", "notaphone", None)),
        ("Kilo Co, , 13800138000", ("Kilo Co", None, "13800138000", None)),
        ("Kilo Co", ("Kilo Co", None, None, None)),
        (
            "Kilo Co, Bai Yu, 13800138000, IT, software",
            ("Kilo Co", "Bai Yu", "13800138000", "IT, software"),
        ),
        ("Kilo Co, 13800138000", ("Kilo Co", "13800138000", None, None)),
    ],
)
def test_customer_quick_add_reads_fields_by_position(text, fields_read):
    d = parse_customer(f"add {text}").draft
    assert (d.name, d.company, d.phone, d.occupation) == fields_read


def test_a_long_touch_line_is_read_in_bounded_work():
    from handlers.quick import MAX_READINGS, touch_readings

    readings = touch_readings("acme " + "call " * 400)
    assert len(readings) <= MAX_READINGS
    with pytest.raises(FieldError) as e:
        touch_readings("acme " + "call " * 4000)
    assert (e.value.code, e.value.field) == ("field.line_too_long", "note")
    # A kind word past the longest possible name is never tried as the end of a name.
    readings = touch_readings("x" * 130 + " call order 5")
    assert readings[0].kind is None or readings[0].customer_query == "x" * 130
