"""The fixed calibration / held-out split of the knowledge-base questions (`split.yaml`).

Everything tuned on the benchmark (the confidence model, the abstention threshold, any
weight) is fitted on the `calibration` questions only; the `test` questions are the
held-out measure. The split was drawn once, at random (seed `SEED`), half and half
within each corpus × answerable/unanswerable stratum, keeping a question and its
translations (the same question in other languages, or the same documents and
figures) in the same part. It is stored in `split.yaml` and not redrawn:

    python -m bench.kb.split --check       # every question is in exactly one part
    python -m bench.kb.split --add         # put new questions (not yet in split.yaml) in a part, same rule
    python -m bench.kb.split --add --part calibration   # ... all into calibration (the test part stays as drawn)

The questions `c*` / `cu*` were added after the split was drawn, to calibration only: the
held-out `test` part is the one drawn at first and has not changed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SPLIT_PATH = HERE / "split.yaml"
SEED = 20251122
PARTS = ("calibration", "test")


def group_key(q: dict[str, Any]) -> str:
    """Questions that ask the same thing share a key (so they never straddle the split)."""
    if q.get("same_as"):
        return f"{q['corpus']}:{q['same_as']}"
    if q.get("unanswerable"):
        return f"{q['corpus']}:{q['id']}"
    return f"{q['corpus']}:" + repr(
        (sorted(q.get("docs", [])), sorted(q.get("figures", [])), sorted(q.get("contains_any", [])))
    )


def groups_of(questions: list[dict[str, Any]]) -> dict[str, list[str]]:
    """group key → question ids; `same_as` questions join the group of the question they repeat."""
    by_id = {q["id"]: q for q in questions}
    out: dict[str, list[str]] = defaultdict(list)
    for q in questions:
        root = by_id.get(q.get("same_as") or "", q)
        out[group_key(root)].append(q["id"])
    return dict(out)


def load_split(path: Path = SPLIT_PATH) -> dict[str, str]:
    """question id → part."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {qid: part for part in PARTS for qid in data.get(part) or []}


def save_split(assignment: dict[str, str], path: Path = SPLIT_PATH) -> None:
    lines = [line.rstrip() for line in (__doc__ or "").strip().splitlines()[:1]]
    out = [f"# {lines[0]}", "# Drawn by bench/kb/split.py (see there); do not edit by hand.", ""]
    for part in PARTS:
        ids = sorted(qid for qid, p in assignment.items() if p == part)
        out.append(f"{part}:  # {len(ids)} questions")
        out.extend(f"  - {qid}" for qid in ids)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def assign(questions: list[dict[str, Any]], existing: dict[str, str], only: str | None = None) -> dict[str, str]:
    """Keep `existing`; put the groups without a part into one, balancing each stratum with a
    seeded draw (or all into `only`)."""
    assignment = dict(existing)
    by_id = {q["id"]: q for q in questions}
    strata: dict[tuple[str, bool], list[str]] = defaultdict(list)
    groups = groups_of(questions)
    for key, ids in sorted(groups.items()):
        placed = {existing[i] for i in ids if i in existing}
        if placed:
            part = sorted(placed)[0]
            for i in ids:
                assignment.setdefault(i, part)
            continue
        q = by_id[ids[0]]
        strata[(q["corpus"], bool(q.get("unanswerable")))].append(key)
    for stratum, keys in sorted(strata.items()):
        rng = random.Random(f"{SEED}:{stratum}:{hashlib.sha1(repr(sorted(keys)).encode()).hexdigest()}")
        rng.shuffle(keys)
        counts = {
            p: sum(1 for i, p2 in assignment.items() if p2 == p and _stratum(by_id.get(i)) == stratum) for p in PARTS
        }
        for key in keys:
            part = only or min(PARTS, key=lambda p: (counts[p], PARTS.index(p)))
            for i in groups[key]:
                assignment[i] = part
            counts[part] += len(groups[key])
    return assignment


def _stratum(q: dict[str, Any] | None) -> tuple[str, bool] | None:
    return (q["corpus"], bool(q.get("unanswerable"))) if q else None


def check(questions: list[dict[str, Any]], assignment: dict[str, str]) -> list[str]:
    problems = [f"{q['id']}: not in split.yaml" for q in questions if q["id"] not in assignment]
    known = {q["id"] for q in questions}
    problems += [f"{qid}: in split.yaml but not a question" for qid in assignment if qid not in known]
    for key, ids in groups_of(questions).items():
        parts = {assignment.get(i) for i in ids} - {None}
        if len(parts) > 1:
            problems.append(f"{key}: the group {ids} straddles the split")
    return problems


def main(argv: list[str] | None = None) -> int:
    from bench.kb.runner import load_questions

    parser = argparse.ArgumentParser(prog="python -m bench.kb.split", description=__doc__.splitlines()[0])
    parser.add_argument("--add", action="store_true", help="assign the questions not yet in split.yaml")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--part", choices=PARTS, help="with --add: put all new questions in this part")
    args = parser.parse_args(argv)
    questions = load_questions(resolve=False)
    assignment = load_split()
    if args.add:
        assignment = assign(questions, assignment, args.part)
        save_split(assignment)
    problems = check(questions, assignment)
    for problem in problems:
        print(problem, file=sys.stderr)
    for part in PARTS:
        ids = [q for q in questions if assignment.get(q["id"]) == part]
        print(
            f"{part}: {len(ids)} questions, {sum(bool(q.get('unanswerable')) for q in ids)} unanswerable, "
            f"{sum(q['lang'] != 'en' for q in ids)} not in English"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
