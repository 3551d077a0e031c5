"""The demo's month of history and its waiting chats: deterministic, realistic, replaceable."""

from __future__ import annotations

from datetime import timedelta

from klarsvar.actions.repository import ActionRecordsRepository
from klarsvar.analytics.demo_history import QUEUE, seed_history, seed_live_queue
from klarsvar.analytics.service import Analytics
from klarsvar.conversation.engine import tool_registry
from klarsvar.core.clock import DEMO_NOW, FixedClock
from klarsvar.handoff.repository import HandoffRepository
from klarsvar.storage.database import Database


def test_a_realistic_month(sqlite_db: Database) -> None:
    stats = seed_history(sqlite_db, DEMO_NOW)
    assert 800 < stats.conversations < 1500
    totals = Analytics(sqlite_db, FixedClock()).dashboard(30)["totals"]
    assert totals["conversations"] == stats.conversations
    assert 0.6 < totals["ai_resolution_rate"] < 0.9
    assert 0.1 < totals["handover_rate"] < 0.35
    assert 3.5 < totals["csat"]["ai"]["mean"] < 4.8 and totals["csat"]["people"]["responses"] > 10
    assert 20 < totals["first_reply_ms"]["p50"] < totals["first_reply_ms"]["p95"] < 500
    assert 0.02 < totals["repeat_contacts"]["rate"] < 0.25
    assert set(totals["handover_reasons"]) >= {"customer_request", "fraud", "dispute"}


def test_the_same_month_every_time(sqlite_db: Database, tmp_path_factory: object) -> None:
    first = Analytics(sqlite_db, FixedClock())
    seed_history(sqlite_db, DEMO_NOW)
    csv_one = first.csv(30)
    again = seed_history(sqlite_db, DEMO_NOW)  # replaces, never adds
    assert first.csv(30) == csv_one
    assert first.dashboard(30)["totals"]["conversations"] == again.conversations


def test_history_stays_before_now(sqlite_db: Database) -> None:
    seed_history(sqlite_db, DEMO_NOW)
    data = Analytics(sqlite_db, FixedClock(DEMO_NOW + timedelta(days=40))).dashboard(10)
    assert data["totals"]["conversations"] == 0


def test_waiting_chats_for_the_console(db: Database) -> None:
    assert seed_live_queue(db, tool_registry(), DEMO_NOW) == len(QUEUE)
    with db.session() as session:
        queue = HandoffRepository(session).queue()
        assert sorted(h.reason for h in queue) == sorted(w.reason for w in QUEUE)
        fraud = next(h for h in queue if h.reason == "fraud")
        assert fraud.summary["actions"] == [{"name": "freeze_card", "ok": True}]
        assert fraud.summary["wants"] == "unrecognised_purchase" and fraud.summary["facts"]["verified"] is True
        actions = ActionRecordsRepository(session).audit_entries(conversation_id=fraud.conversation_id)
    assert [(a["action"], a["actor_kind"], a["ok"]) for a in actions][:2] == [("freeze_card", "ai", True),
                                                                               ("handoff", "ai", True)]
    assert seed_live_queue(db, tool_registry(), DEMO_NOW) == len(QUEUE)  # replaced, not doubled
    with db.session() as session:
        assert len(HandoffRepository(session).queue()) == len(QUEUE)
