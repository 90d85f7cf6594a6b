"""The organisation: teams, their managers and members, admins; every change audited."""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.errors import FieldError, NotAdmin, TeamNotFound
from storage.fields import known_zone, match_key, name_text
from storage.kept import record_change
from storage.members import NEVER, Actor
from storage.models import AuditEntry, Member, Team, TeamMembership, utcnow
from storage.vocab import MAX_KEY, MAX_TEAM_NAME, Role


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAdmin()


async def audit(
    session: AsyncSession,
    workspace_id: str,
    actor_id: int | None,
    action: str,
    subject: str,
    **detail: object,
) -> None:
    """Record who changed what (in the caller's transaction)."""
    session.add(
        AuditEntry(
            workspace_id=workspace_id,
            actor_id=actor_id,
            action=action,
            subject=subject[:200],
            detail=json.dumps(detail, default=str),
        )
    )


async def member_by_user(
    session: AsyncSession, workspace_id: str, user_id: str, timezone: str, locale: str = "en"
) -> Member:
    """The member for a Slack user, created as a placeholder if they never used the bot.

    A placeholder's profile is read from Slack on their first contact.
    """
    m = await session.scalar(
        select(Member).where(Member.workspace_id == workspace_id, Member.slack_user_id == user_id)
    )
    if m is None:
        m = Member(
            workspace_id=workspace_id,
            slack_user_id=user_id,
            name=user_id,
            timezone=timezone,
            locale=locale,
            updated_at=NEVER,
        )
        session.add(m)
        await session.flush()
    return m


def team_name(value: str) -> str:
    """A team's name as typed: bounded, storable, holding a letter; found by its key."""
    name = name_text("team", value, MAX_TEAM_NAME, required=True)
    if len(match_key(name)) > MAX_KEY:
        raise FieldError("field.too_long_expanded", field="team")
    return name


def _zone(value: str) -> str:
    try:
        return known_zone(value)
    except ValueError:
        raise FieldError("field.timezone_unknown", field="timezone", value=value) from None


class OrgMember(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str = Field(pattern=r"^[UW][A-Z0-9]+$")
    role: Role = Role.SALES


class OrgTeam(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=MAX_TEAM_NAME)
    channel: str | None = Field(default=None, pattern=r"^[CG][A-Z0-9]+$")
    timezone: str = "Asia/Shanghai"
    manager: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]+$")
    scheme: str = "default"
    holidays: str | None = None  # ISO country for public holidays; default: the scheme's
    members: list[OrgMember] = []

    @field_validator("holidays")
    @classmethod
    def _known_country(cls, v: str | None) -> str | None:
        import holidays

        if v is not None and v.upper() not in holidays.list_supported_countries():
            raise ValueError(f"no public holidays known for {v!r} (use an ISO code such as CN)")
        return v.upper() if v else None

    @field_validator("scheme")
    @classmethod
    def _known_scheme(cls, v: str) -> str:
        from scoring.scheme import SchemeError, load_scheme

        try:
            load_scheme(v)
        except (FileNotFoundError, SchemeError) as e:
            raise ValueError(f"no usable scheme {v!r}: {e}") from None
        return v

    _known_zone = field_validator("timezone")(lambda cls, v: known_zone(v))

    @field_validator("name")
    @classmethod
    def _usable_name(cls, v: str) -> str:
        try:
            return team_name(v)
        except FieldError as e:
            raise ValueError(f"not a usable team name ({e.code.removeprefix('field.')})") from None


class OrgFile(BaseModel):
    """What `crmpay org import` reads: admins and teams with their people."""

    model_config = ConfigDict(extra="forbid")
    workspace: str = Field(pattern=r"^[TE][A-Z0-9]+$")
    admins: list[str] = []
    teams: list[OrgTeam] = []

    @model_validator(mode="after")
    def _distinct_teams(self) -> OrgFile:
        seen: dict[str, str] = {}
        for team in self.teams:
            if (other := seen.setdefault(match_key(team.name), team.name)) != team.name:
                raise ValueError(f"team {team.name!r} is the same name as {other!r}")
        return self


@dataclass(frozen=True)
class TeamView:
    id: int
    name: str
    channel_id: str | None
    timezone: str
    manager_user_id: str | None
    scheme: str
    members: list[tuple[str, str]]  # (slack user id, role)


async def upsert_team(
    session: AsyncSession,
    workspace_id: str,
    actor_id: int | None,
    name: str,
    *,
    timezone: str | None = None,
    channel_id: str | None = None,
    scheme: str | None = None,
    holidays_country: str | None = None,
) -> Team:
    name = team_name(name)
    team = await session.scalar(
        select(Team).where(Team.workspace_id == workspace_id, Team.name_key == match_key(name))
    )
    if team is None:
        team = Team(
            workspace_id=workspace_id,
            name=name,
            name_key=match_key(name),
            timezone=_zone(timezone or "Asia/Shanghai"),
        )
        session.add(team)
        await session.flush()
        await audit(session, workspace_id, actor_id, "team.create", name)
    changes = {}
    for attr, value in (
        ("timezone", timezone),
        ("channel_id", channel_id),
        ("scheme", scheme),
        ("holidays_country", holidays_country),
    ):
        if value is not None and getattr(team, attr) != value:
            setattr(team, attr, _zone(value) if attr == "timezone" else value)
            changes[attr] = value
    if changes:
        await audit(session, workspace_id, actor_id, "team.update", name, **changes)
        await record_change(session, team_id=team.id)  # its calendar or scheme: score it again
    return team


async def place_member(
    session: AsyncSession, team: Team, actor_id: int | None, user_id: str, role: str
) -> Member:
    m = await member_by_user(session, team.workspace_id, user_id, team.timezone)
    # A manager moved or given another role stops managing their old team(s).
    for old in await session.scalars(select(Team).where(Team.manager_id == m.id)):
        if old.id != team.id or role != Role.MANAGER:
            old.manager_id = None
            await audit(
                session, team.workspace_id, actor_id, "team.manager_cleared", old.name, user=user_id
            )
    if (m.team_id, m.role) != (team.id, role):
        await audit(
            session,
            team.workspace_id,
            actor_id,
            "member.place",
            user_id,
            team=team.name,
            role=role,
            was_team=m.team_id,
            was_role=m.role,
        )
        await _move(session, m, team.id, role)
    return m


async def _move(session: AsyncSession, m: Member, team_id: int, role: str) -> None:
    """Close the member's current placement and open the new one (the history pay reads)."""
    now = utcnow()
    # Both teams' periods count days on the team: score them again.
    if m.team_id is not None:
        await record_change(session, team_id=m.team_id)
    await record_change(session, team_id=team_id)
    await session.execute(
        update(TeamMembership)
        .where(TeamMembership.member_id == m.id, TeamMembership.valid_to.is_(None))
        .values(valid_to=now)
    )
    session.add(TeamMembership(member_id=m.id, team_id=team_id, role=role, valid_from=now))
    m.team_id, m.role = team_id, role
    await session.flush()


async def set_manager(
    session: AsyncSession, team: Team, actor_id: int | None, user_id: str
) -> None:
    m = await place_member(session, team, actor_id, user_id, Role.MANAGER)
    if team.manager_id != m.id:
        team.manager_id = m.id
        await audit(session, team.workspace_id, actor_id, "team.manager", team.name, user=user_id)


async def grant_admin(
    session: AsyncSession, workspace_id: str, actor_id: int | None, user_id: str
) -> None:
    m = await member_by_user(session, workspace_id, user_id, "Asia/Shanghai")
    if not m.is_app_admin:
        m.is_app_admin = True
        await audit(session, workspace_id, actor_id, "admin.grant", user_id)


async def import_org(sessions: async_sessionmaker[AsyncSession], org: OrgFile) -> int:
    """Load teams, managers, members and admins; return how many changes were audited."""
    async with sessions.begin() as session:
        before = await _audit_count(session, org.workspace)
        for user in org.admins:
            await grant_admin(session, org.workspace, None, user)
        for t in org.teams:
            team = await upsert_team(
                session,
                org.workspace,
                None,
                t.name,
                timezone=t.timezone,
                channel_id=t.channel,
                scheme=t.scheme,
                holidays_country=t.holidays,
            )
            if t.manager:
                await set_manager(session, team, None, t.manager)
            for om in t.members:
                await place_member(session, team, None, om.user, om.role)
        return await _audit_count(session, org.workspace) - before


async def _audit_count(session: AsyncSession, workspace_id: str) -> int:
    from sqlalchemy import func

    await session.flush()
    return (
        await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.workspace_id == workspace_id)
        )
        or 0
    )


async def teams(sessions: async_sessionmaker[AsyncSession], workspace_id: str) -> list[TeamView]:
    """Every team of a workspace with its people."""
    async with sessions.begin() as session:
        rows = list(
            await session.scalars(
                select(Team).where(Team.workspace_id == workspace_id).order_by(Team.name)
            )
        )
        people = (
            await session.execute(
                select(Member.team_id, Member.slack_user_id, Member.role, Member.id)
                .where(Member.workspace_id == workspace_id, Member.team_id.is_not(None))
                .order_by(Member.slack_user_id)
            )
        ).all()
        users = {mid: uid for _, uid, _, mid in people}
        return [
            TeamView(
                t.id,
                t.name,
                t.channel_id,
                t.timezone,
                users.get(t.manager_id),
                t.scheme,
                [(uid, role) for tid, uid, role, _ in people if tid == t.id],
            )
            for t in rows
        ]


async def _team_named(session: AsyncSession, workspace_id: str, name: str) -> Team:
    name = team_name(name)
    team = await session.scalar(
        select(Team).where(Team.workspace_id == workspace_id, Team.name_key == match_key(name))
    )
    if team is None:
        raise TeamNotFound(name=name)
    return team


async def create_team(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    name: str,
    channel_id: str | None,
    timezone: str | None,
) -> tuple[str, bool]:
    """Create (or update) a team; admins only. Return its name and whether it is new.

    A name that keys like an existing team's (case, width, look-alikes) names that team.
    """
    require_admin(actor)
    name = team_name(name)
    async with sessions.begin() as session:
        existed = await session.scalar(
            select(Team.id).where(
                Team.workspace_id == actor.workspace_id, Team.name_key == match_key(name)
            )
        )
        team = await upsert_team(
            session,
            actor.workspace_id,
            actor.member_id,
            name,
            timezone=timezone,
            channel_id=channel_id,
        )
        return team.name, existed is None


async def add_to_team(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, name: str, user_id: str, role: str
) -> str:
    """Put a member on a team with a role (`manager` makes them its manager); admins only.

    Return the team's name as it is stored (the one typed may be a look-alike of it).
    """
    require_admin(actor)
    try:
        role = Role(role)
    except ValueError:
        raise FieldError("field.role_unknown", field="role", value=role) from None
    async with sessions.begin() as session:
        team = await _team_named(session, actor.workspace_id, name)
        if role == Role.MANAGER:
            await set_manager(session, team, actor.member_id, user_id)
        elif role == Role.ADMIN:
            await grant_admin(session, actor.workspace_id, actor.member_id, user_id)
        else:
            await place_member(session, team, actor.member_id, user_id, role)
        return team.name
