"""Customers stay unique and clean: fields read by position, look-alike copies refused,
digits read one way, and every oversized or unstorable input refused naming its field."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from alembic import command
from sqlalchemy import select, text

from handlers.ids import Action, Command
from storage.db import Database
from storage.migrate import alembic_config, upgrade
from storage.models import AuditEntry, Customer, Member, Team, Touch, utcnow
from storage.periods import current_period
from tests.helpers import a_button, all_rows, count, scalars


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (", , 12", ["Name is required", "Phone: “12” is not a phone number"]),
        ("Kilo Co, Bai Yu, notaphone", ["Phone: “notaphone” is not a phone number"]),
        (
            "Kilo Co, Bai Yu, +1 415 555 0100 ext. 12",
            ["Phone: “+1 415 555 0100 ext. 12” has an extension"],
        ),
        ("12, Kilo Co", ["Name: “12” has no letters"]),
        ("Kilo Co, 13900139000", ["Company: “13900139000” has no letters", "it goes third"]),
        ("\u200b\u200b, Kilo Co", ["Name is required"]),
        ("Kilo\x00Co", ["Name holds control characters"]),
        ("Kilo Co, Bai\x00Yu", ["Company holds control characters"]),
    ],
)
async def test_quick_add_reads_fields_by_position_and_refuses_what_does_not_fit(
    stack, acme, text, expected
):
    before = await all_rows(stack.db)
    r = await stack.slack.command("U0BOB", Command.CUSTOMER, f"add {text}")
    assert r.status == 200
    for part in expected:
        assert part in r.message_text
    assert "reference" not in r.message_text
    assert await all_rows(stack.db) == before


async def test_quick_add_with_an_empty_company_and_an_occupation(stack):
    r = await stack.slack.command(
        "U0ALICE", Command.CUSTOMER, "add Kilo Co, , 13900139000, retail, wholesale"
    )
    assert "Registered *Kilo Co*" in r.message_text
    [c] = await scalars(stack.db, select(Customer))
    assert (c.name, c.company, c.phone, c.occupation) == (
        "Kilo Co",
        "",
        "+8613900139000",
        "retail, wholesale",
    )


@pytest.mark.parametrize(
    "copy",
    [
        "Acme Ltd\u200b",  # a zero-width space
        "\u0410cme Ltd",  # a Cyrillic А
        "Acme Lt\u0501",  # a Cyrillic ԁ
        "ＡＣＭＥ ＬＴＤ",  # full width
        "Ac\u00adme Ltd",  # a soft hyphen
    ],
)
async def test_a_look_alike_copy_of_anothers_customer_is_refused_naming_the_owner(
    stack, acme, copy
):
    before = await all_rows(stack.db)
    r = await stack.slack.command("U0BOB", Command.CUSTOMER, f"add {copy}, Li Wei")
    assert "*Acme Ltd* is already registered, and belongs to <@U0ALICE>" in r.message_text
    assert await all_rows(stack.db) == before
    # The form holds too, and so does editing one's own customer into a copy.
    await stack.slack.command("U0BOB", Command.CUSTOMER, "")
    [opened] = await stack.fake.wait_for("views.open")
    r = await stack.slack.submit(
        "U0BOB", opened.response["view"]["id"], {"name": copy, "company": "Li Wei"}
    )
    assert "belongs to <@U0ALICE>" in r.json["errors"]["name"]
    assert await all_rows(stack.db) == before


async def test_editing_ones_customer_into_a_look_alike_is_refused(stack, acme):
    await stack.slack.command("U0BOB", Command.CUSTOMER, "add Globex")
    await stack.slack.command("U0BOB", Command.CUSTOMER, "edit globex")
    [opened] = await stack.fake.wait_for("views.open")
    before = await all_rows(stack.db)
    r = await stack.slack.submit(
        "U0BOB", opened.response["view"]["id"], {"name": "\u0410cme Ltd", "company": "Li Wei"}
    )
    assert "belongs to <@U0ALICE>" in r.json["errors"]["name"]
    assert await all_rows(stack.db) == before


async def test_a_look_alike_typed_prefix_finds_the_real_customer(stack, acme):
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "\u0410cme call checked in")
    assert "Logged: call with *Acme Ltd*" in r.message_text
    r = await stack.slack.command("U0ALICE", Command.CUSTOMER, "find ＡＣＭＥ")
    assert "Acme Ltd" in r.message_text


async def test_the_display_name_is_kept_as_typed(stack):
    await stack.slack.command("U0ALICE", Command.CUSTOMER, "add Ｋｉｌｏ Café")
    [c] = await scalars(stack.db, select(Customer))
    assert c.name == "Ｋｉｌｏ Café"


@pytest.mark.parametrize(
    ("amount", "stored"),
    [("１２，０００", 1_200_000), ("￥１.５ｗ", 1_500_000)],
)
async def test_full_width_amounts_are_read_as_digits(stack, acme, amount, stored):
    r = await stack.slack.command("U0ALICE", Command.TOUCH, f"acme order {amount} signed")
    assert "Logged: order with *Acme Ltd*" in r.message_text
    [touch] = await scalars(stack.db, select(Touch))
    assert touch.amount_minor == stored


@pytest.mark.parametrize("amount", ["١٢٣", "१२३", "1٢3"])
async def test_amounts_in_other_scripts_digits_are_refused(stack, acme, amount):
    before = await all_rows(stack.db)
    r = await stack.slack.command("U0ALICE", Command.TOUCH, f"acme order {amount}")
    assert "uses digits of another script. Type it with the digits 0–9" in r.message_text
    assert await all_rows(stack.db) == before


async def test_a_long_touch_line_is_refused_at_once_and_changes_nothing(stack, acme):
    before = await all_rows(stack.db)
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "acme " + "call " * 8000)
    assert "That line is 40004 characters long; keep it to 2320" in r.message_text
    assert await all_rows(stack.db) == before


async def test_a_line_full_of_kind_words_is_answered_with_one_reading(stack, acme):
    # Every word a kind word: the customer is the first word, the rest a note.
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "acme " + "call " * 390)
    assert "Logged: call with *Acme Ltd*" in r.message_text


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "order", "amount": "9" * 32}, "amount", "is too large"),
        ({"kind": "call", "note": "hello\x00world"}, "note", "control characters"),
        ({"kind": "order", "amount": "١٠٠"}, "amount", "digits 0–9"),
    ],
)
async def test_the_touch_form_refuses_unstorable_values_naming_the_field(
    stack, acme, values, field, message
):
    await stack.slack.command("U0ALICE", Command.TOUCH, "")
    [opened] = await stack.fake.wait_for("views.open")
    before = await all_rows(stack.db)
    r = await stack.slack.submit(
        "U0ALICE", opened.response["view"]["id"], {"customer": str(acme.id), **values}
    )
    assert message in r.json["errors"][field]
    assert await all_rows(stack.db) == before


@pytest.mark.parametrize("customer", [str(2**31), str(2**63), "-1", "acme", "1e3"])
async def test_a_customer_id_the_picker_never_offers_is_refused(stack, acme, customer):
    await stack.slack.command("U0ALICE", Command.TOUCH, "")
    [opened] = await stack.fake.wait_for("views.open")
    before = await all_rows(stack.db)
    r = await stack.slack.submit(
        "U0ALICE", opened.response["view"]["id"], {"customer": customer, "kind": "call"}
    )
    assert r.json["errors"]["customer"] == "Customer: pick one from the list."
    assert await all_rows(stack.db) == before


async def test_team_names_are_bounded_storable_and_compared_like_customer_names(stack):
    stack.fake.add_user("U0HR", "Hana HR", locale="en-US", is_admin=True)
    r = await stack.slack.command("U0HR", Command.CRM, "team create " + "T" * 81)
    assert "Team name is 81 characters long; keep it to 80" in r.message_text
    r = await stack.slack.command("U0HR", Command.CRM, 'team create "East\x00Sales"')
    assert "Team name holds control characters" in r.message_text
    r = await stack.slack.command("U0HR", Command.CRM, 'team create "East Sales" Asia/Shanghai')
    assert await count(stack.db, Team) == 1
    r = await stack.slack.command("U0HR", Command.CRM, 'team create "\u0415ast Sales\u200b"')
    assert await count(stack.db, Team) == 1  # the look-alike names the same team
    r = await stack.slack.command("U0HR", Command.CRM, 'team add "east sales" <@U0ALICE> sales')
    assert "reference" not in r.message_text
    [team] = await scalars(stack.db, select(Team))
    assert team.name == "East Sales"


async def test_customer_find_with_a_huge_query_is_refused_naming_the_field(stack, acme):
    r = await stack.slack.command("U0ALICE", Command.CUSTOMER, "find " + "a" * 60_000)
    assert "Customer: “" in r.message_text and "is longer than any name" in r.message_text
    assert "reference" not in r.message_text


async def test_a_snooze_with_a_date_it_cannot_use_changes_nothing_and_says_so(stack, acme):
    from datetime import date, timedelta

    from tests.helpers import days

    await stack.slack.command("U0ALICE", Command.TOUCH, f"acme call x next:{days(1)}")
    r = await stack.slack.command("U0ALICE", Command.FOLLOWUP)
    blocks = json.loads(json.dumps(r.json["blocks"]))
    for block in blocks:
        for el in block.get("elements", []) + (
            [block["accessory"]] if "accessory" in block else []
        ):
            if el.get("action_id") == Action.FOLLOWUP_SNOOZE:
                value = json.loads(el["value"])
                value["due"] = (date.today() + timedelta(days=300)).isoformat()
                el["value"] = json.dumps(value)
    before = await all_rows(stack.db)
    await stack.slack.click("U0ALICE", blocks, Action.FOLLOWUP_SNOOZE)
    [posted] = await stack.fake.wait_posted()
    shown = json.dumps(posted.payload, ensure_ascii=False)
    assert "Snoozed" not in shown
    assert "is no longer due on that day" in shown
    assert await all_rows(stack.db) == before


async def test_a_replayed_trigger_id_from_another_rep_logs_that_reps_own_touch(stack, acme):
    await stack.slack.command("U0BOB", Command.CUSTOMER, "add Globex, , 13900139000")
    trigger = stack.fake.issue_trigger()
    a = await stack.slack.command(
        "U0ALICE", Command.TOUCH, "acme order 5000 secret deal", trigger_id=trigger
    )
    assert "Logged: order with *Acme Ltd*" in a.message_text
    b = await stack.slack.command("U0BOB", Command.TOUCH, "globex call hello", trigger_id=trigger)
    assert "Logged: call with *Globex*" in b.message_text
    assert "secret deal" not in b.message_text and "Acme" not in b.message_text
    touches = await scalars(stack.db, select(Touch).order_by(Touch.id))
    assert [(t.kind, t.note) for t in touches] == [("order", "secret deal"), ("call", "hello")]


async def test_a_replayed_view_id_from_another_rep_logs_that_reps_own_touch(stack, acme):
    await stack.slack.command("U0BOB", Command.CUSTOMER, "add Globex, , 13900139000")
    [globex] = await scalars(stack.db, select(Customer).where(Customer.name == "Globex"))
    await stack.slack.command("U0ALICE", Command.TOUCH, "")
    [opened] = await stack.fake.wait_for("views.open")
    view = opened.response["view"]
    r = await stack.slack.submit(
        "U0ALICE", view["id"], {"customer": str(acme.id), "kind": "order", "amount": "900"}
    )
    assert r.json["response_action"] == "update"
    r = await stack.slack.submit(
        "U0BOB", view["id"], {"customer": str(globex.id), "kind": "call", "note": "mine"}
    )
    assert "Globex" in json.dumps(r.json) and "Acme" not in json.dumps(r.json)
    assert await count(stack.db, Touch) == 2


async def test_a_replayed_customer_registration_key_registers_the_senders_own(stack, acme):
    trigger = stack.fake.issue_trigger()
    await stack.slack.command("U0ALICE", Command.CUSTOMER, "add Initech", trigger_id=trigger)
    r = await stack.slack.command("U0BOB", Command.CUSTOMER, "add Hooli", trigger_id=trigger)
    assert "Registered *Hooli*" in r.message_text
    assert await count(stack.db, Customer) == 3


def test_the_key_migration_reports_existing_look_alikes_and_merges_nothing(tmp_path, caplog):
    url = f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}"
    upgrade(url, "0004")

    async def seed() -> None:
        db = Database(url)
        async with db.sessions.begin() as s:
            await s.execute(
                text(
                    "INSERT INTO members (id, workspace_id, slack_user_id, name, timezone, "
                    "locale, role, is_workspace_admin, is_app_admin, created_at, updated_at) "
                    "VALUES (1, 'T1', 'U1', 'Alice', 'UTC', 'en', 'sales', false, false, "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00'), "
                    "(2, 'T1', 'U2', 'Bob', 'UTC', 'en', 'sales', false, false, "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
            # Old keys: NFKC + casefold, so the Cyrillic copy got a key of its own.
            for cid, owner, name, key in (
                (1, 1, "Acme Ltd", "acme ltd"),
                (2, 2, "\u0410cme Ltd", "\u0430cme ltd"),
                (3, 2, "Globex", "globex"),
            ):
                await s.execute(
                    text(
                        "INSERT INTO customers (id, workspace_id, owner_id, name, name_key, "
                        "company, company_key, status, created_at) VALUES (:id, 'T1', :o, :n, "
                        ":k, '', '', 'lead', '2026-01-01 00:00:00')"
                    ),
                    {"id": cid, "o": owner, "n": name, "k": key},
                )
        await db.dispose()

    asyncio.run(seed())
    with caplog.at_level(logging.WARNING, logger="crmpay.migrations"):
        upgrade(url)
    assert any("looks like customer 1" in r.getMessage() for r in caplog.records)

    async def read():
        db = Database(url)
        async with db.sessions.begin() as s:
            customers = (await s.execute(select(Customer.id, Customer.name))).all()
            audits = list(await s.scalars(select(AuditEntry)))
        await db.dispose()
        return customers, audits

    customers, audits = asyncio.run(read())
    assert len(customers) == 3  # nothing merged
    [entry] = audits
    assert (entry.action, entry.subject) == ("customer.look_alike", "customer:2")
    assert json.loads(entry.detail)["same_as"] == 1
    command.downgrade(alembic_config(url), "0004")
    upgrade(url)


@pytest.mark.parametrize(
    ("teams", "problem"),
    [
        ([{"name": "East"}, {"name": "EAST\u200b"}], "is the same name as 'East'"),
        ([{"name": "123"}], "not a usable team name"),
        ([{"name": "East\x00"}], "not a usable team name"),
    ],
)
def test_an_org_file_holds_team_names_to_the_same_rules(teams, problem):
    from pydantic import ValidationError

    from storage.org import OrgFile

    with pytest.raises(ValidationError, match=problem):
        OrgFile.model_validate({"workspace": "T0TEAM", "teams": teams})


async def test_all_readings_of_a_touch_line_are_checked_in_one_query(stack, acme):
    from sqlalchemy import event

    from handlers.quick import touch_readings
    from storage.customers import naming_prefixes
    from storage.members import Actor

    [alice] = await scalars(stack.db, select(Member).where(Member.slack_user_id == "U0ALICE"))
    actor = Actor(alice.id, alice.workspace_id, alice.slack_user_id, alice.name, "UTC", "en")
    readings = touch_readings("acme ltd call order call visit email meeting order 5")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(stack.db.engine.sync_engine, "before_cursor_execute", count)
    try:
        named = await naming_prefixes(
            stack.db.sessions, actor, [r.customer_query for r in readings]
        )
    finally:
        event.remove(stack.db.engine.sync_engine, "before_cursor_execute", count)
    assert len(readings) == 6
    assert named == {"acme ltd"}
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "\u202edtL emcA", "reverse the direction"),
        ("name", "Acme\u3164Ltd", "belongs to <@U0ALICE>"),  # a Hangul filler shows as a space
        ("name", "Acme\u2800Ltd", "belongs to <@U0ALICE>"),  # so does the Braille blank
        ("company", "\u2066Li Wei\u2069", "reverse the direction"),
    ],
)
async def test_names_that_display_as_another_are_refused(stack, acme, field, value, message):
    before = await all_rows(stack.db)
    name, company = ("Acme Ltd", value) if field == "company" else (value, "Li Wei")
    r = await stack.slack.command("U0BOB", Command.CUSTOMER, f"add {name}, {company}")
    assert message in r.message_text
    assert await all_rows(stack.db) == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("acme order 1 000 deal", "“1 000” has a space inside the number"),
        ("acme order 1,5", "“1,5” is not an amount"),
        ("acme order 1,2,3", "“1,2,3” is not an amount"),
        ("acme order ²", "uses digits of another script"),
        ("acme satisfaction csat:③", "uses digits of another script"),
        ("acme order 1.5 万 deal", "“1.5 万” has a space inside the number"),
        ("acme order 12 k", "“12 k” has a space inside the number"),
        ("acme order €1 000", "“€1 000” has a space inside the number"),
        ("acme order 1,000 000", "“1,000 000” has a space inside the number"),
        ("acme order $1000 usd deal", "is in another currency; amounts are in CNY"),
        ("acme order 12ʷ", "“12ʷ” is not an amount"),
        ("acme order 12\u1d4f", "is not an amount"),  # a modifier letter k
    ],
)
async def test_amounts_and_ratings_are_never_guessed(stack, acme, line, message):
    before = await all_rows(stack.db)
    r = await stack.slack.command("U0ALICE", Command.TOUCH, line)
    assert message in r.message_text
    assert await all_rows(stack.db) == before


async def test_a_form_dated_at_the_epoch_is_refused_not_logged_as_now(stack, acme):
    await stack.slack.command("U0ALICE", Command.TOUCH, "")
    [opened] = await stack.fake.wait_for("views.open")
    before = await all_rows(stack.db)
    r = await stack.slack.submit(
        "U0ALICE",
        opened.response["view"]["id"],
        {"customer": str(acme.id), "kind": "call", "when": 0},
    )
    assert "older than a year" in r.json["errors"]["when"]
    assert await all_rows(stack.db) == before


@pytest.mark.parametrize("value", ["0000000000019999999999", "000000000001" + "0" * 5000, "1_0"])
async def test_follow_up_buttons_with_ids_no_button_carries_are_refused(stack, acme, value):
    blocks = a_button(Action.FOLLOWUP_DONE, value)
    before = await all_rows(stack.db)
    await stack.slack.click("U0BOB", blocks, Action.FOLLOWUP_DONE)
    [posted] = await stack.fake.wait_posted()
    assert "Follow-up: pick one from the list." in json.dumps(posted.payload, ensure_ascii=False)
    assert await all_rows(stack.db) == before


@pytest.mark.parametrize(
    "value",
    [
        {"metric": "revenue", "period": "0000-01"},
        {"metric": "nosuch", "period": "this month"},
    ],
)
@pytest.mark.parametrize("action", [Action.SCORE_RECORDS, Action.RECORDS_NEXT, Action.ACCEPT_BURST])
async def test_records_buttons_with_values_the_bot_never_sent_say_so(stack, acme, value, action):
    from storage.org import OrgFile, import_org

    await import_org(
        stack.db.sessions,
        OrgFile.model_validate(
            {
                "workspace": stack.fake.team_id,
                "teams": [{"name": "East", "members": [{"user": "U0ALICE"}]}],
            }
        ),
    )
    [alice] = await scalars(stack.db, select(Member).where(Member.slack_user_id == "U0ALICE"))
    [team] = await scalars(stack.db, select(Team))
    if value["period"] == "this month":  # one Alice is on: only the metric is unknown
        value = {**value, "period": current_period(team.timezone, utcnow()).label}
    payload = json.dumps({"team": team.id, "member": alice.id, **value})
    blocks = a_button(action, payload)
    stack.expect_refusals = True
    await stack.slack.click("U0ALICE", blocks, action)  # no modal around it either
    [posted] = await stack.fake.wait_posted()
    shown = json.dumps(posted.payload, ensure_ascii=False)
    assert "out of date" in shown and "reference" not in shown


async def test_creating_a_team_that_exists_names_the_real_team(stack):
    stack.fake.add_user("U0HR", "Hana HR", locale="en-US", is_admin=True)
    await stack.slack.command("U0HR", Command.CRM, 'team create "East Sales" Asia/Shanghai')
    r = await stack.slack.command("U0HR", Command.CRM, 'team create "\u0415AST SALES"')
    assert "Team *East Sales* already exists; its settings are updated." in r.message_text


async def test_a_message_with_control_characters_prefills_a_clean_note(stack, acme):
    await stack.slack.message_shortcut("U0ALICE", "log_touch_from_message", "price\x00 agreed\x07")
    [opened] = await stack.fake.wait_for("views.open")
    note = next(b for b in opened.args["view"]["blocks"] if b["block_id"] == "note")
    assert note["element"]["initial_value"] == "price agreed"


@pytest.mark.parametrize("name", ["Shop \u200f1 2", "Shop \u061c1-2", "Shop \u200e1 2"])
async def test_direction_marks_are_refused_in_names(stack, acme, name):
    before = await all_rows(stack.db)
    r = await stack.slack.command("U0BOB", Command.CUSTOMER, f"add {name}, Li Wei")
    assert "reverse the direction" in r.message_text
    assert await all_rows(stack.db) == before


async def test_a_suffix_in_the_form_amount_may_be_spaced(stack, acme):
    await stack.slack.command("U0ALICE", Command.TOUCH, "")
    [opened] = await stack.fake.wait_for("views.open")
    r = await stack.slack.submit(
        "U0ALICE",
        opened.response["view"]["id"],
        {"customer": str(acme.id), "kind": "order", "amount": "12 k"},
    )
    assert r.json["response_action"] == "update"
    [touch] = await scalars(stack.db, select(Touch))
    assert touch.amount_minor == 1_200_000


@pytest.mark.parametrize("followup_id", ['"3"', "3.0", "true", '"1_3"'])
async def test_button_ids_are_the_integers_the_bot_wrote(stack, acme, followup_id):
    value = f'{{"id": {followup_id}, "due": "2026-12-01"}}'
    blocks = a_button(Action.FOLLOWUP_SNOOZE, value)
    before = await all_rows(stack.db)
    await stack.slack.click("U0ALICE", blocks, Action.FOLLOWUP_SNOOZE)
    [posted] = await stack.fake.wait_posted()
    assert "out of date" in json.dumps(posted.payload, ensure_ascii=False)
    assert await all_rows(stack.db) == before


async def test_adding_to_a_look_alike_team_name_names_the_real_team(stack):
    stack.fake.add_user("U0HR", "Hana HR", locale="en-US", is_admin=True)
    await stack.slack.command("U0HR", Command.CRM, 'team create "East Sales" Asia/Shanghai')
    r = await stack.slack.command("U0HR", Command.CRM, 'team add "\u0415AST SALES" <@U0BOB> sales')
    assert "*East Sales*" in r.message_text and "\u0415AST" not in r.message_text


async def test_a_click_slack_no_longer_accepts_is_explained_not_given_a_reference(stack, acme):
    stack.expect_refusals = True
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "acme dance")
    stack.fake.fail_next("views.open", "expired_trigger_id")
    await stack.slack.click("U0ALICE", r.json["blocks"], Action.OPEN_TOUCH_FORM)
    [posted] = await stack.fake.wait_posted()
    shown = json.dumps(posted.payload, ensure_ascii=False)
    assert "Slack no longer accepts that" in shown and "reference" not in shown


async def test_a_large_event_body_is_refused_at_the_door(stack):
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0TEAM",
            "event": {"type": "app_home_opened", "x": "a" * 70_000},
        }
    )
    r = await stack.slack.send(body, "application/json")
    assert r.status == 413


async def test_a_line_whose_possible_names_hold_a_nul_is_answered_naming_the_field(stack, acme):
    # Several readings ("nps" and 邮件 are both kind words), one of them holding a NUL.
    before = await all_rows(stack.db)
    r = await stack.slack.command("U0ALICE", Command.TOUCH, "acme nps \x00 x 邮件 hi")
    assert "reference" not in r.message_text
    assert "control characters" in r.message_text or "not a kind" in r.message_text
    assert await all_rows(stack.db) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Acme\U00016fe4Ltd", "belongs to <@U0ALICE>"),  # a filler some fonts draw blank
        ("Acme\U0001d159Ltd", "belongs to <@U0ALICE>"),
        ("A" + "\u0336" * 110 + "cme Ltd", "stacks more accents on one letter"),
    ],
)
async def test_names_hidden_by_blanks_or_stacked_marks_are_refused(stack, acme, name, message):
    before = await all_rows(stack.db)
    r = await stack.slack.command("U0BOB", Command.CUSTOMER, f"add {name}, Li Wei")
    assert message in r.message_text
    assert await all_rows(stack.db) == before


def test_names_in_scripts_that_stack_marks_pass():
    from storage.fields import name_text

    for name in ("Nguyễn Thị Ánh", "हिन्दी", "שָׁלוֹם", "Ελληνικά"):
        assert name_text("name", name, 120, required=True) == name
