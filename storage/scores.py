"""A team's period scored whole from the rows: what kept scores are held to, and what a
full recompute (a rebuild, a replay) does."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.engine import score_team
from storage.kept import ScoreView
from storage.models import Member, utcnow
from storage.periods import (
    bounds,
    days_on_team,
    load_team_data,
    placements,
    team_period,
)


async def team_scores(
    sessions: async_sessionmaker[AsyncSession],
    team_id: int,
    month: str | None = None,
    last: bool = False,
    now: datetime | None = None,
) -> ScoreView:
    """Score a team's current (or `month`, YYYY-MM, or previous) period as of now."""
    now = now or utcnow()
    async with sessions.begin() as session:
        team, period, scheme, version = await team_period(session, team_id, month, last, now)
        found = await placements(session, team.id, period)
        data = await load_team_data(session, team, period, version, found)
        present = frozenset(p.member_id for p in found if days_on_team(p, period))
        users = dict(
            (
                await session.execute(
                    select(Member.id, Member.slack_user_id).where(
                        or_(Member.team_id == team.id, Member.id.in_(list(present) or [-1]))
                    )
                )
            ).all()
        )
        team_name, manager_id = team.name, team.manager_id
    # Scoring is pure Python over rows already read: done with the connection released (one
    # SQLite connection serves everyone) and beside the event loop, so that a big month
    # slows only the member asking for it.
    score = await asyncio.to_thread(score_team, data, scheme, now)
    return ScoreView(
        team_id,
        team_name,
        manager_id,
        period,
        score,
        users,
        projected=now < bounds(period)[1],
        present=present,
    )
