"""The HTTP server: `POST /slack/events` for Slack, `GET /healthz` for operators."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from storage.db import Database

EVENTS_PATH = "/slack/events"


def build_web_app(bolt: AsyncApp | None, db: Database) -> web.Application:
    """An aiohttp app serving Slack's requests (unless `bolt` is None) and the health check."""

    async def slack_events(request: web.Request) -> web.Response:
        bolt_resp = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_resp)

    async def healthz(_request: web.Request) -> web.Response:
        if await db.ping():
            return web.json_response({"ok": True, "database": "up"})
        return web.json_response({"ok": False, "database": "down"}, status=503)

    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    if bolt is not None:
        web_app.router.add_post(EVENTS_PATH, slack_events)
    return web_app
