"""The dashboard's HTML and SVG: escaped, complete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from klarsvar.analytics.facts import ConversationFacts
from klarsvar.analytics.metrics import dashboard, outcomes
from klarsvar.web import charts
from klarsvar.web.dashboard import render


def facts_for_page(now: datetime) -> list[ConversationFacts]:
    t = now - timedelta(days=1)
    return [
        ConversationFacts(
            id=f"c{i}", created_at=t, channel="web", status="closed", language="<img src=x onerror=alert(1)>",
            intent="refund_status", customer_id=None, closed_at=t + timedelta(minutes=2), first_customer_at=t,
            last_message_at=t + timedelta(minutes=1), customer_messages=1, ai_messages=1,
            human_messages=i % 2, handoff_reasons=("complaint",) if i % 2 else (),
            first_handoff_at=t if i % 2 else None, open_handoff=False, abstained_at_end=False,
            first_reply_ms=40 + i, csat_score=1 + i % 5, csat_comment="<script>alert(1)</script>",
        )
        for i in range(6)
    ]


def test_comments_and_labels_are_escaped() -> None:
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    rows = outcomes(facts_for_page(now), now)
    html = render(dashboard(rows, now - timedelta(days=7), now + timedelta(hours=12)), 7, "<Sam>", "supervisor")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img" in html and "<img" not in html
    assert "&lt;Sam&gt;" in html
    assert html.count("<svg") >= 6
    for test_id in ("kpi-ai-resolution", "kpi-handover", "kpi-csat-ai", "kpi-csat-people", "kpi-latency",
                    "kpi-repeat", "kpi-resolution-time", "recent-csat", "by-language", "by-intent"):
        assert f'data-testid="{test_id}"' in html


def test_chart_labels_are_escaped() -> None:
    svg = charts.hbars("Reasons <b>", [("<script>", 3.0), ("a&b", 1.0)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "No data yet" in charts.hbars("Empty", [])
    assert charts.lines("x", ["a", "b"], [("s", "s1", [None, None])]).startswith("<svg")
    assert charts.stacked_bars("x", ["a"], [("s", "s1", [0.0])]).count("<rect") == 1  # the legend only
