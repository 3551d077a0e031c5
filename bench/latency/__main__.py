"""Per-turn reply latency over the scenario suite (p50/p95) on this machine.

    python -m bench.latency [--repeat N]

Runs every scenario in scenarios/ through the real engine (embedded default: SQLite,
in-process models, the Lumo help centre) and measures each turn inside Engine.handle.
The model is loaded before timing starts, as in a running server.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from klarsvar.evaluation.scenarios import build_runner, load_scenarios

ROOT = Path(__file__).resolve().parents[2]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="run the suite this many times")
    parser.add_argument("--scenarios", type=Path, default=ROOT / "scenarios")
    args = parser.parse_args()
    runner = build_runner(cache_dir=ROOT / "var" / "cache")
    scenarios = load_scenarios([args.scenarios])
    latencies: list[float] = []
    passed = 0
    started = time.perf_counter()
    try:
        for _ in range(args.repeat):
            for scenario in scenarios:
                result = runner.run(scenario)
                passed += result.passed
                latencies.extend(float(t["latency_ms"]) for t in result.turns)
    finally:
        runner.template.cleanup()
    result = {
        "what": "per-turn reply latency over the scenario suite (Engine.handle, embedded default)",
        "scenarios": len(scenarios) * args.repeat,
        "scenarios_passed": passed,
        "turns": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "max_ms": round(max(latencies), 1),
        "goal_p95_ms": 150,
        "wall_s": round(time.perf_counter() - started, 1),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "command": "python -m bench.latency",
    }
    out = ROOT / "bench" / "results" / "latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
