"""Working days: weekends, public holidays, make-up working days (调休), administrators' exceptions."""

import datetime

import pytest

from workdays.calendar import WorkingCalendar, add_working_days, is_working_day
from workdays.models import CalendarException

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2025, 9, 30), True),  # Tuesday before the National Day holiday
        (D(2025, 10, 1), False),  # 国庆节
        (D(2025, 10, 8), False),  # last day of the 2025 National Day / Mid-Autumn holiday
        (D(2025, 9, 28), True),  # Sunday, a make-up working day (调休)
        (D(2025, 10, 11), True),  # Saturday, a make-up working day (调休)
        (D(2025, 10, 12), False),  # an ordinary Sunday
        (D(2025, 1, 1), False),  # 元旦
    ],
)
def test_chinese_public_holidays_and_make_up_days(day, working):
    assert is_working_day(day) is working


def test_years_the_package_does_not_know_fall_back_to_weekends():
    assert is_working_day(D(2031, 1, 6)) is True  # a Monday
    assert is_working_day(D(2031, 1, 4)) is False  # a Saturday


def test_administrators_exceptions_win():
    CalendarException.objects.create(date=D(2031, 1, 6), is_working_day=False, note="元旦调休")
    CalendarException.objects.create(date=D(2031, 1, 4), is_working_day=True, note="调休上班")
    assert is_working_day(D(2031, 1, 6)) is False
    assert is_working_day(D(2031, 1, 4)) is True


def test_counting_working_days_skips_the_national_day_holiday():
    # Five working days after Tuesday 30 September 2025: 9 (Thu), 10 (Fri), 11 (Sat, 调休), 13, 14.
    assert add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)
    calendar = WorkingCalendar()
    assert calendar.working_days_between(D(2025, 9, 30), D(2025, 10, 14)) == 5
    assert calendar.working_days_between(D(2025, 10, 14), D(2025, 9, 30)) == -5
    assert add_working_days(D(2025, 10, 14), -5) == D(2025, 9, 30)
