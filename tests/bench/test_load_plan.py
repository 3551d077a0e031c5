"""The load generator's non-timing logic: scenario → customer turns, the streamed reply, the
figures over a window, and the check that nothing sent was lost."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is a top-level package of the repository, not installed
    sys.path.insert(0, str(ROOT))

from bench.load.plan import (  # noqa: E402
    Conversation,
    Expected,
    Sample,
    Schedule,
    conversations_from,
    count_problems,
    engine_breakdown,
    fill,
    parse_sse,
    percentile,
    read_reply,
    summarise,
    totals,
)

SCENARIOS = """
- id: sv-extend-bokhandeln
  customer: anna.svensson@example.se
  turns:
    - user: "Kan jag skjuta upp betalningen?"
      expect: {language: sv, actions: []}
    - user: "Ja."
      expect: {language: sv, actions: [extend_due_date]}
- id: en-anon-verify-then-next-payment
  turns:
    - user: "When is my next payment?"
    - user: "emma.johnson@example.com"
    - user: "{otp}"
"""


def test_scenarios_become_the_customer_side(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(SCENARIOS, encoding="utf-8")
    signed_in, anonymous = conversations_from([tmp_path])
    assert signed_in == Conversation(
        "sv-extend-bokhandeln", "anna.svensson@example.se", "sv", ("Kan jag skjuta upp betalningen?", "Ja.")
    )
    assert anonymous.customer is None
    assert anonymous.language == "en"  # no expect: the id's language prefix
    assert anonymous.turns == ("When is my next payment?", "emma.johnson@example.com", "{otp}")


def test_the_whole_suite_loads() -> None:
    conversations = conversations_from([ROOT / "scenarios"])
    assert len(conversations) >= 180
    assert any(c.customer is None for c in conversations) and any(c.customer for c in conversations)
    assert all(c.turns and c.language for c in conversations)


def test_the_one_time_code_is_the_last_one_shown() -> None:
    assert fill("{otp}", "123456") == "123456"
    assert fill("my code is {otp}", None) == "my code is 000000"
    assert fill("Ja.", "123456") == "Ja."


def test_schedule_hands_out_every_conversation_once_per_round_reproducibly() -> None:
    convs = [Conversation(f"c{i}", None, "en", ("hi",)) for i in range(5)]
    first = [next(Schedule(convs, seed=3)).scenario for _ in range(1)]
    schedule = Schedule(convs, seed=3)
    rounds = [[next(schedule).scenario for _ in range(5)] for _ in range(2)]
    assert sorted(rounds[0]) == sorted(rounds[1]) == [f"c{i}" for i in range(5)]
    assert rounds[0][0] == first[0]
    again = Schedule(convs, seed=3)
    assert [next(again).scenario for _ in range(10)] == rounds[0] + rounds[1]
    assert schedule.handed_out == 10
    with pytest.raises(ValueError):
        Schedule([])


def test_a_streamed_reply_is_read_like_the_widget_reads_it() -> None:
    customer = {"seq": 1, "author": "customer", "text": "hi"}
    ai = {"seq": 2, "author": "ai", "text": "Hello there, how can I help?"}
    body = (
        f"event: message\r\ndata: {json.dumps(customer)}\r\n\r\n"
        ": ping\r\n\r\n"
        'event: delta\r\ndata: {"seq": 2, "text": "Hello there,"}\r\n\r\n'
        f"event: message\r\ndata: {json.dumps(ai)}\r\n\r\n"
        'event: done\r\ndata: {"mode": "ai", "demo_code": "424242"}\r\n\r\n'
    )
    reply = read_reply(parse_sse(body.split("\n")))
    assert [m["seq"] for m in reply.messages] == [1, 2]
    assert reply.done == {"mode": "ai", "demo_code": "424242"}
    assert reply.demo_code == "424242"
    assert reply.error is None

    failed = read_reply(parse_sse(["event: error", 'data: {"code": "closed", "message": "x"}', ""]))
    assert failed.error == {"code": "closed", "message": "x"} and failed.done is None
    assert next(parse_sse(["data: not json"])).data == "not json"  # the last event needs no blank line


def test_figures_cover_the_window_and_errors_the_whole_run() -> None:
    samples = [Sample(0.5, 0.6, True)]  # before the window: not counted
    samples += [Sample(1.0 + i / 100, 1.0 + i / 100 + (i + 1) / 1000, True) for i in range(100)]  # 1..100 ms
    samples += [Sample(2.0, 2.1, True, "start"), Sample(3.0, 12.0, False)]  # a failure ending after the window
    out = summarise(samples, (1.0, 3.0))
    assert out["messages"] == 100 and out["messages_per_s"] == 50.0
    assert (out["p50_ms"], out["p95_ms"], out["p99_ms"], out["max_ms"]) == (50.0, 95.0, 99.0, 100.0)
    assert out["errors"] == 1
    assert out["conversations_started"] == 1
    assert "p50_ms" not in summarise([], (0.0, 1.0))


def test_percentile_is_nearest_rank() -> None:
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 51) == 3.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_nothing_lost_when_the_database_holds_what_was_answered() -> None:
    expected = {"a": Expected(customer=2, total=4), "b": Expected(customer=1, total=1)}  # b: handed to a person
    stored = {"a": {"customer": 2, "ai": 2}, "b": {"customer": 1}}
    assert count_problems(expected, stored) == []
    assert totals(expected, stored) == {
        "conversations_started": 2,
        "conversations_stored": 2,
        "customer_messages_sent": 3,
        "customer_messages_stored": 3,
        "messages_in_replies": 5,
        "messages_stored": 5,
    }


def test_lost_extra_and_miscounted_conversations_are_reported() -> None:
    expected = {"a": Expected(2, 4), "b": Expected(1, 2), "c": Expected(1, 2)}
    stored = {"a": {"customer": 1, "ai": 1}, "b": {"customer": 1, "ai": 2}, "z": {}}
    problems = count_problems(expected, stored)
    assert any("1 conversations not stored" in p and "c" in p for p in problems)
    assert any("did not start" in p and "z" in p for p in problems)
    assert any("different number of customer messages" in p for p in problems)
    assert any("2 conversations with a different number of messages" in p for p in problems)


def test_engine_breakdown_from_turn_traces() -> None:
    turns = [
        {"understand": 2.0, "policy": 4.0, "total": 10.0, "knowledge": False},
        {"understand": 40.0, "policy": 20.0, "total": 70.0, "knowledge": True},
    ]
    out = engine_breakdown(turns)
    assert out["turns"] == 2
    assert out["understand"] == {"mean_ms": 21.0, "p95_ms": 40.0}
    assert out["total"]["mean_ms"] == 40.0
    assert out["knowledge_share"] == 0.5
    assert engine_breakdown([]) == {"turns": 0}
