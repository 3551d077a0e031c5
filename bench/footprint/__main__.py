"""Footprint: cold start, memory under load and install size of a serving process.

    python -m bench.footprint                 # everything → bench/results/footprint.json
    python -m bench.footprint --starts 1 --load-seconds 10   # quicker

- cold start: from launching `klarsvar serve` (SQLite, a fresh world reset with the CLI) to the
  first answered message (a help-centre question through the widget's endpoints), once with an
  empty cache folder (`$KLARSVAR_DATA_DIR/cache`: the intent models are fitted at start) and then
  with the cache that first start left (as `make demo` leaves it), the median of `--starts` runs;
- where a start's time goes: the same steps timed one by one in a fresh process;
- peak resident memory (VmHWM) of the serving process after `--load-seconds` of load
  (`--customers` customers running the scenario suite, as bench.load does);
- install size: site-packages of the virtualenv, the runtime dependencies alone, the package.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.load.client import drive, sign_in_all
from bench.load.plan import Schedule, conversations_from, parse_sse, read_reply
from bench.load.servers import ROOT, Server, World, exit_on_sigterm, machine

RESULTS = ROOT / "bench" / "results" / "footprint.json"
GOALS = {"cold_start_s": 3.0, "peak_rss_mib": 1024}
QUESTION = "How long does a refund take?"


def first_answer(server: Server, timeout: float = 900.0) -> dict[str, float]:
    """Seconds from launch until /api/health answers and until the first reply is complete."""
    up = server.wait_ready(timeout)
    with httpx.Client(base_url=server.url, timeout=120.0) as client:
        cid = client.post("/api/conversations", json={"language": "en"}).raise_for_status().json()["id"]
        with client.stream(
            "POST", f"/api/conversations/{cid}/messages", params={"stream": "true"}, json={"text": QUESTION}
        ) as response:
            response.raise_for_status()
            reply = read_reply(parse_sse(list(response.iter_lines())))
    answered = time.perf_counter() - server.launched
    if reply.done is None or len(reply.messages) < 2:
        raise RuntimeError(f"the first message was not answered: {reply}")
    return {"serving_s": round(up, 2), "first_answer_s": round(answered, 2)}


STEPS = r"""
import json, sys, time, cProfile, pstats, io
t0 = time.perf_counter(); marks = {}
def mark(name):
    marks[name] = round(time.perf_counter() - t0 - sum(marks.values()), 3)
import klarsvar.web.main, klarsvar.runtime as rt_module
mark("import (web app, engine, models' code)")
from klarsvar.config import Settings
from klarsvar.storage.database import Database
settings = Settings.from_env(); db = Database(settings.database_url); db.migrate()
mark("open and migrate the database")
profile = cProfile.Profile()
if sys.argv[2] == "profile": profile.enable()
understander = rt_module.embedded_understander(str(settings.data_dir / "cache"))
mark("load (or fit) the intent models")
understander.warm_up()
mark("warm-up: language model, phone metadata, embedding engine")
profile.disable()
from klarsvar.web.app import create_app
runtime = rt_module.build_runtime(settings, db=db, understander=understander)
app = create_app(runtime)
mark("build the engine and the web app")
conv = runtime.engine.start(channel="web")
runtime.engine.handle(conv.id, sys.argv[1])
mark("first message (loads the knowledge index)")
out = io.StringIO()
if sys.argv[2] == "profile": pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
print(json.dumps({"steps_s": marks, "models_and_warm_up_profile": out.getvalue()}))
"""


def start_steps(world: World) -> dict[str, Any]:
    """The steps of a start timed in a fresh process (warm cache), then in another one a profile of
    loading the models and the warm-up (cProfile slows them down: its times are relative)."""
    out: dict[str, Any] = {}
    for mode in ("time", "profile"):
        done = subprocess.run(
            [sys.executable, "-c", STEPS, QUESTION, mode], env=world.env, capture_output=True, text=True, timeout=900
        )
        if done.returncode != 0:
            return {"error": done.stderr[-2000:]}
        data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        if mode == "time":
            out["steps_s"] = data["steps_s"]
        else:
            lines = data["models_and_warm_up_profile"].splitlines()
            out["profile_top_cumulative_s"] = [
                " ".join(line.split()[3:]) for line in lines if "klarsvar/" in line or "yaml/__init__" in line
            ][:12]
    return out


def memory_under_load(server: Server, customers: int, seconds: float) -> dict[str, Any]:
    conversations = conversations_from([ROOT / "scenarios"])
    tokens: dict[str, str] = {}
    asyncio.run(sign_in_all(server.url, [c.customer for c in conversations if c.customer], tokens))
    idle = server.memory()
    started = time.perf_counter()
    run = asyncio.run(drive(server.url, Schedule(conversations), customers, seconds, tokens))
    wall = time.perf_counter() - started
    ok = sum(s.ok and s.kind == "message" for s in run.samples)
    return {
        "customers": customers,
        "seconds": seconds,
        "messages": ok,
        "messages_per_s": round(ok / wall, 1),
        "errors": sum(not s.ok for s in run.samples),
        "rss_idle_mib": idle["rss_mib_total"],
        **server.memory(),
    }


def dir_bytes(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts:
            total += p.stat().st_size
    return total


def install_size() -> dict[str, Any]:
    """The virtualenv's site-packages, the runtime dependencies of klarsvar alone (its
    requirement closure, from the installed distributions' file lists) and the package."""
    import importlib.metadata as md
    import re
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"])

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    dists = {norm(d.metadata["Name"]): d for d in md.distributions()}
    todo, closure = ["klarsvar"], set()
    while todo:
        name = norm(todo.pop())
        if name in closure or name not in dists:
            continue
        closure.add(name)
        for req in dists[name].requires or []:
            if "extra ==" in req:
                continue
            todo.append(re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0])

    def dist_bytes(name: str) -> int:
        total = 0
        for f in dists[name].files or []:
            p = Path(dists[name].locate_file(f))
            if p.is_file() and "__pycache__" not in p.parts:
                total += p.stat().st_size
        return total

    runtime = {name: dist_bytes(name) for name in closure if name != "klarsvar"}
    package = ROOT / "src" / "klarsvar"
    mib = 1024 * 1024
    return {
        "site_packages_mib": round(dir_bytes(site) / mib, 1),
        "runtime_dependencies_mib": round(sum(runtime.values()) / mib, 1),
        "runtime_dependencies": len(runtime),
        "largest_runtime_dependencies_mib": {
            k: round(v / mib, 1) for k, v in sorted(runtime.items(), key=lambda kv: -kv[1])[:8]
        },
        "package_mib": round(dir_bytes(package) / mib, 1),
        "package_largest_files_mib": {
            str(p.relative_to(package)): round(p.stat().st_size / mib, 1)
            for p in sorted(
                (p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
                key=lambda p: -p.stat().st_size,
            )[:3]
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.footprint", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--starts", type=int, default=3, help="warm-cache starts to take the median of")
    parser.add_argument("--customers", type=int, default=32, help="customers of the load for the memory figure")
    parser.add_argument("--load-seconds", type=float, default=20.0, help="length of that load (0: none)")
    parser.add_argument("--no-empty-cache", action="store_true", help="skip the start with an empty cache")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file ('-': do not write)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    result: dict[str, Any] = {
        "what": "cold start, memory under load and install size of `klarsvar serve` (SQLite, 1 process)",
        "command": "python -m bench.footprint" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip(),
        "machine": machine(),
        "settings": {
            "starts": args.starts,
            "customers": args.customers,
            "load_seconds": args.load_seconds,
            "first_message": QUESTION,
        },
        "goals": GOALS,
    }
    started = time.perf_counter()
    with World("sqlite") as world:
        world.reset()
        cold: dict[str, Any] = {}
        if not args.no_empty_cache:
            shutil.rmtree(world.cache, ignore_errors=True)
            print("[footprint] start with an empty cache", file=sys.stderr, flush=True)
            with Server(world) as server:
                cold["empty_cache"] = first_answer(server)
            world.keep_cache()
        runs = []
        for i in range(args.starts):
            with Server(world) as server:
                runs.append(first_answer(server))
                print(f"[footprint] warm start {i + 1}: {runs[-1]}", file=sys.stderr, flush=True)
                if i == args.starts - 1 and args.load_seconds > 0:
                    result["memory"] = memory_under_load(server, args.customers, args.load_seconds)
                    print(f"[footprint] memory: {result['memory']}", file=sys.stderr, flush=True)
        cold["warm_cache"] = {
            "first_answer_s": round(statistics.median(r["first_answer_s"] for r in runs), 2),
            "serving_s": round(statistics.median(r["serving_s"] for r in runs), 2),
            "runs": runs,
        }
        cold["cache_mib"] = round(dir_bytes(world.cache) / 1024 / 1024, 1)
        result["cold_start"] = cold
        result["start_steps"] = start_steps(world)
    result["install"] = install_size()
    result["met"] = {
        "cold_start_warm_cache": cold["warm_cache"]["first_answer_s"] <= GOALS["cold_start_s"],
        "cold_start_empty_cache": (cold.get("empty_cache") or {}).get("first_answer_s", 1e9) <= GOALS["cold_start_s"],
        "peak_rss": result["memory"]["peak_rss_mib_max"] <= GOALS["peak_rss_mib"] if "memory" in result else None,
    }
    result["wall_s"] = round(time.perf_counter() - started, 1)
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if str(args.out) != "-":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: result.get(k) for k in ("cold_start", "memory", "install", "met")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
