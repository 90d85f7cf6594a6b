"""Every refusal names the field and the fix, and leaves the database exactly as it was."""

from __future__ import annotations

import logging
import re
import time

import pytest
from sqlalchemy import select

from bot.fakeslack.driver import render_text
from handlers.ids import Action, Command
from storage.models import Customer, Followup, Member, Touch
from tests.helpers import all_rows, count, days, scalars

KINDS = "call, visit, email, message, meeting, order, inquiry, response, complaint, satisfaction"


@pytest.mark.parametrize(
    ("user", "command", "text", "expected"),
    [
        (
            "U0ALICE",
            Command.TOUCH,
            "acme dance all night",
            f"“dance” is not a kind of touch. Use one of: {KINDS}.",
        ),
        ("U0ALICE", Command.TOUCH, "acme", "Say what kind of touch it was"),
        (
            "U0ALICE",
            Command.TOUCH,
            "acme call x next:2020-01-01",
            "Next follow-up: 2020-01-01 is in the past",
        ),
        (
            "U0ALICE",
            Command.TOUCH,
            "acme call x next:someday",
            "Next follow-up: “someday” is not a date. Use YYYY-MM-DD",
        ),
        (
            "U0ALICE",
            Command.TOUCH,
            "acme order -500 refund",
            "Amount (orders) must be more than zero",
        ),
        ("U0ALICE", Command.TOUCH, "acme order lots of money", "“lots” is not an amount"),
        ("U0ALICE", Command.TOUCH, "acme order", "An order needs its amount"),
        ("U0ALICE", Command.TOUCH, "call discussed renewal", "Say which customer"),
        ("U0ALICE", Command.TOUCH, "acme order 12.345 x", "at most two decimals"),
        ("U0ALICE", Command.TOUCH, "acme satisfaction happy", "needs the customer's rating"),
        ("U0ALICE", Command.TOUCH, "acme satisfaction csat:9", "“csat:9” is not a rating"),
        (
            "U0ALICE",
            Command.TOUCH,
            "acme call " + "x" * 2100,
            "Note is 2100 characters long; keep it to 2000",
        ),
        ("U0BOB", Command.TOUCH, "acme call hi", "*Acme Ltd* belongs to <@U0ALICE>"),
        ("U0ALICE", Command.CUSTOMER, "add , 13900139000", "Name is required"),
        (
            "U0ALICE",
            Command.CUSTOMER,
            "add Initech, 12345",
            "Company: “12345” has no letters. Type the name itself; if you meant a phone number, "
            "it goes third",
        ),
        ("U0ALICE", Command.CUSTOMER, "add Initech, , 12345", "Phone: “12345” is not a phone"),
        (
            "U0ALICE",
            Command.CUSTOMER,
            "add " + "N" * 121,
            "Name is 121 characters long; keep it to 120",
        ),
        (
            "U0BOB",
            Command.CUSTOMER,
            "add Acme Two, , +86 138-0013-8000",
            "with phone +86 138 0013 8000, and belongs to <@U0ALICE>",
        ),
        (
            "U0BOB",
            Command.CUSTOMER,
            "add ACME  ltd, li wei",
            "*Acme Ltd* is already registered, and belongs to <@U0ALICE>",
        ),
    ],
)
async def test_quick_text_refusals_change_nothing(stack, acme, user, command, text, expected):
    before = await all_rows(stack.db)
    r = await stack.slack.command(user, command, text)
    assert r.status == 200
    assert r.json["response_type"] == "ephemeral"
    assert expected in r.message_text
    assert await all_rows(stack.db) == before


async def test_bad_touch_text_offers_usage_and_a_prefilled_form(stack, acme):
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "acme call renewal next:2020-01-01")
    assert "Usage: `/touch <customer> <kind>" in r.message_text
    await stack.slack.click("U0ALICE", r.json["blocks"], Action.OPEN_TOUCH_FORM)
    [opened] = await stack.fake.wait_for("views.open")
    blocks = {b["block_id"]: b["element"] for b in opened.args["view"]["blocks"]}
    assert blocks["customer"]["initial_option"]["value"] == str(acme.id)
    assert blocks["kind"]["initial_option"]["value"] == "call"
    assert blocks["note"]["initial_value"] == "renewal"
    assert "initial_date" not in blocks["next"]  # the past date is not carried over


async def _open_touch_modal(stack, user="U0ALICE"):
    await stack.slack.command(user, Command.TOUCH, "")
    calls = await stack.fake.wait_for("views.open")
    return calls[-1].response["view"]


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"kind": "call", "amount": "500"}, {"amount": "An amount goes with an order only"}),
        ({"kind": "order", "amount": "abc"}, {"amount": "“abc” is not an amount"}),
        ({"kind": "order"}, {"amount": "An order needs its amount"}),
        ({"kind": "satisfaction"}, {"rating": "needs the customer's rating"}),
        ({"kind": "call", "rating": "nps:9"}, {"rating": "goes with a satisfaction survey only"}),
        ({"kind": "call", "next": "2020-01-01"}, {"next": "is in the past"}),
        ({"kind": "call", "when": int(time.time()) + 86400}, {"when": "cannot be in the future"}),
        ({"kind": "call", "note": "n" * 2001}, {"note": "keep it to 2000"}),
        (
            {"kind": "call", "amount": "-1", "next": "2020-01-01"},
            {"amount": "An amount goes with", "next": "in the past"},
        ),
    ],
)
async def test_touch_modal_field_errors_change_nothing(stack, acme, values, errors):
    view = await _open_touch_modal(stack)
    before = await all_rows(stack.db)
    r = await stack.slack.submit("U0ALICE", view["id"], {"customer": str(acme.id), **values})
    assert r.status == 200
    assert r.json["response_action"] == "errors"
    assert set(r.json["errors"]) == set(errors)
    for block, text in errors.items():
        assert text in r.json["errors"][block]
    assert await all_rows(stack.db) == before


async def test_touch_modal_refuses_someone_elses_customer(stack, acme):
    view = await _open_touch_modal(stack, "U0BOB")
    before = await all_rows(stack.db)
    r = await stack.slack.submit("U0BOB", view["id"], {"customer": str(acme.id), "kind": "call"})
    assert "belongs to <@U0ALICE>" in r.json["errors"]["customer"]
    assert await all_rows(stack.db) == before


async def test_customer_modal_errors_name_the_field(stack, acme):
    await stack.slack.command("U0BOB", Command.CUSTOMER, "")
    [opened] = await stack.fake.wait_for("views.open")
    view_id = opened.response["view"]["id"]
    before = await all_rows(stack.db)
    r = await stack.slack.submit("U0BOB", view_id, {"name": "Globex", "phone": "not a phone"})
    assert "“not a phone” is not a phone number" in r.json["errors"]["phone"]
    r = await stack.slack.submit("U0BOB", view_id, {"name": "Other", "phone": "+8613800138000"})
    assert "belongs to <@U0ALICE>" in r.json["errors"]["phone"]
    r = await stack.slack.submit("U0BOB", view_id, {"name": "   "})
    assert r.json["errors"] == {"name": "Name is required."}
    assert await all_rows(stack.db) == before


async def test_a_command_delivered_twice_logs_once(stack, acme):
    # Slack does not retry slash commands, but a proxy or a replay can deliver one twice.
    trigger = stack.fake.issue_trigger()
    first = await stack.slack.command("U0ALICE", Command.TOUCH, "acme call hi", trigger_id=trigger)
    again = await stack.slack.command(
        "U0ALICE",
        Command.TOUCH,
        "acme call hi",
        trigger_id=trigger,
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert "Logged: call" in first.message_text
    assert "This touch was already logged" in again.message_text
    assert await count(stack.db, Touch) == 1
    trigger = stack.fake.issue_trigger()
    replies = [
        await stack.slack.command("U0ALICE", Command.CUSTOMER, "add Globex", trigger_id=trigger)
        for _ in range(2)
    ]
    assert "Registered *Globex*" in replies[0].message_text
    assert "This customer was already registered by you" in replies[1].message_text
    assert await count(stack.db, Customer) == 2


async def test_a_retried_event_delivery_is_answered_once_more_harmlessly(stack, acme):
    await stack.slack.open_home("U0ALICE")
    r = await stack.slack.event(
        {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0HOME", "tab": "home"},
        retry=1,
    )
    assert r.status == 200
    calls = await stack.fake.wait_for("views.publish", 2)
    assert calls[0].args["view"] == calls[1].args["view"]  # republishing is idempotent
    assert await count(stack.db, Touch) == 0


async def test_modal_submitted_twice_creates_one_record(stack, acme):
    view = await _open_touch_modal(stack)
    values = {
        "customer": str(acme.id),
        "kind": "order",
        "amount": "1,500.50",
        "next": days(2).isoformat(),
    }
    a = await stack.slack.submit("U0ALICE", view["id"], values)
    b = await stack.slack.submit("U0ALICE", view["id"], values)
    assert a.json["response_action"] == b.json["response_action"] == "update"
    [touch] = await scalars(stack.db, select(Touch))
    assert touch.amount_minor == 150_050
    assert await count(stack.db, Followup) == 1


async def test_double_clicked_snooze_snoozes_once(stack, acme):
    await stack.slack.command("U0ALICE", Command.TOUCH, f"acme call x next:{days(1)}")
    r = await stack.slack.command("U0ALICE", Command.FOLLOWUP)
    await stack.slack.click("U0ALICE", r.json["blocks"], Action.FOLLOWUP_SNOOZE)
    await stack.slack.click("U0ALICE", r.json["blocks"], Action.FOLLOWUP_SNOOZE)
    await stack.fake.wait_posted(2)
    [f] = await scalars(stack.db, select(Followup))
    assert (f.snoozed_to, f.snooze_count) == (days(2), 1)


@pytest.mark.parametrize("forgery", ["bad signature", "stale", "other secret"])
async def test_forged_or_stale_requests_get_401(stack, forgery):
    body = "command=%2Ftouch&text=acme+call&user_id=U0ALICE&team_id=T0TEAM&trigger_id=1"
    ts = int(time.time())
    if forgery == "bad signature":
        r = await stack.slack.send(body, "application/x-www-form-urlencoded", signature="v0=00")
    elif forgery == "stale":
        r = await stack.slack.send(body, "application/x-www-form-urlencoded", timestamp=ts - 600)
    else:
        sig = stack.slack.sign(body, ts, secret="not-the-secret")
        r = await stack.slack.send(
            body, "application/x-www-form-urlencoded", timestamp=ts, signature=sig
        )
    assert r.status == 401
    assert stack.fake.calls == []
    assert all(rows == [] for rows in (await all_rows(stack.db)).values())


async def test_unexpected_error_shows_a_reference_and_logs_the_traceback(
    stack, acme, monkeypatch, caplog
):
    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("handlers.touches.log_touch", broken)
    with caplog.at_level(logging.ERROR, logger="crmpay.handlers"):
        r = await stack.slack.command("U0ALICE", Command.TOUCH, "acme call hi")
    assert r.status == 200
    ref = re.search(r"reference: `([0-9a-f]{8})`", r.message_text).group(1)
    assert "database on fire" not in r.message_text
    [record] = [rec for rec in caplog.records if ref in rec.getMessage()]
    assert record.exc_info and "database on fire" in str(record.exc_info[1])


async def test_failure_after_ack_still_tells_the_user(stack, acme):
    stack.expect_refusals = True
    stack.fake.fail_next("views.open", "internal_error")
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "")
    assert r.status == 200
    [posted] = await stack.fake.wait_posted()
    assert "give your admin this reference" in render_text(posted.payload)


async def test_a_slack_outage_on_first_contact_still_serves_the_rep(stack):
    stack.expect_refusals = True
    stack.fake.fail_next("users.info", "ratelimited")
    r = await stack.slack.command("U0LI", Command.CUSTOMER, "add Acme")
    assert r.status == 200
    assert "Registered *Acme*" in r.message_text  # the default language until Slack answers
    [member] = await scalars(stack.db, select(Member))
    assert (member.name, member.locale) == ("U0LI", "en")
    r = await stack.slack.command("U0LI", Command.CUSTOMER, "find acme")
    assert "以“acme”开头的客户" in r.message_text  # the profile was read on the next contact
    [member] = await scalars(stack.db, select(Member))
    assert (member.name, member.locale) == ("李伟", "zh")


async def test_long_or_quote_heavy_text_survives_the_which_customer_buttons(stack):
    await stack.slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd")
    await stack.slack.command("U0ALICE", Command.CUSTOMER, "add Acme Trading")
    note = ('he said "yes" ' * 120).strip()[:1900]
    r = await stack.slack.command("U0ALICE", Command.TOUCH, f"acme call {note} next:{days(2)}")
    await stack.slack.click("U0ALICE", r.json["blocks"], Action.CHOOSE_CUSTOMER, index=0)
    [posted] = await stack.fake.wait_posted()
    assert "Logged: call with *Acme Ltd*" in render_text(posted.payload)
    [touch] = await scalars(stack.db, select(Touch))
    assert touch.note == note and touch.next_followup_on == days(2)


async def test_many_matches_offer_the_form(stack):
    for i in range(7):
        await stack.slack.command("U0ALICE", Command.CUSTOMER, f"add Acme {i}")
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "acme call hi")
    assert "…and 2 more" in r.message_text
    assert r.message_text.count("This one") == 5
    await stack.slack.click("U0ALICE", r.json["blocks"], Action.OPEN_TOUCH_FORM)
    [opened] = await stack.fake.wait_for("views.open")
    kind = next(b for b in opened.args["view"]["blocks"] if b["block_id"] == "kind")
    assert kind["element"]["initial_option"]["value"] == "call"


async def test_a_name_holding_a_kind_word_is_read_as_the_customer(stack):
    await stack.slack.command("U0ALICE", Command.CUSTOMER, "add Acme Order Systems")
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "Acme Order Systems order 500")
    assert "Logged: order with *Acme Order Systems*" in r.message_text
    [touch] = await scalars(stack.db, select(Touch))
    assert touch.amount_minor == 50_000


async def test_the_same_message_is_logged_once(stack, acme):
    ts = f"{time.time() - 60:.6f}"
    views = []
    for _ in range(2):
        await stack.slack.message_shortcut("U0ALICE", "log_touch_from_message", "hi", ts=ts)
    for call in await stack.fake.wait_for("views.open", 2):
        views.append(call.response["view"]["id"])
    first = await stack.slack.submit(
        "U0ALICE", views[0], {"customer": str(acme.id), "kind": "message"}
    )
    assert first.json["response_action"] == "update"
    before = await all_rows(stack.db)
    second = await stack.slack.submit(
        "U0ALICE", views[1], {"customer": str(acme.id), "kind": "message"}
    )
    assert "You already logged this message as a touch with *Acme Ltd*" in str(second.json)
    assert await all_rows(stack.db) == before


async def test_slack_markup_in_a_message_becomes_plain_text(stack, acme):
    text = "Price &lt; 5k &amp; <@U0BOB> agreed, see <https://acme.test/q|the quote>"
    await stack.slack.message_shortcut("U0ALICE", "log_touch_from_message", text)
    [opened] = await stack.fake.wait_for("views.open")
    note = next(b for b in opened.args["view"]["blocks"] if b["block_id"] == "note")
    assert note["element"]["initial_value"] == (
        "Price < 5k & @U0BOB agreed, see the quote (https://acme.test/q)"
    )


async def test_a_late_touch_does_not_settle_a_follow_up_planned_after_it(stack, acme):
    await stack.slack.command("U0ALICE", Command.TOUCH, f"acme email sent deck next:{days(3)}")
    await stack.slack.message_shortcut(
        "U0ALICE", "log_touch_from_message", "old chat", ts=f"{time.time() - 5 * 86400:.6f}"
    )
    [opened] = await stack.fake.wait_for("views.open")
    r = await stack.slack.submit(
        "U0ALICE", opened.response["view"]["id"], {"customer": str(acme.id), "kind": "call"}
    )
    assert "Settled" not in render_text(r.json["view"])
    [f] = await scalars(stack.db, select(Followup))
    assert f.status == "open"


async def test_names_whose_match_key_outgrows_the_column_are_refused_on_every_database(stack):
    r = await stack.slack.command("U0ALICE", Command.CUSTOMER, "add " + "ß" * 120)
    assert "Registered" in r.message_text  # "ss" × 120 still fits
    r = await stack.slack.command("U0ALICE", Command.CUSTOMER, "add " + "ﷺ" * 30)
    assert "Name uses symbols that stand for several letters each" in r.message_text
    assert await count(stack.db, Customer) == 1


async def test_chinese_users_get_the_kinds_in_chinese(stack):
    await stack.slack.command("U0LI", Command.CUSTOMER, "add 王芳")
    r = await stack.slack.command("U0LI", Command.TOUCH, "王芳 跳舞")
    assert "电话（call）、拜访（visit）" in r.message_text


async def test_registering_your_own_customer_again_says_so(stack, acme):
    r = await stack.slack.command("U0ALICE", Command.CUSTOMER, "add acme ltd, li wei")
    assert "You already registered *Acme Ltd*." in r.message_text
