"""The HTTP server: `POST /slack/events` for Slack; `GET /healthz` and `GET /readyz` for operators.

`/healthz` says the process is alive (no database). `/readyz` says it can serve: the database
answers, its schema is at the packaged head revision, and it takes a write.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.requests import JSON, MAX_BODY, Refused, decode, log_refusal, verify_signature
from storage.db import Database, Readiness, describe
from storage.migrate import head_revisions

EVENTS_PATH = "/slack/events"
DECODE_ON_LOOP = 64 * 1024  # a slash command or a click is a few kB
READY_TIMEOUT = 0.8  # orchestrators' probes give up after 1 s by default

log = logging.getLogger("crmpay.server")


class ReadinessProbe:
    """Answer /readyz from one check at a time: concurrent probes share the one running."""

    def __init__(self, db: Database, timeout: float = READY_TIMEOUT) -> None:
        self.db = db
        self.timeout = timeout
        self._running: asyncio.Task[Readiness] | None = None
        self._last_ok: bool | None = None

    async def check(self) -> Readiness:
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self.db.readiness())
        try:
            ready = await asyncio.wait_for(asyncio.shield(self._running), self.timeout)
        except TimeoutError:
            ready = Readiness()
            ready.checks["database"] = f"no answer within {self.timeout:g} s"
        except Exception as exc:
            ready = Readiness()
            ready.checks["database"] = describe(exc)
        if ready.ok != self._last_ok:
            self._last_ok = ready.ok
            if ready.ok:
                log.info("ready: %s", ready.checks)
            else:
                log.warning("not ready: %s", ready.checks)
        return ready

    async def close(self) -> None:
        if self._running is not None and not self._running.done():
            self._running.cancel()


def build_web_app(
    bolt: AsyncApp | None, db: Database, signing_secret: str | None = None
) -> web.Application:
    """An aiohttp app serving Slack's requests (unless `bolt` is None) and the health checks."""
    if bolt is not None and not signing_secret:
        raise ValueError("serving Slack's requests needs the signing secret")
    secret = (signing_secret or "").encode()
    probe = ReadinessProbe(db)
    large_bodies = asyncio.Semaphore(1)

    async def slack_events(request: web.Request) -> web.Response:
        content_type = request.headers.get("Content-Type")
        length = request.content_length
        head = b""
        try:
            if length is not None and length > MAX_BODY:
                raise Refused(413, "body_too_large", f"body over {MAX_BODY} bytes")
            try:
                raw = await request.read()
            except web.HTTPRequestEntityTooLarge:
                raise Refused(413, "body_too_large", f"body over {MAX_BODY} bytes") from None
            head, length = raw[:32], len(raw)
            verify_signature(
                secret,
                request.headers.get("X-Slack-Request-Timestamp"),
                request.headers.get("X-Slack-Signature"),
                raw,
                time.time(),
            )
            if length <= DECODE_ON_LOOP:
                delivery = decode(raw, request.content_type)
            else:
                # Decoding a large form (pure Python) would hold the event loop for tens or
                # hundreds of milliseconds: do it beside the loop, one body at a time.
                async with large_bodies:
                    delivery = await asyncio.to_thread(decode, raw, request.content_type)
        except Refused as refused:
            log_refusal(
                "HTTP",
                refused.status,
                refused.reason,
                content_type=content_type,
                length=length,
                head=head,
            )
            return web.json_response({"ok": False, "error": refused.error}, status=refused.status)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _REPLACED_HEADERS}
        headers["Content-Type"] = JSON
        bolt_req = AsyncBoltRequest(body=delivery.json, query=request.query_string, headers=headers)
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_req))

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def readyz(_request: web.Request) -> web.Response:
        ready = await probe.check()
        body = {"ok": ready.ok, "failed": ready.failed, "checks": ready.checks}
        return web.json_response(body, status=200 if ready.ok else 503)

    async def stop_probe(_app: web.Application) -> None:
        await probe.close()

    async def read_heads(_app: web.Application) -> None:
        # Reading the migrations takes most of a second, once: not on the first probe.
        await asyncio.to_thread(head_revisions)

    web_app = web.Application(client_max_size=MAX_BODY)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    web_app.on_startup.append(read_heads)
    web_app.on_cleanup.append(stop_probe)
    if bolt is not None:
        web_app.router.add_post(EVENTS_PATH, slack_events)
    return web_app


# The body bolt gets is the checked payload as JSON, so its length and type are new.
_REPLACED_HEADERS = {"content-type", "content-length", "transfer-encoding"}
