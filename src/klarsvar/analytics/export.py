"""CSV export of the dashboard: one row per conversation."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from klarsvar.analytics.metrics import Outcome

COLUMNS = [
    "conversation_id", "created_at", "closed_at", "status", "channel", "language", "intent", "customer_id",
    "customer_messages", "ai_messages", "human_messages", "handed_over", "handoff_reasons", "handled_by",
    "ended", "resolved_by_ai", "abstained_at_end", "first_reply_ms", "resolution_minutes", "repeat_contact",
    "csat_score", "csat_comment",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(rows: Iterable[Outcome]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        f = r.facts
        writer.writerow([_cell(v) for v in (
            f.id, f.created_at.isoformat(), f.closed_at.isoformat() if f.closed_at else None, f.status, f.channel,
            f.language, f.intent, f.customer_id, f.customer_messages, f.ai_messages, f.human_messages,
            f.handed_over, "|".join(f.handoff_reasons), r.handled_by, r.ended, r.resolved_by_ai,
            f.abstained_at_end, f.first_reply_ms,
            round(r.resolution_seconds / 60, 2) if r.resolution_seconds is not None else None,
            r.repeat_contact, f.csat_score, f.csat_comment,
        )])
    return out.getvalue()
