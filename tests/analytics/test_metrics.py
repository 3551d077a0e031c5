"""The dashboard's definitions (docs/metrics.md) on hand-made conversation facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from klarsvar.analytics.facts import ConversationFacts
from klarsvar.analytics.metrics import IDLE_AFTER, dashboard, figures, outcome, outcomes, percentile

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)


def facts(**changes: object) -> ConversationFacts:
    base = ConversationFacts(
        id="c1", created_at=T0, channel="web", status="closed", language="en", intent="payment_schedule",
        customer_id=None, closed_at=T0 + timedelta(minutes=3), first_customer_at=T0 + timedelta(seconds=5),
        last_message_at=T0 + timedelta(minutes=2), customer_messages=2, ai_messages=2, human_messages=0,
        handoff_reasons=(), first_handoff_at=None, open_handoff=False, abstained_at_end=False, first_reply_ms=40,
        csat_score=None, csat_comment=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_closed_chat_the_ai_answered_is_resolved_by_the_ai() -> None:
    o = outcome(facts(), NOW)
    assert o.ended and o.resolved_by_ai and o.handled_by == "ai"
    assert o.resolution_seconds == pytest.approx(175)


def test_an_idle_chat_counts_as_ended_from_its_last_message() -> None:
    idle = facts(status="open", closed_at=None)
    assert outcome(idle, NOW).ended and outcome(idle, NOW).resolved_by_ai
    assert outcome(idle, NOW).resolution_seconds == pytest.approx(115)
    recent = facts(status="open", closed_at=None, last_message_at=NOW - IDLE_AFTER + timedelta(seconds=1))
    assert not outcome(recent, NOW).ended and not outcome(recent, NOW).resolved_by_ai


@pytest.mark.parametrize("changes", [
    {"handoff_reasons": ("customer_request",), "human_messages": 1},  # a person took it
    {"handoff_reasons": ("fraud",), "open_handoff": True, "status": "open", "closed_at": None},  # still waiting
    {"abstained_at_end": True},  # ended on "I don't know"
    {"ai_messages": 0},  # nothing was answered
])
def test_what_is_not_resolved_by_the_ai(changes: dict[str, object]) -> None:
    assert not outcome(facts(**changes), NOW).resolved_by_ai


def test_a_waiting_handover_is_not_ended_by_idleness() -> None:
    waiting = facts(status="open", closed_at=None, handoff_reasons=("customer_request",), open_handoff=True)
    assert not outcome(waiting, NOW).ended


def test_repeat_contacts_within_seven_days() -> None:
    f = facts(customer_id="C-1", created_at=T0)
    assert outcome(f, NOW, [T0 - timedelta(days=6, hours=23)]).repeat_contact
    assert not outcome(f, NOW, [T0 - timedelta(days=7, minutes=1)]).repeat_contact
    assert not outcome(f, NOW, [T0]).repeat_contact  # itself
    assert not outcome(f, NOW, [T0 + timedelta(hours=1)]).repeat_contact  # a later one is not a repeat of it
    assert not outcome(facts(customer_id=None), NOW, [T0 - timedelta(days=1)]).repeat_contact


def test_empty_conversations_are_not_counted() -> None:
    rows = outcomes([facts(), facts(id="c2", customer_messages=0, ai_messages=0)], NOW)
    assert [r.facts.id for r in rows] == ["c1"]


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert percentile(values, 100) == 20
    assert percentile([7.0], 95) == 7
    assert percentile([], 50) is None


def test_headline_figures() -> None:
    rows = outcomes([
        facts(id="a", csat_score=5, first_reply_ms=30),
        facts(id="b", csat_score=3, first_reply_ms=50, handoff_reasons=("fraud",), human_messages=1),
        facts(id="c", abstained_at_end=True, first_reply_ms=70, customer_id="C-1"),
        facts(id="d", status="open", closed_at=None, last_message_at=NOW, first_reply_ms=90, customer_id="C-1",
              created_at=T0 + timedelta(days=1)),
    ], NOW, [("C-1", T0), ("C-1", T0 + timedelta(days=1))])
    f = figures(rows)
    assert f["conversations"] == 4 and f["ended"] == 3
    assert f["resolved_by_ai"] == 1 and f["ai_resolution_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert f["handed_over"] == 1 and f["handover_rate"] == 0.25 and f["handover_reasons"] == {"fraud": 1}
    assert f["csat"]["ai"]["mean"] == 5 and f["csat"]["people"]["mean"] == 3
    assert f["csat"]["ai"]["distribution"]["5"] == 1 and f["csat"]["people"]["responses"] == 1
    assert f["first_reply_ms"] == {"turns": 4, "p50": 50, "p95": 90}
    assert f["repeat_contacts"] == {"repeats": 1, "of": 2, "rate": 0.5}
    assert f["time_to_resolution_minutes"]["resolved"] == 3


def test_breakdowns_cover_every_day_of_the_period() -> None:
    rows = outcomes([facts(), facts(id="x", language="ar", intent=None, created_at=T0 - timedelta(days=2))], NOW)
    data = dashboard(rows, datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
    assert [d["key"] for d in data["by_day"]] == ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19",
                                                  "2026-11-20"]
    assert [d["conversations"] for d in data["by_day"]] == [0, 1, 0, 1, 0]
    assert {r["key"] for r in data["by_language"]} == {"en", "ar"}
    assert {r["key"] for r in data["by_intent"]} == {"payment_schedule", "(none)"}
