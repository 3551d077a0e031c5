"""Facts read from storage (both databases) after real turns, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from klarsvar.analytics.export import COLUMNS, to_csv
from klarsvar.analytics.metrics import outcomes
from klarsvar.analytics.repository import AnalyticsRepository
from klarsvar.analytics.service import Analytics
from klarsvar.conversation.engine import Engine
from klarsvar.core.clock import FixedClock
from klarsvar.handoff.service import HandoffService
from klarsvar.live.bus import InProcessBus
from klarsvar.storage.database import Database
from web.conftest import scripted_understander


def _engine(db: Database, clock: FixedClock) -> Engine:
    return Engine(db, scripted_understander(), clock=clock)


def test_facts_from_real_turns(db: Database) -> None:
    clock = FixedClock()
    engine = _engine(db, clock)
    signed_in = engine.start(customer_id="C-1003")
    engine.handle(signed_in.id, "When is my next payment?")
    clock.advance(timedelta(minutes=2))
    engine.end(signed_in.id)
    engine.rate(signed_in.id, 5, "=HYPERLINK(\"http://x\")")

    handed = engine.start()
    engine.handle(handed.id, "I want a human")
    service = HandoffService(db, clock, InProcessBus(), engine.registry)
    service.take(handed.id, "ada")
    service.reply(handed.id, "ada", "Hi, Ada here")
    service.close(handed.id, "ada")
    engine.rate(handed.id, 3)

    empty = engine.start()
    clock.advance(timedelta(hours=1))
    since, until = clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    with db.session() as session:
        repo = AnalyticsRepository(session)
        facts = {f.id: f for f in repo.facts(since, until)}
        starts = repo.customer_starts(since, until)
    assert set(facts) == {signed_in.id, handed.id, empty.id}
    a, h = facts[signed_in.id], facts[handed.id]
    assert a.customer_messages == 1 and a.ai_messages == 1 and a.human_messages == 0 and not a.handed_over
    assert a.first_reply_ms is not None and a.csat_score == 5 and a.status == "closed" and a.intent == "payment_schedule"
    assert h.handoff_reasons == ("customer_request",) and h.human_messages == 1 and not h.open_handoff
    assert starts == [("C-1003", a.created_at)]

    rows = {r.facts.id: r for r in outcomes(facts.values(), clock.now(), starts)}
    assert set(rows) == {signed_in.id, handed.id}  # the empty chat is not counted
    assert rows[signed_in.id].resolved_by_ai and rows[signed_in.id].handled_by == "ai"
    assert not rows[handed.id].resolved_by_ai and rows[handed.id].handled_by == "people"
    assert rows[signed_in.id].resolution_seconds == 120

    exported = list(csv.reader(io.StringIO(Analytics(db, clock).csv(7))))
    assert exported[0] == COLUMNS and len(exported) == 3
    by_id = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in exported[1:]}
    assert by_id[signed_in.id]["csat_comment"] == "'=HYPERLINK(\"http://x\")"  # no formula in a spreadsheet
    assert by_id[signed_in.id]["resolved_by_ai"] == "true" and by_id[handed.id]["handled_by"] == "people"
    assert by_id[handed.id]["handoff_reasons"] == "customer_request"


def test_an_empty_export_has_the_header() -> None:
    assert to_csv([]).splitlines() == [",".join(COLUMNS)]


def test_deleting_seeded_conversations_by_prefix(db: Database) -> None:
    clock = FixedClock()
    with db.session() as session:
        from klarsvar.conversation.models import Author
        from klarsvar.conversation.repository import ConversationRepository

        convs = ConversationRepository(session)
        for cid in ("demo-x-1", "demo-x-2", "keep-1"):
            convs.create(cid, None, "web", clock.now(), "en")
            convs.add_message(cid, Author.CUSTOMER, "hi", "en", clock.now())
    with db.session() as session:
        assert AnalyticsRepository(session).delete_conversations("demo-x-") == 2
    with db.session() as session:
        assert [f.id for f in AnalyticsRepository(session).facts(clock.now() - timedelta(days=1),
                                                                 clock.now() + timedelta(days=1))] == ["keep-1"]
