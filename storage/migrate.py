"""Apply Alembic migrations programmatically (used by `crmpay db upgrade` and the tests).

Alembic is imported only to migrate: a serving bot reads the head revision from the
migration files themselves (`head_revisions`), and never loads it.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

VERSIONS = Path(__file__).parent / "migrations" / "versions"


def alembic_config(database_url: str) -> Config:
    """Return an Alembic config pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "storage:migrations")
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision` (must not be called from a running event loop)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def _declared(path: Path) -> dict[str, object]:
    """The module-level `revision` and `down_revision` a migration file declares."""
    out: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    out[target.id] = ast.literal_eval(node.value) if node.value else None
    return out


@cache
def head_revisions() -> frozenset[str]:
    """The head revision(s) of the packaged migrations: what a current schema is stamped with
    (revisions no other revision comes after)."""
    revisions, parents = set(), set()
    for path in VERSIONS.glob("*.py"):
        declared = _declared(path)
        if "revision" not in declared:
            continue
        revisions.add(declared["revision"])
        down = declared.get("down_revision")
        parents |= set(down) if isinstance(down, tuple | list) else {down}
    return frozenset(r for r in revisions - parents if isinstance(r, str))
