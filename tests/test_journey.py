"""A rep's whole day in Slack, end to end, against the running bot and a fake Slack."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from bot.fakeslack.driver import render_text
from handlers.ids import Action, Callback, Command
from storage.models import Customer, Followup, Member, Touch
from tests.helpers import count, days, scalars


async def test_register_then_log_by_quick_text_modal_and_shortcut(stack):
    slack, fake, db = stack.slack, stack.fake, stack.db

    # Register a customer in one line; the phone is stored normalised.
    r = await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd, Li Wei, +86 138 0013 8000")
    assert r.status == 200
    assert r.json["response_type"] == "ephemeral"
    assert "Registered *Acme Ltd*" in r.message_text
    [acme] = await scalars(db, select(Customer))
    assert (acme.name, acme.company, acme.phone) == ("Acme Ltd", "Li Wei", "+8613800138000")
    [alice] = await scalars(db, select(Member))
    assert (alice.name, alice.locale, alice.timezone) == ("Alice Chen", "en", "Asia/Shanghai")
    assert acme.owner_id == alice.id

    # Log a touch by quick text, with a follow-up date.
    nxt = days(8)
    r = await slack.command(
        "U0ALICE", Command.TOUCH, f"acme call discussed renewal next:{nxt.isoformat()}"
    )
    assert r.status == 200
    assert "Logged: call with *Acme Ltd*" in r.message_text
    assert "Next follow-up" in r.message_text
    [touch] = await scalars(db, select(Touch))
    assert (touch.kind, touch.note, touch.source) == ("call", "discussed renewal", "command")
    assert touch.next_followup_on == nxt
    [followup] = await scalars(db, select(Followup))
    assert (followup.due_on, followup.status) == (nxt, "open")

    # An order by quick text carries its amount, in minor units.
    r = await slack.command("U0ALICE", Command.TOUCH, "acme order 12000 annual renewal signed")
    assert "CN¥12,000.00" in r.message_text
    order = (await scalars(db, select(Touch).where(Touch.kind == "order")))[0]
    assert (order.amount_minor, order.currency) == (1_200_000, "CNY")
    assert "Settled 1 open follow-up" in r.message_text  # reaching the customer settles it
    assert (await scalars(db, select(Followup)))[0].status == "done"

    # By modal: /touch alone opens the form; the picker offers only my customers.
    r = await slack.command("U0ALICE", Command.TOUCH, "")
    assert (r.status, r.text) == (200, "")
    [opened] = await fake.wait_for("views.open")
    view = opened.response["view"]
    assert view["callback_id"] == Callback.TOUCH_MODAL
    r = await slack.suggest("U0ALICE", view["id"], Action.CUSTOMER_PICK, "ac")
    assert [o["value"] for o in r.json["options"]] == [str(acme.id)]
    r = await slack.submit(
        "U0ALICE",
        view["id"],
        {
            "customer": str(acme.id),
            "kind": "visit",
            "note": "site visit",
            "next": days(3).isoformat(),
        },
    )
    assert r.status == 200
    assert r.json["response_action"] == "update"
    assert "Logged: visit with *Acme Ltd*" in render_text(r.json["view"])
    visit = (await scalars(db, select(Touch).where(Touch.kind == "visit")))[0]
    assert (visit.source, visit.note) == ("modal", "site visit")

    # By message shortcut: the message text becomes the note.
    r = await slack.message_shortcut(
        "U0ALICE", Callback.LOG_FROM_MESSAGE, "Customer asked for a quote on 50 seats"
    )
    assert r.status == 200
    opened = (await fake.wait_for("views.open", 2))[1]
    view = opened.response["view"]
    note_el = next(b for b in view["blocks"] if b["block_id"] == "note")["element"]
    assert note_el["initial_value"] == "Customer asked for a quote on 50 seats"
    r = await slack.submit("U0ALICE", view["id"], {"customer": str(acme.id), "kind": "inquiry"})
    assert r.json["response_action"] == "update"
    inquiry = (await scalars(db, select(Touch).where(Touch.kind == "inquiry")))[0]
    assert inquiry.source == "shortcut"
    assert inquiry.note == "Customer asked for a quote on 50 seats"
    assert inquiry.source_ref.startswith("C0GENERAL/")

    # The global shortcut opens an empty form.
    await slack.global_shortcut("U0ALICE", Callback.LOG_TOUCH)
    opened = (await fake.wait_for("views.open", 3))[2]
    assert opened.response["view"]["callback_id"] == Callback.TOUCH_MODAL

    # App Home shows recent touches and the follow-up due this week.
    r = await slack.open_home("U0ALICE")
    assert r.status == 200
    await fake.wait_for("views.publish")
    home = render_text(fake.homes["U0ALICE"])
    for expected in (
        "Your recent touches",
        "site visit",
        "annual renewal signed",
        "Follow-ups due this week (1)",
        "*Acme Ltd*",
    ):
        assert expected in home

    # /followup lists it with Done and Snooze, and both work.
    r = await slack.command("U0ALICE", Command.FOLLOWUP)
    assert "Your open follow-ups (1)" in r.message_text
    await slack.click("U0ALICE", r.json["blocks"], Action.FOLLOWUP_SNOOZE)
    [posted] = await fake.wait_posted()
    assert "Snoozed *Acme Ltd*" in render_text(posted.payload)
    assert posted.payload["replace_original"] is True
    [f] = await scalars(db, select(Followup).where(Followup.status == "open"))
    assert f.snoozed_to == days(4) and f.due_on == days(3) and f.snooze_count == 1
    await slack.click("U0ALICE", posted.payload["blocks"], Action.FOLLOWUP_DONE)
    posted = (await fake.wait_posted(2))[1]
    assert "Done: *Acme Ltd*" in render_text(posted.payload)
    assert "Your open follow-ups (0)" in render_text(posted.payload)
    assert await count(db, Touch) == 4


async def test_home_buttons_complete_followups_and_republish(stack):
    slack, fake, db = stack.slack, stack.fake, stack.db
    await slack.command("U0BOB", Command.CUSTOMER, "add Globex, , 13900139000")
    await slack.command("U0BOB", Command.TOUCH, "globex email sent the deck next:tomorrow")
    await slack.open_home("U0BOB")
    await fake.wait_for("views.publish")
    assert "Follow-ups due this week (1)" in render_text(fake.homes["U0BOB"])
    r = await slack.click_home("U0BOB", Action.FOLLOWUP_DONE)
    assert r.status == 200
    await fake.wait_for("views.publish", 2)
    assert "Follow-ups due this week (0)" in render_text(fake.homes["U0BOB"])
    [f] = await scalars(db, select(Followup))
    assert f.status == "done" and f.done_at is not None

    # Home's "Log a touch" opens the form.
    await slack.click_home("U0BOB", Action.OPEN_TOUCH_FORM)
    [opened] = await fake.wait_for("views.open")
    assert opened.response["view"]["callback_id"] == Callback.TOUCH_MODAL


async def test_chinese_locale_gets_chinese_replies_and_register_by_modal(stack):
    slack, fake, db = stack.slack, stack.fake, stack.db
    r = await slack.command("U0LI", Command.CUSTOMER, "")
    [opened] = await fake.wait_for("views.open")
    view = opened.response["view"]
    assert view["title"]["text"] == "登记客户"
    r = await slack.submit(
        "U0LI",
        view["id"],
        {
            "name": "王芳",
            "company": "华为",
            "phone": "139 0013 9000",
            "occupation": "采购经理",
            "segment": "age:35-44",
            "status": "active",
        },
    )
    assert r.json["response_action"] == "update"
    assert "已登记*王芳*" in render_text(r.json["view"])
    [c] = await scalars(db, select(Customer))
    assert (c.phone, c.segment, c.status, c.occupation) == (
        "+8613900139000",
        "age:35-44",
        "active",
        "采购经理",
    )
    r = await slack.command("U0LI", Command.TOUCH, "王芳 电话 沟通续约")
    assert "已记录与*王芳*的电话" in r.message_text
    r = await slack.command("U0LI", Command.TOUCH, "王芳 跳舞")
    assert "不是接触类型" in r.message_text


async def test_customer_find_shows_owner_and_help(stack):
    slack = stack.slack
    await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd, Li Wei, 13800138000")
    await slack.command("U0BOB", Command.CUSTOMER, "add Acme Trading, , 13900139000")
    r = await slack.command("U0BOB", Command.CUSTOMER, "find acme")
    assert "*Acme Ltd*" in r.message_text and "<@U0ALICE>" in r.message_text
    assert "+86 138 0013 8000" not in r.message_text  # another rep's contact stays theirs
    assert "+86 139 0013 9000" in r.message_text
    assert "*Acme Trading*" in r.message_text and "<@U0BOB>" in r.message_text
    r = await slack.command("U0BOB", Command.CUSTOMER, "find zzz")
    assert "No customer starts with “zzz”" in r.message_text
    r = await slack.command("U0BOB", Command.CRM)
    assert "/touch" in r.message_text and "/customer" in r.message_text


async def test_ambiguous_prefix_asks_which_and_logs_once(stack):
    slack, fake, db = stack.slack, stack.fake, stack.db
    await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd")
    await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Trading")
    r = await slack.command("U0ALICE", Command.TOUCH, "acme call quarterly check-in")
    assert "Several of your customers start with “acme”" in r.message_text
    assert await count(db, Touch) == 0
    # A double click on "This one" logs the touch once.
    await slack.click("U0ALICE", r.json["blocks"], Action.CHOOSE_CUSTOMER, index=1)
    await slack.click("U0ALICE", r.json["blocks"], Action.CHOOSE_CUSTOMER, index=1)
    posted = await fake.wait_posted(2)
    assert all("Logged: call with *Acme Trading*" in render_text(p.payload) for p in posted)
    [touch] = await scalars(db, select(Touch))
    assert touch.note == "quarterly check-in"


async def test_unknown_customer_offers_to_register_it(stack):
    slack, fake, db = stack.slack, stack.fake, stack.db
    r = await slack.command("U0ALICE", Command.TOUCH, "initech call hello")
    assert "No customer starts with “initech”" in r.message_text
    await slack.click("U0ALICE", r.json["blocks"], Action.OPEN_CUSTOMER_FORM)
    [opened] = await fake.wait_for("views.open")
    view = opened.response["view"]
    name = next(b for b in view["blocks"] if b["block_id"] == "name")["element"]
    assert name["initial_value"] == "initech"
    r = await slack.submit("U0ALICE", view["id"], {"name": "Initech"})
    assert r.json["response_action"] == "update"
    shown = render_text(r.json["view"])
    assert "Registered *Initech*" in shown
    assert "Logged: call with *Initech*" in shown  # the touch typed first is logged too
    [customer] = await scalars(db, select(Customer))
    [touch] = await scalars(db, select(Touch))
    assert (customer.name, touch.customer_id, touch.note) == ("Initech", customer.id, "hello")
    # Submitting twice changes nothing and says so.
    r = await slack.submit("U0ALICE", view["id"], {"name": "Initech"})
    assert r.json["response_action"] == "update"
    assert "This customer was already registered by you" in render_text(r.json["view"])
    assert await count(db, Touch) == 1 and await count(db, Customer) == 1


async def test_logging_from_app_home_refreshes_it(stack):
    slack, fake = stack.slack, stack.fake
    await slack.command("U0BOB", Command.CUSTOMER, "add Globex")
    await slack.open_home("U0BOB")
    await fake.wait_for("views.publish")
    await slack.click_home("U0BOB", Action.OPEN_TOUCH_FORM)
    [opened] = await fake.wait_for("views.open")
    r = await slack.suggest("U0BOB", opened.response["view"]["id"], Action.CUSTOMER_PICK, "")
    customer = r.json["options"][0]["value"]
    await slack.submit(
        "U0BOB",
        opened.response["view"]["id"],
        {"customer": customer, "kind": "meeting", "note": "kick-off"},
    )
    await fake.wait_for("views.publish", 2)
    assert "kick-off" in render_text(fake.homes["U0BOB"])


async def test_message_shortcut_dates_the_touch_when_the_message_was_posted(stack):
    slack, fake, db = stack.slack, stack.fake, stack.db
    await slack.command("U0ALICE", Command.CUSTOMER, "add Acme")
    [acme] = await scalars(db, select(Customer))
    await slack.message_shortcut(
        "U0ALICE", Callback.LOG_FROM_MESSAGE, "hello", ts=f"{time.time() - 7200:.6f}"
    )
    [opened] = await fake.wait_for("views.open")
    view = opened.response["view"]
    when = next(b for b in view["blocks"] if b["block_id"] == "when")["element"]
    assert abs(when["initial_date_time"] - (time.time() - 7200)) < 5
    await slack.submit("U0ALICE", view["id"], {"customer": str(acme.id), "kind": "message"})
    [touch] = await scalars(db, select(Touch))
    assert (
        timedelta(hours=1, minutes=59)
        < touch.logged_at - touch.occurred_at
        < timedelta(hours=2, minutes=1)
    )


async def test_edit_a_customer_to_fill_in_key_fields_or_mark_it_churned(stack):
    slack, fake, db = stack.slack, stack.fake, stack.db
    await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd")
    await slack.command("U0BOB", Command.CUSTOMER, "add Globex, , 13900139000")
    await slack.command("U0ALICE", Command.TOUCH, f"acme call hi next:{days(2)}")
    await slack.command("U0ALICE", Command.CUSTOMER, "edit acme")
    [opened] = await fake.wait_for("views.open")
    view = opened.response["view"]
    assert view["title"]["text"] == "Edit customer"
    name = next(b for b in view["blocks"] if b["block_id"] == "name")["element"]
    assert name["initial_value"] == "Acme Ltd"
    # Another rep's phone is refused, naming its owner; nothing changes.
    r = await slack.submit("U0ALICE", view["id"], {"phone": "13900139000"})
    assert "belongs to <@U0BOB>" in r.json["errors"]["phone"]
    r = await slack.submit(
        "U0ALICE",
        view["id"],
        {
            "phone": "13800138000",
            "occupation": "Procurement",
            "segment": "size:50-249",
            "status": "churned",
        },
    )
    assert r.json["response_action"] == "update"
    assert "Saved *Acme Ltd*" in render_text(r.json["view"])
    [acme] = await scalars(db, select(Customer).where(Customer.name == "Acme Ltd"))
    assert (acme.phone, acme.occupation, acme.segment, acme.status) == (
        "+8613800138000",
        "Procurement",
        "size:50-249",
        "churned",
    )
    r = await slack.command("U0ALICE", Command.FOLLOWUP)
    assert "Your open follow-ups (0)" in r.message_text  # no reminders for churned customers
    # Bob cannot edit Alice's customer.
    r = await slack.command("U0BOB", Command.CUSTOMER, "edit acme")
    assert "belongs to <@U0ALICE>" in r.message_text
