"""Members: created on first contact from the user's Slack profile."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.kept import record_change
from storage.models import Member, utcnow

log = logging.getLogger("crmpay.members")


@dataclass(frozen=True)
class Profile:
    """What Slack's `users.info` tells about a user."""

    name: str
    timezone: str
    locale: str
    is_admin: bool = False


@dataclass(frozen=True)
class Actor:
    """The member acting in a request, detached from any session."""

    member_id: int
    workspace_id: str
    slack_user_id: str
    name: str
    timezone: str
    locale: str
    is_admin: bool = False  # a Slack workspace admin/owner, or made admin in CRM Pay
    role: str = "sales"
    team_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self, now: datetime | None = None) -> date:
        """Return the member's local date."""
        return (now or utcnow()).astimezone(self.zone).date()


def _actor(m: Member) -> Actor:
    return Actor(
        member_id=m.id,
        workspace_id=m.workspace_id,
        slack_user_id=m.slack_user_id,
        name=m.name,
        timezone=m.timezone,
        locale=m.locale,
        is_admin=m.is_workspace_admin or m.is_app_admin,
        role=m.role,
        team_id=m.team_id,
    )


# Every request reads its member: the columns of an Actor, by a statement built once.
_ACTOR = select(
    Member.id,
    Member.workspace_id,
    Member.slack_user_id,
    Member.name,
    Member.timezone,
    Member.locale,
    Member.is_workspace_admin,
    Member.is_app_admin,
    Member.role,
    Member.team_id,
    Member.updated_at,
).where(Member.workspace_id == bindparam("workspace"), Member.slack_user_id == bindparam("user"))


async def _find(session: AsyncSession, workspace_id: str, user_id: str) -> Member | None:
    return await session.scalar(
        select(Member).where(Member.workspace_id == workspace_id, Member.slack_user_id == user_id)
    )


PROFILE_MAX_AGE = timedelta(days=1)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


async def ensure_member(
    sessions: async_sessionmaker[AsyncSession],
    workspace_id: str,
    user_id: str,
    fetch_profile: Callable[[], Awaitable[Profile]],
    max_age: timedelta = PROFILE_MAX_AGE,
    fallback: Profile | None = None,
) -> Actor:
    """Return the member for a Slack user, creating it from their profile on first contact.

    A profile older than `max_age` is read again (name, time zone or language may have
    changed); if Slack cannot be reached then, the stored profile serves. A new member
    whose profile cannot be read is created from `fallback` (if given) and read again
    on the next contact.
    """
    async with sessions.begin() as session:
        conn = await session.connection()
        member = (await conn.execute(_ACTOR, {"workspace": workspace_id, "user": user_id})).first()
        if member is not None and member.updated_at > utcnow() - max_age:
            return _actor(member)
    known = member
    fresh = True
    try:
        profile = await fetch_profile()  # a Slack call: never inside an open transaction
    except Exception:
        log.warning("could not read the profile of %s/%s", workspace_id, user_id, exc_info=True)
        if known is not None:
            return _actor(known)
        if fallback is None:
            raise
        profile, fresh = fallback, False
    try:
        async with sessions.begin() as session:
            member = await _find(session, workspace_id, user_id)
            if member is None:
                member = Member(workspace_id=workspace_id, slack_user_id=user_id)
                session.add(member)
            if member.team_id is not None and member.name != profile.name[:200]:
                # Ties on a leaderboard are listed by name.
                await record_change(session, team_id=member.team_id)
            member.name = profile.name[:200]
            member.timezone = profile.timezone
            member.locale = profile.locale
            member.is_workspace_admin = profile.is_admin
            member.updated_at = utcnow() if fresh else NEVER
            await session.flush()
            return _actor(member)
    except IntegrityError:
        # Two first contacts at once: the other request created the member.
        async with sessions.begin() as session:
            member = await _find(session, workspace_id, user_id)
            assert member is not None
            return _actor(member)
