"""How long `/touch acme call …` takes from request to ack, on loopback.

The bot (with a fake Slack) runs in a child process; this process sends signed slash
commands, each logging a real touch in the database, and times each HTTP round trip.

    .venv/bin/python bench/touch_latency.py                       # SQLite, temp file
    .venv/bin/python bench/touch_latency.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test

With --database-url the run uses a scratch database created beside that one and dropped
afterwards, so the named database is left as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import secrets
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import make_url

from bot.fakeslack import FakeSlack, SlackDriver
from handlers.ids import Command
from storage.db import run_admin_sql

TOKEN = "xoxb-bench"
SECRET = secrets.token_hex(16)
REPS = 20


def _serve(port: int, database_url: str, ready) -> None:
    import logging

    from aiohttp import web

    from bot.server import build_web_app
    from bot.serving import serving
    from bot.settings import load_settings

    logging.basicConfig(level=logging.WARNING)

    async def main() -> None:
        fake = FakeSlack(token=TOKEN, team_id="TBENCH")
        api = await fake.start()
        for i in range(REPS):
            fake.add_user(f"U{i:04d}", f"Rep {i}")
        settings = load_settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=api,
            database_url=database_url,
        )
        bot = serving(settings)  # as `crmpay serve` runs it
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _run(port: int, requests: int, concurrency: int, round_no: int) -> list[float]:
    local = FakeSlack(team_id="TBENCH")  # only mints trigger ids and response URLs
    driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SECRET, local)
    timings: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            user = f"U{i % REPS:04d}"
            start = time.perf_counter()
            r = await driver.command(
                user, Command.TOUCH, f"bench{i % REPS}r{round_no} call touch {i} next:+7d"
            )
            timings.append(time.perf_counter() - start)
            if r.status != 200 or "Logged" not in r.text:
                raise RuntimeError(f"unexpected reply {r.status}: {r.text[:300]}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    await driver.close()
    return timings


async def _prepare(port: int, round_no: int) -> None:
    local = FakeSlack(team_id="TBENCH")
    driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SECRET, local)
    for i in range(REPS):
        r = await driver.command(f"U{i:04d}", Command.CUSTOMER, f"add bench{i}r{round_no} Ltd")
        assert "Registered" in r.text, r.text
    await driver.close()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", default="1,10")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from storage.migrate import upgrade

    scratch = None
    if args.database_url is None:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    else:
        # A scratch database beside the given one, dropped afterwards.
        scratch = f"crmpay_bench_{secrets.token_hex(4)}"
        asyncio.run(run_admin_sql(args.database_url, f'CREATE DATABASE "{scratch}"'))
        url = make_url(args.database_url).set(database=scratch).render_as_string(False)
    upgrade(url)
    port = _free_port()
    ready = mp.Event()
    child = mp.Process(target=_serve, args=(port, url, ready), daemon=True)
    child.start()
    if not ready.wait(30):
        sys.exit("the bot did not start")
    backend = url.split(":", 1)[0]
    print(
        f"/touch request → ack on 127.0.0.1, {backend}, {os.cpu_count()} CPUs, "
        f"{args.requests} requests per row (each logs a touch and a follow-up)"
    )
    print(
        f"{'concurrency':>11} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'req/s':>7}"
    )
    try:
        for round_no, c in enumerate(int(x) for x in args.concurrency.split(",")):
            asyncio.run(_prepare(port, round_no))
            asyncio.run(_run(port, 20, c, round_no))  # warm-up
            start = time.perf_counter()
            timings = asyncio.run(_run(port, args.requests, c, round_no))
            wall = time.perf_counter() - start
            ms = [t * 1000 for t in timings]
            print(
                f"{c:>11} {statistics.median(ms):>10.1f} {_pct(ms, 95):>8.1f} "
                f"{_pct(ms, 99):>8.1f} {max(ms):>8.1f} {len(ms) / wall:>7.0f}"
            )
    finally:
        child.terminate()
        child.join()
        if scratch:
            asyncio.run(run_admin_sql(args.database_url, f'DROP DATABASE "{scratch}" WITH (FORCE)'))
    cmd = "  ".join(
        [
            ".venv/bin/python bench/touch_latency.py",
            f"--requests {args.requests}",
            f"--concurrency {args.concurrency}",
        ]
        + ([f"--database-url {args.database_url}"] if args.database_url else [])
    )
    print(f"reproduce: {cmd}")


if __name__ == "__main__":
    main()
