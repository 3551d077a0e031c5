"""The dashboard over a database: read the facts of a period and compute its figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from klarsvar.analytics.export import to_csv
from klarsvar.analytics.metrics import REPEAT_WINDOW, Outcome, dashboard, outcomes
from klarsvar.analytics.repository import AnalyticsRepository
from klarsvar.core.clock import Clock
from klarsvar.storage.database import Database


class Analytics:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def period(self, days: int) -> tuple[datetime, datetime]:
        """The last `days` whole days up to and including today (by the clock), in UTC."""
        now = self.clock.now()
        end = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return end - timedelta(days=days), end

    def outcomes(self, since: datetime, until: datetime) -> list[Outcome]:
        with self.db.session() as session:
            repo = AnalyticsRepository(session)
            facts = repo.facts(since, until)
            starts = repo.customer_starts(since - REPEAT_WINDOW, until)
        return outcomes(facts, min(self.clock.now(), until), starts)

    def dashboard(self, days: int = 30) -> dict[str, Any]:
        since, until = self.period(days)
        return dashboard(self.outcomes(since, until), since, until)

    def csv(self, days: int = 30) -> str:
        since, until = self.period(days)
        return to_csv(self.outcomes(since, until))
