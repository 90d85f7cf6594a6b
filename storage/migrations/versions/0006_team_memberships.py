"""team memberships: who was on which team, in which role, when

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00

Existing members are backfilled with their current team and role, from the later of
the member's and the team's creation (the earliest moment they can have been on it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("valid_from", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_to", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_team_memberships_span")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_team_memberships_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_memberships_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_memberships")),
    )
    with op.batch_alter_table("team_memberships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_team_memberships_member", ["member_id", "valid_from"], unique=False
        )
        batch_op.create_index("ix_team_memberships_team", ["team_id", "valid_from"], unique=False)
        batch_op.create_index(
            "uq_team_memberships_open",
            ["member_id"],
            unique=True,
            sqlite_where=sa.text("valid_to IS NULL"),
            postgresql_where=sa.text("valid_to IS NULL"),
        )

    members = sa.table(
        "members",
        sa.column("id", sa.Integer),
        sa.column("team_id", sa.Integer),
        sa.column("role", sa.String),
        sa.column("created_at", storage.types.UTCDateTime),
    )
    teams = sa.table(
        "teams", sa.column("id", sa.Integer), sa.column("created_at", storage.types.UTCDateTime)
    )
    memberships = sa.table(
        "team_memberships",
        sa.column("member_id", sa.Integer),
        sa.column("team_id", sa.Integer),
        sa.column("role", sa.String),
        sa.column("valid_from", storage.types.UTCDateTime),
    )
    since = sa.case(
        (members.c.created_at > teams.c.created_at, members.c.created_at),
        else_=teams.c.created_at,
    )
    op.execute(
        memberships.insert().from_select(
            ["member_id", "team_id", "role", "valid_from"],
            sa.select(members.c.id, members.c.team_id, members.c.role, since).join(
                teams, teams.c.id == members.c.team_id
            ),
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("team_memberships", schema=None) as batch_op:
        batch_op.drop_index("uq_team_memberships_open")
        batch_op.drop_index("ix_team_memberships_team")
        batch_op.drop_index("ix_team_memberships_member")
    op.drop_table("team_memberships")
