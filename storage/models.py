"""SQLAlchemy models: members, customers, touches, follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime
from storage.vocab import (
    MAX_COMPANY,
    MAX_KEY,
    MAX_NAME,
    MAX_OCCUPATION,
    MAX_TEAM_NAME,
    CustomerStatus,
    FollowupStatus,
    TouchKind,
)


def utcnow() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


def _in(column: str, values: object) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"  # type: ignore[attr-defined]


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Member(Base):
    """A Slack user of a workspace, created on first contact."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16), default="sales")
    is_workspace_admin: Mapped[bool] = mapped_column(default=False)  # per Slack's users.info
    is_app_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the Slack profile was last read (not touched by team or role changes).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Team(Base):
    """A team: its channel, calendar, manager and scheme."""

    __tablename__ = "teams"
    # Team names compare on their look-alike-proof key, like customers' names.
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(MAX_TEAM_NAME))
    name_key: Mapped[str] = mapped_column(String(MAX_KEY))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    timezone: Mapped[str] = mapped_column(String(64))
    # Public holidays for working days (ISO country); None: the scheme's country.
    holidays_country: Mapped[str | None] = mapped_column(String(8))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    scheme: Mapped[str] = mapped_column(String(80), default="default")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """Who changed what in the organisation or the scores, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_workspace_at", "workspace_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Customer(Base):
    """A customer, owned by the member who registered it first."""

    __tablename__ = "customers"
    __table_args__ = (
        # Duplicates are a database fact, so two reps registering at once cannot both win.
        UniqueConstraint("workspace_id", "phone"),
        UniqueConstraint("workspace_id", "name_key", "company_key"),
        CheckConstraint(_in("status", CustomerStatus), name="status"),
        Index("ix_customers_owner", "owner_id"),
        Index("ix_customers_name_prefix", "workspace_id", "name_key"),
        Index("ix_customers_company_prefix", "workspace_id", "company_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    # Matching keys are NFKC-casefolded and can be longer than the text (ß → ss).
    name_key: Mapped[str] = mapped_column(String(MAX_KEY))
    company: Mapped[str] = mapped_column(String(MAX_COMPANY), default="")
    company_key: Mapped[str] = mapped_column(String(MAX_KEY), default="")
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    occupation: Mapped[str | None] = mapped_column(String(MAX_OCCUPATION))
    segment: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=CustomerStatus.LEAD)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    request_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    owner: Mapped[Member] = relationship(lazy="raise")


class Touch(Base):
    """One customer touch as the rep logged it."""

    __tablename__ = "touches"
    __table_args__ = (
        CheckConstraint(_in("kind", TouchKind), name="kind"),
        CheckConstraint("amount_minor IS NULL OR amount_minor > 0", name="amount_positive"),
        CheckConstraint("csat IS NULL OR csat BETWEEN 1 AND 5", name="csat_range"),
        CheckConstraint("nps IS NULL OR nps BETWEEN 0 AND 10", name="nps_range"),
        Index("ix_touches_member_time", "member_id", "occurred_at"),
        # One message becomes at most one touch per rep (NULLs, touches not from a message,
        # are distinct in both SQLite and PostgreSQL).
        UniqueConstraint("member_id", "source_ref"),
        Index("ix_touches_customer_time", "customer_id", "occurred_at"),
        # The burst rule reads a logger's entries around a moment of logging.
        Index("ix_touches_member_logged", "member_id", "logged_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    csat: Mapped[int | None] = mapped_column(SmallInteger)
    nps: Mapped[int | None] = mapped_column(SmallInteger)
    next_followup_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str | None] = mapped_column(String(300))
    request_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    burst_accepted: Mapped[bool] = mapped_column(default=False, server_default=false())

    customer: Mapped[Customer] = relationship(lazy="raise")


class Followup(Base):
    """A promise to get back to a customer by a date."""

    __tablename__ = "followups"
    __table_args__ = (
        CheckConstraint(_in("status", FollowupStatus), name="status"),
        Index("ix_followups_member_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    touch_id: Mapped[int | None] = mapped_column(ForeignKey("touches.id"))
    # The date promised; snoozing moves `snoozed_to`, never this, so lateness stays visible.
    due_on: Mapped[date] = mapped_column(Date)
    snoozed_to: Mapped[date | None] = mapped_column(Date)
    snooze_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=FollowupStatus.OPEN)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_touch_id: Mapped[int | None] = mapped_column(ForeignKey("touches.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship(lazy="raise")

    @property
    def effective_due(self) -> date:
        """The date the follow-up is now expected by."""
        return self.snoozed_to or self.due_on


class PendingCommand(Base):
    """A quick command waiting for the rep to pick a customer (its text outgrows a button)."""

    __tablename__ = "pending_commands"

    request_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TeamMembership(Base):
    """Who was on which team, in which role, from when until when (`valid_to` NULL: still).

    Scoring reads it to pay a member only for the part of a period they were on the team,
    and to know who was a service agent or a team's manager when an entry was made.
    """

    __tablename__ = "team_memberships"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="span"),
        Index("ix_team_memberships_team", "team_id", "valid_from"),
        Index("ix_team_memberships_member", "member_id", "valid_from"),
        # A member is on one team at a time: at most one open placement each.
        Index(
            "uq_team_memberships_open",
            "member_id",
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    role: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScorePeriod(Base):
    """A team's period whose scores are kept: refreshed as its inputs change."""

    __tablename__ = "score_periods"
    __table_args__ = (UniqueConstraint("team_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    timezone: Mapped[str] = mapped_column(String(64))  # the team's when it was built
    scheme: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(10))  # the scheme version's effective date
    # Bumped by every refresh: a refresh that read an older one writes nothing.
    generation: Mapped[int] = mapped_column(Integer, default=0)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScorePart(Base):
    """One customer's share of a kept period: each member's tallies from its records."""

    __tablename__ = "score_parts"
    __table_args__ = (Index("ix_score_parts_valid_until", "valid_until"),)

    period_id: Mapped[int] = mapped_column(
        ForeignKey("score_periods.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tallies: Mapped[str] = mapped_column(Text)  # JSON: member → metric → tally
    # The last moment these tallies hold by the clock alone (an SLA running out, a follow-up
    # falling due); None: until the records change.
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScoreCard(Base):
    """A member's kept period: what `/score` shows, and the tallies it was computed from."""

    __tablename__ = "score_cards"

    period_id: Mapped[int] = mapped_column(
        ForeignKey("score_periods.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    total: Mapped[str] = mapped_column(String(8))  # a Decimal, e.g. "73.25"
    tier: Mapped[str] = mapped_column(String(64))
    # JSON: name, role and pay, which move with the team (the pool is split by score) …
    summary: Mapped[str] = mapped_column(Text)
    # … and the lines with their tallies, which move only with the member's own records.
    lines: Mapped[str] = mapped_column(Text)


class ScoreSnapshot(Base):
    """A member's score at the end of a day (the latest refresh that day): history."""

    __tablename__ = "score_snapshots"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the team's local date
    period: Mapped[str] = mapped_column(String(7))
    rank: Mapped[int] = mapped_column(Integer)
    total: Mapped[str] = mapped_column(String(8))
    tier: Mapped[str] = mapped_column(String(64))
    pay: Mapped[str] = mapped_column(String(24))  # a Decimal in `currency`
    currency: Mapped[str] = mapped_column(String(3))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)


class ScoreChange(Base):
    """An input of scoring changed; kept scores re-score what it touches, then drop it.

    `customer_id`: that customer's records; `member_id` with `logged_at`: also that
    logger's entries within a burst window of that moment; `team_id`: the whole team
    (placements, calendar, scheme or names changed)."""

    __tablename__ = "score_changes"
    # Ids are never handed out twice, also on SQLite (see migration 0008).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(Integer)
    logged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    team_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
