"""Generated hostile input on every surface: each gets an answer inside Slack's ack budget,
a message that names a field (never a reference id) or a proper 4xx, and a refusal changes
nothing in the database.

Bounded for CI (FUZZ_EXAMPLES, default 25 per surface, the same examples every run). For a
longer, random exploration: `FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.fakeslack.driver import Reply, render_text
from handlers.ids import Action, Callback, Command
from storage.models import Customer, Followup
from storage.vocab import KIND_ALIASES, TouchKind
from tests.helpers import a_button, all_rows, days, scalars

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
ACK_BUDGET = 3.0  # seconds: Slack gives up on an ack after 3 s

# -- what a hostile or careless user types ----------------------------------------------

ANY_CHAR = st.characters(blacklist_categories=("Cs",))  # form bodies cannot carry surrogates
WORDS = [
    *TouchKind,
    *KIND_ALIASES,
    "acme",
    "Acme Ltd",
    "\u0410cme",
    "Acme\u200b",
    '"acme"',
    "“call center”",
    "next:+3d",
    "next:2020-01-01",
    "next:２０２６-１２-０１",
    "next:+999d",
    "csat:5",
    "csat:５",
    "nps:١٠",
    "nps:11",
    "12000",
    "１２，０００",
    "١٢٣",
    "9" * 30,
    "-5",
    "1e9",
    "¥1.2w",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "<@U0BOB>",
    "<#C0GENERAL|general>",
    "<!channel>",
    "&amp;",
    "*bold*",
    "```",
    "add",
    "find",
    "edit",
    "last",
    "help",
    "team",
    "create",
    "list",
    "scheme",
    "preview",
    ",",
    "，",
    ";",
    '"',
]
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(ANY_CHAR, max_size=12)), max_size=40).map(
        " ".join
    ),
    st.builds(lambda w, n: f"acme {w} " * n, st.sampled_from(WORDS), st.integers(0, 3000)),
)
HOSTILE = ["\x00", "a\x00b", "\x07", "\u200b", "\u0410", "١٢٣", "9" * 30, "<!here>", "```"]
PIECE = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS), st.text(ANY_CHAR, max_size=12))
REST = st.lists(PIECE, max_size=12).map(" ".join)
# Lines shaped like what each command reads, with a hostile piece anywhere in them.
TOUCH_LINE = st.builds(
    lambda who, kind, rest: f"{who} {kind} {rest}",
    st.one_of(st.sampled_from(["acme", "Acme Ltd", '"acme ltd"', "\u0410cme"]), PIECE),
    st.sampled_from([*TouchKind, *KIND_ALIASES]),
    REST,
)
CUSTOMER_LINE = st.builds(
    lambda verb, parts: f"{verb} " + ", ".join(parts),
    st.sampled_from(["add", "find", "edit", "登记"]),
    st.lists(
        st.one_of(PIECE, st.sampled_from(["", "13900139000", "+1 415 555 0100 x12"])), max_size=5
    ),
)
CRM_LINE = st.builds(
    lambda head, rest: f"{head} {rest}",
    st.sampled_from(["team create", "team add", "team list", "scheme preview"]),
    REST,
)
LINES = {
    Command.TOUCH: TOUCH_LINE,
    Command.CUSTOMER: CUSTOMER_LINE,
    Command.CRM: CRM_LINE,
}
JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False),
        st.text(ANY_CHAR, max_size=30),
        st.sampled_from(["2026-12-01", "2026-13-45", "U0BOB", "1", "0"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=12,
)
# Button values and private_metadata: random text, random JSON, or the right keys with
# wrong values.
KEYS = ["id", "due", "customer_id", "key", "team", "member", "metric", "period", "page", "name"]
SHAPED = st.dictionaries(st.sampled_from(KEYS), JSONISH, max_size=6).map(json.dumps)
STATE = st.one_of(st.none(), st.text(ANY_CHAR, max_size=3000), JSONISH.map(json.dumps), SHAPED)


# -- the checks ------------------------------------------------------------------------


class Errors(logging.Handler):
    """Collects every error the bot logs (unexpected errors carry a reference id)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged_errors():
    handler = Errors()
    loggers = [logging.getLogger(n) for n in ("crmpay", "slack_bolt", "aiohttp")]
    for lg in loggers:
        lg.addHandler(handler)
    yield handler.records
    for lg in loggers:
        lg.removeHandler(handler)


async def answered(send) -> Reply:
    """Send, and check the answer came inside the ack budget and was not a server error."""
    start = time.monotonic()
    reply = await send
    took = time.monotonic() - start
    assert took < ACK_BUDGET, f"answered after {took:.2f} s"
    assert reply.status < 500, reply.text[:300]
    return reply


def no_errors(records: list[logging.LogRecord]) -> None:
    assert not records, [r.getMessage() for r in records][:3]


def refused(reply: Reply) -> bool:
    body = reply.json
    return body.get("response_action") == "errors" or ":warning:" in json.dumps(body)


async def settled(stack, before: int) -> None:
    """Wait until the listener working after its ack has told Slack something."""
    deadline = time.monotonic() + ACK_BUDGET
    while len(stack.fake.calls) + len(stack.fake.posted) <= before:
        assert time.monotonic() < deadline, "the user was never answered"
        await __import__("asyncio").sleep(0.01)


@pytest.fixture
async def world(stack):
    """Alice owns Acme Ltd with an open follow-up; Bob and Li have used the bot."""
    slack = stack.slack
    await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd, Li Wei, 13800138000")
    await slack.command("U0ALICE", Command.TOUCH, f"acme call hello next:{days(2)}")
    await slack.command("U0BOB", Command.CRM)
    await slack.command("U0LI", Command.CRM)
    return stack


COMMANDS = [c for c in Command]


@pytest.mark.parametrize("cmd", COMMANDS)
@FUZZ
@given(user=st.sampled_from(["U0ALICE", "U0BOB", "U0LI"]), data=st.data())
async def test_slash_commands(world, logged_errors, cmd, user, data):
    text = data.draw(st.one_of(TEXT, LINES[cmd]) if cmd in LINES else TEXT, label="text")
    before = await all_rows(world.db)
    reply = await answered(world.slack.command(user, cmd, text))
    assert reply.status == 200
    shown = reply.message_text
    assert "reference: `" not in shown
    if refused(reply):
        assert await all_rows(world.db) == before, f"{cmd} {text[:80]!r} changed the database"
    no_errors(logged_errors)


async def _open(stack, user: str, command: Command) -> dict[str, Any]:
    n = len(stack.fake.calls_to("views.open"))
    await stack.slack.command(user, command, "")
    calls = await stack.fake.wait_for("views.open", n + 1)
    return calls[-1].response["view"]


def _state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Raw `state.values`, shaped by element type but holding whatever we were given."""
    state = {}
    for block in view["blocks"]:
        if block.get("type") != "input" or block["block_id"] not in values:
            continue
        el, value = block["element"], values[block["block_id"]]
        key = {
            "static_select": "selected_option",
            "external_select": "selected_option",
            "datepicker": "selected_date",
            "datetimepicker": "selected_date_time",
        }.get(el["type"], "value")
        if key == "selected_option" and value is not None:
            value = {"text": {"type": "plain_text", "text": "x"}, "value": value}
        state[block["block_id"]] = {el["action_id"]: {"type": el["type"], key: value}}
    return state


async def _submit(stack, user, view, values, metadata) -> Reply:
    payload = {
        "type": "view_submission",
        "team": stack.slack._team(),
        "user": stack.slack._user(user),
        "api_app_id": "A0CRMPAY",
        "token": "legacy",
        "trigger_id": stack.fake.issue_trigger(),
        "view": {
            **view,
            "private_metadata": view.get("private_metadata", "") if metadata is None else metadata,
            "state": {"values": _state(view, values)},
        },
        "response_urls": [],
    }
    return await stack.slack._interactive(payload)


FIELD = st.one_of(st.none(), PIECE, REST, st.text(ANY_CHAR, max_size=60), TEXT, JSONISH)


@FUZZ
@given(
    which=st.sampled_from([Command.TOUCH, Command.CUSTOMER]),
    values=st.fixed_dictionaries(
        {},
        optional={
            b: FIELD
            for b in (
                "customer",
                "kind",
                "when",
                "note",
                "amount",
                "rating",
                "next",
                "name",
                "company",
                "phone",
                "occupation",
                "segment",
                "status",
            )
        },
    ),
    metadata=st.one_of(st.none(), STATE),
)
async def test_modal_submissions(world, logged_errors, which, values, metadata):
    view = await _open(world, "U0BOB", which)
    before = await all_rows(world.db)
    reply = await answered(_submit(world, "U0BOB", view, values, metadata))
    # A state no Slack input produces (a number where a date goes) is a malformed delivery.
    assert reply.status in (200, 400)
    assert "reference: `" not in reply.text
    if refused(reply) or "out of date" in reply.text:
        assert await all_rows(world.db) == before
    no_errors(logged_errors)


BUTTONS = [
    Action.OPEN_TOUCH_FORM,
    Action.OPEN_CUSTOMER_FORM,
    Action.CHOOSE_CUSTOMER,
    Action.FOLLOWUP_DONE,
    Action.FOLLOWUP_SNOOZE,
    Action.SCORE_RECORDS,
    Action.RECORDS_PREV,
    Action.RECORDS_NEXT,
    Action.OPEN_SCORE,
    Action.ACCEPT_BURST,
]


@FUZZ
@given(
    user=st.sampled_from(["U0ALICE", "U0BOB"]),
    action=st.sampled_from(BUTTONS),
    value=st.one_of(STATE, st.text(ANY_CHAR, max_size=2000)),
    in_view=st.booleans(),
)
async def test_button_values(world, logged_errors, user, action, value, in_view):
    blocks = a_button(action, value)
    view = None
    if in_view:
        view = await _open(world, user, Command.TOUCH)
    before_rows = await all_rows(world.db)
    before = len(world.fake.calls) + len(world.fake.posted)
    reply = await answered(world.slack.click(user, blocks, action, view=view))
    assert reply.status == 200
    await settled(world, before)
    shown = "\n".join(render_text(p.payload) for p in world.fake.posted)
    assert "reference: `" not in shown
    if action not in (Action.FOLLOWUP_DONE, Action.FOLLOWUP_SNOOZE, Action.CHOOSE_CUSTOMER):
        assert await all_rows(world.db) == before_rows
    no_errors(logged_errors)


@FUZZ
@given(user=st.sampled_from(["U0ALICE", "U0BOB", "U0LI"]), typed=TEXT)
async def test_customer_picker(world, logged_errors, user, typed):
    view = await _open(world, user, Command.TOUCH)
    reply = await answered(world.slack.suggest(user, view["id"], Action.CUSTOMER_PICK, typed))
    assert reply.status == 200 and "options" in reply.json
    no_errors(logged_errors)


@FUZZ
@given(note=TEXT, ts=st.one_of(st.text(ANY_CHAR, max_size=30), st.sampled_from(["1.2", "abc"])))
async def test_message_shortcut(world, logged_errors, note, ts):
    reply = await answered(
        world.slack.message_shortcut("U0ALICE", Callback.LOG_FROM_MESSAGE, note, ts=ts)
    )
    assert reply.status == 200
    no_errors(logged_errors)


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "",
]


def _form(fields: dict[str, Any]) -> str:
    return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()})


BODIES = st.one_of(
    st.binary(max_size=2000),
    st.text(ANY_CHAR, max_size=500).map(str.encode),
    JSONISH.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(
        st.sampled_from(["payload", "command", "user_id", "team_id", "text", "trigger_id"]),
        st.one_of(JSONISH, st.text(ANY_CHAR, max_size=50)),
        max_size=6,
    ).map(lambda d: _form(d).encode()),
    st.builds(
        lambda kind, extra: _form(
            {"payload": {"type": kind, "user": {"id": "U0ALICE"}, "team": {"id": "T0"}, **extra}}
        ).encode(),
        st.sampled_from(
            ["block_actions", "view_submission", "block_suggestion", "shortcut", "message_action"]
        ),
        st.dictionaries(
            st.sampled_from(["actions", "view", "value", "callback_id", "trigger_id", "message"]),
            JSONISH,
            max_size=4,
        ),
    ),
)


@FUZZ
@given(
    body=BODIES,
    content_type=st.sampled_from(CONTENT_TYPES),
    signed=st.booleans(),
    timestamp=st.one_of(st.none(), st.sampled_from(["abc", "", "-1", "1e10", "９９"])),
)
async def test_raw_bodies(world, logged_errors, body, content_type, signed, timestamp):
    import aiohttp

    ts = str(int(time.time())) if timestamp is None else timestamp
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
    if signed:
        import hashlib
        import hmac

        base = b"v0:" + ts.encode() + b":" + body
        digest = hmac.new(world.slack.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        headers["X-Slack-Signature"] = "v0=" + digest
    before = await all_rows(world.db)
    start = time.monotonic()
    async with aiohttp.ClientSession() as http:
        async with http.post(world.slack.app_url, data=body, headers=headers) as r:
            status, text = r.status, await r.text()
    assert time.monotonic() - start < ACK_BUDGET
    assert status < 500, text[:300]
    if not signed or timestamp is not None:
        assert status == 401
    assert "Traceback" not in text
    await __import__("asyncio").sleep(0.02)
    assert await all_rows(world.db) == before
    no_errors(logged_errors)


async def test_the_world_the_fuzzers_start_from(world):
    # The surfaces above are driven against real data: a customer and an open follow-up.
    [customer] = await scalars(world.db, select(Customer))
    [followup] = await scalars(world.db, select(Followup))
    assert customer.name == "Acme Ltd" and followup.status == "open"
