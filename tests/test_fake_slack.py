"""The fake Slack refuses what Slack refuses, so the end-to-end tests mean something."""

from __future__ import annotations

import aiohttp
import pytest

from bot.fakeslack import FakeSlack
from bot.fakeslack import server as fake_server


@pytest.fixture
async def fake():
    f = FakeSlack(token="xoxb-right", scopes={"users:read"})
    await f.start()
    f.add_user("U1", "Ann")
    yield f
    await f.stop()


async def _call(fake, method, token="xoxb-right", **args):
    async with aiohttp.ClientSession() as http:
        async with http.post(
            fake.api_url + method, json=args, headers={"Authorization": f"Bearer {token}"}
        ) as r:
            return await r.json()


def _modal(blocks=None, title="Log a touch"):
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks or [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    }


async def test_wrong_token_is_invalid_auth(fake):
    assert (await _call(fake, "auth.test", token="xoxb-wrong"))["error"] == "invalid_auth"


async def test_missing_scope(fake):
    r = await _call(fake, "chat.postMessage", channel="C1", text="hi")
    assert (r["error"], r["needed"]) == ("missing_scope", "chat:write")


async def test_trigger_ids_work_once_and_expire(fake, monkeypatch):
    trigger = fake.issue_trigger()
    assert (await _call(fake, "views.open", trigger_id=trigger, view=_modal()))["ok"]
    again = await _call(fake, "views.open", trigger_id=trigger, view=_modal())
    assert again["error"] == "exchanged_trigger_id"
    old = fake.issue_trigger()
    monkeypatch.setattr(fake_server.time, "monotonic", lambda: 10**9)
    assert (await _call(fake, "views.open", trigger_id=old, view=_modal()))[
        "error"
    ] == "expired_trigger_id"
    assert (await _call(fake, "views.open", trigger_id="made-up", view=_modal()))[
        "error"
    ] == "invalid_trigger_id"


async def test_block_kit_limits(fake):
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    cases = [
        _modal(title="A title that is far too long"),
        _modal([section] * 101),
        _modal([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]),
    ]
    for view in cases:
        r = await _call(fake, "views.open", trigger_id=fake.issue_trigger(), view=view)
        assert r["error"] == "invalid_arguments", view
    r = await _call(
        fake, "views.publish", user_id="U1", view={"type": "home", "blocks": [section] * 100}
    )
    assert r["ok"]
    async with aiohttp.ClientSession() as http:
        url = fake.new_response_url()
        async with http.post(url, json={"text": "x", "blocks": [section] * 51}) as r:
            assert r.status == 400
    assert len(fake.refusals) == 4
