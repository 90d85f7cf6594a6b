"""The migrations build exactly the schema the models describe, both ways."""

from __future__ import annotations

from alembic import command

from storage.migrate import alembic_config, upgrade


def test_models_and_migrations_agree(database_url):
    command.check(alembic_config(database_url))  # raises if an autogenerate diff remains


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    upgrade(url)
    command.check(alembic_config(url))
