"""pending commands, longer match keys, one touch per message

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:36:24.974118
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_commands",
        sa.Column("request_key", sa.String(length=100), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_pending_commands_member_id_members")
        ),
        sa.PrimaryKeyConstraint("request_key", name=op.f("pk_pending_commands")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column(
            "name_key",
            existing_type=sa.VARCHAR(length=120),
            type_=sa.String(length=480),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "company_key",
            existing_type=sa.VARCHAR(length=120),
            type_=sa.String(length=480),
            existing_nullable=False,
        )

    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_touches_member_id_source_ref"), ["member_id", "source_ref"]
        )


def downgrade() -> None:
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_touches_member_id_source_ref"), type_="unique")

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column(
            "company_key",
            existing_type=sa.String(length=480),
            type_=sa.VARCHAR(length=120),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "name_key",
            existing_type=sa.String(length=480),
            type_=sa.VARCHAR(length=120),
            existing_nullable=False,
        )

    op.drop_table("pending_commands")
