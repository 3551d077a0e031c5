"""Throwaway worlds and real `klarsvar serve` processes for the benchmarks.

A `World` is a fresh data directory (and, for PostgreSQL, a fresh database) reset with the CLI:
`klarsvar world reset` and `klarsvar kb ingest <help centre>`. Its model and embedding caches are
copied from the bench cache (`$TMPDIR/klarsvar-bench-load-cache`, first taken from `var/cache`
as `make demo` leaves it) so that a start does not retrain what an earlier one already fitted.
A `Server` is `klarsvar serve` in its own process group on a free port.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
KLARSVAR = str(BIN / "klarsvar") if (BIN / "klarsvar").exists() else shutil.which("klarsvar") or "klarsvar"
HELPCENTRE = ROOT / "src" / "klarsvar" / "world" / "helpcentre"
DEMO_CACHE = ROOT / "var" / "cache"
BENCH_CACHE = Path(tempfile.gettempdir()) / "klarsvar-bench-load-cache"
LOGS = ROOT / "bench" / "results" / "tmp"
PG_ADMIN = os.environ.get("KLARSVAR_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("KLARSVAR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def seed_cache() -> Path | None:
    """The cache a world starts from: the bench's own copy or the demo's, whichever has the newer
    fitted models; None when neither exists."""
    candidates = [c for c in (BENCH_CACHE, DEMO_CACHE) if c.is_dir() and any(c.iterdir())]

    def newest_models(cache: Path) -> float:
        return max((p.stat().st_mtime for p in cache.glob("intents-*.pkl")), default=0.0)

    return max(candidates, key=newest_models, default=None)


def copy_cache(source: Path, target: Path) -> None:
    """The fitted intent models and the passage-embedding cache."""
    target.mkdir(parents=True, exist_ok=True)
    for pkl in source.glob("intents-*.pkl"):
        shutil.copy2(pkl, target / pkl.name)
    copy_cache_embeddings(source, target)


def copy_cache_embeddings(source: Path, target: Path) -> None:
    """SQLite files are copied with the backup API: another process may be writing to them."""
    import sqlite3

    for db in source.glob("embeddings/*.sqlite"):
        (target / "embeddings").mkdir(parents=True, exist_ok=True)
        with (
            contextlib.closing(sqlite3.connect(db, timeout=60)) as src,
            contextlib.closing(sqlite3.connect(target / "embeddings" / db.name)) as dst,
        ):
            src.backup(dst)


class World:
    """A data directory, a database (SQLite in it, or a new PostgreSQL database) and the demo world."""

    def __init__(self, database: str = "sqlite", cache: bool = True, redis: bool | None = None) -> None:
        self.kind = database
        self.dir = Path(tempfile.mkdtemp(prefix=f"klarsvar-bench-{database}-"))
        self.cache = self.dir / "cache"
        self.pg_name: str | None = None
        seed = seed_cache() if cache else None
        if seed is not None:
            copy_cache(seed, self.cache)
        if database == "postgresql":
            self.pg_name = f"klarsvar_bench_{uuid.uuid4().hex[:10]}"
            _pg_execute(f'CREATE DATABASE "{self.pg_name}"')
            self.url = _pg_url(self.pg_name)
        else:
            self.url = f"sqlite:///{self.dir / 'klarsvar.db'}"
        self.redis = REDIS if (redis if redis is not None else database == "postgresql") else None

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLARSVAR_")}
        env.update(
            KLARSVAR_DATA_DIR=str(self.dir),
            KLARSVAR_DATABASE_URL=self.url,
            KLARSVAR_LOG_LEVEL=os.environ.get("KLARSVAR_BENCH_LOG_LEVEL", "WARNING"),
        )
        if self.redis:
            env["KLARSVAR_REDIS_URL"] = self.redis
        return env

    def reset(self) -> float:
        """`klarsvar world reset` + `klarsvar kb ingest` of the help centre; seconds taken."""
        started = time.perf_counter()
        for args in (["world", "reset"], ["kb", "ingest", "--quiet", str(HELPCENTRE)]):
            done = subprocess.run([KLARSVAR, *args], env=self.env, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"klarsvar {' '.join(args)} failed: {done.stderr[-2000:]}")
        return time.perf_counter() - started

    def keep_cache(self) -> None:
        """Remember this world's caches (e.g. models fitted at its first start) for the next world:
        its intent models replace the bench cache's; its passage-embedding cache, when it has one,
        replaces that one (a world started with an empty cache has none and keeps the old)."""
        if not self.cache.is_dir():
            return
        tmp = BENCH_CACHE.with_name(BENCH_CACHE.name + f".{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        copy_cache(self.cache, tmp)
        if not any(tmp.glob("intents-*.pkl")):
            for pkl in BENCH_CACHE.glob("intents-*.pkl"):
                shutil.copy2(pkl, tmp / pkl.name)
        if not any(tmp.glob("embeddings/*.sqlite")) and any(BENCH_CACHE.glob("embeddings/*.sqlite")):
            copy_cache_embeddings(BENCH_CACHE, tmp)
        old = BENCH_CACHE.with_name(BENCH_CACHE.name + f".{os.getpid()}.old")
        if BENCH_CACHE.exists():
            BENCH_CACHE.rename(old)
        tmp.rename(BENCH_CACHE)
        shutil.rmtree(old, ignore_errors=True)

    def stored(self) -> dict[str, dict[str, int]]:
        """Message counts by author of every web conversation in the database."""
        from sqlalchemy import text

        from klarsvar.storage.database import Database

        db = Database(self.url)
        out: dict[str, dict[str, int]] = defaultdict(dict)
        try:
            with db.engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT c.id, m.author, count(m.id) FROM conversations c "
                        "LEFT JOIN messages m ON m.conversation_id = c.id "
                        "WHERE c.channel = 'web' GROUP BY c.id, m.author"
                    )
                )
                for cid, author, n in rows:
                    counts = out[str(cid)]
                    if author is not None:
                        counts[str(author)] = int(n)
        finally:
            db.dispose()
        return dict(out)

    def turn_steps(self) -> list[dict[str, Any]]:
        """Per customer turn of the web conversations, the engine's own timings from its trace
        (`understand`, `policy` — dialogue, actions and knowledge —, `total`, in ms) and whether
        the knowledge base was asked."""
        import json

        from sqlalchemy import text

        from klarsvar.storage.database import Database

        db = Database(self.url)
        out = []
        try:
            with db.engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT t.trace, t.total_ms FROM turn_traces t JOIN conversations c "
                        "ON c.id = t.conversation_id WHERE c.channel = 'web'"
                    )
                )
                for trace, total in rows:
                    data = json.loads(trace) if isinstance(trace, str) else trace
                    steps = {str(s.get("step")): float(s.get("ms", 0)) for s in data.get("steps", [])}
                    out.append(
                        {**steps, "total": steps.get("total", float(total)), "knowledge": bool(data.get("knowledge"))}
                    )
        finally:
            db.dispose()
        return out

    def close(self) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        for log in self.dir.glob("*.log"):  # kept for a look after the run (bench/results/tmp is not committed)
            shutil.copy(log, LOGS / f"{self.dir.name}-{log.name}")
        if self.pg_name:
            with contextlib.suppress(Exception):
                _pg_execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def _pg_execute(sql: str) -> None:
    from sqlalchemy import create_engine, text

    from klarsvar.storage.database import normalise_url

    engine = create_engine(normalise_url(PG_ADMIN), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def exit_on_sigterm() -> None:
    """A terminated benchmark still stops its servers and drops its databases (context managers run)."""
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`klarsvar serve` (in its own process group, stopped with it)."""

    def __init__(self, world: World, workers: int = 1, port: int | None = None) -> None:
        self.world = world
        self.workers = workers
        self.port = port or free_port()
        self.log = world.dir / f"serve-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.launched = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        with self.log.open("ab") as log:
            self.launched = time.perf_counter()
            self.proc = subprocess.Popen(
                [KLARSVAR, "serve", "--port", str(self.port), "--workers", str(self.workers)],
                env=self.world.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 600.0) -> float:
        """Seconds from launch until /api/health answers and every worker has finished loading."""
        assert self.proc is not None
        deadline = self.launched + timeout
        with httpx.Client(base_url=self.url, timeout=5.0) as client:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"klarsvar serve exited with {self.proc.returncode}: {self.tail()}")
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"klarsvar serve not ready after {timeout:.0f} s: {self.tail()}")
                if self.workers > 1 and "Traceback" in self.tail(200_000):  # a worker failed to start
                    raise RuntimeError(f"a klarsvar serve worker failed: {self.tail()}")
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        up = time.perf_counter() - self.launched
        if self.workers > 1:
            self._wait_workers_idle(deadline)
        return up

    def _wait_workers_idle(self, deadline: float) -> None:
        """Other workers may still be loading their models: wait until all are there and idle."""
        while time.perf_counter() < deadline:
            if "Traceback" in self.tail(200_000):
                raise RuntimeError(f"a klarsvar serve worker failed: {self.tail()}")
            before = self.cpu_seconds()
            time.sleep(0.5)
            if len(self.workers_pids()) >= self.workers and self.cpu_seconds() - before < 0.05:
                return
        raise TimeoutError("workers did not settle")

    def pids(self) -> list[int]:
        """The server process and its descendants."""
        if self.proc is None:
            return []
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with contextlib.suppress(OSError):
                    todo.extend(int(c) for c in (task / "children").read_text().split())
        return out

    def workers_pids(self) -> list[int]:
        """The processes that serve requests: the server itself, or its workers when there are several."""
        if self.proc is None:
            return []
        if self.workers == 1:
            return [self.proc.pid]
        return [p for p in self.pids() if p != self.proc.pid and "spawn_main" in _cmdline(p)]

    def cpu_seconds(self) -> float:
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def memory(self) -> dict[str, Any]:
        """Per serving process: current and peak resident set (MiB), from /proc/<pid>/status."""
        procs = []
        for pid in self.workers_pids():
            status = _status(pid)
            procs.append(
                {"pid": pid, "rss_mib": status.get("VmRSS", 0) / 1024, "peak_rss_mib": status.get("VmHWM", 0) / 1024}
            )
        return {
            "processes": [{k: round(v, 1) if isinstance(v, float) else v for k, v in p.items()} for p in procs],
            "peak_rss_mib_max": round(max((p["peak_rss_mib"] for p in procs), default=0.0), 1),
            "rss_mib_total": round(sum(p["rss_mib"] for p in procs), 1),
        }

    def tail(self, n: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def __enter__(self) -> Server:
        self.launch()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _status(pid: int) -> dict[str, int]:
    out = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])  # kB
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    import platform

    mem = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_mib": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
