"""`/touch` at 50 concurrent beside a bare bolt app, and while members open App Home.

Generates the scale organisation of `scoring_scale.py` (1,000 members, 1,000,000 touches)
into a scratch database and keeps its scores, then runs, each in its own child process on
127.0.0.1: the bot (as `crmpay serve` runs it, kept scores refreshed beside the requests,
against a fake Slack), and a bare slack-bolt AsyncApp whose `/touch` only acks. In one run
it times `/touch` on the bare app, on the bot, and on the bot while `--home-rate` members a
second open App Home (which reads their kept score card), and prints the ratios the targets
are stated in.

    .venv/bin/python bench/touch_under_load.py
    .venv/bin/python bench/touch_under_load.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import random
import secrets
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring_scale import generate, scratch_database
from sqlalchemy.engine import make_url
from touch_latency import _free_port, _pct

from bot.fakeslack import FakeSlack, SlackDriver
from handlers.ids import Command
from storage.db import Database, sqlite_file

TOKEN = "xoxb-bench"
SECRET = secrets.token_hex(16)
TEAM = "TBENCH"


def _serve_bot(port: int, database_url: str, members: int, ready) -> None:
    import logging

    from aiohttp import web

    from bot.server import build_web_app
    from bot.serving import serving
    from bot.settings import load_settings

    logging.basicConfig(level=logging.WARNING)

    async def main() -> None:
        fake = FakeSlack(token=TOKEN, team_id=TEAM)
        api = await fake.start()
        for m in range(members):
            fake.add_user(f"U{m + 1:06d}", f"Rep {m + 1}")
        settings = load_settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=api,
            database_url=database_url,
        )
        bot = serving(settings)  # as `crmpay serve` runs it, refresher and upkeep included
        runner = web.AppRunner(build_web_app(bot.app, bot.db, SECRET), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        bot.start()
        ready.set()
        try:
            await asyncio.Event().wait()
        finally:
            await bot.close()

    asyncio.run(main())


def _serve_bare(port: int, ready) -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp

    async def main() -> None:
        from slack_sdk.web.async_client import AsyncWebClient

        fake = FakeSlack(token=TOKEN, team_id=TEAM)  # answers the app's one auth.test
        client = AsyncWebClient(token=TOKEN, base_url=await fake.start())
        app = AsyncApp(client=client, signing_secret=SECRET)

        @app.command(Command.TOUCH)
        async def touch(ack) -> None:
            await ack("Logged.")

        async def events(request: web.Request) -> web.Response:
            bolt_request = await to_bolt_request(request)
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))

        web_app = web.Application()
        web_app.router.add_post("/slack/events", events)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


async def _touches(
    port: int, requests: int, concurrency: int, members: int, home_rate: float, seed: int
) -> tuple[list[float], list[str]]:
    """Time `/touch` from `concurrency` reps at once; meanwhile open App Home at a rate."""
    local = FakeSlack(team_id=TEAM)  # only mints trigger ids and response URLs
    driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SECRET, local)
    rnd = random.Random(seed)
    timings: list[float] = []
    failed: list[str] = []
    queue = list(range(requests))
    opened: set[asyncio.Future] = set()

    async def worker() -> None:
        while queue:
            i = queue.pop()
            member = rnd.randrange(members) + 1
            customer = (member - 1) * 20 + rnd.randrange(20) + 1  # one of theirs
            start = time.perf_counter()
            r = await driver.command(
                f"U{member:06d}", Command.TOUCH, f"cust {customer} call bench {seed}-{i}"
            )
            timings.append(time.perf_counter() - start)
            if r.status != 200 or "Logged" not in r.text:
                failed.append(r.text[:120])

    async def homes_opened() -> None:
        while queue:
            member = rnd.randrange(members) + 1
            home = asyncio.ensure_future(driver.open_home(f"U{member:06d}"))
            opened.add(home)
            home.add_done_callback(opened.discard)
            await asyncio.sleep(1 / home_rate)

    tasks = [worker() for _ in range(concurrency)]
    if home_rate:
        tasks.append(homes_opened())
    await asyncio.gather(*tasks)
    await asyncio.gather(*opened)
    await driver.close()
    return timings, failed


def _row(name: str, timings: list[float], failed: list[str], wall: float) -> dict:
    ms = [t * 1000 for t in timings]
    row = {
        "name": name,
        "p50": statistics.median(ms),
        "p99": _pct(ms, 99),
        "max": max(ms),
        "rps": len(ms) / wall,
        "failed": len(failed),
    }
    print(
        f"{name:<34} {row['p50']:>8.1f} {row['p99']:>8.1f} {row['max']:>8.1f} {row['rps']:>7.0f}"
        f" {row['failed']:>7}"
    )
    if failed:
        print(f"  first refusal: {failed[0]}")
    return row


def _start(target, *args) -> mp.Process:
    ready = mp.Event()
    child = mp.Process(target=target, args=(*args, ready), daemon=True)
    child.start()
    if not ready.wait(120):
        sys.exit("a server did not start")
    return child


def _cached(args: argparse.Namespace, url: str) -> Path | None:
    """Where `--cache` keeps a generated SQLite organisation (it takes minutes to make)."""
    if not args.cache or sqlite_file(url) is None:
        return None
    name = f"org-{args.members}m-{args.teams}t-{args.touches}x-{datetime.now(UTC):%Y-%m-%d}.db"
    return Path(args.cache) / name


def _run(url: str, args: argparse.Namespace) -> None:
    from storage.kept import KeptScores

    children = []
    try:

        async def prepare() -> None:
            db = Database(url)
            now = datetime.now(UTC)
            took = await generate(db, args.members, args.teams, args.touches, now)
            print(f"generated {args.touches} touches in {took:.0f}s")
            await KeptScores(db.sessions, db.reads).rebuild(now=now)
            await db.dispose()

        cached = _cached(args, url)
        if cached is not None and cached.exists():
            shutil.copyfile(cached, sqlite_file(url))
            print(f"organisation copied from {cached} (made by an earlier run)")
        else:
            asyncio.run(prepare())
            if cached is not None:
                shutil.copyfile(sqlite_file(url), cached)
        bare_port, bot_port = _free_port(), _free_port()
        children.append(_start(_serve_bare, bare_port))
        children.append(_start(_serve_bot, bot_port, url, args.members))
        print(
            f"/touch on 127.0.0.1, {make_url(url).get_backend_name()}, {args.requests} requests "
            f"per row at concurrency {args.concurrency}"
        )
        print(f"{'':<34} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>7} {'failed':>7}")
        rows = {}
        for name, port, rate in (
            ("bare bolt AsyncApp (ack only)", bare_port, 0.0),
            ("bot", bot_port, 0.0),
            (f"bot, App Home opened {args.home_rate:g}/s", bot_port, args.home_rate),
        ):
            asyncio.run(_touches(port, 100, args.concurrency, args.members, 0.0, 0))  # warm-up
            start = time.perf_counter()
            timings, failed = asyncio.run(
                _touches(port, args.requests, args.concurrency, args.members, rate, len(rows) + 1)
            )
            rows[name] = _row(name, timings, failed, time.perf_counter() - start)
        bare, bot, busy = rows.values()
        print(
            f"bot p99 / bare p99 = {bot['p99'] / bare['p99']:.1f}x; "
            f"with App Home / without = {busy['p99'] / bot['p99']:.2f}x"
        )
        print(
            f"touch_rps={bot['rps']:.0f} touch_p99_ms={bot['p99']:.0f} "
            f"bare_p99_ms={bare['p99']:.0f} home_p99_ratio={busy['p99'] / bot['p99']:.2f} "
            f"failed={bot['failed'] + busy['failed']}"
        )
    finally:
        for child in children:
            child.terminate()
            child.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--touches", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--home-rate", type=float, default=5.0)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--cache", default=None, help="SQLite: keep the generated organisation in this folder"
    )
    args = parser.parse_args()

    with scratch_database(args.database_url) as url:
        _run(url, args)
    cmd = (
        f".venv/bin/python bench/touch_under_load.py --members {args.members} --teams "
        f"{args.teams} --touches {args.touches} --requests {args.requests} --concurrency "
        f"{args.concurrency} --home-rate {args.home_rate:g}"
    )
    print("reproduce:", cmd + (f" --database-url {args.database_url}" if args.database_url else ""))


if __name__ == "__main__":
    main()
