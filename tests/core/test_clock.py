"""The injectable clock and business-day arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from klarsvar.core.clock import (
    DEMO_NOW,
    DemoClock,
    FixedClock,
    SystemClock,
    add_business_days,
    clock_from_setting,
    today,
)


def test_demo_now_is_the_fixed_today_of_the_demo_world() -> None:
    assert datetime(2026, 11, 20, 12, 0, tzinfo=UTC) == DEMO_NOW
    assert DEMO_NOW.tzinfo is not None


def test_fixed_clock_stands_still_until_advanced() -> None:
    clock = FixedClock()
    assert clock.now() == DEMO_NOW
    assert clock.now() == clock.now()
    clock.advance(timedelta(days=2, hours=3))
    assert clock.now() == datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    assert today(clock) == date(2026, 11, 22)


def test_fixed_clocks_do_not_share_state() -> None:
    a, b = FixedClock(), FixedClock()
    a.advance(timedelta(days=1))
    assert b.now() == DEMO_NOW


def test_today_of_the_demo_clock() -> None:
    assert today(FixedClock()) == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("2026-11-20T12:00:00Z", datetime(2026, 11, 20, 12, 0, tzinfo=UTC)),
        ("2026-11-20T12:00:00+00:00", datetime(2026, 11, 20, 12, 0, tzinfo=UTC)),
        ("2026-12-01T08:30:00", datetime(2026, 12, 1, 8, 30, tzinfo=UTC)),
        ("2026-11-20T13:00:00+01:00", datetime(2026, 11, 20, 12, 0, tzinfo=UTC)),
    ],
)
def test_clock_from_iso_setting_is_fixed_and_aware(setting: str, expected: datetime) -> None:
    clock = clock_from_setting(setting)
    assert isinstance(clock, FixedClock)
    assert clock.now() == expected
    assert clock.now().tzinfo is not None


def test_clock_from_setting_system_is_real_time() -> None:
    clock = clock_from_setting("system")
    assert isinstance(clock, SystemClock)
    now = clock.now()
    assert now.tzinfo is not None
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


def test_clock_from_setting_demo_starts_at_demo_today() -> None:
    clock = clock_from_setting("demo")
    assert isinstance(clock, DemoClock)
    elapsed = clock.now() - DEMO_NOW
    assert timedelta(0) <= elapsed < timedelta(minutes=1)
    assert today(clock) == date(2026, 11, 20)


def test_clock_from_setting_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        clock_from_setting("tomorrow-ish")


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday + 1 -> Monday
        (date(2026, 11, 20), 5, date(2026, 11, 27)),  # Friday + 5 -> next Friday
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # Saturday + 1 -> Monday
        (date(2026, 11, 22), 1, date(2026, 11, 23)),  # Sunday + 1 -> Monday
        (date(2026, 11, 23), 4, date(2026, 11, 27)),  # Monday + 4 -> Friday, no weekend crossed
        (date(2026, 11, 17), 5, date(2026, 11, 24)),  # O-3001 refund registered: processed by
        (date(2026, 11, 17), 10, date(2026, 12, 1)),  # ... and on the card by
        (date(2026, 11, 20), 7, date(2026, 12, 1)),  # replacement card, latest
        (date(2026, 11, 20), 0, date(2026, 11, 20)),
    ],
)
def test_add_business_days_skips_weekends(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days) == expected


@pytest.mark.parametrize("days", range(1, 30))
def test_business_days_never_land_on_a_weekend(days: int) -> None:
    for offset in range(7):
        start = date(2026, 11, 16) + timedelta(days=offset)
        result = add_business_days(start, days)
        assert result.weekday() < 5
        assert result > start
        # Each full week of five business days is seven calendar days.
        assert (result - start).days <= days + 2 * (days // 5 + 1)
