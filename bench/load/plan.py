"""What the load generator sends and how its results are judged (no timing, no network).

- `conversations_from`: scenario files → the customer side of each conversation (who signs in,
  the widget's language, the customer turns in order; `{otp}` is filled in from the demo code
  of the previous reply, as a customer would read it).
- `Schedule`: which conversation each virtual customer runs next (a seeded shuffle, cycled).
- `parse_sse`: the server-sent events of the streamed message endpoint.
- `Sample` / `summarise`: throughput and latency over the measurement window.
- `count_problems`: what the generator saw answered versus what the database holds.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OTP = "{otp}"
WRONG_CODE = "000000"


@dataclass(frozen=True)
class Conversation:
    """The customer side of one scenario."""

    scenario: str
    customer: str | None  # email of a signed-in customer; None: anonymous
    language: str | None  # what the widget sends as the browser's language
    turns: tuple[str, ...]


def conversations_from(paths: Iterable[Path]) -> list[Conversation]:
    from klarsvar.evaluation.scenarios import load_scenarios

    out = []
    for scenario in load_scenarios(list(paths)):
        turns = tuple(str(t["user"]) for t in scenario.turns)
        if not turns:
            continue
        first = scenario.turns[0].get("expect") or {}
        language = first.get("language")
        if not language:
            prefix = scenario.id.split("-", 1)[0]
            language = prefix if len(prefix) == 2 else None
        out.append(Conversation(scenario.id, scenario.customer, language, turns))
    return out


def fill(text: str, demo_code: str | None) -> str:
    """The turn as typed: `{otp}` becomes the last one-time code shown (a wrong one when none was)."""
    return text.replace(OTP, demo_code or WRONG_CODE) if OTP in text else text


class Schedule:
    """Hands out conversations to virtual customers: a seeded shuffle of all of them, then again."""

    def __init__(self, conversations: Sequence[Conversation], seed: int = 7) -> None:
        if not conversations:
            raise ValueError("no conversations to run")
        self.conversations = list(conversations)
        self.rng = random.Random(seed)
        self._order: list[int] = []
        self.handed_out = 0

    def __iter__(self) -> Iterator[Conversation]:
        return self

    def __next__(self) -> Conversation:
        if not self._order:
            self._order = list(range(len(self.conversations)))
            self.rng.shuffle(self._order)
            self._order.reverse()
        self.handed_out += 1
        return self.conversations[self._order.pop()]


# --- the streamed reply ----------------------------------------------------------------------


@dataclass
class Event:
    name: str
    data: Any


def parse_sse(lines: Iterable[str]) -> Iterator[Event]:
    """Events of a text/event-stream body given line by line (lines without their ending).

    Comment lines (`: ping`) are skipped; `data` lines of one event are joined by newlines and
    read as JSON (left as text when they are not JSON).
    """
    name = "message"
    data: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r")
        if not line:
            if data:
                yield Event(name, _json_or_text("\n".join(data)))
            name, data = "message", []
            continue
        if line.startswith(":"):
            continue
        key, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if key == "event":
            name = value.strip()
        elif key == "data":
            data.append(value)
    if data:
        yield Event(name, _json_or_text("\n".join(data)))


def _json_or_text(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


@dataclass
class Reply:
    """What one streamed turn brought back."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    done: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    @property
    def demo_code(self) -> str | None:
        return (self.done or {}).get("demo_code")


def read_reply(events: Iterable[Event]) -> Reply:
    reply = Reply()
    for event in events:
        if event.name == "message" and isinstance(event.data, dict):
            reply.messages.append(event.data)
        elif event.name == "done" and isinstance(event.data, dict):
            reply.done = event.data
        elif event.name == "error":
            reply.error = event.data if isinstance(event.data, dict) else {"message": str(event.data)}
    return reply


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One customer message: when it was sent, when its reply was complete, whether it worked."""

    start: float
    end: float
    ok: bool
    kind: str = "message"  # message | start | signin

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least 1
    return ordered[int(min(rank, len(ordered))) - 1]


def summarise(samples: Iterable[Sample], window: tuple[float, float]) -> dict[str, Any]:
    """Messages whose reply completed inside `window`: throughput and latency percentiles; errors
    count every failed request (message, start or sign-in) of the run, inside the window or not.
    """
    samples = list(samples)
    t0, t1 = window
    seconds = t1 - t0
    inside = [s for s in samples if t0 <= s.end <= t1]
    ok = [s.ms for s in inside if s.ok and s.kind == "message"]
    errors = sum(not s.ok for s in samples)
    out: dict[str, Any] = {
        "window_s": round(seconds, 1),
        "messages": len(ok),
        "errors": errors,
        "messages_per_s": round(len(ok) / seconds, 1) if seconds > 0 else 0.0,
        "conversations_started": sum(s.ok and s.kind == "start" for s in inside),
    }
    if ok:
        out.update(
            p50_ms=round(percentile(ok, 50), 1),
            p95_ms=round(percentile(ok, 95), 1),
            p99_ms=round(percentile(ok, 99), 1),
            max_ms=round(max(ok), 1),
        )
    return out


# --- nothing lost ------------------------------------------------------------------------------


@dataclass
class Expected:
    """Per conversation the generator started: customer messages sent and messages seen in replies."""

    customer: int = 0
    total: int = 0


def count_problems(
    expected: dict[str, Expected],
    stored: dict[str, dict[str, int]],
) -> list[str]:
    """Compare what the generator was told with what the database holds.

    `stored` maps a conversation id to its message counts by author (`customer`, `ai`, …) for
    every conversation of the channel in the database. Each conversation the generator started
    must be stored, hold exactly the customer messages that were answered and exactly the
    messages the replies showed; and there must be no stored conversation the generator does not know.
    """
    problems: list[str] = []
    missing = sorted(set(expected) - set(stored))
    extra = sorted(set(stored) - set(expected))
    if missing:
        problems.append(f"{len(missing)} conversations not stored (e.g. {missing[0]})")
    if extra:
        problems.append(f"{len(extra)} stored conversations the generator did not start (e.g. {extra[0]})")
    wrong_customer = wrong_total = 0
    example = ""
    for cid, want in expected.items():
        got = stored.get(cid)
        if got is None:
            continue
        if got.get("customer", 0) != want.customer:
            wrong_customer += 1
            example = example or f"{cid}: {got.get('customer', 0)} customer messages stored, {want.customer} sent"
        if sum(got.values()) != want.total:
            wrong_total += 1
            example = example or f"{cid}: {sum(got.values())} messages stored, {want.total} in the replies"
    if wrong_customer:
        problems.append(f"{wrong_customer} conversations with a different number of customer messages ({example})")
    if wrong_total:
        problems.append(f"{wrong_total} conversations with a different number of messages ({example})")
    return problems


def totals(expected: dict[str, Expected], stored: dict[str, dict[str, int]]) -> dict[str, int]:
    return {
        "conversations_started": len(expected),
        "conversations_stored": len(stored),
        "customer_messages_sent": sum(e.customer for e in expected.values()),
        "customer_messages_stored": sum(s.get("customer", 0) for s in stored.values()),
        "messages_in_replies": sum(e.total for e in expected.values()),
        "messages_stored": sum(sum(s.values()) for s in stored.values()),
    }


def engine_breakdown(turns: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Where a turn's time goes inside the engine (from the stored turn traces): per step the mean
    and p95 in ms, and the share of turns that asked the knowledge base."""
    if not turns:
        return {"turns": 0}
    out: dict[str, Any] = {"turns": len(turns)}
    for step in ("understand", "policy", "total"):
        values = [float(t[step]) for t in turns if step in t]
        if values:
            out[step] = {"mean_ms": round(sum(values) / len(values), 1), "p95_ms": round(percentile(values, 95), 1)}
    out["knowledge_share"] = round(sum(bool(t.get("knowledge")) for t in turns) / len(turns), 3)
    return out
