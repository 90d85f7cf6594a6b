"""look-alike-proof name keys for customers and teams

Customer name and company keys are rebuilt with the UTS #39 skeleton (see
`storage.fields.match_key`), and teams get a key of their own. Rows that turn out to be
look-alikes of an earlier row are not merged: the earlier row keeps the key, each later one
keeps its own key with a mark no typed name can produce, and every such pair is written to
the audit log (`customer.look_alike`, `team.look_alike`) and to the migration's output, so
an admin can decide what to do with them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:20:00
"""

import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from storage.fields import match_key

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("crmpay.migrations")

MAX_KEY = 480
# U+2063 is default-ignorable: match_key drops it from anything typed, so a marked key can
# never equal the key of a name someone types.
MARK = "\u2063"


def _marked(key: str, row_id: int) -> str:
    suffix = f"{MARK}{row_id}"
    return key[: MAX_KEY - len(suffix)] + suffix


def _old_key(value: str) -> str:
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value or "")).strip()
    return unicodedata.normalize("NFKC", text).casefold()


def _audit(conn, rows: list[dict]) -> None:
    if rows:
        conn.execute(
            sa.text(
                "INSERT INTO audit_log (workspace_id, actor_id, action, subject, detail, at) "
                "VALUES (:workspace_id, NULL, :action, :subject, :detail, :at)"
            ),
            rows,
        )


def _rekey_customers(conn) -> None:
    rows = conn.execute(
        sa.text("SELECT id, workspace_id, name, company, owner_id FROM customers ORDER BY id")
    ).all()
    if not rows:
        return
    # Park every key on a unique placeholder first, so no intermediate state collides.
    conn.execute(
        sa.text("UPDATE customers SET name_key = :k, company_key = :k WHERE id = :id"),
        [{"k": _marked("", r.id), "id": r.id} for r in rows],
    )
    first: dict[tuple[str, str, str], object] = {}
    updates, audits = [], []
    now = datetime.now(UTC)
    for r in rows:
        name_key, company_key = match_key(r.name)[:MAX_KEY], match_key(r.company or "")[:MAX_KEY]
        slot = (r.workspace_id, name_key, company_key)
        if (earlier := first.get(slot)) is None:
            first[slot] = r
        else:
            company_key = _marked(company_key, r.id)
            log.warning(
                "customer %s (%r, %r) looks like customer %s (%r, %r); kept both, see the "
                "audit log",
                r.id,
                r.name,
                r.company,
                earlier.id,
                earlier.name,
                earlier.company,
            )
            audits.append(
                {
                    "workspace_id": r.workspace_id,
                    "action": "customer.look_alike",
                    "subject": f"customer:{r.id}",
                    "detail": json.dumps(
                        {
                            "same_as": earlier.id,
                            "name": r.name,
                            "company": r.company,
                            "owner_id": r.owner_id,
                            "same_as_owner_id": earlier.owner_id,
                        }
                    ),
                    "at": now,
                }
            )
        updates.append({"nk": name_key, "ck": company_key, "id": r.id})
    conn.execute(
        sa.text("UPDATE customers SET name_key = :nk, company_key = :ck WHERE id = :id"), updates
    )
    _audit(conn, audits)


def _key_teams(conn) -> None:
    rows = conn.execute(sa.text("SELECT id, workspace_id, name FROM teams ORDER BY id")).all()
    first: dict[tuple[str, str], object] = {}
    updates, audits = [], []
    now = datetime.now(UTC)
    for r in rows:
        key = match_key(r.name)[:MAX_KEY]
        if (earlier := first.get((r.workspace_id, key))) is None:
            first[(r.workspace_id, key)] = r
        else:
            key = _marked(key, r.id)
            log.warning(
                "team %s (%r) looks like team %s (%r); kept both",
                r.id,
                r.name,
                earlier.id,
                earlier.name,
            )
            audits.append(
                {
                    "workspace_id": r.workspace_id,
                    "action": "team.look_alike",
                    "subject": f"team:{r.id}",
                    "detail": json.dumps({"same_as": earlier.id, "name": r.name}),
                    "at": now,
                }
            )
        updates.append({"k": key, "id": r.id})
    if updates:
        conn.execute(sa.text("UPDATE teams SET name_key = :k WHERE id = :id"), updates)
    _audit(conn, audits)


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=480), nullable=True))
    _key_teams(conn)
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=480), nullable=False)
        batch_op.drop_constraint("uq_teams_workspace_id_name", type_="unique")
        batch_op.create_unique_constraint(
            "uq_teams_workspace_id_name_key", ["workspace_id", "name_key"]
        )
    _rekey_customers(conn)


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name, company FROM customers ORDER BY id")).all()
    if rows:
        conn.execute(
            sa.text("UPDATE customers SET name_key = :k, company_key = :k WHERE id = :id"),
            [{"k": _marked("", r.id), "id": r.id} for r in rows],
        )
        conn.execute(
            sa.text("UPDATE customers SET name_key = :nk, company_key = :ck WHERE id = :id"),
            [{"nk": _old_key(r.name), "ck": _old_key(r.company or ""), "id": r.id} for r in rows],
        )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_constraint("uq_teams_workspace_id_name_key", type_="unique")
        batch_op.create_unique_constraint("uq_teams_workspace_id_name", ["workspace_id", "name"])
        batch_op.drop_column("name_key")
