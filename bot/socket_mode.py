"""Socket Mode: the same app over Slack's WebSocket, with every envelope checked first."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from slack_bolt.adapter.socket_mode.async_base_handler import AsyncBaseSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.requests import (
    COMMAND,
    EVENT,
    INTERACTIVE,
    MAX_BODY,
    Refused,
    check_payload,
    log_refusal,
)


class CheckedSocketModeClient(SocketModeClient):
    """A Socket Mode client that drops a malformed envelope with one bounded log line.

    slack_sdk would raise on some (a payload that is not an object, a message that is not
    JSON) and hand others to bolt as they are; here each envelope's payload passes the same
    shape checks as an HTTP request, and a refused one is acknowledged, so Slack does not
    send it again, and dropped.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tasks: set[asyncio.Task[None]] = set()

    async def process_message(self) -> None:
        raw = await self.message_queue.get()
        if raw is None:
            return
        message = await self.checked(raw)
        if message is not None:
            task = asyncio.ensure_future(self.run_message_listeners(message, raw))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def checked(self, raw: Any) -> dict[str, Any] | None:
        """The envelope if it is well formed; otherwise None, logged and acknowledged."""
        text = raw if isinstance(raw, str) else ""
        head = text[:32].encode("utf-8", "replace")
        try:
            if len(text) > MAX_BODY:
                raise Refused(413, "body_too_large", f"envelope over {MAX_BODY} bytes")
            try:
                message = json.loads(text)
            except (ValueError, RecursionError):
                raise Refused(400, "malformed_request", "envelope is not JSON") from None
            if not isinstance(message, dict):
                raise Refused(400, "malformed_request", "envelope is not a JSON object")
        except Refused as refused:
            log_refusal("Socket Mode", refused.status, refused.reason, length=len(text), head=head)
            return None
        if "envelope_id" not in message:
            return message  # hello, disconnect: the client's own business
        envelope_id = message["envelope_id"]
        try:
            if not isinstance(envelope_id, str) or not envelope_id:
                raise Refused(400, "malformed_request", "envelope_id is not a string")
            kind = message.get("type")
            if kind not in (COMMAND, INTERACTIVE, EVENT):
                raise Refused(400, "malformed_request", "not a kind of envelope Slack sends")
            check_payload(kind, message.get("payload"))
        except Refused as refused:
            log_refusal(
                "Socket Mode",
                refused.status,
                refused.reason,
                content_type=str(message.get("type"))[:40],
                length=len(text),
                head=head,
            )
            if isinstance(envelope_id, str) and envelope_id:
                await self.send_socket_mode_response({"envelope_id": envelope_id[:100]})
            return None
        return message


class SocketModeHandler(AsyncBaseSocketModeHandler):
    """Serve `app` over Socket Mode through `CheckedSocketModeClient`."""

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self.app = app
        self.client = CheckedSocketModeClient(
            app_token=app_token, logger=app.logger, web_client=app.client
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start = time.time()
        await send_async_response(client, req, await run_async_bolt_app(self.app, req), start)
