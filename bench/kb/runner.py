"""Knowledge-base benchmark: answer accuracy, abstention, recall@5, latency, grounding.

    python -m bench.kb                # reuses the cached indexes when the documents did not change
    python -m bench.kb --fresh        # rebuilds both indexes (the Rho-Bank one takes minutes)

Two knowledge bases, each in its own SQLite database: the Lumo help centre and the
698 Rho-Bank documents. Results go to bench/results/kb.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from klarsvar.knowledge import KnowledgeBase
from klarsvar.knowledge.text import numbers, unsupported_numbers
from klarsvar.storage.database import Database

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPORA = {
    "lumo": REPO / "src" / "klarsvar" / "world" / "helpcentre",
    "rho": Path(os.environ.get("KLARSVAR_RHO_BANK_DIR", REPO.parent / "shared" / "data" / "rho_bank_kb" / "documents")),
}
RESULTS = REPO / "bench" / "results" / "kb.json"
TARGETS = {"answer_accuracy": 0.90, "abstention_recall": 0.90, "abstention_precision": 0.90, "p95_ms": 150.0}


def load_questions() -> list[dict[str, Any]]:
    out = []
    for path in sorted(HERE.glob("questions_*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for q in data["questions"]:
            out.append({"corpus": data["corpus"], "audience": "customer", **q})
    return out


def _figure_found(figure: str, text: str) -> bool:
    want = float(figure.replace(",", ""))
    return any(re.fullmatch(r"\d+(\.\d+)?", n) and float(n) == want for n in numbers(text))


def grade(q: dict[str, Any], answer: Any) -> tuple[bool, str]:
    """(correct, why not)."""
    if q.get("unanswerable"):
        return (not answer.grounded, "answered an unanswerable question" if answer.grounded else "")
    if not answer.grounded:
        return False, "abstained"
    cited = {s.doc_id for s in answer.sources}
    if not cited & set(q["docs"]):
        return False, f"cited {sorted(cited)}"
    missing = [f for f in q.get("figures", []) if not _figure_found(f, answer.text)]
    if missing:
        return False, f"figures missing {missing}"
    words = q.get("contains_any")
    if words and not any(w.lower() in answer.text.lower() for w in words):
        return False, f"none of {words}"
    return True, ""


def ingest(name: str, db_dir: Path, fresh: bool) -> tuple[KnowledgeBase, dict[str, Any]]:
    path = db_dir / f"{name}.db"
    meta_path = db_dir / f"{name}.ingest.json"
    if fresh:
        for p in db_dir.glob(f"{name}.*"):
            p.unlink()
    db = Database(f"sqlite:///{path}")
    db.migrate()
    kb = KnowledgeBase(db)
    last = [0.0]

    def progress(done: int, total: int, doc: str) -> None:
        if time.monotonic() - last[0] > 15 or done == total:
            last[0] = time.monotonic()
            print(f"  [{name}] embedded {done}/{total} texts {doc}", file=sys.stderr, flush=True)

    report = kb.ingest_dir(CORPORA[name], progress=progress)
    info: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if report.added and not report.unchanged:  # a full ingest: remember its cost
        info = {
            "full_ingest_seconds": round(report.seconds, 1),
            "documents": len(report.added),
            "units_embedded": report.units_embedded,
        }
        meta_path.write_text(json.dumps(info))
    stats = kb.stats()
    info.update(
        {
            "this_run_seconds": round(report.seconds, 2),
            "this_run": {k: v for k, v in report.to_json().items() if k not in ("source", "index_version")},
            "articles": stats["articles"],
            "documents_in_index": stats["documents"],
            "chunks": stats["chunks"],
            "index_bytes": stats["text_bytes"] + stats["vector_bytes"],
            "vector_bytes": stats["vector_bytes"],
            "database_file_bytes": sum(p.stat().st_size for p in db_dir.glob(f"{name}.db*")),
        }
    )
    return kb, info


def run(fresh: bool, db_dir: Path, only: str | None = None) -> dict[str, Any]:
    db_dir.mkdir(parents=True, exist_ok=True)
    questions = [q for q in load_questions() if only is None or q["corpus"] == only]
    kbs: dict[str, KnowledgeBase] = {}
    ingest_info: dict[str, Any] = {}
    for name in sorted({q["corpus"] for q in questions}):
        kbs[name], ingest_info[name] = ingest(name, db_dir, fresh)
        kbs[name].search("warm up")  # load the index into the process cache
    rows = []
    latencies: list[float] = []
    without_embedding: list[float] = []
    for q in questions:
        kb = kbs[q["corpus"]]
        started = time.perf_counter()
        answer = kb.answer(q["q"], lang=q["lang"], audience=q["audience"])
        latencies.append((time.perf_counter() - started) * 1000)
        vector = kb.embedder.query(q["q"])
        started = time.perf_counter()
        kb.answer(q["q"], lang=q["lang"], audience=q["audience"], query_vector=vector)
        without_embedding.append((time.perf_counter() - started) * 1000)
        hits = kb.search(q["q"], lang=q["lang"], audience=q["audience"], k=5)
        correct, why = grade(q, answer)
        evidence = "\n".join(answer.passages)
        leaks = [h.doc_id for h in hits if q["audience"] == "customer" and h.audience != "customer"]
        rows.append(
            {
                "id": q["id"],
                "corpus": q["corpus"],
                "lang": q["lang"],
                "unanswerable": bool(q.get("unanswerable")),
                "question": q["q"],
                "correct": correct,
                "why": why,
                "grounded": answer.grounded,
                "confidence": round(answer.confidence, 3),
                "answer": answer.text,
                "sources": [s.doc_id for s in answer.sources],
                "recall_at_5": None if q.get("unanswerable") else bool({h.doc_id for h in hits} & set(q["docs"])),
                "unsupported_numbers": unsupported_numbers(answer.text, evidence) if answer.grounded else [],
                "internal_leaks": leaks,
                "words": len(answer.text.split()),
            }
        )
    return summarise(rows, latencies, without_embedding, ingest_info)


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1) if ordered else 0.0


def summarise(
    rows: list[dict[str, Any]], latencies: list[float], without_embedding: list[float], ingest_info: dict[str, Any]
) -> dict[str, Any]:
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    abstained = [r for r in rows if not r["grounded"]]

    def accuracy(subset: list[dict[str, Any]]) -> dict[str, Any]:
        return {"n": len(subset), "accuracy": _ratio(sum(r["correct"] for r in subset), len(subset))}

    summary = {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "not_english": sum(r["lang"] != "en" for r in rows),
        "answer_accuracy": _ratio(sum(r["correct"] for r in rows), len(rows)),
        "answerable_accuracy": _ratio(sum(r["correct"] for r in answerable), len(answerable)),
        "abstention_precision": _ratio(sum(r["unanswerable"] for r in abstained), len(abstained)),
        "abstention_recall": _ratio(sum(not r["grounded"] for r in unanswerable), len(unanswerable)),
        "retrieval_recall_at_5": _ratio(sum(bool(r["recall_at_5"]) for r in answerable), len(answerable)),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "p95_ms": _p95(latencies),
        "p95_ms_with_query_vector": _p95(without_embedding),
        "cpu_load_average": os.getloadavg()[0],
        "unsupported_numbers": sum(len(r["unsupported_numbers"]) for r in rows),
        "internal_leaks": sum(len(r["internal_leaks"]) for r in rows),
        "median_words": statistics.median([r["words"] for r in rows if r["grounded"]] or [0]),
        "max_words": max([r["words"] for r in rows if r["grounded"]] or [0]),
        "by_corpus": {c: accuracy([r for r in rows if r["corpus"] == c]) for c in sorted({r["corpus"] for r in rows})},
        "by_language": {
            lang: accuracy([r for r in rows if r["lang"] == lang]) for lang in sorted({r["lang"] for r in rows})
        },
        "ingest": ingest_info,
    }
    summary["targets_met"] = {
        "answer_accuracy": summary["answer_accuracy"] >= TARGETS["answer_accuracy"],
        "abstention_recall": summary["abstention_recall"] >= TARGETS["abstention_recall"],
        "abstention_precision": summary["abstention_precision"] >= TARGETS["abstention_precision"],
        "unsupported_numbers": summary["unsupported_numbers"] == 0,
        "p95_ms": summary["p95_ms"] <= TARGETS["p95_ms"],
    }
    return {"summary": summary, "failures": [r for r in rows if not r["correct"]], "results": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kb", description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the indexes from scratch")
    parser.add_argument(
        "--db-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "klarsvar-bench-kb",
        help="where the benchmark databases are kept between runs",
    )
    parser.add_argument("--corpus", choices=sorted(CORPORA), help="only this corpus")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args.fresh, args.db_dir, args.corpus)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = result["summary"]
    print(json.dumps({k: v for k, v in summary.items() if k != "ingest"}, indent=2, ensure_ascii=False))
    print(json.dumps({"ingest": summary["ingest"]}, indent=2))
    for r in result["failures"]:
        print(f"FAIL {r['id']} [{r['lang']}] {r['question']} → {r['why']} | {r['answer'][:120]}")
    return 0
