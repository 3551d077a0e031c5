"""Load: many concurrent customers chatting with real `klarsvar serve` processes over HTTP.

    python -m bench.load                                  # both setups, 1/8/32/128 customers, 30 s each
    python -m bench.load --setups sqlite --levels 32 --seconds 10     # a quick look

Each virtual customer runs the customer side of the scenario suite (scenarios/*.yaml), one
conversation after another, signed in or anonymous as the scenario says, through the widget's
endpoints (demo sign-in, POST /api/conversations, streamed POST …/messages until `done`), with
no think time. Latency is the time until the reply is complete. Setups, each in a fresh data
directory (and a fresh PostgreSQL database) reset with the CLI:

  sqlite      SQLite, one server process (`klarsvar serve`)
  postgresql  PostgreSQL + Redis, two server processes (`klarsvar serve --workers 2`)

Afterwards the conversations and messages in the database are compared with what the
generator sent and was answered: nothing may be lost. The generator runs on the same machine
(its CPU time is reported). Results: bench/results/load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.load.client import Run, drive, sign_in_all
from bench.load.plan import (
    Conversation,
    Expected,
    Schedule,
    conversations_from,
    count_problems,
    engine_breakdown,
    summarise,
    totals,
)
from bench.load.servers import ROOT, Server, World, exit_on_sigterm, machine, seed_cache

RESULTS = ROOT / "bench" / "results" / "load.json"
SETUPS = {
    "sqlite": {"database": "sqlite", "workers": 1, "what": "SQLite, 1 server process"},
    "postgresql": {
        "database": "postgresql",
        "workers": 2,
        "what": "PostgreSQL + Redis, 2 server processes (--workers 2)",
    },
}
GOAL = {"messages_per_s": 100, "p95_ms": 300}
SETTLE_S = 2.0  # the first seconds of a level (every customer starting at once) are not measured


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_level(
    server: Server, schedule: Schedule, concurrency: int, seconds: float, tokens: dict[str, str]
) -> tuple[dict[str, Any], Run]:
    load_before = os.getloadavg()[0]
    cpu_gen, cpu_srv = cpu_self(), server.cpu_seconds()
    started = time.perf_counter()
    run = asyncio.run(drive(server.url, schedule, concurrency, seconds, tokens))
    wall = time.perf_counter() - started
    settle = min(SETTLE_S, seconds / 5)
    figures = summarise(run.samples, (started + settle, started + seconds))
    server_cpu = server.cpu_seconds() - cpu_srv
    generator_cpu = cpu_self() - cpu_gen
    figures.update(
        concurrency=concurrency,
        wall_s=round(wall, 1),
        conversations_finished=run.conversations_finished,
        server_cpu_s=round(server_cpu, 1),
        server_cpu_ms_per_message=round(
            1000 * server_cpu / max(1, sum(s.kind == "message" and s.ok for s in run.samples)), 1
        ),
        generator_cpu_s=round(generator_cpu, 1),
        load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)],
        error_examples=run.errors[:5],
    )
    return figures, run


def headline(levels: list[dict[str, Any]]) -> dict[str, Any]:
    """The highest throughput with 0 errors, and the highest that also keeps p95 within the goal."""
    clean = [lv for lv in levels if lv["errors"] == 0 and lv["messages"]]
    best = max(clean, key=lambda lv: lv["messages_per_s"], default=None)
    within = [lv for lv in clean if lv["p95_ms"] <= GOAL["p95_ms"]]
    best_within = max(within, key=lambda lv: lv["messages_per_s"], default=None)

    def pick(lv: dict[str, Any] | None) -> dict[str, Any] | None:
        if lv is None:
            return None
        return {k: lv.get(k) for k in ("concurrency", "messages_per_s", "p50_ms", "p95_ms", "p99_ms", "errors")}

    return {
        "sustained_at_0_errors": pick(best),
        "best_within_p95_goal": pick(best_within),
        "goal_met": bool(best_within and best_within["messages_per_s"] >= GOAL["messages_per_s"]),
    }


def run_setup(
    name: str, conversations: list[Conversation], levels: list[int], seconds: float, warmup: float, seed: int
) -> dict[str, Any]:
    spec = SETUPS[name]
    print(f"[{name}] {spec['what']}: preparing a fresh world", file=sys.stderr, flush=True)
    out: dict[str, Any] = {"what": spec["what"], "workers": spec["workers"]}
    with World(spec["database"]) as world:
        out["reset_s"] = round(world.reset(), 1)
        out["database"] = world.url.split("://", 1)[0]
        out["redis"] = bool(world.redis)
        schedule = Schedule(conversations, seed)
        expected: dict[str, Expected] = {}
        with Server(world, workers=spec["workers"]) as server:
            out["ready_s"] = round(server.wait_ready(), 1)
            print(f"[{name}] serving after {out['ready_s']} s; warming up {warmup:.0f} s", file=sys.stderr, flush=True)
            tokens: dict[str, str] = {}
            signed = asyncio.run(sign_in_all(server.url, [c.customer for c in conversations if c.customer], tokens))
            if signed.errors:
                raise RuntimeError(f"demo sign-in failed: {signed.errors[:3]}")
            if warmup > 0:
                warm, warm_run = run_level(server, schedule, max(levels), warmup, tokens)
                expected.update(warm_run.expected)
                out["warmup"] = {k: warm[k] for k in ("messages", "errors", "messages_per_s", "p95_ms") if k in warm}
            results = []
            for level in levels:
                figures, run = run_level(server, schedule, level, seconds, tokens)
                expected.update(run.expected)
                results.append(figures)
                print(
                    f"[{name}] {level:4} customers: {figures['messages_per_s']:6.1f} msg/s  "
                    f"p50 {figures.get('p50_ms', '-')} p95 {figures.get('p95_ms', '-')} p99 {figures.get('p99_ms', '-')} ms  "
                    f"errors {figures['errors']}  server CPU {figures['server_cpu_ms_per_message']} ms/msg  "
                    f"load {figures['load_average'][1]}",
                    file=sys.stderr,
                    flush=True,
                )
            out["memory"] = server.memory()
        world.keep_cache()
        out["engine"] = engine_breakdown(world.turn_steps())
        stored = world.stored()
        problems = count_problems(expected, stored)
        out["count_check"] = {"ok": not problems, "problems": problems, **totals(expected, stored)}
        print(f"[{name}] count check: {problems or 'ok'}", file=sys.stderr, flush=True)
    out["levels"] = results
    out.update(headline(results))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--setups", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--levels", default="1,8,32,128", help="concurrent customers per level (comma-separated)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each level")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured load before the first level")
    parser.add_argument("--scenarios", type=Path, default=ROOT / "scenarios")
    parser.add_argument("--seed", type=int, default=7, help="order in which conversations are handed out")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file ('-': do not write)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    unknown = [s for s in setups if s not in SETUPS]
    if unknown:
        parser.error(f"unknown setups {unknown}; choose from {sorted(SETUPS)}")
    levels = [int(x) for x in args.levels.split(",")]
    conversations = conversations_from([args.scenarios])
    started = time.perf_counter()
    result: dict[str, Any] = {
        "what": "chat API under load: concurrent customers running the scenario suite's conversations over HTTP",
        "command": "python -m bench.load" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip(),
        "machine": machine(),
        "settings": {
            "levels": levels,
            "seconds_per_level": args.seconds,
            "settle_s": SETTLE_S,
            "warmup_s": args.warmup,
            "scenarios": len(conversations),
            "customer_turns": sum(len(c.turns) for c in conversations),
            "signed_in": sum(c.customer is not None for c in conversations),
            "seed": args.seed,
            "think_time_s": 0,
            "endpoint": "POST /api/conversations/{id}/messages?stream=true (SSE until done)",
            "cache": str(seed_cache()),
            "note": "the generator shares the 2 cores with the server and with other jobs on this machine",
        },
        "goal": GOAL,
        "setups": {},
    }
    for name in setups:
        result["setups"][name] = run_setup(name, conversations, levels, args.seconds, args.warmup, args.seed)
    result["wall_s"] = round(time.perf_counter() - started, 1)
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if str(args.out) != "-":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                k: {kk: v.get(kk) for kk in ("sustained_at_0_errors", "goal_met", "count_check")}
                for k, v in result["setups"].items()
            },
            indent=2,
        )
    )
    return 0 if all(s["count_check"]["ok"] for s in result["setups"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
