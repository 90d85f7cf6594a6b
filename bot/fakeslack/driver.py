"""Send signed requests to the bot shaped as Slack sends them, and read its answers."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.fakeslack.blockkit import message_problems, options_problems, view_problems
from bot.fakeslack.server import FakeSlack


@dataclass
class Reply:
    """The bot's HTTP answer to one request."""

    status: int
    text: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.text) if self.text.startswith("{") else {}

    @property
    def message_text(self) -> str:
        """All text the answer shows: fallback text and every text in its blocks."""
        return render_text(self.json)


def render_text(payload: dict[str, Any]) -> str:
    """Collect every human-readable string of a message or view, for assertions."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
                out.append(node["text"])
            for key, value in node.items():
                if key not in ("text",) or not isinstance(value, str):
                    walk(value)
                elif node.get("type") not in ("plain_text", "mrkdwn"):
                    out.append(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    return "\n".join(out)


def find_element(blocks: list[dict[str, Any]], action_id: str, index: int = 0) -> tuple[str, dict]:
    """Return (block_id, element) of the `index`-th element with `action_id` in `blocks`."""
    found = []
    for i, block in enumerate(blocks):
        elements = block.get("elements") if block.get("type") == "actions" else None
        for el in elements or ([block["accessory"]] if "accessory" in block else []):
            if el.get("action_id") == action_id:
                found.append((block.get("block_id", f"b{i}"), el))
    if len(found) <= index:
        raise LookupError(f"no element {action_id!r} #{index} in blocks")
    return found[index]


class SlackDriver:
    """Plays Slack's side of the conversation with the bot."""

    def __init__(
        self, app_url: str, signing_secret: str, fake: FakeSlack, *, socket_mode: bool = False
    ) -> None:
        """Send to `app_url` over HTTP, or through the fake's Socket Mode connection."""
        self.socket_mode = socket_mode
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.fake = fake
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._http:
            await self._http.close()

    # -- transport ---------------------------------------------------------------------

    def sign(self, body: str, timestamp: int, secret: str | None = None) -> str:
        base = f"v0:{timestamp}:{body}".encode()
        key = (secret or self.signing_secret).encode()
        return "v0=" + hmac.new(key, base, hashlib.sha256).hexdigest()

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST a body to the bot, signed unless a signature is given."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        ts = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature or self.sign(body, ts),
            **(headers or {}),
        }
        async with self._http.post(self.app_url, data=body.encode(), headers=all_headers) as r:
            return Reply(r.status, await r.text())

    async def _over_socket(self, kind: str, payload: dict[str, Any]) -> Reply:
        answer = await self.fake.socket_send(kind, payload)
        return Reply(200, json.dumps(answer) if answer else "")

    async def _form(self, fields: dict[str, Any], **kw: Any) -> Reply:
        if self.socket_mode:
            return await self._over_socket("slash_commands", fields)
        return await self.send(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    async def _interactive(self, payload: dict[str, Any], **kw: Any) -> Reply:
        if self.socket_mode:
            return await self._over_socket("interactive", payload)
        return await self.send(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kw
        )

    def _check(self, where: str, problems: list[str]) -> None:
        for p in problems:
            self.fake.refusals.append(f"{where}: {p}")

    # -- requests ----------------------------------------------------------------------

    def _user(self, user: str) -> dict[str, Any]:
        return {
            "id": user,
            "username": user.lower(),
            "name": user.lower(),
            "team_id": self.fake.team_id,
        }

    def _team(self) -> dict[str, Any]:
        return {"id": self.fake.team_id, "domain": "fake"}

    async def command(
        self, user: str, command: str, text: str = "", channel: str = "C0GENERAL", **kw: Any
    ) -> Reply:
        """Send a slash command; the reply's JSON is the ephemeral answer, if any."""
        reply = await self._form(
            {
                "token": "legacy",
                "team_id": self.fake.team_id,
                "team_domain": "fake",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A0CRMPAY",
                "response_url": self.fake.new_response_url(),
                "trigger_id": kw.pop("trigger_id", None) or self.fake.issue_trigger(),
            },
            **kw,
        )
        if reply.status == 200 and reply.text:
            self._check(f"{command} reply", message_problems(reply.json))
        return reply

    async def click(
        self,
        user: str,
        blocks: list[dict[str, Any]],
        action_id: str,
        *,
        index: int = 0,
        container: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        response_url: str | None = None,
        **kw: Any,
    ) -> Reply:
        """Click the `index`-th element with `action_id` among `blocks`."""
        block_id, el = find_element(blocks, action_id, index)
        action = {
            "action_id": action_id,
            "block_id": block_id,
            "type": el["type"],
            "action_ts": f"{time.time():.6f}",
        }
        if "value" in el:
            action["value"] = el["value"]
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": "A0CRMPAY",
            "token": "legacy",
            "team": self._team(),
            "trigger_id": self.fake.issue_trigger(),
            "actions": [action],
        }
        if view is not None:
            payload["container"] = container or {"type": "view", "view_id": view["id"]}
            payload["view"] = view
        else:
            payload["container"] = container or {
                "type": "message",
                "is_ephemeral": True,
                "channel_id": "C0GENERAL",
                "message_ts": f"{time.time():.6f}",
            }
            payload["channel"] = {"id": "C0GENERAL", "name": "general"}
            payload["response_url"] = response_url or self.fake.new_response_url()
        return await self._interactive(payload, **kw)

    async def click_home(self, user: str, action_id: str, index: int = 0) -> Reply:
        """Click a button on the user's published App Home."""
        home = self.fake.homes[user]
        return await self.click(user, home["blocks"], action_id, index=index, view=home)

    def state_for(self, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Build `view.state.values` from {block_id: value}, shaped per element type."""
        state: dict[str, Any] = {}
        blocks = {b.get("block_id"): b for b in view["blocks"] if b.get("type") == "input"}
        for block_id, value in values.items():
            el = blocks[block_id]["element"]
            kind = el["type"]
            if kind in ("static_select", "external_select"):
                entry = {
                    "type": kind,
                    "selected_option": None
                    if value is None
                    else {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)},
                }
            elif kind == "datepicker":
                entry = {"type": kind, "selected_date": value}
            elif kind == "datetimepicker":
                entry = {"type": kind, "selected_date_time": value}
            else:
                entry = {"type": kind, "value": value}
            state[block_id] = {el["action_id"]: entry}
        # Untouched inputs keep their initial values, as in Slack.
        for block_id, block in blocks.items():
            if block_id in state:
                continue
            el = block["element"]
            initial = (
                el.get("initial_value")
                or el.get("initial_date")
                or el.get("initial_date_time")
                or el.get("initial_option")
            )
            if initial is not None:
                key = {
                    "plain_text_input": "value",
                    "datepicker": "selected_date",
                    "datetimepicker": "selected_date_time",
                }.get(el["type"], "selected_option")
                state[block_id] = {el["action_id"]: {"type": el["type"], key: initial}}
        return state

    async def submit(
        self, user: str, view_id: str, values: dict[str, Any] | None = None, **kw: Any
    ) -> Reply:
        """Submit an open modal with `values` ({block_id: value}) filled in."""
        view = self.fake.views[view_id]
        payload = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user),
            "api_app_id": "A0CRMPAY",
            "token": "legacy",
            "trigger_id": self.fake.issue_trigger(),
            "view": {**view, "state": {"values": self.state_for(view, values or {})}},
            "response_urls": [],
        }
        reply = await self._interactive(payload, **kw)
        body = reply.json
        if body.get("response_action") in ("update", "push"):
            self._check("view_submission update", view_problems(body["view"]))
        if body.get("response_action") == "errors":
            inputs = {b.get("block_id") for b in view["blocks"] if b.get("type") == "input"}
            for block_id in body.get("errors", {}):
                if block_id not in inputs:
                    self.fake.refusals.append(f"view_submission errors: no input {block_id!r}")
        return reply

    async def suggest(self, user: str, view_id: str, action_id: str, value: str) -> Reply:
        """Type into an external select; the reply holds the options offered."""
        view = self.fake.views[view_id]
        block_id = next(
            b["block_id"]
            for b in view["blocks"]
            if b.get("element", {}).get("action_id") == action_id
        )
        reply = await self._interactive(
            {
                "type": "block_suggestion",
                "user": self._user(user),
                "team": self._team(),
                "api_app_id": "A0CRMPAY",
                "token": "legacy",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "view": view,
            }
        )
        self._check("options", options_problems(reply.json))
        return reply

    async def message_shortcut(
        self,
        user: str,
        callback_id: str,
        text: str,
        channel: str = "C0GENERAL",
        author: str = "U0CUSTOMER",
        ts: str | None = None,
    ) -> Reply:
        """Pick a message shortcut from a message's menu (on a message posted at `ts`)."""
        ts = ts or f"{time.time():.6f}"
        return await self._interactive(
            {
                "type": "message_action",
                "callback_id": callback_id,
                "trigger_id": self.fake.issue_trigger(),
                "response_url": self.fake.new_response_url(),
                "team": self._team(),
                "channel": {"id": channel, "name": "general"},
                "user": self._user(user),
                "message_ts": ts,
                "message": {"type": "message", "user": author, "ts": ts, "text": text},
                "token": "legacy",
            }
        )

    async def global_shortcut(self, user: str, callback_id: str) -> Reply:
        """Pick a global shortcut from the composer's shortcut menu."""
        return await self._interactive(
            {
                "type": "shortcut",
                "callback_id": callback_id,
                "trigger_id": self.fake.issue_trigger(),
                "team": self._team(),
                "user": self._user(user),
                "action_ts": f"{time.time():.6f}",
                "token": "legacy",
            }
        )

    async def event(
        self, event: dict[str, Any], *, retry: int | None = None, event_id: str | None = None
    ) -> Reply:
        """Deliver an Events API event (a retry carries X-Slack-Retry-Num)."""
        body = {
            "token": "legacy",
            "team_id": self.fake.team_id,
            "api_app_id": "A0CRMPAY",
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{time.time_ns()}",
            "event_time": int(time.time()),
        }
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        if self.socket_mode:
            return await self._over_socket("events_api", body)
        return await self.send(json.dumps(body), "application/json", headers=headers)

    async def open_home(self, user: str) -> Reply:
        return await self.event(
            {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
        )
