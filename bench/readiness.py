"""How long `GET /readyz` takes, idle and while reps log touches; and how fast refusals are.

The bot (with a fake Slack) runs in a child process, as in touch_latency.py. This process
times sequential `/readyz` probes with the bot idle, then again while `/touch` commands run at
the given concurrency (and how many probes were not 200), then times the refusal of an
unsigned 1 MB body (401) and of a signed `block_actions` with no actions (400).

    .venv/bin/python bench/readiness.py
    .venv/bin/python bench/readiness.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp
from sqlalchemy.engine import make_url
from touch_latency import SECRET, _free_port, _pct, _prepare, _run, _serve

from bot.fakeslack import FakeSlack, SlackDriver
from storage.db import run_admin_sql


async def _probe(base: str, count: int | None, stop: asyncio.Event | None) -> list[tuple]:
    """Probe /readyz `count` times, or until `stop` is set; return (seconds, status)."""
    out: list[tuple[float, int]] = []
    async with aiohttp.ClientSession() as http:
        while (count is None or len(out) < count) and not (stop and stop.is_set()):
            start = time.perf_counter()
            async with http.get(base + "/readyz") as r:
                await r.read()
                out.append((time.perf_counter() - start, r.status))
    return out


async def _under_load(base: str, port: int, requests: int, concurrency: int):
    stop = asyncio.Event()

    async def load() -> list[float]:
        try:
            return await _run(port, requests, concurrency, 9)
        finally:
            stop.set()

    touches, probes = await asyncio.gather(load(), _probe(base, None, stop))
    return touches, probes


async def _refusals(base: str, count: int) -> dict[str, list[float]]:
    driver = SlackDriver(base + "/slack/events", SECRET, FakeSlack(team_id="TBENCH"))
    big = "payload=" + "A" * 1_000_000
    bad = "payload=" + quote(
        json.dumps(
            {
                "type": "block_actions",
                "user": {"id": "U0000", "team_id": "TBENCH"},
                "team": {"id": "TBENCH"},
                "trigger_id": "1.2.3",
                "actions": [],
            }
        )
    )
    out: dict[str, list[float]] = {"unsigned 1 MB body → 401": [], "no actions → 400": []}
    for _ in range(count):
        start = time.perf_counter()
        r = await driver.send(big, "application/x-www-form-urlencoded", signature="v0=00")
        out["unsigned 1 MB body → 401"].append(time.perf_counter() - start)
        assert r.status == 401, r.status
        start = time.perf_counter()
        r = await driver.send(bad, "application/x-www-form-urlencoded")
        out["no actions → 400"].append(time.perf_counter() - start)
        assert r.status == 400, r.status
    await driver.close()
    return out


def _serve_quietly(port: int, database_url: str, ready) -> None:
    import logging

    logging.getLogger("crmpay.requests").setLevel(logging.ERROR)  # refusals on purpose
    _serve(port, database_url, ready)


def _row(name: str, seconds: list[float], extra: str = "") -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{name:<34} {len(ms):>6} {statistics.median(ms):>9.1f} {_pct(ms, 99):>8.1f} "
        f"{max(ms):>8.1f} {extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from storage.migrate import upgrade

    scratch = None
    if args.database_url is None:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    else:
        scratch = f"crmpay_bench_{secrets.token_hex(4)}"
        asyncio.run(run_admin_sql(args.database_url, f'CREATE DATABASE "{scratch}"'))
        url = make_url(args.database_url).set(database=scratch).render_as_string(False)
    upgrade(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    ready = mp.Event()
    child = mp.Process(target=_serve_quietly, args=(port, url, ready), daemon=True)
    child.start()
    if not ready.wait(30):
        sys.exit("the bot did not start")
    print(f"GET /readyz on 127.0.0.1, {url.split(':', 1)[0]}, {os.cpu_count()} CPUs")
    print(f"{'':<34} {'count':>6} {'median ms':>9} {'p99 ms':>8} {'max ms':>8}")
    try:
        asyncio.run(_prepare(port, 9))
        asyncio.run(_probe(base, 20, None))  # warm-up
        idle = asyncio.run(_probe(base, args.probes, None))
        print(_row("/readyz, idle", [s for s, _ in idle], _not_ok(idle)))
        touches, probes = asyncio.run(_under_load(base, port, args.requests, args.concurrency))
        print(
            _row(
                f"/readyz, {args.concurrency} reps logging",
                [s for s, _ in probes],
                _not_ok(probes),
            )
        )
        print(_row("  their /touch acks meanwhile", touches))
        for name, seconds in asyncio.run(_refusals(base, 50)).items():
            print(_row(name, seconds))
    finally:
        child.terminate()
        child.join()
        if scratch:
            asyncio.run(run_admin_sql(args.database_url, f'DROP DATABASE "{scratch}" WITH (FORCE)'))
    cmd = " ".join(
        [
            ".venv/bin/python bench/readiness.py",
            f"--probes {args.probes} --requests {args.requests}",
            f"--concurrency {args.concurrency}",
        ]
        + ([f"--database-url {args.database_url}"] if args.database_url else [])
    )
    print(f"reproduce: {cmd}")


def _not_ok(probes: list[tuple[float, int]]) -> str:
    bad = sum(1 for _, status in probes if status != 200)
    return f"({bad} not 200)"


if __name__ == "__main__":
    main()
