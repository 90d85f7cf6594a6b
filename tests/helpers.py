"""Small helpers shared by the tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text, update

from storage.db import Database
from storage.models import Base, Member


async def all_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that a refused action changed nothing."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with db.sessions.begin() as s:
        for table in Base.metadata.sorted_tables:
            result = await s.execute(select(table).order_by(*table.primary_key.columns))
            out[table.name] = [tuple(r) for r in result]
    return out


async def count(db: Database, model) -> int:
    async with db.sessions.begin() as s:
        return await s.scalar(select(func.count()).select_from(model)) or 0


async def scalars(db: Database, stmt):
    async with db.sessions.begin() as s:
        return list(await s.scalars(stmt))


async def execute(db: Database, sql: str) -> None:
    async with db.sessions.begin() as s:
        await s.execute(text(sql))


def days(n: int) -> date:
    """A date `n` days from today in Asia/Shanghai (the test users' zone)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=n)


def a_button(action_id: str, value: str | None) -> list[dict[str, Any]]:
    """Blocks holding one button with any value, as a forged or stale message would."""
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": "x"},
    }
    if value is not None:
        button["value"] = value
    return [{"type": "actions", "block_id": "b", "elements": [button]}]


async def empty_tables(db: Database) -> None:
    """Delete every row of every table (the schema stays)."""
    async with db.sessions.begin() as s:
        # members ↔ teams reference each other: break the cycle first.
        await s.execute(update(Member).values(team_id=None))
        for table in reversed(Base.metadata.sorted_tables):
            await s.execute(delete(table))
