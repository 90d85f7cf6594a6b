"""Resident memory of an idle `crmpay serve`, beside a bare slack-bolt AsyncApp.

Starts `crmpay serve` (HTTP mode, kept-score refresher and upkeep running, as in
production) on a freshly migrated database against a fake Slack on 127.0.0.1, waits until
`/readyz` answers, lets it idle, and reads its resident set size (VmRSS) from /proc; again
after `crmpay org import docs/org.example.yml` (teams whose scores it then keeps); then the
same for a bare bolt AsyncApp served by aiohttp that only acks `/touch`.

    .venv/bin/python bench/idle_rss.py
    .venv/bin/python bench/idle_rss.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scoring_scale import scratch_database  # noqa: E402
from touch_latency import _free_port  # noqa: E402

BARE = """
import asyncio, sys
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

async def main(port, api):
    app = AsyncApp(client=AsyncWebClient(token="xoxb-bench", base_url=api),
                   signing_secret="x" * 32)

    @app.command("/touch")
    async def touch(ack):
        await ack("Logged.")

    async def events(request):
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def ready(request):
        return web.Response(text="ok")

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    web_app.router.add_get("/readyz", ready)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()

asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
"""


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


def _measure(cmd: list[str], env: dict[str, str], port: int, idle: float) -> float:
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_ready(port)
        time.sleep(idle)
        return _rss_mb(child.pid)
    finally:
        child.terminate()
        child.wait(10)


async def _fake_slack():
    from bot.fakeslack import FakeSlack

    fake = FakeSlack(token="xoxb-bench", team_id="TBENCH")
    return fake, await fake.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before reading")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    loop = asyncio.new_event_loop()
    _fake, api = loop.run_until_complete(_fake_slack())  # kept alive while servers run
    # The fake Slack answers from a thread of its own while the servers run.
    import threading

    threading.Thread(target=loop.run_forever, daemon=True).start()

    with scratch_database(args.database_url) as url:
        python = str(ROOT / ".venv" / "bin" / "python")
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": secrets.token_hex(16),
            "SLACK_API_URL": api,
            "PORT": str(port),
        }
        crmpay = str(ROOT / ".venv" / "bin" / "crmpay")
        bot = _measure([crmpay, "serve"], env, port, args.idle)
        # The same with an organisation: teams whose scores the refresher keeps.
        subprocess.run(
            [crmpay, "org", "import", str(ROOT / "docs" / "org.example.yml")],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = _free_port()
        env["PORT"] = str(port)
        with_org = _measure([crmpay, "serve"], env, port, args.idle)
        port = _free_port()
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
            f.write(BARE)
        try:
            bare = _measure([python, f.name, str(port), api], dict(os.environ), port, args.idle)
        finally:
            os.unlink(f.name)
    print(
        f"idle RSS after {args.idle:g} s: crmpay serve {bot:.1f} MB on a new database, "
        f"{with_org:.1f} MB keeping an organisation's scores; "
        f"bare bolt AsyncApp {bare:.1f} MB"
    )
    print(f"idle_rss_mb={bot:.1f} with_org_rss_mb={with_org:.1f} bare_rss_mb={bare:.1f}")
    cmd = f".venv/bin/python bench/idle_rss.py --idle {args.idle:g}"
    print("reproduce:", cmd + (f" --database-url {args.database_url}" if args.database_url else ""))


if __name__ == "__main__":
    main()
