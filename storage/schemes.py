"""What a proposed scheme would do: last month of every team replayed under it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.engine import replay
from scoring.inputs import Period
from scoring.scheme import Scheme, SchemeError, load_scheme
from storage.errors import FieldError
from storage.members import Actor
from storage.models import Member, Team, utcnow
from storage.org import require_admin
from storage.periods import current_period, load_team_data, scheme_named

SCHEME_NAME = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


@dataclass(frozen=True)
class TeamPreview:
    team_name: str
    period: Period
    changes: list  # scoring.engine.Change
    user_ids: dict[int, str]
    currency: str


async def preview_scheme(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    proposed: Scheme,
    now: datetime | None = None,
) -> list[TeamPreview]:
    """Replay last month of every team under `proposed`; admins only."""
    require_admin(actor)
    now = now or utcnow()
    # The proposal's newest version, as if it had applied to last month already.
    newest = proposed.versions[-1].model_copy(update={"effective_from": date(1970, 1, 1)})
    latest = Scheme(name=proposed.name, versions=[newest])
    out = []
    async with sessions.begin() as session:
        rows = list(
            await session.scalars(
                select(Team).where(Team.workspace_id == actor.workspace_id).order_by(Team.name)
            )
        )
        for team in rows:
            period = current_period(team.timezone, now).previous
            current = scheme_named(team.scheme)
            try:
                in_force = current.version_for(period.first_day)
            except LookupError:
                in_force = latest.versions[0]
            lookback = max(
                in_force.retention_lookback_days, latest.versions[0].retention_lookback_days
            )
            minimum = min(
                in_force.anti_gaming.min_order_amount,
                latest.versions[0].anti_gaming.min_order_amount,
            )
            data = await load_team_data(
                session,
                team,
                period,
                in_force,
                lookback_days=lookback,
                min_order_minor=int(minimum * 100),
            )
            users = dict(
                (
                    await session.execute(
                        select(Member.id, Member.slack_user_id).where(Member.team_id == team.id)
                    )
                ).all()
            )
            try:
                changes = replay(data, current, latest)
            except LookupError:
                changes = []  # the team's scheme had no version in force that month
            out.append(TeamPreview(team.name, period, changes, users, newest.currency))
    return out


def proposed_scheme(name: str, folder: Path | None = None) -> Scheme:
    """The scheme called `name` to preview: `<name>.yml` in `folder` (the deployment's own
    scheme files) if it is there, else the shipped scheme of that name.

    Only a plain name is taken, never a path; a missing or invalid scheme is a field error.
    """
    if not SCHEME_NAME.match(name):
        raise FieldError("field.scheme_name", field="scheme", value=name)
    try:
        if folder and (candidate := folder / f"{name}.yml").exists():
            return load_scheme(candidate)
        return load_scheme(name)
    except FileNotFoundError:
        raise FieldError("field.scheme_unknown", field="scheme", value=name) from None
    except SchemeError as e:
        raise FieldError("field.scheme_invalid", field="scheme", value=str(e)) from None
