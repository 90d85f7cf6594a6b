"""the change queue's ids are never reused on SQLite

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:30:00

SQLite gives a new row the largest id plus one, so once the refresher had emptied the queue
the next change got an id that an earlier one already had. A member's own refresh remembers
the last change id it took in for their team (`storage.kept`): a reused id would hide the
new change from it. AUTOINCREMENT never hands an id out twice. PostgreSQL's sequence never
did, and is left as it is.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "score_changes", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
