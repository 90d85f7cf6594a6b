"""The migrations build exactly the schema the models describe, both ways."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy import select
from sqlalchemy.engine import make_url

from storage.db import Database, run_admin_sql
from storage.migrate import alembic_config, upgrade
from storage.models import TeamMembership
from storage.types import UTCDateTime


def test_models_and_migrations_agree(database_url):
    command.check(alembic_config(database_url))  # raises if an autogenerate diff remains


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    upgrade(url)
    command.check(alembic_config(url))


@contextlib.asynccontextmanager
async def _database_at(database_url: str, tmp_path, revision: str):
    """A scratch database on the test backend, migrated to `revision`."""
    if database_url.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{tmp_path / 'backfill.db'}"
        await asyncio.to_thread(upgrade, url, revision)
        yield url
        return
    name = f"crmpay_backfill_{uuid.uuid4().hex[:12]}"
    await run_admin_sql(database_url, f'CREATE DATABASE "{name}"')
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, url, revision)
        yield url
    finally:
        await run_admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_memberships_are_backfilled_from_when_member_and_team_both_existed(
    database_url, tmp_path
):
    early, late = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 9, 15, 8, 30, tzinfo=UTC)
    async with _database_at(database_url, tmp_path, "0005") as url:
        db = Database(url)
        try:
            teams = sa.table(
                "teams",
                *(sa.column(c) for c in ("id", "workspace_id", "name", "name_key", "timezone")),
                sa.column("scheme"),
                sa.column("created_at", UTCDateTime()),
            )
            members = sa.table(
                "members",
                *(sa.column(c) for c in ("id", "workspace_id", "slack_user_id", "name")),
                *(sa.column(c) for c in ("timezone", "locale", "role", "is_workspace_admin")),
                sa.column("team_id"),
                sa.column("created_at", UTCDateTime()),
                sa.column("updated_at", UTCDateTime()),
            )
            zone = {"timezone": "Asia/Shanghai", "workspace_id": "T1"}
            async with db.engine.begin() as conn:
                for row in (
                    {"id": 1, "name": "Old", "name_key": "old", "created_at": early},
                    {"id": 2, "name": "New", "name_key": "new", "created_at": late},
                ):
                    await conn.execute(teams.insert().values(**row, **zone, scheme="default"))
                for mid, team_id, role, created in (
                    (1, 1, "sales", late),  # joined an older team: from when they arrived
                    (2, 2, "service", early),  # an older member on a new team: from the team
                    (3, None, "sales", early),  # on no team: no placement
                ):
                    await conn.execute(
                        members.insert().values(
                            id=mid,
                            slack_user_id=f"U{mid}",
                            name=f"M{mid}",
                            locale="en",
                            role=role,
                            is_workspace_admin=False,
                            team_id=team_id,
                            created_at=created,
                            updated_at=created,
                            **zone,
                        )
                    )
        finally:
            await db.dispose()
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        try:
            async with db.sessions.begin() as s:
                rows = (
                    await s.execute(
                        select(
                            TeamMembership.member_id,
                            TeamMembership.team_id,
                            TeamMembership.role,
                            TeamMembership.valid_from,
                            TeamMembership.valid_to,
                        ).order_by(TeamMembership.member_id)
                    )
                ).all()
        finally:
            await db.dispose()
    assert [tuple(r) for r in rows] == [(1, 1, "sales", late, None), (2, 2, "service", late, None)]


def test_the_head_the_bot_reads_is_alembics():
    """Readiness reads the head revision from the files (without loading Alembic)."""
    from alembic.script import ScriptDirectory

    from storage.migrate import head_revisions

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revisions() == frozenset(script.get_heads())
