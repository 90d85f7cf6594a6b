"""The `crmpay` command: serve the bot, manage the database."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import sys

import click
from aiohttp import web

from bot.settings import SettingsError, load_settings


def _settings(cls=None, **overrides):
    from bot.settings import Settings

    try:
        return load_settings(cls or Settings, **overrides)
    except SettingsError as e:
        click.echo(f"crmpay: error: {e}", err=True)
        sys.exit(2)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
def main(verbose: bool) -> None:
    """CRM Pay: a Slack bot that pays reps by what their CRM work shows."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)


@main.command()
@click.option("--socket", is_flag=True, help="Use Socket Mode (needs SLACK_APP_TOKEN).")
@click.option("--port", type=int, default=None, help="Port to listen on (default: PORT or 3000).")
def serve(socket: bool, port: int | None) -> None:
    """Run the bot (HTTP mode on 127.0.0.1:PORT, or Socket Mode)."""
    settings = _settings(**({"port": port} if port else {}))
    if socket and settings.slack_app_token is None:
        click.echo("crmpay: error: SLACK_APP_TOKEN is not set (Socket Mode needs it)", err=True)
        sys.exit(2)
    asyncio.run(_serve(settings, socket))


async def _serve(settings, socket: bool) -> None:
    from bot.server import build_web_app
    from bot.serving import serving

    bot = serving(settings)
    # Kept scores are refreshed beside the requests, as changes come in.
    bot.start()
    # In Socket Mode the HTTP server only answers /healthz and /readyz.
    secret = settings.slack_signing_secret.get_secret_value()
    runner = web.AppRunner(build_web_app(None if socket else bot.app, bot.db, secret))
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    log = logging.getLogger("crmpay")
    log.info(
        "listening on http://%s:%s (%s)",
        settings.host,
        settings.port,
        "Socket Mode" if socket else "HTTP mode, POST /slack/events",
    )
    handler = None
    try:
        if socket:
            from bot.socket_mode import SocketModeHandler

            handler = SocketModeHandler(bot.app, settings.slack_app_token.get_secret_value())
            await handler.connect_async()
        await _until_stopped()
    finally:
        if handler is not None:
            await handler.close_async()
        await runner.cleanup()
        await bot.close()


@main.command()
@click.option("--port", type=int, default=None, help="Port to listen on (default: PORT or 3000).")
@click.option("--keep-serving", is_flag=True, help="Keep the bot and fake Slack running after.")
def demo(port: int | None, keep_serving: bool) -> None:
    """Run the bot against a built-in fake Slack and walk through a rep's morning."""
    from bot.demo import run_demo

    overrides: dict[str, object] = {
        "slack_bot_token": "xoxb-demo-" + secrets.token_hex(8),
        "slack_signing_secret": secrets.token_hex(16),
    }
    if port:
        overrides["port"] = port
    settings = _settings(**overrides)
    _upgrade(settings.database_url)
    asyncio.run(run_demo(settings, click.echo, keep_serving))


async def _until_stopped() -> None:
    """Wait for SIGTERM or SIGINT, so that shutdown closes connections cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    logging.getLogger("crmpay").info("shutting down")


@main.group()
def org() -> None:
    """The organisation: teams, managers, members and admins."""


@org.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def org_import(path: str) -> None:
    """Load teams, managers, members and admins from a YAML file (see README)."""
    import yaml
    from pydantic import ValidationError

    from bot.settings import DatabaseSettings
    from storage.db import Database
    from storage.org import OrgFile, import_org

    try:
        org_file = OrgFile.model_validate(yaml.safe_load(open(path, encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as e:
        click.echo(f"crmpay: error: {path}: {str(e).splitlines()[0]}", err=True)
        if isinstance(e, ValidationError):
            err = e.errors()[0]
            click.echo(f"  {'.'.join(map(str, err['loc']))}: {err['msg']}", err=True)
        sys.exit(2)

    async def run() -> int:
        db = Database(_settings(DatabaseSettings).database_url)
        try:
            return await import_org(db.sessions, org_file)
        finally:
            await db.dispose()

    changes = asyncio.run(run())
    click.echo(f"crmpay: imported {len(org_file.teams)} team(s); {changes} change(s) audited")


@main.group()
def scores() -> None:
    """Kept scores: the cards /score and the leaderboards read."""


@scores.command("rebuild")
@click.option("--team", "team_name", default=None, help="Only this team (its name).")
def scores_rebuild(team_name: str | None) -> None:
    """Score every kept period again from the rows (after a restore, or rows edited by hand)."""
    import time

    from sqlalchemy import select

    from bot.settings import DatabaseSettings
    from storage.db import Database
    from storage.fields import match_key
    from storage.kept import KeptScores
    from storage.models import Team

    async def run() -> int:
        db = Database(_settings(DatabaseSettings).database_url)
        try:
            team_id = None
            if team_name:
                async with db.sessions.begin() as session:
                    team_id = await session.scalar(
                        select(Team.id).where(Team.name_key == match_key(team_name))
                    )
                if team_id is None:
                    click.echo(f"crmpay: error: no team named {team_name!r}", err=True)
                    sys.exit(2)
            return await KeptScores(db.sessions, db.reads).rebuild(team_id)
        finally:
            await db.dispose()

    started = time.perf_counter()
    count = asyncio.run(run())
    took = time.perf_counter() - started
    click.echo(f"crmpay: rebuilt {count} kept period(s) in {took:.1f}s")


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command()
def upgrade() -> None:
    """Apply every pending migration to DATABASE_URL."""
    from bot.settings import DatabaseSettings

    # Migrations need only the database, not the Slack tokens.
    _upgrade(_settings(DatabaseSettings).database_url)


def _upgrade(url: str) -> None:
    from storage.migrate import upgrade as run_upgrade

    run_upgrade(url)
    click.echo(f"crmpay: database at {_redact(url)} is up to date")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    main()
