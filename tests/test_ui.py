"""Block Kit builders stay inside Slack's limits and escape what users type."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.fakeslack.blockkit import message_problems, view_problems
from handlers.ui.home import home_view
from handlers.ui.i18n import CATALOGUES, EN, ZH, t
from handlers.ui.messages import customer_list, followup_list, touch_logged
from handlers.ui.modals import TouchPrefill, customer_modal, touch_modal
from storage.customers import CustomerView
from storage.followups import FollowupList, FollowupView
from storage.touches import LoggedTouch, TouchView

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def _touch(i: int, note: str = "note") -> TouchView:
    return TouchView(
        i,
        1,
        f"<Customer {i}> & co",
        "order",
        NOW - timedelta(hours=i),
        note,
        1_234_500,
        "CNY",
        None,
        None,
        TODAY + timedelta(days=1),
    )


def _followups(n: int) -> FollowupList:
    items = [
        FollowupView(
            i + 1,  # ids start at 1, as in the database
            i + 1,
            f"Customer {i}",
            TODAY + timedelta(days=i - 5),
            TODAY + timedelta(days=i - 5),
            0,
            "open",
        )
        for i in range(n)
    ]
    return FollowupList(items, n)


def test_catalogues_have_the_same_keys_and_placeholders():
    assert set(EN) == set(ZH)
    import string

    for key in EN:
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(c[key]) if f} for c in CATALOGUES.values()
        ]
        assert fields[0] == fields[1], key


def test_modal_titles_fit_slacks_24_characters():
    for locale in CATALOGUES:
        for key in ("modal.touch", "modal.customer", "modal.touch_done", "modal.customer_done"):
            assert len(t(locale, key)) <= 24


def test_modals_are_valid_in_both_languages():
    customer = CustomerView(1, "Acme", "", None, None, None, "lead", 1, "U1")
    for locale in CATALOGUES:
        assert (
            view_problems(
                touch_modal(locale, NOW, TouchPrefill(customer=customer, note="x" * 5000), "{}")
            )
            == []
        )
        assert view_problems(customer_modal(locale, "n" * 500, "{}")) == []


def test_many_followups_stay_within_message_and_home_limits():
    for n in (0, 1, 16, 500):
        msg = followup_list("en", _followups(n), TODAY)
        assert message_problems(msg) == [], n
        home = home_view(
            "zh", "Asia/Shanghai", TODAY, _followups(n), [_touch(i) for i in range(50)]
        )
        assert view_problems(home) == [], n
    assert "…and 485 more." in str(followup_list("en", _followups(500), TODAY))


def test_user_text_is_escaped_and_long_notes_are_clipped():
    msg = touch_logged(
        "en", "Asia/Shanghai", LoggedTouch(_touch(1, "<!channel> " + "y" * 4000), created=True)
    )
    assert message_problems(msg) == []
    text = str(msg["blocks"])
    assert "&lt;Customer 1&gt; &amp; co" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_order_confirmation_shows_money_and_date_per_locale():
    logged = LoggedTouch(_touch(0), created=True)
    assert "CN¥12,345.00" in str(touch_logged("en", "Asia/Shanghai", logged))
    zh = str(touch_logged("zh", "Asia/Shanghai", logged))
    assert "¥12,345.00" in zh and "订单" in zh and "11月23日 14:00" in zh


def test_customer_list_offers_registration_when_nothing_matches():
    msg = customer_list("en", "initech", [], viewer_id=1)
    assert "Register “initech”" in str(msg)


def test_every_error_code_and_field_in_the_code_has_words_in_both_languages():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sources = "\n".join(
        p.read_text() for d in ("storage", "handlers", "bot") for p in (root / d).rglob("*.py")
    )
    codes = set(re.findall(r'"((?:field|error)\.[a-z_]+)"', sources))
    fields = set(re.findall(r'field="([a-z_]+)"', sources))
    fields |= set(re.findall(r'\.add\("[a-z_.]+", "([a-z_]+)"', sources))
    assert codes and fields
    for catalogue in CATALOGUES.values():
        assert sorted(c for c in codes if c not in catalogue) == []
        assert sorted(f for f in fields if f"label.{f}" not in catalogue) == []
