"""bench/report.py: the README's results table from bench/results/*.json, between its markers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is a top-level package of the repository, not installed
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

LEVEL = {"messages_per_s": 30.5, "p50_ms": 120.0, "p95_ms": 250.0, "p99_ms": 400.0, "errors": 0}
LOAD = {
    "command": "python -m bench.load",
    "machine": {"load_average": [3.2, 3.0, 2.9]},
    "goal": {"messages_per_s": 100, "p95_ms": 300},
    "setups": {
        "sqlite": {
            "what": "SQLite, 1 server process",
            "levels": [{**LEVEL, "concurrency": 8}],
            "sustained_at_0_errors": {**LEVEL, "concurrency": 8},
            "best_within_p95_goal": {**LEVEL, "concurrency": 8},
            "goal_met": False,
            "memory": {"peak_rss_mib_max": 700.0},
            "count_check": {
                "ok": True,
                "conversations_started": 10,
                "conversations_stored": 10,
                "messages_in_replies": 40,
                "messages_stored": 40,
            },
        }
    },
}
FOOTPRINT = {
    "command": "python -m bench.footprint",
    "machine": {"load_average": [5.1, 4.0, 3.0]},
    "goals": {"cold_start_s": 3.0, "peak_rss_mib": 1024},
    "cold_start": {"warm_cache": {"first_answer_s": 5.6}, "empty_cache": {"first_answer_s": 34.3}},
    "memory": {"peak_rss_mib_max": 645.6, "customers": 32},
    "install": {
        "runtime_dependencies_mib": 393.0,
        "runtime_dependencies": 52,
        "package_mib": 38.2,
        "site_packages_mib": 646.6,
    },
}


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    (tmp_path / "load.json").write_text(json.dumps(LOAD))
    (tmp_path / "footprint.json").write_text(json.dumps(FOOTPRINT))
    return tmp_path


def test_rows_come_from_the_results_files(results: Path) -> None:
    table = report.table()
    assert table.startswith(report.START) and table.endswith(report.END)
    assert "| chat API under load over HTTP, SQLite, 1 server process | 30.5 msg/s with 0 errors (8 customers)" in table
    assert "✗ | ≥ 100 msg/s at p95 ≤ 300 ms | `python -m bench.load` |" in table
    assert "conversations 10 of 10, messages 40 of 40 ✓" in table
    assert "5.6 s with the cache `make demo` leaves ✗" in table and "34.3 s with an empty cache" in table
    assert "700 MiB (SQLite, 1 server process) ✓" in table  # the worst peak of footprint and load
    assert "Load average of the 2-core machine while these ran: 3.2–5.1" in table
    assert "Not run yet: bench/results/latency.json" in table


def test_the_table_replaces_only_what_is_between_the_markers(results: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n## Measured\n\nintro\n\n{report.START}\nstale figures\n{report.END}\n\n## Data\n")
    report.write(readme, report.table())
    text = readme.read_text()
    assert "stale figures" not in text and "intro" in text and text.endswith("\n\n## Data\n")
    assert text.count(report.START) == 1 and "30.5 msg/s" in text
    report.write(readme, report.table())
    assert readme.read_text() == text  # stable

    readme.write_text("# no markers\n")
    with pytest.raises(SystemExit):
        report.write(readme, report.table())


def test_outside_rows_pass_through(results: Path) -> None:
    rows = report.outside_rows(
        {
            "rows": [
                {
                    "what": "Banking77 accuracy",
                    "ours": 93.3,
                    "metric": "accuracy %",
                    "published": {"figure": 93.66, "source": "BERT"},
                    "command": "python -m bench.outside",
                },
                {"what": "context row", "ours": 1, "headline": False},
            ]
        }
    )
    assert rows == [("Banking77 accuracy", "93.3 %", "93.66 % (BERT)", "`python -m bench.outside`")]
