"""A fake Slack Web API on 127.0.0.1: records calls and refuses what Slack refuses."""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.fakeslack.blockkit import message_problems, view_problems

TRIGGER_TTL = 3.0  # seconds a trigger_id stays valid, as on Slack

# Web API methods the fake knows, and the bot scope each needs (None: no scope).
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "apps.connections.open": None,  # takes the app-level token, not the bot token
    "users.info": "users:read",
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
}


@dataclass
class Call:
    """One Web API call the bot made, and what the fake answered."""

    method: str
    args: dict[str, Any]
    response: dict[str, Any]

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))


@dataclass
class Posted:
    """One message the bot sent to a response_url."""

    url_id: str
    payload: dict[str, Any]


@dataclass
class _Trigger:
    issued: float
    used: bool = False


@dataclass
class FakeSlack:
    """The Web API and response URLs, on loopback; start() returns the API base URL."""

    token: str = "xoxb-fake-token"
    app_token: str = "xapp-fake-token"
    scopes: set[str] = field(default_factory=lambda: set(METHOD_SCOPES.values()) - {None})
    team_id: str = "T0TEAM"
    calls: list[Call] = field(default_factory=list)
    posted: list[Posted] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._triggers: dict[str, _Trigger] = {}
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(2).upper()  # ids differ between fake instances
        self._failures: dict[str, list[str]] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._changed = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_replies: dict[str, asyncio.Future] = {}

    # -- setup -------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on a free loopback port; return the Web API base URL."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{url_id}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/"
        return self.api_url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.base_url + "api/"

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "Asia/Shanghai",
        locale: str = "en-US",
        is_admin: bool = False,
    ) -> None:
        """Make a workspace member known to `users.info`."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name.lower().replace(" ", "."),
            "real_name": name,
            "tz": tz,
            "locale": locale,
            "is_admin": is_admin,
            "is_owner": False,
            "profile": {"display_name": name, "real_name": name},
        }

    def issue_trigger(self) -> str:
        """A trigger_id as Slack puts in an interaction payload."""
        trigger = f"{next(self._ids)}.{int(time.time())}.{id(self) % 10**6:x}"
        self._triggers[trigger] = _Trigger(time.monotonic())
        return trigger

    def new_response_url(self) -> str:
        return f"{self.base_url}response/R{next(self._ids)}"

    def fail_next(self, method: str, error: str = "internal_error") -> None:
        """Make the next call of `method` fail with `error`."""
        self._failures.setdefault(method, []).append(error)

    # -- inspection --------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until `method` has been called `count` times; return those calls."""
        return await self._wait(lambda: self.calls_to(method), count, timeout, method)

    async def wait_posted(self, count: int = 1, timeout: float = 5.0) -> list[Posted]:
        """Wait until `count` messages have reached response URLs."""
        return await self._wait(lambda: self.posted, count, timeout, "response_url")

    async def _wait(self, get, count: int, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while len(get()) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout}s for {count} × {what}, saw {len(get())}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), 0.05)
            except TimeoutError:
                pass
        return get()[:count]

    def _notify(self) -> None:
        self._changed.set()

    # -- HTTP --------------------------------------------------------------------------

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        for key in ("view", "blocks"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or args.pop("token", "")
        response = self._answer(method, token, args)
        self.calls.append(Call(method, args, response))
        if not response.get("ok"):
            self.refusals.append(f"{method}: {response.get('error')} {response.get('detail', '')}")
        self._notify()
        return web.json_response(response)

    def _answer(self, method: str, token: str, args: dict[str, Any]) -> dict[str, Any]:
        if method not in METHOD_SCOPES:
            return {"ok": False, "error": "unknown_method"}
        if token != (self.app_token if method == "apps.connections.open" else self.token):
            return {"ok": False, "error": "invalid_auth"}
        scope = METHOD_SCOPES[method]
        if scope and scope not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": scope}
        if self._failures.get(method):
            return {"ok": False, "error": self._failures[method].pop(0)}
        return getattr(self, "_" + method.replace(".", "_"))(args)

    async def _response(self, request: web.Request) -> web.Response:
        payload = await request.json()
        problems = message_problems(payload) if not payload.get("delete_original") else []
        if problems:
            self.refusals.append("response_url: invalid_blocks " + "; ".join(problems))
            self._notify()
            return web.Response(status=400, text="invalid_blocks")
        self.posted.append(Posted(request.match_info["url_id"], payload))
        self._notify()
        return web.Response(text="ok")

    # -- Socket Mode -------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0CRMPAY"}}
        )
        self._sockets.append(ws)
        self._notify()
        try:
            async for msg in ws:
                reply = json.loads(msg.data)
                future = self._socket_replies.pop(reply.get("envelope_id", ""), None)
                if future and not future.done():
                    future.set_result(reply.get("payload"))
        finally:
            self._sockets.remove(ws)
        return ws

    async def socket_send(self, kind: str, payload: dict[str, Any], timeout: float = 5.0):
        """Deliver a Socket Mode envelope; return the payload the app acknowledged with."""
        await self._wait(lambda: self._sockets, 1, timeout, "a Socket Mode connection")
        envelope_id = f"E{next(self._ids)}"
        future = asyncio.get_running_loop().create_future()
        self._socket_replies[envelope_id] = future
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return await asyncio.wait_for(future, timeout)

    async def socket_send_raw(self, text: str, timeout: float = 5.0) -> None:
        """Write one raw frame on the Socket Mode connection, as a broken peer might."""
        await self._wait(lambda: self._sockets, 1, timeout, "a Socket Mode connection")
        await self._sockets[-1].send_str(text)

    # -- methods -----------------------------------------------------------------------

    def _apps_connections_open(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.base_url.replace("http://", "ws://") + "socket"}

    def _auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "team_id": self.team_id,
            "user": "crmpay",
            "user_id": "UBOT",
            "bot_id": "BBOT",
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _use_trigger(self, trigger_id: str | None) -> str | None:
        trigger = self._triggers.get(trigger_id or "")
        if trigger is None:
            return "invalid_trigger_id"
        if trigger.used:
            return "exchanged_trigger_id"
        if time.monotonic() - trigger.issued > TRIGGER_TTL:
            return "expired_trigger_id"
        trigger.used = True
        return None

    def _store_view(self, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or f"V{self._prefix}{next(self._ids):06d}"
        stored = {
            **view,
            "id": view_id,
            "hash": f"h{next(self._ids)}",
            "state": {"values": {}},
            "team_id": self.team_id,
        }
        self.views[view_id] = stored
        return stored

    def _bad_view(self, view: Any) -> dict[str, Any] | None:
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments", "detail": "view missing"}
        problems = view_problems(view)
        if problems:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "detail": "; ".join(problems),
                "response_metadata": {"messages": problems},
            }
        return None

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if bad := self._bad_view(args.get("view")):
            return bad
        if error := self._use_trigger(args.get("trigger_id")):
            return {"ok": False, "error": error}
        return {"ok": True, "view": self._store_view(args["view"])}

    _views_push = _views_open

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if bad := self._bad_view(args.get("view")):
            return bad
        view_id = args.get("view_id")
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        return {"ok": True, "view": self._store_view(args["view"], view_id)}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if bad := self._bad_view(view):
            return bad
        if view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments", "detail": "view.type must be home"}
        user = str(args.get("user_id"))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        stored = self._store_view(view)
        self.homes[user] = stored
        return {"ok": True, "view": stored}

    def _post(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if problems := message_problems(args):
            return {"ok": False, "error": "invalid_blocks", "detail": "; ".join(problems)}
        return {"ok": True, "channel": args["channel"], "ts": f"{time.time():.6f}"}

    _chat_postMessage = _post
    _chat_postEphemeral = _post
    _chat_update = _post
