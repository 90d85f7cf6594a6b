"""How fast the bot answers the worst input one user can send, and whether it slows anyone else.

The bot (with a fake Slack) runs in a child process on 127.0.0.1. For each hostile input
this script first sends it --repeat times, one after another, and times each request → ack;
then a second child process sends it in a loop from --hostile-senders concurrent senders
while a colleague logs ordinary `/touch acme call …` commands and asks `GET /healthz`, and
the colleague's answer times are set beside a baseline taken with no hostile traffic.

    .venv/bin/python bench/hostile_input.py                       # SQLite, temp file
    .venv/bin/python bench/hostile_input.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test

With --database-url the run uses a scratch database created beside that one and dropped
afterwards, so the named database is left as it was. Everything stays on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import inspect
import itertools
import json
import multiprocessing as mp
import os
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote_plus, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.fakeslack import FakeSlack
from handlers.ids import Action, Block, Command
from handlers.meta import TouchModalMeta
from handlers.ui.modals import TouchPrefill, touch_modal
from storage.db import Database, run_admin_sql
from storage.models import Customer
from storage.vocab import KIND_ALIASES, MAX_COMMAND_LINE, MAX_TOUCH_LINE, TouchKind

TOKEN = "xoxb-bench"
SECRET = secrets.token_hex(16)
TEAM = "TBENCH"
COLLEAGUE = "U0COLLEAGUE"
SLOW = 1.0  # seconds: an answer slower than this is reported as a finding
MB = 1_000_000


def _hostile_user(n: int) -> str:
    return f"U0HOSTILE{n:02d}"


# -- the bot ---------------------------------------------------------------------------------


def _serve(port: int, database_url: str, users: list[str], ready, fake_url) -> None:
    import logging

    from aiohttp import web

    from bot.app import build_app
    from bot.server import build_web_app
    from bot.settings import load_settings

    # Refusals are logged at INFO/WARNING; the bench measures answers, not log volume.
    logging.basicConfig(level=logging.ERROR)

    async def main() -> None:
        fake = FakeSlack(token=TOKEN, team_id=TEAM)
        api = await fake.start()
        for user in users:
            fake.add_user(user, user.title())
        settings = load_settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=api,
            database_url=database_url,
        )
        db = Database(database_url)
        bolt = build_app(settings, db)
        # The server takes the signing secret once it verifies requests itself.
        if "signing_secret" in inspect.signature(build_web_app).parameters:
            web_app = build_web_app(bolt, db, SECRET)
        else:
            web_app = build_web_app(bolt, db)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        fake_url.put(fake.base_url)
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- requests --------------------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass
class Ctx:
    """What the inputs need to know about the running bot."""

    url: str  # POST /slack/events
    fake_url: str  # the fake Slack's base URL, for response URLs on loopback
    customer_id: int = 0  # one of the hostile member's customers, for the form submission
    serial: itertools.count = field(default_factory=itertools.count)

    def response_url(self) -> str:
        return f"{self.fake_url}response/R{next(self.serial)}"

    def trigger(self) -> str:
        return f"{next(self.serial)}.{int(time.time())}.{secrets.token_hex(3)}"


@dataclass
class Req:
    """One request as it goes on the wire."""

    body: bytes
    content_type: str = FORM
    sign: bool = True
    headers: dict[str, str] = field(default_factory=dict)


def _sign(body: bytes, timestamp: str) -> str:
    mac = hmac.new(SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return "v0=" + mac.hexdigest()


async def send(http: aiohttp.ClientSession, url: str, req: Req) -> tuple[int, float, str]:
    """POST one request; return (status, seconds to the full answer, answer text)."""
    ts = str(int(time.time()))
    headers = {
        "Content-Type": req.content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": _sign(req.body, ts) if req.sign else "v0=" + "0" * 64,
        **req.headers,
    }
    start = time.perf_counter()
    try:
        async with http.post(url, data=req.body, headers=headers) as r:
            text = await r.text(errors="replace")
            status = r.status
    except aiohttp.ClientError as e:
        # A server that answers before reading an oversized body may close the connection.
        return 0, time.perf_counter() - start, f"connection: {type(e).__name__}"
    return status, time.perf_counter() - start, text


@cache
def _quoted(text: str) -> str:
    return quote_plus(text)


def command(ctx: Ctx, user: str, name: str, text: str) -> Req:
    """A signed slash command as Slack sends it, with fresh trigger id and response URL."""
    fields = {
        "token": "legacy",
        "team_id": TEAM,
        "team_domain": "bench",
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": name,
        "api_app_id": "A0CRMPAY",
        "response_url": ctx.response_url(),
        "trigger_id": ctx.trigger(),
    }
    return Req(f"{urlencode(fields)}&text={_quoted(text)}".encode())


def interactive(payload: dict) -> Req:
    return Req(f"payload={quote_plus(json.dumps(payload))}".encode())


def _who(user: str) -> dict:
    return {
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "team": {"id": TEAM, "domain": "bench"},
        "api_app_id": "A0CRMPAY",
        "token": "legacy",
    }


# -- the hostile inputs ----------------------------------------------------------------------

KIND_WORDS = [k.value for k in TouchKind] + list(KIND_ALIASES)


def _words_up_to(prefix: str, words: list[str], limit: int) -> str:
    """`prefix` followed by `words` (cycled) for as long as the whole stays within `limit`."""
    out = prefix.rstrip()
    for w in itertools.cycle(words):
        if len(out) + 1 + len(w) > limit:
            return out
        out += " " + w


@cache
def _touch_at_limit() -> str:
    return _words_up_to("acme", KIND_WORDS, MAX_TOUCH_LINE)


@cache
def _touch_longest_note() -> str:
    # The note (everything after the kind word) at its 2,000-character maximum.
    return "acme call " + _words_up_to("", ["call"], 2000).strip()


@cache
def _touch_short_words() -> str:
    return _words_up_to("", ["a"], MAX_TOUCH_LINE - 5) + " call"


@cache
def _touch_short_and_kind() -> str:
    return _words_up_to("", ["a", "call"], MAX_TOUCH_LINE)


def _find(n: int) -> str:
    return "find " + ("acme%_" * (n // 6 + 1))[:n]


@cache
def _customer_add_long() -> str:
    return "add " + ", ".join(["Name" * 5000, "Company" * 3000, "1" * 20000, "Job" * 7000])


@cache
def _customer_add_lookalike() -> str:
    # Every field at its longest, names full of Cyrillic look-alikes and zero-width spaces.
    name = ("Аcme\u200bСall " * 20)[:120]
    company = ("Неllо\u200b Wоrld " * 20)[:120]
    return f"add {name}, {company}, +86 139 0000 9999, {'О' * 80}"


@cache
def _big_form(size: int) -> str:
    return "text=" + "call+" * (size // 5)


def _view_submission(ctx: Ctx, user: str, note: str) -> Req:
    view = touch_modal("en", datetime.now(UTC), TouchPrefill(), TouchModalMeta.of().dump())
    values = {
        Block.CUSTOMER: {
            Action.CUSTOMER_PICK: {
                "type": "external_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Acme Call"},
                    "value": str(ctx.customer_id),
                },
            }
        },
        Block.KIND: {
            Action.INPUT: {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "call"},
                    "value": "call",
                },
            }
        },
        Block.WHEN: {
            Action.INPUT: {"type": "datetimepicker", "selected_date_time": int(time.time())}
        },
        Block.NOTE: {Action.INPUT: {"type": "plain_text_input", "value": note}},
    }
    view = {
        **view,
        "id": f"VBENCH{next(ctx.serial):08d}",
        "team_id": TEAM,
        "state": {"values": values},
    }
    return interactive(
        {
            "type": "view_submission",
            **_who(user),
            "trigger_id": ctx.trigger(),
            "view": view,
            "response_urls": [],
        }
    )


def _suggestion(ctx: Ctx, user: str, value: str) -> Req:
    return interactive(
        {
            "type": "block_suggestion",
            **_who(user),
            "action_id": Action.CUSTOMER_PICK,
            "block_id": Block.CUSTOMER,
            "value": value,
            "view": {"id": f"VBENCH{next(ctx.serial):08d}", "type": "modal"},
        }
    )


Builder = Callable[[Ctx, str], Req]

# (what is sent, how big, how to build one request for a member)
INPUTS: list[tuple[str, str, Builder]] = [
    (
        "/touch acme + `call ` × 4,000",
        "20 kB",
        lambda c, u: command(c, u, Command.TOUCH, "acme " + "call " * 4000),
    ),
    (
        "/touch acme + `call ` × 8,000",
        "40 kB",
        lambda c, u: command(c, u, Command.TOUCH, "acme " + "call " * 8000),
    ),
    (
        "/touch acme + `call ` × 20,000",
        "100 kB",
        lambda c, u: command(c, u, Command.TOUCH, "acme " + "call " * 20000),
    ),
    (
        "/touch acme + every kind word, at the line limit",
        f"{len(_touch_at_limit()):,} ch",
        lambda c, u: command(c, u, Command.TOUCH, _touch_at_limit()),
    ),
    (
        "/touch acme call + 2,000-ch note of `call` (logs a touch)",
        f"{len(_touch_longest_note()):,} ch",
        lambda c, u: command(c, u, Command.TOUCH, _touch_longest_note()),
    ),
    (
        "/touch customer part of one-letter words + call",
        f"{len(_touch_short_words()):,} ch",
        lambda c, u: command(c, u, Command.TOUCH, _touch_short_words()),
    ),
    (
        "/touch `a call ` repeated, at the line limit",
        f"{len(_touch_short_and_kind()):,} ch",
        lambda c, u: command(c, u, Command.TOUCH, _touch_short_and_kind()),
    ),
    (
        "/touch acme call + 40,000 CJK characters",
        "360 kB",
        lambda c, u: command(c, u, Command.TOUCH, "acme call " + "电话满意度" * 8000),
    ),
    (
        "/customer find + 60,000 ch (LIKE wildcards)",
        "60 kB",
        lambda c, u: command(c, u, Command.CUSTOMER, _find(60000)),
    ),
    (
        "/customer add, four 20,000-ch fields",
        f"{len(_customer_add_long()) // 1000} kB",
        lambda c, u: command(c, u, Command.CUSTOMER, _customer_add_long()),
    ),
    (
        "/customer add, every field at its limit, look-alikes",
        f"{len(_customer_add_lookalike())} ch",
        lambda c, u: command(c, u, Command.CUSTOMER, _customer_add_lookalike()),
    ),
    (
        "/crm + 100,000 quotes",
        "100 kB",
        lambda c, u: command(c, u, Command.CRM, '"' * 100_000),
    ),
    (
        "/crm team create + quotes, at the line limit",
        f"{MAX_COMMAND_LINE:,} ch",
        lambda c, u: command(
            c, u, Command.CRM, ('team create "' + '"x' * MAX_COMMAND_LINE)[:MAX_COMMAND_LINE]
        ),
    ),
    (
        "customer picker typing 60,000 ch",
        "60 kB",
        lambda c, u: _suggestion(c, u, "acme" * 15000),
    ),
    (
        "form submission, 30,000-ch note",
        "30 kB",
        lambda c, u: _view_submission(c, u, "call " * 6000),
    ),
    (
        "1 MB body, unsigned",
        "1 MB",
        lambda c, u: Req(_big_form(MB).encode(), sign=False),
    ),
    (
        "1 MB body, signed (/touch text)",
        "1 MB",
        lambda c, u: command(c, u, Command.TOUCH, "acme " + "call " * ((MB - 400) // 5)),
    ),
    (
        "1 MB body, signed, every byte percent-escaped (/touch)",
        "1 MB",
        lambda c, u: command(c, u, Command.TOUCH, '"' * ((MB - 400) // 3)),
    ),
    (
        "2 MB body, signed (over the cap)",
        "2 MB",
        lambda c, u: Req(_big_form(2 * MB).encode()),
    ),
    (
        "signed body of invalid UTF-8",
        "64 kB",
        lambda c, u: Req(b"text=" + b"\xff\xfe" * 32768),
    ),
    (
        "`payload=%7Bbad`, signed",
        "14 B",
        lambda c, u: Req(b"payload=%7Bbad"),
    ),
    (
        "signed JSON nested 200,000 deep",
        "200 kB",
        lambda c, u: Req(b"[" * 200_000, content_type=JSON),
    ),
    (
        "signed form with 50,000 fields",
        "300 kB",
        lambda c, u: Req("&".join(f"f{i}=1" for i in range(50_000)).encode()),
    ),
    (
        "X-Slack-Request-Timestamp: abc",
        "14 B",
        lambda c, u: Req(b"payload=%7Bbad", headers={"X-Slack-Request-Timestamp": "abc"}),
    ),
]


# -- measuring -------------------------------------------------------------------------------


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _summary(seconds: list[float]) -> tuple[float, float, float]:
    ms = [s * 1000 for s in seconds]
    return statistics.median(ms), _pct(ms, 99), max(ms)


def _answer(status: int, text: str) -> str:
    """A short reading of the bot's answer: the error code, or the message's first words."""
    if not text:
        return "(empty)"
    try:
        body = json.loads(text)
    except ValueError:
        return text.splitlines()[0][:48]
    if isinstance(body, dict):
        if "error" in body:
            return f"error: {body['error']}"
        if body.get("response_action") == "errors":
            return "field errors: " + ", ".join(body.get("errors", {}))
        if "options" in body:
            return f"{len(body['options'])} options"
        if "text" in body:
            return " ".join(str(body["text"]).split())[:48]
    return text[:48]


def _statuses(counts: Counter) -> str:
    if len(counts) == 1:
        return str(next(iter(counts)))
    return " ".join(f"{s}×{n}" for s, n in sorted(counts.items()))


async def _alone(ctx: Ctx, build: Builder, repeat: int) -> tuple[list[float], Counter, str]:
    """Send one input `repeat` times in a row (after two unmeasured ones)."""
    user = _hostile_user(0)
    timings: list[float] = []
    statuses: Counter = Counter()
    answer = ""
    async with aiohttp.ClientSession() as http:
        for i in range(repeat + 2):
            status, seconds, text = await send(http, ctx.url, build(ctx, user))
            if i >= 2:
                timings.append(seconds)
                statuses[status] += 1
                answer = answer or _answer(status, text)
    return timings, statuses, answer


def _hostile_loop(ctx: Ctx, index: int, senders: int, stop, sent, started) -> None:
    """In a child process: send input `index` from `senders` members until `stop` is set."""
    build = INPUTS[index][2]

    async def sender(n: int, http: aiohttp.ClientSession) -> None:
        user = _hostile_user(n)
        while not stop.is_set():
            await send(http, ctx.url, build(ctx, user))
            with sent.get_lock():
                sent.value += 1
                if sent.value == senders:
                    started.set()
            await asyncio.sleep(0)

    async def main() -> None:
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(sender(n, http) for n in range(senders)))

    asyncio.run(main())


async def _colleague(ctx: Ctx, health_url: str, requests: int, round_no: int):
    """The colleague's ordinary work: `/touch acme call …` then `GET /healthz`, in turn."""
    touch: list[float] = []
    health: list[float] = []
    failed = 0
    async with aiohttp.ClientSession() as http:
        for i in range(requests):
            req = command(ctx, COLLEAGUE, Command.TOUCH, f"acme call check-in {round_no}.{i}")
            status, seconds, text = await send(http, ctx.url, req)
            touch.append(seconds)
            failed += status != 200 or "Logged" not in text
            start = time.perf_counter()
            async with http.get(health_url) as r:
                await r.read()
                failed += r.status != 200
            health.append(time.perf_counter() - start)
    return touch, health, failed


def _under_fire(ctx: Ctx, health_url: str, index: int | None, senders: int, requests: int, n):
    """Colleague timings while input `index` is sent in a loop (None: no hostile traffic)."""
    if index is None:
        return (*asyncio.run(_colleague(ctx, health_url, requests, n)), 0.0)
    stop, started = mp.Event(), mp.Event()
    sent = mp.Value("q", 0)
    child = mp.Process(
        target=_hostile_loop, args=(ctx, index, senders, stop, sent, started), daemon=True
    )
    child.start()
    try:
        started.wait(60)
        before, t0 = sent.value, time.perf_counter()
        result = asyncio.run(_colleague(ctx, health_url, requests, n))
        rate = (sent.value - before) / (time.perf_counter() - t0)
    finally:
        stop.set()
        child.join(60)
        if child.is_alive():
            child.terminate()
            child.join()
    return (*result, rate)


async def _prepare(ctx: Ctx, url: str, senders: int) -> int:
    """Register the colleague's Acme Ltd and each hostile member's "Acme Call N"."""
    async with aiohttp.ClientSession() as http:
        wanted = [(COLLEAGUE, "add Li Wei, Acme Ltd, +86 137 0000 0001")] + [
            (_hostile_user(n), f"add Acme Call {n}, Hostile {n} Co, +86 139 0000 {n:04d}")
            for n in range(senders + 1)
        ]
        for user, text in wanted:
            req = command(ctx, user, Command.CUSTOMER, text)
            status, _, answer = await send(http, ctx.url, req)
            if status != 200 or "Registered" not in answer:
                raise RuntimeError(f"could not register a customer: {status} {answer[:300]}")
    db = Database(url)
    try:
        async with db.sessions() as session:
            return await session.scalar(select(Customer.id).where(Customer.name == "Acme Call 0"))
    finally:
        await db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20, help="requests per hostile input")
    parser.add_argument("--hostile-senders", type=int, default=3)
    parser.add_argument(
        "--colleague-requests", type=int, default=40, help="colleague /touch (and /healthz) each"
    )
    args = parser.parse_args()

    from storage.migrate import upgrade

    scratch = scratch_dir = None
    if args.database_url is None:
        scratch_dir = tempfile.mkdtemp()
        url = f"sqlite+aiosqlite:///{scratch_dir}/bench.db"
    else:
        # A scratch database beside the given one, dropped afterwards.
        scratch = f"crmpay_bench_{secrets.token_hex(4)}"
        asyncio.run(run_admin_sql(args.database_url, f'CREATE DATABASE "{scratch}"'))
        url = make_url(args.database_url).set(database=scratch).render_as_string(False)
    child = None
    findings: list[str] = []
    try:
        upgrade(url)
        port = _free_port()
        ready, fake_url = mp.Event(), mp.Queue()
        users = [COLLEAGUE] + [_hostile_user(n) for n in range(args.hostile_senders + 1)]
        child = mp.Process(target=_serve, args=(port, url, users, ready, fake_url), daemon=True)
        child.start()
        if not ready.wait(60):
            sys.exit("the bot did not start")
        base = f"http://127.0.0.1:{port}"
        ctx = Ctx(url=f"{base}/slack/events", fake_url=fake_url.get(timeout=10))
        ctx.customer_id = asyncio.run(_prepare(ctx, url, args.hostile_senders))
        backend = url.split(":", 1)[0].split("+")[0]
        print(
            f"Hostile input on 127.0.0.1, {backend}, {os.cpu_count()} CPUs; "
            f"{args.repeat} requests per input, one after another"
        )
        head = f"{'input':<58} {'size':>9} {'status':>7} {'median':>8} {'p99':>8} {'max':>8}"
        print(f"{head}  answer (ms)")
        for name, size, build in INPUTS:
            timings, statuses, answer = asyncio.run(_alone(ctx, build, args.repeat))
            med, p99, top = _summary(timings)
            status = _statuses(statuses)
            print(f"{name:<58} {size:>9} {status:>7} {med:>8.1f} {p99:>8.1f} {top:>8.1f}  {answer}")
            if top > SLOW * 1000 or any(s >= 500 or s == 0 for s in statuses):
                findings.append(f"{name}: status {status}, max {top:.0f} ms ({answer})")

        print()
        print(
            f"A colleague's {args.colleague_requests} `/touch acme call …` and "
            f"{args.colleague_requests} `GET /healthz`, one after another, while "
            f"{args.hostile_senders} hostile senders send the input in a loop (ms)"
        )
        print(
            f"{'hostile input':<58} {'sent/s':>7} {'touch med':>9} {'p99':>7} {'max':>7} "
            f"{'healthz med':>11} {'p99':>7} {'max':>7} {'failed':>6}"
        )
        _under_fire(ctx, f"{base}/healthz", None, 0, args.colleague_requests, "warm")  # unmeasured
        rounds = [
            (None, "none (baseline)"),
            *((i, n) for i, (n, _, _) in enumerate(INPUTS)),
            (None, "none (baseline, again at the end)"),
        ]
        for round_no, (index, name) in enumerate(rounds):
            touch, health, failed, rate = _under_fire(
                ctx,
                f"{base}/healthz",
                index,
                args.hostile_senders,
                args.colleague_requests,
                round_no,
            )
            t_med, t_p99, t_max = _summary(touch)
            h_med, h_p99, h_max = _summary(health)
            print(
                f"{name:<58} {rate:>7.0f} {t_med:>9.1f} {t_p99:>7.1f} {t_max:>7.1f} "
                f"{h_med:>11.1f} {h_p99:>7.1f} {h_max:>7.1f} {failed:>6}"
            )
            if max(t_max, h_max) > SLOW * 1000 or failed:
                findings.append(
                    f"colleague during {name}: /touch max {t_max:.0f} ms, "
                    f"/healthz max {h_max:.0f} ms, {failed} failed"
                )
    finally:
        if child is not None:
            child.terminate()
            child.join()
        if scratch:
            asyncio.run(run_admin_sql(args.database_url, f'DROP DATABASE "{scratch}" WITH (FORCE)'))
        if scratch_dir:
            shutil.rmtree(scratch_dir, ignore_errors=True)
    print()
    if findings:
        print(f"slower than {SLOW:g} s, a 5xx, a dropped connection or a failed colleague request:")
        for f in findings:
            print(f"  {f}")
    else:
        print(f"every answer within {SLOW:g} s, no 5xx, no failed colleague request")
    cmd = "  ".join(
        [
            ".venv/bin/python bench/hostile_input.py",
            f"--repeat {args.repeat}",
            f"--hostile-senders {args.hostile_senders}",
            f"--colleague-requests {args.colleague_requests}",
        ]
        + ([f"--database-url {args.database_url}"] if args.database_url else [])
    )
    print(f"reproduce: {cmd}")


if __name__ == "__main__":
    main()
