"""The dashboard's figures, computed from conversation facts. Definitions: docs/metrics.md."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from klarsvar.analytics.facts import ConversationFacts

IDLE_AFTER = timedelta(minutes=30)
REPEAT_WINDOW = timedelta(days=7)
NONE = "(none)"


@dataclass(frozen=True)
class Outcome:
    """One conversation as the dashboard counts it."""

    facts: ConversationFacts
    ended: bool  # closed, or idle for IDLE_AFTER at the end of the period
    resolved_by_ai: bool
    resolution_seconds: float | None  # first customer message → closed (or last message when idle)
    repeat_contact: bool  # the same customer started another conversation in the 7 days before

    @property
    def day(self) -> date:
        return self.facts.created_at.date()

    @property
    def handled_by(self) -> str:
        """`people` when a person wrote in the conversation, else `ai`."""
        return "people" if self.facts.person_involved else "ai"


def counted(facts: ConversationFacts) -> bool:
    """Conversations count once the customer wrote something (an opened, empty widget does not)."""
    return facts.customer_messages > 0


def outcome(facts: ConversationFacts, now: datetime, earlier_starts: Iterable[datetime] = ()) -> Outcome:
    idle = facts.last_message_at is not None and now - facts.last_message_at >= IDLE_AFTER
    ended = facts.status == "closed" or (idle and not facts.open_handoff)
    resolved = ended and not facts.handed_over and not facts.abstained_at_end and facts.ai_messages > 0
    seconds = None
    if ended and facts.first_customer_at is not None:
        end = facts.closed_at if facts.status == "closed" and facts.closed_at else facts.last_message_at
        if end is not None:
            seconds = max(0.0, (end - facts.first_customer_at).total_seconds())
    repeat = facts.customer_id is not None and any(
        timedelta(0) < facts.created_at - at <= REPEAT_WINDOW for at in earlier_starts
    )
    return Outcome(facts, ended, resolved, seconds, repeat)


def outcomes(facts: Iterable[ConversationFacts], now: datetime,
             starts: Iterable[tuple[str, datetime]] = ()) -> list[Outcome]:
    by_customer: dict[str, list[datetime]] = defaultdict(list)
    for customer, at in starts:
        by_customer[customer].append(at)
    return [outcome(f, now, by_customer.get(f.customer_id or "", ())) for f in facts if counted(f)]


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0–100): the smallest value with at least p % of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def _csat(rows: list[Outcome], who: str) -> dict[str, Any]:
    scores = [r.facts.csat_score for r in rows if r.facts.csat_score is not None and r.handled_by == who]
    counts = Counter(scores)
    return {"responses": len(scores), "mean": _mean([float(s) for s in scores]),
            "distribution": {str(k): counts.get(k, 0) for k in range(1, 6)},
            "satisfied_rate": _rate(sum(1 for s in scores if s >= 4), len(scores))}


def figures(rows: list[Outcome]) -> dict[str, Any]:
    """The headline figures of a set of conversations."""
    ended = [r for r in rows if r.ended]
    resolved = sum(1 for r in rows if r.resolved_by_ai)
    handed = [r for r in rows if r.facts.handed_over]
    latencies = [float(r.facts.first_reply_ms) for r in rows if r.facts.first_reply_ms is not None]
    resolution = [r.resolution_seconds / 60 for r in rows if r.resolution_seconds is not None]
    known = [r for r in rows if r.facts.customer_id is not None]
    reasons = Counter(r.facts.handoff_reasons[0] for r in handed)
    all_scores = [float(r.facts.csat_score) for r in rows if r.facts.csat_score is not None]
    return {
        "conversations": len(rows),
        "ended": len(ended),
        "resolved_by_ai": resolved,
        "ai_resolution_rate": _rate(resolved, len(ended)),
        "handed_over": len(handed),
        "handover_rate": _rate(len(handed), len(rows)),
        "handover_reasons": dict(reasons.most_common()),
        "csat": {"ai": _csat(rows, "ai"), "people": _csat(rows, "people"),
                 "all": {"responses": len(all_scores), "mean": _mean(all_scores)}},
        "time_to_resolution_minutes": {"resolved": len(resolution), "mean": _mean(resolution),
                                       "median": round(statistics.median(resolution), 2) if resolution else None},
        "first_reply_ms": {"turns": len(latencies), "p50": percentile(latencies, 50),
                           "p95": percentile(latencies, 95)},
        "repeat_contacts": {"repeats": sum(1 for r in known if r.repeat_contact), "of": len(known),
                            "rate": _rate(sum(1 for r in known if r.repeat_contact), len(known))},
    }


def _breakdown(rows: list[Outcome], key: Callable[[Outcome], str]) -> list[dict[str, Any]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    out = []
    for name, group in groups.items():
        f = figures(group)
        out.append({"key": name, "conversations": f["conversations"], "ended": f["ended"],
                    "resolved_by_ai": f["resolved_by_ai"], "ai_resolution_rate": f["ai_resolution_rate"],
                    "handed_over": f["handed_over"], "handover_rate": f["handover_rate"],
                    "csat_mean": f["csat"]["all"]["mean"], "csat_responses": f["csat"]["all"]["responses"],
                    "first_reply_p50_ms": f["first_reply_ms"]["p50"], "first_reply_p95_ms": f["first_reply_ms"]["p95"],
                    "repeat_rate": f["repeat_contacts"]["rate"]})
    return out


def dashboard(rows: list[Outcome], since: datetime, until: datetime) -> dict[str, Any]:
    """Everything the dashboard shows for [since, until): totals and breakdowns by day, language and intent."""
    by_day = {d["key"]: d for d in _breakdown(rows, lambda r: r.day.isoformat())}
    days = []
    day = since.date()
    while datetime.combine(day, datetime.min.time(), tzinfo=since.tzinfo) < until:
        key = day.isoformat()
        days.append(by_day.get(key) or {"key": key, "conversations": 0, "ended": 0, "resolved_by_ai": 0,
                                         "ai_resolution_rate": None, "handed_over": 0, "handover_rate": None,
                                         "csat_mean": None, "csat_responses": 0, "first_reply_p50_ms": None,
                                         "first_reply_p95_ms": None, "repeat_rate": None})
        day += timedelta(days=1)
    by_language = sorted(_breakdown(rows, lambda r: r.facts.language or NONE), key=lambda d: -d["conversations"])
    by_intent = sorted(_breakdown(rows, lambda r: r.facts.intent or NONE), key=lambda d: -d["conversations"])
    comments = sorted((r for r in rows if r.facts.csat_score is not None), key=lambda r: r.facts.created_at,
                      reverse=True)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "totals": figures(rows),
        "by_day": days,
        "by_language": by_language,
        "by_intent": by_intent,
        "recent_csat": [{"conversation_id": r.facts.id, "at": r.facts.created_at.isoformat(),
                         "score": r.facts.csat_score, "handled_by": r.handled_by, "comment": r.facts.csat_comment}
                        for r in comments[:12]],
    }
