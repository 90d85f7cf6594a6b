"""Apply Alembic migrations programmatically (used by `crmpay db upgrade` and the tests)."""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory


def alembic_config(database_url: str) -> Config:
    """Return an Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", "storage:migrations")
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision` (must not be called from a running event loop)."""
    command.upgrade(alembic_config(database_url), revision)


@cache
def head_revisions() -> frozenset[str]:
    """The head revision(s) of the packaged migrations: what a current schema is stamped with."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
