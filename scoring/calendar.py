"""Working days and working hours of a team's calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays


@lru_cache(maxsize=64)
def _country_holidays(country: str) -> holidays.HolidayBase:
    """A country's public holidays, built once per process (years fill in as asked).

    The `holidays` package (3.5 MB resident) is loaded when a calendar is first asked for,
    so a process that scores nothing does not carry it."""
    import holidays

    return holidays.country_holidays(country)


class WorkCalendar:
    """Weekends and public holidays off; working hours [start, end) on working days."""

    def __init__(
        self,
        timezone: str,
        country: str | None = "CN",
        work_start: time = time(9),
        work_end: time = time(18),
        extra_holidays: Iterable[date] = (),
    ) -> None:
        self.zone = ZoneInfo(timezone)
        self.country = country
        self.work_start = work_start
        self.work_end = work_end
        self.extra = frozenset(extra_holidays)
        self._working: dict[date, bool] = {}
        self._cutoffs: dict[tuple[date, time], datetime] = {}

    @cached_property
    def _holidays(self) -> holidays.HolidayBase | dict:
        return _country_holidays(self.country) if self.country else {}

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = day.weekday() < 5 and day not in self._holidays and day not in self.extra
            self._working[day] = known
        return known

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def at(self, day: date, clock: time) -> datetime:
        """A local wall-clock moment as an aware datetime."""
        return datetime.combine(day, clock, self.zone)

    def next_day_cutoff(self, moment: datetime, cutoff: time) -> datetime:
        """`cutoff` o'clock on the working day after the local date of `moment`."""
        return self.cutoff_after(self.local(moment).date(), cutoff)

    def cutoff_after(self, day: date, cutoff: time) -> datetime:
        """`cutoff` o'clock on the working day after `day`."""
        found = self._cutoffs.get((day, cutoff))
        if found is None:
            found = self._cutoffs[(day, cutoff)] = self.at(self.next_working_day(day), cutoff)
        return found

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of working hours between two moments (0 if `end` is not after `start`)."""
        if end <= start:
            return 0.0
        total = 0.0
        day = self.local(start).date()
        last = self.local(end).date()
        while day <= last:
            if self.is_working_day(day):
                open_, close = self.at(day, self.work_start), self.at(day, self.work_end)
                lo, hi = max(open_, start), min(close, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total

    def after_working(self, start: datetime, seconds: float, limit_days: int = 800) -> datetime:
        """The moment `seconds` of working hours after `start` (for when an SLA runs out)."""
        left = seconds
        day = self.local(start).date()
        for _ in range(limit_days):
            if self.is_working_day(day):
                open_ = max(self.at(day, self.work_start), start)
                close = self.at(day, self.work_end)
                if close > open_:
                    span = (close - open_).total_seconds()
                    if left <= span:
                        return open_ + timedelta(seconds=left)
                    left -= span
            day += timedelta(days=1)
        raise ValueError("no working hours in sight")
