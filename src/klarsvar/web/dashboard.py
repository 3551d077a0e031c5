"""The supervisors' dashboard, rendered on the server: figures, inline SVG charts, tables.
Every value from storage is HTML-escaped (a customer's CSAT comment included)."""

from __future__ import annotations

from html import escape
from typing import Any

from klarsvar.web import charts

PERIODS = (7, 30, 90)


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:.0f} %"


def _num(v: float | None, unit: str = "", digits: int = 1) -> str:
    if v is None:
        return "–"
    text = f"{v:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{v:,.0f}"
    return f"{text}{unit}"


def _minutes(v: float | None) -> str:
    if v is None:
        return "–"
    if v < 1:
        return f"{v * 60:.0f} s"
    if v < 120:
        return f"{v:.0f} min"
    return f"{v / 60:.1f} h"


def _tile(label: str, value: str, note: str = "", test_id: str = "") -> str:
    attr = f' data-testid="{_e(test_id)}"' if test_id else ""
    return (f'<div class="tile"{attr}><div class="tile-label">{_e(label)}</div>'
            f'<div class="tile-value">{_e(value)}</div><div class="tile-note">{_e(note)}</div></div>')


def _table(title: str, rows: list[dict[str, Any]], first: str, test_id: str) -> str:
    head = (f'<tr><th>{_e(first)}</th><th class="n">Conversations</th><th class="n">AI resolution</th>'
            '<th class="n">Handover</th><th class="n">CSAT</th><th class="n">First reply p95</th>'
            '<th class="n">Repeat (7 d)</th></tr>')
    body = "".join(
        f'<tr><td>{_e(r["key"])}</td><td class="n">{r["conversations"]}</td>'
        f'<td class="n">{_pct(r["ai_resolution_rate"])}</td><td class="n">{_pct(r["handover_rate"])}</td>'
        f'<td class="n">{_num(r["csat_mean"], digits=2)}</td><td class="n">{_num(r["first_reply_p95_ms"], " ms", 0)}</td>'
        f'<td class="n">{_pct(r["repeat_rate"])}</td></tr>'
        for r in rows[:15]
    )
    return (f'<section class="card wide"><h2>{_e(title)}</h2><table data-testid="{_e(test_id)}">'
            f"<thead>{head}</thead><tbody>{body}</tbody></table></section>")


def render(data: dict[str, Any], days: int, user_name: str, role: str) -> str:
    """The dashboard's <main> content for `data` (analytics.metrics.dashboard)."""
    t = data["totals"]
    csat_ai, csat_people = t["csat"]["ai"], t["csat"]["people"]
    latency = t["first_reply_ms"]
    repeat = t["repeat_contacts"]
    ttr = t["time_to_resolution_minutes"]
    days_rows = data["by_day"]
    labels = [d["key"][5:] for d in days_rows]  # MM-DD
    last_day = days_rows[-1]["key"] if days_rows else data["until"][:10]

    tiles = "".join([
        _tile("Conversations", f'{t["conversations"]:,}', f'{t["ended"]:,} ended', "kpi-conversations"),
        _tile("AI resolution rate", _pct(t["ai_resolution_rate"]), f'{t["resolved_by_ai"]:,} resolved by the AI',
              "kpi-ai-resolution"),
        _tile("Handover rate", _pct(t["handover_rate"]), f'{t["handed_over"]:,} handed to a person',
              "kpi-handover"),
        _tile("CSAT · AI", _num(csat_ai["mean"], " / 5", 2), f'{csat_ai["responses"]} responses', "kpi-csat-ai"),
        _tile("CSAT · people", _num(csat_people["mean"], " / 5", 2), f'{csat_people["responses"]} responses',
              "kpi-csat-people"),
        _tile("Time to resolution", _minutes(ttr["mean"]), f'average; median {_minutes(ttr["median"])}',
              "kpi-resolution-time"),
        _tile("First reply", f'{_num(latency["p50"], " ms", 0)}', f'p50; p95 {_num(latency["p95"], " ms", 0)}',
              "kpi-latency"),
        _tile("Repeat contacts", _pct(repeat["rate"]), f'{repeat["repeats"]} of {repeat["of"]} within 7 days',
              "kpi-repeat"),
    ])
    other = [max(0, d["conversations"] - d["resolved_by_ai"] - d["handed_over"]) for d in days_rows]
    volume = charts.stacked_bars("Conversations per day", labels, width=1100, height=260, series=[
        ("Resolved by AI", "s1", [d["resolved_by_ai"] for d in days_rows]),
        ("Handed over", "s2", [d["handed_over"] for d in days_rows]),
        ("Other", "s3", other),
    ])
    rates = charts.lines("AI resolution and handover rate per day", labels, width=1100, height=230, series=[
        ("AI resolution", "s1", [d["ai_resolution_rate"] for d in days_rows]),
        ("Handover", "s2", [d["handover_rate"] for d in days_rows]),
    ], fmt=charts.pct, max_value=1.0)
    latency_chart = charts.lines("First-reply latency per day (ms)", labels, width=1100, height=230, series=[
        ("p50", "s1", [d["first_reply_p50_ms"] for d in days_rows]),
        ("p95", "s4", [d["first_reply_p95_ms"] for d in days_rows]),
    ])
    reasons = charts.hbars("Handover reasons", list(t["handover_reasons"].items()), css="s2")
    def shares(dist: dict[str, int]) -> list[float]:
        total = sum(dist.values())
        return [dist[k] / total if total else 0.0 for k in "12345"]

    csat = charts.grouped_bars("Share of survey answers by score", ["1", "2", "3", "4", "5"], [
        (f'AI ({csat_ai["responses"]})', "s1", shares(csat_ai["distribution"])),
        (f'People ({csat_people["responses"]})', "s4", shares(csat_people["distribution"])),
    ], fmt=charts.pct)
    languages = charts.hbars("Conversations by language",
                             [(r["key"], r["conversations"]) for r in data["by_language"][:10]], css="s1")
    intents = charts.hbars("Conversations by intent",
                           [(r["key"], r["conversations"]) for r in data["by_intent"][:10]], css="s3")
    comments = "".join(
        f'<tr><td class="n">{_e(c["score"])}</td><td>{_e("Person" if c["handled_by"] == "people" else "AI")}</td>'
        f'<td class="comment">{_e(c["comment"] or "")}</td><td>{_e(c["at"][:10])}</td></tr>'
        for c in data["recent_csat"]
    ) or '<tr><td colspan="4">No answers yet.</td></tr>'
    periods = " ".join(
        f'<a class="period{" on" if p == days else ""}" href="/console/dashboard?days={p}">{p} days</a>'
        for p in PERIODS
    )
    return f"""
<div class="toolbar">
  <div class="periods" aria-label="Period">{periods}</div>
  <div class="range">{_e(data["since"][:10])} – {_e(last_day)} (UTC), by the day each chat started</div>
  <a class="button" href="/api/console/dashboard.csv?days={days}" download>Export CSV</a>
</div>
<div class="tiles">{tiles}</div>
<div class="grid">
  <section class="card wide"><h2>Conversations per day</h2>{volume}</section>
  <section class="card wide"><h2>Resolution and handover</h2>{rates}</section>
  <section class="card"><h2>Why chats were handed over</h2>{reasons}</section>
  <section class="card"><h2>Satisfaction (CSAT): AI vs people</h2>{csat}</section>
  <section class="card wide"><h2>First-reply latency</h2>{latency_chart}</section>
  <section class="card"><h2>Languages</h2>{languages}</section>
  <section class="card"><h2>Intents</h2>{intents}</section>
  {_table("By language", data["by_language"], "Language", "by-language")}
  {_table("By intent", data["by_intent"], "Intent", "by-intent")}
  <section class="card wide"><h2>Latest survey answers</h2>
    <table data-testid="recent-csat"><thead><tr><th class="n">Score</th><th>Handled by</th><th>Comment</th><th>Day</th></tr></thead>
    <tbody>{comments}</tbody></table></section>
</div>
<p class="foot">How each figure is counted: docs/metrics.md. Signed in as {_e(user_name)} ({_e(role)}).</p>
"""
