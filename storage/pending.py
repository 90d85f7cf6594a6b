"""Quick commands parked while the rep picks which customer they meant."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.errors import NotFound
from storage.members import Actor
from storage.models import PendingCommand, utcnow

KEEP_FOR = timedelta(days=7)


async def park(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, request_key: str, text: str
) -> None:
    """Keep a command's text under its request key; parking it again changes nothing.

    Commands parked over a week ago are let go: their buttons are long scrolled away.
    """
    try:
        async with sessions.begin() as session:
            await session.execute(
                delete(PendingCommand).where(PendingCommand.created_at < utcnow() - KEEP_FOR)
            )
            if await session.get(PendingCommand, request_key) is None:
                session.add(
                    PendingCommand(request_key=request_key, member_id=actor.member_id, text=text)
                )
    except IntegrityError:
        pass  # a retried delivery parked it at the same moment


async def parked_text(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, request_key: str
) -> str:
    """Return the text of the actor's parked command."""
    async with sessions.begin() as session:
        text = await session.scalar(
            select(PendingCommand.text).where(
                PendingCommand.request_key == request_key,
                PendingCommand.member_id == actor.member_id,
            )
        )
    if text is None:
        raise NotFound()
    return text
