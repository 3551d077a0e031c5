"""Starting a conversation while another server thread writes (SQLite): it waits, never fails.

Found by the load benchmark (bench/load): with the read-then-write transaction of
`Engine.start`, a write committed by another thread between the customer lookup and the
insert made SQLite refuse the insert at once ("database is locked", HTTP 500).
"""

from __future__ import annotations

import threading

import pytest

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.conversation.engine import Engine
from klarsvar.core.clock import FixedClock
from klarsvar.storage.database import Database
from klarsvar.understanding.testing import ScriptedUnderstander


def test_start_survives_a_write_between_its_read_and_its_insert(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(sqlite_db, ScriptedUnderstander({}), clock=FixedClock(), knowledge=None)
    other = Engine(Database(sqlite_db.url), ScriptedUnderstander({}), clock=FixedClock(), knowledge=None)
    lookup = AccountsRepository.customer
    errors: list[BaseException] = []
    done: list[str] = []

    def another_start() -> None:
        try:
            done.append(other.start(customer_id="C-1001", channel="web").id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def customer_then_a_concurrent_write(self: AccountsRepository, customer_id: str):  # type: ignore[no-untyped-def]
        found = lookup(self, customer_id)
        if threading.current_thread() is threading.main_thread() and not done:
            writer = threading.Thread(target=another_start)
            writer.start()
            writer.join(timeout=1.0)  # commits at once unless this start holds the write lock
        return found

    monkeypatch.setattr(AccountsRepository, "customer", customer_then_a_concurrent_write)
    conv = engine.start(customer_id="C-1003", channel="web")
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and thread.name.startswith("Thread"):
            thread.join(timeout=30)

    assert not errors
    assert engine.get(conv.id) is not None
    assert len(done) == 1 and engine.get(done[0]) is not None
