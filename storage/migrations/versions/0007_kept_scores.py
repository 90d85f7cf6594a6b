"""kept scores: per-customer tallies, member cards, daily history, the change queue

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 18:41:39

Nothing is backfilled: a team's period is built the first time it is read (or by
`crmpay scores rebuild`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "score_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("logged_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_changes")),
    )
    op.create_table(
        "score_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("scheme", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=10), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("as_of", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("built_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_score_periods_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_periods")),
        sa.UniqueConstraint("team_id", "period", name=op.f("uq_score_periods_team_id_period")),
    )
    op.create_table(
        "score_snapshots",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("total", sa.String(length=8), nullable=False),
        sa.Column("tier", sa.String(length=64), nullable=False),
        sa.Column("pay", sa.String(length=24), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("as_of", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_score_snapshots_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_score_snapshots_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("member_id", "team_id", "day", name=op.f("pk_score_snapshots")),
    )
    op.create_table(
        "score_cards",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("total", sa.String(length=8), nullable=False),
        sa.Column("tier", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_score_cards_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["score_periods.id"],
            name=op.f("fk_score_cards_period_id_score_periods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("period_id", "member_id", name=op.f("pk_score_cards")),
    )
    op.create_table(
        "score_parts",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("tallies", sa.Text(), nullable=False),
        sa.Column("valid_until", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["score_periods.id"],
            name=op.f("fk_score_parts_period_id_score_periods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("period_id", "customer_id", name=op.f("pk_score_parts")),
    )
    with op.batch_alter_table("score_parts", schema=None) as batch_op:
        batch_op.create_index("ix_score_parts_valid_until", ["valid_until"], unique=False)

    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.create_index("ix_touches_member_logged", ["member_id", "logged_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.drop_index("ix_touches_member_logged")

    with op.batch_alter_table("score_parts", schema=None) as batch_op:
        batch_op.drop_index("ix_score_parts_valid_until")

    op.drop_table("score_parts")
    op.drop_table("score_cards")
    op.drop_table("score_snapshots")
    op.drop_table("score_periods")
    op.drop_table("score_changes")
