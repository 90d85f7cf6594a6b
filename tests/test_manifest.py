"""manifest.yml is valid for Slack and declares exactly what the code handles."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
from slack_bolt.async_app import AsyncApp

from bot.app import build_app
from bot.fakeslack.server import METHOD_SCOPES
from bot.server import EVENTS_PATH
from bot.settings import load_settings
from handlers.ids import Callback, Command
from storage.db import Database
from tests.conftest import ROOT, manifest

SCHEMA_NAME = "manifest.schema.1.0.0.json"


def _find_schema() -> Path:
    """Slack's published manifest schema: $SLACK_MANIFEST_SCHEMA, or shared/slack/ beside
    the repository or beside one of its parent folders."""
    if env := os.environ.get("SLACK_MANIFEST_SCHEMA"):
        return Path(env)
    for folder in ROOT.parents:
        candidate = folder / "shared" / "slack" / SCHEMA_NAME
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "slack" / SCHEMA_NAME


SCHEMA = _find_schema()
SOURCES = [
    p
    for d in ("bot", "handlers", "schedules")
    for p in (ROOT / d).rglob("*.py")
    if "fakeslack" not in p.parts
]


@pytest.mark.skipif(
    not SCHEMA.exists(),
    reason=f"Slack's manifest schema not found (set SLACK_MANIFEST_SCHEMA): {SCHEMA}",
)
def test_manifest_validates_against_slacks_schema():
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(manifest()), key=str)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


@pytest.fixture(scope="module")
def registered():
    """Build the app, recording every command, shortcut and event it registers."""
    seen: dict[str, set[str]] = {"command": set(), "shortcut": set(), "event": set()}
    originals = {kind: getattr(AsyncApp, kind) for kind in seen}

    def recorder(kind):
        def record(self, constraint, *args, **kwargs):
            seen[kind].add(str(constraint))
            return originals[kind](self, constraint, *args, **kwargs)

        return record

    mp = pytest.MonkeyPatch()
    for kind in seen:
        mp.setattr(AsyncApp, kind, recorder(kind))
    try:
        settings = load_settings(slack_bot_token="xoxb-x", slack_signing_secret="s")
        build_app(settings, Database("sqlite+aiosqlite://"))
    finally:
        mp.undo()
    return seen


def test_slash_commands_match_the_handlers(registered):
    declared = {c["command"] for c in manifest()["features"]["slash_commands"]}
    assert declared == registered["command"] == {c.value for c in Command}


def test_shortcuts_match_the_handlers(registered):
    shortcuts = manifest()["features"]["shortcuts"]
    assert {s["callback_id"] for s in shortcuts} == registered["shortcut"]
    kinds = {s["callback_id"]: s["type"] for s in shortcuts}
    assert kinds == {Callback.LOG_FROM_MESSAGE: "message", Callback.LOG_TOUCH: "global"}
    names = {s["callback_id"]: s["name"] for s in shortcuts}
    assert names[Callback.LOG_FROM_MESSAGE] == "Log as customer touch"


def test_events_match_the_handlers(registered):
    m = manifest()
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == registered["event"]
    if "app_home_opened" in registered["event"]:
        assert m["features"]["app_home"]["home_tab_enabled"] is True


def web_api_methods() -> set[str]:
    """Every Web API method the bot's code calls, e.g. `client.views_open(` → views.open."""
    found = set()
    for path in SOURCES:
        for name in re.findall(r"client\.([a-z]+_[A-Za-z]+)\(", path.read_text()):
            found.add(name.replace("_", ".", 1))
    return found


def test_bot_scopes_are_exactly_what_the_code_needs():
    methods = web_api_methods()
    assert {"users.info", "views.open", "views.publish"} <= methods
    unknown = methods - set(METHOD_SCOPES)
    assert not unknown, f"add the scope of {unknown} to the fake Slack's METHOD_SCOPES"
    needed = {METHOD_SCOPES[m] for m in methods} - {None}
    if manifest()["features"].get("slash_commands") or manifest()["features"].get("shortcuts"):
        needed.add("commands")
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == needed


def test_every_request_url_is_the_one_events_endpoint():
    m = manifest()
    urls = [c["url"] for c in m["features"]["slash_commands"]]
    urls.append(m["settings"]["event_subscriptions"]["request_url"])
    urls.append(m["settings"]["interactivity"]["request_url"])
    urls.append(m["settings"]["interactivity"]["message_menu_options_url"])
    assert {urlparse(u).path for u in urls} == {EVENTS_PATH}
    assert m["settings"]["interactivity"]["is_enabled"] is True


def test_readme_names_every_command():
    readme = (ROOT / "README.md").read_text()
    for c in Command:
        assert f"`{c.value}" in readme, f"README does not document {c.value}"
