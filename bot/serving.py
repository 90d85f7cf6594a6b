"""What a serving bot is made of, for `crmpay serve` and the benches that measure it.

One database (requests on the event loop, long reads and SQLite checkpoints beside it),
one kept-scores keeper, the bolt app; in the background, the kept-score refresher and the
database's upkeep.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp

from bot.app import InFlight, build_app
from bot.settings import Settings
from storage.db import REQUEST_WAIT, Database
from storage.kept import KeptScores

# How long a thread computing scores may keep the interpreter before the event loop gets
# it back. Python's default (5 ms) is paid by every SQLite statement a request runs while
# scores are computed beside it (sqlite3 lets go of the interpreter while it works, then
# waits for its turn): 50 concurrent /touch then queued for seconds behind a refresh.
SWITCH_INTERVAL = 0.0005


@dataclass
class Serving:
    db: Database
    scores: KeptScores
    app: AsyncApp
    in_flight: InFlight
    tasks: list[asyncio.Task] = field(default_factory=list)

    def start(self) -> None:
        """Start the background work (call from the running loop)."""
        self.tasks = [
            asyncio.create_task(self.scores.run(busy=self.in_flight.busy), name="kept-scores"),
            asyncio.create_task(self.db.maintain(), name="database-upkeep"),
        ]

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.db.dispose()


def serving(settings: Settings) -> Serving:
    """Open the database and build the app as a serving bot runs them."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    db = Database(settings.database_url, wait=REQUEST_WAIT, background_checkpoints=True)
    scores = KeptScores(db.sessions, db.reads)
    in_flight = InFlight()
    return Serving(db, scores, build_app(settings, db, scores, in_flight), in_flight)
