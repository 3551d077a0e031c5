"""What the engine stores, on SQLite and on PostgreSQL: messages, conversation state and
per-turn traces persist across turns (and across engine instances, as across server
processes); traces explain each turn and carry no personal data."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from klarsvar.conversation.engine import Engine
from klarsvar.conversation.models import Author
from klarsvar.core.clock import FixedClock
from klarsvar.core.pan import mask_pans
from klarsvar.storage.conversation_tables import TurnTraceRow
from klarsvar.storage.database import Database
from klarsvar.understanding.base import Signals
from klarsvar.understanding.testing import Scripted, ScriptedUnderstander

PAN = "4539148803436467"
PAN_SPACED = "4539 1488 0343 6467"
NEW_EMAIL = "anna.nyadress@example.se"
NEW_PHONE = "+46701112233"

SCRIPT: dict[str, Scripted] = {
    "When is my next payment due?": Scripted("payment_schedule"),
    "Can I get more time to pay Bokhandeln?": Scripted("extend_due_date"),
    "yes": Scripted("affirm"),
    f"Please change my email to {NEW_EMAIL}": Scripted("update_contact_details"),
    "Change my phone number to +46 70 111 22 33": Scripted("update_contact_details"),
    mask_pans(f"My card is {PAN_SPACED}, is it frozen?"): Scripted("card_status"),
    mask_pans(f"and {PAN}?"): Scripted("card_status"),
    "I want a person": Scripted("human_request", signals=Signals(wants_person=True)),
}


def engine(db: Database) -> Engine:
    """A new engine each time: nothing may live in memory between turns."""
    understander = ScriptedUnderstander(SCRIPT, fallback=lambda _t: Scripted("general_question", 0.2))
    return Engine(db, understander, clock=FixedClock(), knowledge=None)


def test_messages_persist_across_turns_and_engines(db: Database) -> None:
    conv = engine(db).start(customer_id="C-1003", channel="api")
    engine(db).handle(conv.id, "When is my next payment due?")
    engine(db).handle(conv.id, "When is my next payment due?")

    messages = engine(db).messages(conv.id)
    assert [m.seq for m in messages] == [1, 2, 3, 4]
    assert [m.author for m in messages] == [Author.CUSTOMER, Author.AI, Author.CUSTOMER, Author.AI]
    assert messages[0].text == "When is my next payment due?"
    assert messages[1].author_id == "klarsvar"
    assert "57" in messages[1].text and "57" in messages[3].text
    assert all(m.language == "en" for m in messages)
    assert all(m.created_at is not None for m in messages)
    assert [m.seq for m in engine(db).messages(conv.id, after_seq=2)] == [3, 4]
    stored = engine(db).get(conv.id)
    assert stored is not None
    assert stored.customer_id == "C-1003"
    assert stored.language == "en"
    assert stored.intent == "payment_schedule"
    assert stored.state["greeted"] is True
    assert stored.state["turns"] == 2


def test_state_persists_between_turns(db: Database) -> None:
    conv = engine(db).start(customer_id="C-1001")
    first = engine(db).handle(conv.id, "Can I get more time to pay Bokhandeln?")
    assert first.actions == []
    stored = engine(db).get(conv.id)
    assert stored is not None
    assert stored.state["pending"]["action"] == "extend_due_date"
    assert stored.state["pending"]["args"] == {"order_id": "O-1002"}

    done = engine(db).handle(conv.id, "yes")
    assert [a.name for a in done.actions] == ["extend_due_date"]
    after = engine(db).get(conv.id)
    assert after is not None
    assert after.state["pending"] is None
    # The action is recorded with the AI message.
    ai = [m for m in engine(db).messages(conv.id) if m.author is Author.AI]
    assert ai[-1].meta["actions"][0]["name"] == "extend_due_date"
    assert ai[-1].meta["actions"][0]["ok"] is True


def test_handover_persists(db: Database) -> None:
    conv = engine(db).start(customer_id="C-1003")
    engine(db).handle(conv.id, "I want a person")
    stored = engine(db).get(conv.id)
    assert stored is not None
    assert stored.mode == "human"
    assert stored.handoff_reason == "customer_request"
    silent = engine(db).handle(conv.id, "hello?")
    assert silent.replies == []
    assert engine(db).messages(conv.id)[-1].author is Author.CUSTOMER


def test_each_turn_has_a_trace(db: Database) -> None:
    conv = engine(db).start(customer_id="C-1001")
    engine(db).handle(conv.id, "Can I get more time to pay Bokhandeln?")
    engine(db).handle(conv.id, "yes")

    traces = engine(db).traces(conv.id)
    customer_seqs = [m.seq for m in engine(db).messages(conv.id) if m.author is Author.CUSTOMER]
    assert [t["message_seq"] for t in traces] == customer_seqs == [1, 3]
    for trace in traces:
        # understanding proposals with scores
        intents = trace["understanding"]["intents"]
        assert intents and all(0.0 <= i["score"] <= 1.0 for i in intents)
        assert trace["understanding"]["language"] == "en"
        # decisions of the policy
        assert trace["decisions"][0]["step"] == "understood"
        # per-step timings
        steps = {s["step"]: s["ms"] for s in trace["steps"]}
        assert {"understand", "policy", "total"} <= set(steps)
        assert all(isinstance(ms, int | float) and ms >= 0 for ms in steps.values())
        assert steps["total"] >= steps["policy"]
        assert isinstance(trace["total_ms"], int)
        assert "actions" in trace

    propose, confirm = traces
    assert propose["understanding"]["intents"][0]["intent"] == "extend_due_date"
    assert any(d["step"] == "confirm" and d["action"] == "extend_due_date" for d in propose["decisions"])
    assert propose["actions"] == []
    assert any(d["step"] == "confirmation" and d["result"] == "confirmed" for d in confirm["decisions"])
    assert confirm["actions"] == [{"name": "extend_due_date", "ok": True, "refusal": None}]


def _raw_traces(db: Database) -> str:
    with db.session() as session:
        rows = session.scalars(select(TurnTraceRow.trace)).all()
    return json.dumps(rows, ensure_ascii=False)


def test_traces_carry_no_email_phone_card_number_or_code(db: Database) -> None:
    signed_in = engine(db).start(customer_id="C-1001")
    engine(db).handle(signed_in.id, f"Please change my email to {NEW_EMAIL}")
    engine(db).handle(signed_in.id, "Change my phone number to +46 70 111 22 33")
    engine(db).handle(signed_in.id, f"My card is {PAN_SPACED}, is it frozen?")
    engine(db).handle(signed_in.id, f"and {PAN}?")

    anonymous = engine(db).start()
    engine(db).handle(anonymous.id, "When is my next payment due?")
    code = engine(db).handle(anonymous.id, "emma.johnson@example.com").demo_code
    assert code is not None
    engine(db).handle(anonymous.id, "000000" if code != "000000" else "111111")
    verified = engine(db).handle(anonymous.id, code)
    assert "57" in verified.replies[0].text

    raw = _raw_traces(db)
    assert raw.count("understanding") >= 8  # the traces are there …
    digits = re.sub(r"\D", "", raw)
    # … and hold none of these.
    for secret in [NEW_EMAIL, "emma.johnson@example.com", "anna.svensson@example.se", NEW_PHONE, PAN_SPACED]:
        assert secret not in raw, secret
    assert "701112233" not in digits
    assert PAN not in digits
    assert code not in raw
    # The conversation's messages do keep what the customer wrote, with the card number masked.
    texts = " ".join(m.text for m in engine(db).messages(signed_in.id))
    assert NEW_EMAIL in texts
    assert PAN not in re.sub(r"\D", "", texts)
