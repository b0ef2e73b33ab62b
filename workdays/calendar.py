"""Working days in China: weekends, public holidays and make-up working days (调休).

Order of authority: the administrators' ``CalendarException`` table, then the
``chinese-calendar`` package (years it covers), then plain weekends.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import chinese_calendar

from workdays.models import CalendarException


@lru_cache(maxsize=32)
def _exceptions(year: int, stamp: int) -> dict[datetime.date, bool]:
    # ``stamp`` changes whenever the table does, so edits take effect at once.
    return dict(CalendarException.objects.filter(date__year=year).values_list("date", "is_working_day"))


def _stamp() -> int:
    latest = CalendarException.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (latest or 0) * 1_000_003 + CalendarException.objects.count()


class WorkingCalendar:
    """Answers "is this a working day?" for a run of dates with one query per year."""

    def __init__(self) -> None:
        self._stamp = _stamp()

    def is_working_day(self, day: datetime.date) -> bool:
        exceptions = _exceptions(day.year, self._stamp)
        if day in exceptions:
            return exceptions[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package does not cover yet
            return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The day ``days`` working days after ``start`` (``start`` itself not counted)."""
        step = 1 if days >= 0 else -1
        day, remaining = start, abs(days)
        while remaining:
            day += datetime.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    return WorkingCalendar().add_working_days(start, days)
