"""The clock is injected everywhere: the demo world lives on a fixed "today"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

DEMO_NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime: ...


def today(clock: Clock) -> date:
    return clock.now().date()


@dataclass
class FixedClock:
    """A clock that stands still unless advanced (demo, tests, scenarios)."""

    at: datetime = field(default=DEMO_NOW)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at = self.at + delta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class DemoClock:
    """Starts at the demo's "today" and moves on with real time (for a live demo)."""

    def __init__(self, start: datetime = DEMO_NOW) -> None:
        self._start = start
        self._real_start = datetime.now(UTC)

    def now(self) -> datetime:
        return self._start + (datetime.now(UTC) - self._real_start)


def clock_from_setting(value: str) -> Clock:
    """`system`, `demo` (demo today, ticking) or an ISO timestamp (fixed)."""
    if value == "system":
        return SystemClock()
    if value == "demo":
        return DemoClock()
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return FixedClock(parsed)


def add_business_days(start: date, days: int) -> date:
    """`days` working days (Mon–Fri) after `start`."""
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current
