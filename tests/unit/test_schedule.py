"""Schedules and billable hours (DOMAIN.md Jobs: Hours).

Hours per day = end − start (+24 h across midnight); billable = hours per day × days, never
the continuous span from the first start to the last end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.schedule import JobType, Schedule

minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
start_dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31))


def _schedule(start_date: date, days: int, start: time, end: time, tz: str) -> Schedule:
    return Schedule(
        job_type=JobType.SINGLE_DAY if days == 1 else JobType.MULTIPLE_DAYS,
        start_date=start_date,
        end_date=start_date + timedelta(days=days - 1),
        start_time=start,
        end_time=end,
        timezone=tz,
    )


def _clock_minutes(start: time, end: time) -> int:
    """Reference: the wall-clock length of one shift, computed with datetimes."""
    day = date(2026, 1, 1)
    first = datetime.combine(day, start)
    last = datetime.combine(day, end)
    if last <= first:
        last += timedelta(days=1)
    return int((last - first).total_seconds() // 60)


@given(
    start_date=start_dates,
    days=st.integers(1, 60),
    start=minute_times,
    end=minute_times,
    tz=st.sampled_from(["Africa/Lagos", "UTC", "Africa/Nairobi", "Europe/London"]),
)
def test_billable_minutes_are_hours_per_day_times_days(
    start_date: date, days: int, start: time, end: time, tz: str
) -> None:
    s = _schedule(start_date, days, start, end, tz)
    assert s.days == days
    assert s.minutes_per_day == _clock_minutes(start, end)
    assert 0 < s.minutes_per_day <= 24 * 60
    assert s.billable_minutes == s.minutes_per_day * days


@given(
    start_date=start_dates,
    days=st.integers(2, 60),
    start=minute_times,
    end=minute_times,
)
def test_multi_day_billing_is_never_the_continuous_span(
    start_date: date, days: int, start: time, end: time
) -> None:
    s = _schedule(start_date, days, start, end, "Africa/Lagos")  # no DST in Lagos
    span = s.ends_at - s.starts_at
    assert span == timedelta(days=days - 1, minutes=s.minutes_per_day)
    if s.minutes_per_day < 24 * 60:
        assert timedelta(minutes=s.billable_minutes) < span


@given(start_date=start_dates, start=minute_times, end=minute_times)
def test_overnight_shift_ends_the_next_local_day(start_date: date, start: time, end: time) -> None:
    s = _schedule(start_date, 1, start, end, "Africa/Lagos")
    crosses = end <= start
    lagos_end = (s.ends_at + timedelta(hours=1)).date()  # Lagos is UTC+1 all year
    assert lagos_end == start_date + timedelta(days=1 if crosses else 0)
    assert s.ends_at - s.starts_at == timedelta(minutes=s.minutes_per_day)


def test_worked_examples() -> None:
    night = _schedule(date(2026, 1, 5), 3, time(22, 0), time(6, 0), "Africa/Lagos")
    assert night.minutes_per_day == 8 * 60
    assert night.billable_minutes == 24 * 60  # not the 56 h from Monday 22:00 to Thursday 06:00
    assert night.starts_at == datetime(2026, 1, 5, 21, 0, tzinfo=UTC)
    assert night.ends_at == datetime(2026, 1, 8, 5, 0, tzinfo=UTC)
    full = _schedule(date(2026, 1, 5), 1, time(8, 0), time(8, 0), "Africa/Lagos")
    assert full.minutes_per_day == 24 * 60


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": date(2026, 1, 4)}, "end_date"),
        ({"end_date": date(2026, 1, 6)}, "end_date"),  # single_day spanning two dates
        ({"job_type": "multiple_days"}, "end_date"),  # multiple_days on one date
        ({"job_type": "weekly"}, "job_type"),
        ({"start_time": time(9, 0, 30)}, "start_time"),
        ({"end_time": time(17, 0, 0, 5)}, "end_time"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_invalid_schedules_name_the_field(changes: dict[str, object], field: str) -> None:
    values: dict[str, object] = {
        "job_type": "single_day",
        "start_date": date(2026, 1, 5),
        "end_date": date(2026, 1, 5),
        "start_time": time(9, 0),
        "end_time": time(17, 0),
        "timezone": "Africa/Lagos",
    }
    values.update(changes)
    with pytest.raises(InvalidInput) as info:
        Schedule(**values)  # type: ignore[arg-type]
    assert info.value.field == field


@given(
    start_date=start_dates,
    days=st.integers(1, 20),
    start=minute_times,
    tz=st.sampled_from(["Africa/Lagos", "UTC", "America/New_York", "Europe/London"]),
    after_hours=st.integers(-48, 24 * 22),
    window_minutes=st.integers(1, 24 * 60),
)
def test_shift_starts_between_finds_exactly_the_days_starting_in_the_window(
    start_date: date, days: int, start: time, tz: str, after_hours: int, window_minutes: int
) -> None:
    """Against every day of the schedule, checked one by one (the reminders' question)."""
    schedule = _schedule(start_date, days, start, time(23, 59), tz)
    after = datetime.combine(start_date, time(0), UTC) + timedelta(hours=after_hours)
    until = after + timedelta(minutes=window_minutes)
    every_day = (start_date + timedelta(days=n) for n in range(days))
    expected = [
        (day, schedule.shift_start(day))
        for day in every_day
        if after < schedule.shift_start(day) <= until
    ]
    assert schedule.shift_starts_between(after, until) == expected


def test_a_multi_day_jobs_shift_starts_each_local_day() -> None:
    schedule = _schedule(date(2026, 1, 5), 10, time(10, 0), time(18, 0), "Africa/Lagos")
    ninth = datetime(2026, 1, 9, 9, 0, tzinfo=UTC)  # 10:00 in Lagos (UTC+1)
    assert schedule.shift_starts_between(ninth - timedelta(hours=1), ninth) == [
        (date(2026, 1, 9), ninth)
    ]
    assert schedule.shift_starts_between(ninth, ninth + timedelta(hours=1)) == []
