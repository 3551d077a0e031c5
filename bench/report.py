"""The README's results table, generated from bench/results/*.json.

    python -m bench.report            # rewrite the table between the markers in README.md
    python -m bench.report --print    # print it instead

Each row: what was measured, our figure, the goal (or the published / peer figure) and the
command that produced it. A results file that is missing is left out (its rows say so);
the table is written between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

Row = tuple[str, str, str, str]  # what, ours, goal or published, command


def pct(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f} %"


def num(x: float | None, unit: str = "", digits: int = 1) -> str:
    if x is None:
        return "–"
    text = f"{x:,.{digits}f}" if digits else f"{round(x):,}"
    return f"{text} {unit}".rstrip()


def cmd(command: str | None) -> str:
    return f"`{command}`" if command else ""


def met(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


# --- one reader per results file -----------------------------------------------------------------


def latency_rows(d: dict[str, Any]) -> list[Row]:
    c = cmd(d.get("command", "python -m bench.latency"))
    rows = []
    if "scenarios_passed" in d:
        rows.append(
            (
                "scenario suite, own conversations (scenarios/*.yaml), run by the latency benchmark",
                f"{d['scenarios_passed']} of {d['scenarios']} pass",
                "all",
                c,
            )
        )
    goal = d.get("goal_p95_ms", 150)
    rows.append(
        (
            "reply latency per turn over the suite (Engine.handle in-process, embedded default)",
            f"p50 {num(d['p50_ms'], 'ms')}, p95 {num(d['p95_ms'], 'ms')}, p99 {num(d.get('p99_ms'), 'ms')}"
            f"{met(d['p95_ms'] <= goal)}",
            f"p95 ≤ {goal} ms",
            c,
        )
    )
    return rows


def intents_rows(d: dict[str, Any]) -> list[Row]:
    c = "`python -m bench.intents.run`"
    rows = []
    cascade = (d.get("accuracy") or {}).get("cascade") or {}
    if cascade:
        langs = {k: v for k, v in cascade.items() if k != "overall"}
        weakest = sorted(langs.items(), key=lambda kv: kv[1])[:3]
        ok = all(v >= 0.85 for v in langs.values())
        n = (d.get("examples") or {}).get("test")
        rows.append(
            (
                f"intent accuracy, own held-out test split ({num(n, digits=0)} messages, {len(langs)} languages)",
                f"{pct(cascade.get('overall'))} overall (cascade); weakest "
                + ", ".join(f"{k} {pct(v)}" for k, v in weakest)
                + met(ok),
                "≥ 85 % per language",
                c,
            )
        )
    person = ((d.get("recall") or {}).get("human_request")) or {}
    if person:
        false = ((d.get("recall") or {}).get("human_request_false_rate") or {}).get("lexicon_or_intent_ge_0.5")
        rows.append(
            (
                "a request for a person, held-out test split",
                f"cascade intent {pct(person.get('cascade_intent'))}; with the cue lexicon "
                f"{pct(person.get('lexicon_or_intent_ge_0.5'))}, {pct(false, 2)} false on other intents",
                "always wins",
                c,
            )
        )
    lat = (d.get("latency_ms") or {}).get("all")
    if lat:
        share = d.get("cascade_embedded_fraction", (d.get("latency_ms") or {}).get("embedded_fraction"))
        rows.append(
            (
                "understand() latency",
                f"p50 {num(lat['p50'], 'ms')}, p95 {num(lat['p95'], 'ms')}"
                + (f" ({pct(1 - share, 0)} of messages stay on the TF-IDF path)" if share is not None else ""),
                "—",
                c,
            )
        )
    return rows


def kb_rows(d: dict[str, Any]) -> list[Row]:
    s = d.get("summary") or {}
    rows = []
    goal = "≥ 90 % / ≥ 90 % / ≥ 90 % / 0"

    def quality(part: dict[str, Any]) -> str:
        return (
            f"accuracy {pct(part['answer_accuracy'])}, abstention precision {pct(part['abstention_precision'])} / "
            f"recall {pct(part['abstention_recall'])}, recall@5 {pct(part.get('retrieval_recall_at_5'))}, "
            f"{part['unsupported_numbers']} unsupported numbers, {part['internal_leaks']} internal leaks"
        )

    parts = {
        "holdout4": "fourth held-out part (customer phrasing, written after the refit on customer phrasing; run once)",
        "holdout3": "third held-out part (customer phrasing, never fitted on; looked at since)",
        "holdout2": "second held-out part (written after tuning; looked at since)",
        "test": "first test part (phrased close to the documents; looked at while tuning, so optimistic)",
    }
    for name in sorted((k for k in s if k.startswith("holdout")), reverse=True) + (["test"] if "test" in s else []):
        p = s[name]
        english = f", {p['not_english']} not in English" if "not_english" in p else ""
        rows.append(
            (
                f"knowledge answers, {parts.get(name, name)} ({p['questions']} questions{english})",
                quality(p),
                goal,
                "`python -m bench.kb`" if name == "test" else f"`python -m bench.kb --part {name}`",
            )
        )
    lat = s.get("latency")
    if lat:
        rows.append(
            (
                "knowledge answer latency",
                f"p95 {num(lat['p95_ms'], 'ms')} embedding the question, "
                f"{num(lat.get('p95_ms_with_query_vector'), 'ms')} with the understander's vector"
                + met(lat["p95_ms"] <= lat.get("target_p95_ms", 150)),
                f"p95 ≤ {lat.get('target_p95_ms', 150):g} ms",
                "`python -m bench.kb`",
            )
        )
    rho = (s.get("ingest") or {}).get("rho")
    if rho and rho.get("full_ingest_seconds") is not None:
        rows.append(
            (
                f"Rho-Bank ingest ({rho.get('documents')} documents, {num(rho.get('index_bytes', 0) / 2**20, 'MiB')} "
                "index) with the embedding cache",
                num(rho["full_ingest_seconds"], "s"),
                "—",
                "`python -m bench.kb --fresh`",
            )
        )
    return rows


def load_rows(d: dict[str, Any]) -> list[Row]:
    goal = d.get("goal", {"messages_per_s": 100, "p95_ms": 300})
    goal_text = f"≥ {goal['messages_per_s']} msg/s at p95 ≤ {goal['p95_ms']} ms"
    c = cmd(d.get("command"))
    rows = []
    for s in d.get("setups", {}).values():
        best = s.get("sustained_at_0_errors")
        within = s.get("best_within_p95_goal")
        if best:
            ours = (
                f"{num(best['messages_per_s'])} msg/s with 0 errors ({best['concurrency']} customers): "
                f"p50 {num(best['p50_ms'], 'ms', 0)}, p95 {num(best['p95_ms'], 'ms', 0)}, "
                f"p99 {num(best['p99_ms'], 'ms', 0)}"
            )
            if within and within is not best and within != best:
                ours += f"; within p95 ≤ {goal['p95_ms']} ms: {num(within['messages_per_s'])} msg/s"
            elif not within:
                ours += f"; no level within p95 ≤ {goal['p95_ms']} ms"
        else:
            ours = "no level without errors"
        rows.append((f"chat API under load over HTTP, {s['what']}", ours + met(s.get("goal_met")), goal_text, c))
    checks = [s.get("count_check") for s in d.get("setups", {}).values() if s.get("count_check")]
    if checks:
        ok = all(k["ok"] for k in checks)
        conv = sum(k["conversations_stored"] for k in checks)
        conv_sent = sum(k["conversations_started"] for k in checks)
        msgs = sum(k["messages_stored"] for k in checks)
        msgs_seen = sum(k["messages_in_replies"] for k in checks)
        rows.append(
            (
                "nothing lost under load: database rows against what the generator was answered (both setups)",
                f"conversations {num(conv, digits=0)} of {num(conv_sent, digits=0)}, messages {num(msgs, digits=0)} "
                f"of {num(msgs_seen, digits=0)}{met(ok)}",
                "all",
                c,
            )
        )
    return rows


def footprint_rows(d: dict[str, Any], load: dict[str, Any] | None) -> list[Row]:
    goals = d.get("goals", {"cold_start_s": 3.0, "peak_rss_mib": 1024})
    c = cmd(d.get("command"))
    cold = d.get("cold_start") or {}
    rows = []
    warm = cold.get("warm_cache")
    if warm:
        empty = cold.get("empty_cache")
        ours = f"{num(warm['first_answer_s'], 's')} with the cache `make demo` leaves{met(warm['first_answer_s'] <= goals['cold_start_s'])}"
        if empty:
            ours += f"; {num(empty['first_answer_s'], 's')} with an empty cache (the intent models are fitted)"
        rows.append(
            (
                "cold start: `klarsvar serve` launched → first message answered",
                ours,
                f"≤ {goals['cold_start_s']:g} s",
                c,
            )
        )
    peaks = []
    mem = d.get("memory")
    if mem:
        peaks.append((mem["peak_rss_mib_max"], f"{mem['customers']} customers, SQLite", c))
    for s in (load or {}).get("setups", {}).values():
        if s.get("memory"):
            peaks.append((s["memory"]["peak_rss_mib_max"], s["what"], cmd(load.get("command") if load else None)))
    if peaks:
        worst = max(peaks, key=lambda p: p[0])
        rows.append(
            (
                "peak resident memory of a serving process under load",
                f"{num(worst[0], 'MiB', 0)} ({worst[1]}){met(worst[0] <= goals['peak_rss_mib'])}",
                f"≤ {goals['peak_rss_mib'] / 1024:g} GiB",
                worst[2],
            )
        )
    inst = d.get("install")
    if inst:
        rows.append(
            (
                "install size",
                f"runtime dependencies {num(inst['runtime_dependencies_mib'], 'MiB', 0)} "
                f"({inst['runtime_dependencies']} packages), the package {num(inst['package_mib'], 'MiB', 0)}; "
                f"the dev virtualenv's site-packages {num(inst['site_packages_mib'], 'MiB', 0)}",
                "—",
                c,
            )
        )
    return rows


def scaling_rows(d: dict[str, Any]) -> list[Row]:
    rows = []
    conc = d.get("concurrency") or {}
    for s in (conc.get("setups") or {}).values():
        levels = s.get("levels") or []
        if not levels:
            continue
        rows.append(
            (
                f"scaling with concurrent customers ({'/'.join(str(lv['concurrency']) for lv in levels)}), {s['what']}",
                "msg/s "
                + " / ".join(num(lv["messages_per_s"], digits=0) for lv in levels)
                + "; p95 "
                + " / ".join(num(lv.get("p95_ms"), digits=0) for lv in levels)
                + " ms; errors "
                + " / ".join(str(lv["errors"]) for lv in levels),
                "—",
                cmd(conc.get("command")),
            )
        )
    sizes = ((d.get("retrieval") or {}).get("sizes")) or {}
    if sizes:
        parts = [
            f"{num(v['documents'], digits=0)} documents: p50 {num(v['p50_ms'], 'ms')}, p95 {num(v['p95_ms'], 'ms')}, "
            f"index {num(v['index_mib'], 'MiB', 0)} ({num(v.get('index_memory_mib'), 'MiB', 0)} in memory)"
            for v in sizes.values()
        ]
        n = next(iter(sizes.values()))["questions"]
        rows.append(
            (
                f"retrieval + answer per question as the corpus grows (Rho-Bank ×1 and ×10, {n} questions)",
                "; ".join(parts),
                "p95 ≤ 150 ms",
                cmd(d.get("command")),
            )
        )
    return rows


def outside_rows(d: dict[str, Any]) -> list[Row]:
    rows = []
    for r in d.get("rows") or []:
        if r.get("headline") is False:
            continue
        metric = r.get("metric", "")
        ours = r.get("ours")
        ours_text = (f"{ours:g}" + (" %" if "%" in metric else "")) if isinstance(ours, int | float) else str(ours)
        published = r.get("published")
        unit = " %" if "%" in metric else ""
        others = [p for p in [published, *(r.get("published_other") or [])] if p]
        pub = [f"{p.get('figure')}{unit} ({p.get('source', '')})" if isinstance(p, dict) else str(p) for p in others]
        rows.append((str(r.get("what", "")), ours_text, "; ".join(pub) or "none published", cmd(r.get("command"))))
    return rows


# --- the table ------------------------------------------------------------------------------------


def read(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    return data


def load_averages(files: Iterable[dict[str, Any]]) -> list[float]:
    out = []
    for d in files:
        machine = d.get("machine") or {}
        for key in ("load_average", "load_average_after"):
            values = machine.get(key)
            if isinstance(values, list) and values:
                out.append(float(values[0]))
    return out


SECTIONS: list[tuple[str, Callable[..., list[Row]]]] = [
    ("latency", latency_rows),
    ("intents", intents_rows),
    ("outside", outside_rows),
    ("kb", kb_rows),
    ("load", load_rows),
    ("scaling", scaling_rows),
    ("footprint", footprint_rows),
]


def table() -> str:
    rows: list[Row] = []
    used = []
    missing = []
    load = read("load")
    for name, reader in SECTIONS:
        data = read(name)
        if data is None:
            missing.append(name)
            continue
        used.append(data)
        rows.extend(reader(data, load) if name == "footprint" else reader(data))
    lines = [
        START,
        "<!-- generated by `python -m bench.report` from bench/results/*.json (run by `make bench`); do not edit -->",
        "",
        "| what | ours | goal / published | command |",
        "|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    loads = load_averages(used)
    notes = []
    if loads:
        notes.append(
            f"Load average of the 2-core machine while these ran: {min(loads):.1f}–{max(loads):.1f} "
            "(other jobs shared it, so the figures are upper bounds for latency and lower bounds for throughput)."
        )
    if missing:
        notes.append("Not run yet: " + ", ".join(f"bench/results/{m}.json" for m in missing) + ".")
    if notes:
        lines += ["", " ".join(notes)]
    lines.append(END)
    return "\n".join(lines)


def write(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        raise SystemExit(f"{readme}: no {START} … {END} markers (put them in the '## Measured' section)")
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the table instead of writing README.md")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    block = table()
    if args.print:
        print(block)
    else:
        write(args.readme, block)
        print(f"wrote the results table to {args.readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
