"""Well-formed deliveries with one part changed, dropped or retyped: never a 5xx, never an
unexpected error (reference id) logged. Whatever the shape checks let through, bolt and the
listeners take; whatever they would choke on, the shape checks refuse with a 400.

Bounded for CI (FUZZ_EXAMPLES, default 40 per kind of delivery, the same examples every run);
`FUZZ_EXAMPLES=400 .venv/bin/pytest tests/test_resilience_mutations.py` explores at random.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_resilience import (
    FORM,
    JSON,
    _actions,
    _command,
    _event,
    _interactive,
    _post,
    _submission,
    _suggestion,
    _user,
)

# Values Slack mints and the fake Slack checks: a made-up one fails there, not here.
SLACK_MINTED = {"trigger_id", "response_url"}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))

TEMPLATES: dict[str, tuple[Any, str]] = {
    "command": (_command(), FORM),
    "block_actions": (_actions(), FORM),
    "view_submission": (_submission(), FORM),
    "block_suggestion": (_suggestion(), FORM),
    "shortcut": (
        {
            "type": "shortcut",
            "callback_id": "log_touch",
            "trigger_id": "1.2.abc",
            "user": _user(),
            "team": {"id": "T0TEAM"},
        },
        FORM,
    ),
    "message_action": (
        {
            "type": "message_action",
            "callback_id": "log_touch_from_message",
            "trigger_id": "1.2.abc",
            "user": _user(),
            "team": {"id": "T0TEAM"},
            "channel": {"id": "C0GENERAL"},
            "response_url": "http://127.0.0.1:1/r",
            "message": {"type": "message", "ts": "1.2", "text": "hi", "user": "U0B"},
        },
        FORM,
    ),
    "event": (_event(), JSON),
}

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@pytest.mark.parametrize("template", list(TEMPLATES))
async def test_one_changed_part(stack, caplog, template, data):
    base, content_type = TEMPLATES[template]
    payload = copy.deepcopy(base)
    # Values Slack mints and the fake Slack checks are left as Slack would send them.
    for holder in (payload, payload.get("view") or {}):
        if "trigger_id" in holder:
            holder["trigger_id"] = stack.fake.issue_trigger()
        if "response_url" in holder:
            holder["response_url"] = stack.fake.new_response_url()
    paths = [p for p in _paths(payload) if not set(p) & SLACK_MINTED]
    path = data.draw(st.sampled_from(paths), label="path")
    parent = payload
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans(), label="delete"):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(JSONISH, label="value")
    if template == "command":
        raw = urlencode(
            {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        ).encode()
    elif content_type == JSON:
        raw = json.dumps(payload).encode()
    else:
        raw = _interactive(payload)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        status, _ = await _post(stack, raw, content_type)
    assert status < 500
    await asyncio.sleep(0.05)  # listeners that run after the ack
    bad = [r.getMessage()[:300] for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, (path, bad)
