"""The process: settings, /healthz, and `crmpay serve` started as an operator would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.server import build_web_app
from bot.settings import SettingsError, load_settings
from storage.db import Database


def test_missing_token_is_a_one_line_error_naming_the_variable(monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN is not set$"):
        load_settings(_env_file=None)


def test_invalid_settings_name_the_variable(monkeypatch):
    for var, value, message in (
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE"),
        ("DEFAULT_PHONE_REGION", "XX", "DEFAULT_PHONE_REGION"),
        ("PORT", "99999", "PORT"),
        ("DEFAULT_LOCALE", "fr", "DEFAULT_LOCALE: .*use en or zh"),
    ):
        with pytest.raises(SettingsError, match=message):
            load_settings(slack_bot_token="x", slack_signing_secret="y", **{var.lower(): value})


async def test_healthz_is_alive_and_readyz_checks_database_schema_and_writes(
    db, aiohttp_client_factory
):
    async with aiohttp_client_factory(build_web_app(None, db)) as base:
        async with aiohttp.ClientSession() as http:
            async with http.get(base + "/healthz") as r:
                assert (r.status, await r.json()) == (200, {"ok": True})
            async with http.get(base + "/readyz") as r:
                body = await r.json()
                assert (r.status, body["ok"], body["failed"]) == (200, True, [])
                assert set(body["checks"]) == {"database", "schema", "writes"}
    down = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with aiohttp_client_factory(build_web_app(None, down)) as base:
        async with aiohttp.ClientSession() as http:
            async with http.get(base + "/healthz") as r:
                assert r.status == 200  # alive: the process answers without a database
            async with http.get(base + "/readyz") as r:
                body = await r.json()
                assert (r.status, body["ok"], body["failed"][0]) == (503, False, "database")
    await down.dispose()


@pytest.fixture
def aiohttp_client_factory():
    from contextlib import asynccontextmanager

    from aiohttp import web

    @asynccontextmanager
    async def serve(app):
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            await runner.cleanup()

    return serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _crmpay(tmp_path: Path, *args: str, env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kw,
    )


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT"))
    }
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    env.update(extra)
    return env


def test_serve_without_a_token_says_which_variable(tmp_path):
    proc = _crmpay(tmp_path, "serve", env=_env(SLACK_SIGNING_SECRET="s"))
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert out.strip().splitlines()[-1] == "crmpay: error: SLACK_BOT_TOKEN is not set"


def test_db_upgrade_then_serve_is_alive_and_ready(tmp_path):
    port = _free_port()
    env = _env(
        SLACK_BOT_TOKEN="xoxb-x",
        SLACK_SIGNING_SECRET="s",
        PORT=str(port),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    )
    up = _crmpay(tmp_path, "db", "upgrade", env=env)
    assert up.wait(timeout=60) == 0, up.stdout.read()
    proc = _crmpay(tmp_path, "serve", env=env)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                import urllib.request

                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    assert r.status == 200
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "crmpay serve did not answer /healthz"
                time.sleep(0.2)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0, out  # SIGTERM shuts down cleanly
    assert "shutting down" in out


def test_demo_walks_through_a_reps_morning_twice_on_one_database(tmp_path):
    env = _env(PORT=str(_free_port()), DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    for _ in range(2):
        proc = _crmpay(tmp_path, "demo", env=env)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        for expected in (
            "Registered *Li Wei*",
            "Logged: order with *Li Wei*",
            "“dance” is not a kind of touch",
            "Logged: inquiry with *Li Wei*",
            "Your open follow-ups (1)",
            "Your recent touches",
            "Your score —",
            "*Revenue*",
        ):
            assert expected in out
        assert "already logged" not in out


def test_database_urls_get_their_async_driver_and_others_are_refused():
    from bot.settings import DatabaseSettings

    assert (
        load_settings(DatabaseSettings, database_url="postgresql://u:p@db/crm").database_url
        == "postgresql+asyncpg://u:p@db/crm"
    )
    assert (
        load_settings(DatabaseSettings, database_url="sqlite:///x.db").database_url
        == "sqlite+aiosqlite:///x.db"
    )
    with pytest.raises(SettingsError, match=r"^DATABASE_URL: .*mysql"):
        load_settings(DatabaseSettings, database_url="mysql://u@h/db")


def test_db_upgrade_reads_database_url_from_dotenv_like_serve(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=sqlite:///from-dotenv.db\n")
    proc = _crmpay(tmp_path, "db", "upgrade", env=_env())
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert (tmp_path / "from-dotenv.db").exists()
    assert not (tmp_path / "crmpay.db").exists()
