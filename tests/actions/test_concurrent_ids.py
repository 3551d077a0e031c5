"""Two writes at once get distinct ids (disputes, returns, data requests), on SQLite and PostgreSQL.

Found by the load benchmark (bench/load): on PostgreSQL two turns opening disputes side by side
both counted the same rows and took the same id; the second failed on the primary key (HTTP 500).
"""

from __future__ import annotations

import threading
import time
from datetime import date

from sqlalchemy import select

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.storage.database import Database
from klarsvar.storage.tables import DisputeRow


def test_concurrent_disputes_get_distinct_ids(db: Database) -> None:
    ids: list[str] = []
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with db.session(write=True) as session:
                repo = AccountsRepository(session)
                ids.append(repo.next_id("D", DisputeRow))
                repo.add_dispute(ids[-1], "O-3002", "faulty", date(2026, 11, 20), date(2026, 12, 4), None)
        except BaseException as exc:  # reported below
            errors.append(exc)

    other = threading.Thread(target=second)

    with db.session(write=True) as session:
        repo = AccountsRepository(session)
        first = repo.next_id("D", DisputeRow)
        repo.add_dispute(first, "O-1002", "faulty", date(2026, 11, 20), date(2026, 12, 4), None)
        session.flush()
        other.start()
        time.sleep(0.5)  # the other turn asks for its id while this one is uncommitted
    other.join(timeout=30)

    assert not errors, errors
    assert len(ids) == 1 and ids[0] != first
    with db.session() as session:
        stored = set(session.scalars(select(DisputeRow.id)))
    assert {first, ids[0]} <= stored
