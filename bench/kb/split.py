"""The fixed calibration / held-out split of the knowledge-base questions (`split.yaml`).

Everything tuned on the benchmark (the confidence model, the abstention threshold, any
weight) is fitted on the `calibration` questions only; the `test` questions are the
held-out measure. The split was drawn once, at random (seed `SEED`), half and half
within each corpus × answerable/unanswerable stratum, keeping a question and its
translations (the same question in other languages, or the same documents and
figures) in the same part. It is stored in `split.yaml` and not redrawn:

    python -m bench.kb.split --check       # every question is in exactly one part; questions agree with the documents
    python -m bench.kb.split --add         # put new questions (not yet in split.yaml) in a part, same rule
    python -m bench.kb.split --add --part calibration   # ... all into calibration (the test part stays as drawn)
    python -m bench.kb.split --add --part holdout2      # ... all into holdout2

The questions `c*` / `cu*` were added after the split was drawn, to calibration only: the
held-out `test` part is the one drawn at first and has not changed.

`holdout2` is a second held-out part, not drawn: the questions of `questions_holdout2_*.yaml`,
written from the documents after the `test` part had been looked at during tuning. Nothing is
fitted or tuned on it. Its questions ask, in new words and languages, about facts the other
parts also ask about (the help centre has few), so the rule that a question and its translations
share a part holds between `calibration` and `test` only.
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
DRAWN = ("calibration", "test")  # the parts drawn at random (a group of translations never straddles them)
LATER = ("holdout2", "holdout3", "holdout4")  # held-out parts added later, whole question files at a time; never drawn, never fitted
PARTS = DRAWN + LATER


# Question files added whole to calibration (never drawn): `calib2` was written in customer
# phrasing, after the split, so that the models see how customers ask. Like the LATER parts they
# ask for facts other parts ask for too, so the translation rule does not bind them.
CALIBRATION_FILES = ("calib2",)


def later_part(q: dict[str, Any]) -> str | None:
    """The `LATER` part a question belongs to by its file (`questions_holdout2_lumo.yaml` → holdout2)."""
    return next((p for p in LATER if str(q.get("file", "")).startswith(f"questions_{p}_")), None)


def file_part(q: dict[str, Any]) -> str | None:
    """The part a question belongs to by its file: a `LATER` part, or calibration for `CALIBRATION_FILES`."""
    if any(str(q.get("file", "")).startswith(f"questions_{f}_") for f in CALIBRATION_FILES):
        return "calibration"
    return later_part(q)


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
    seeded draw (or all into `only`; into a `LATER` part even when a translation is elsewhere)."""
    assignment = dict(existing)
    for q in questions:
        if file_part(q) or only in LATER:
            assignment.setdefault(q["id"], file_part(q) or str(only))
    if only in LATER:
        return assignment
    by_id = {q["id"]: q for q in questions}
    strata: dict[tuple[str, bool], list[str]] = defaultdict(list)
    groups = groups_of([q for q in questions if not file_part(q)])
    for key, ids in sorted(groups.items()):
        ids = [i for i in ids if i not in assignment]
        if not ids:
            continue
        placed = {existing[i] for i in groups[key] if existing.get(i) in DRAWN}
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
            p: sum(1 for i, p2 in assignment.items() if p2 == p and _stratum(by_id.get(i)) == stratum) for p in DRAWN
        }
        for key in keys:
            part = only or min(DRAWN, key=lambda p: (counts[p], DRAWN.index(p)))
            new = [i for i in groups[key] if i not in assignment]
            for i in new:
                assignment[i] = part
            counts[part] += len(new)
    return assignment


def _stratum(q: dict[str, Any] | None) -> tuple[str, bool] | None:
    return (q["corpus"], bool(q.get("unanswerable"))) if q else None


def check(questions: list[dict[str, Any]], assignment: dict[str, str]) -> list[str]:
    problems = [f"{q['id']}: not in split.yaml" for q in questions if q["id"] not in assignment]
    known = {q["id"] for q in questions}
    problems += [f"{qid}: in split.yaml but not a question" for qid in assignment if qid not in known]
    problems += [
        f"{q['id']}: from {q['file']}, so in {file_part(q)}, not {assignment[q['id']]}"
        for q in questions
        if file_part(q) and q["id"] in assignment and assignment[q["id"]] != file_part(q)
    ]
    for key, ids in groups_of([q for q in questions if not file_part(q)]).items():
        parts = {assignment.get(i) for i in ids} & set(DRAWN)
        if len(parts) > 1:
            problems.append(f"{key}: the group {ids} straddles the split")
    return problems


def shared_facts(questions: list[dict[str, Any]], assignment: dict[str, str], part: str) -> int:
    """How many answerable questions of `part` ask for what a calibration question asks for (the same
    figures and words, one of the same docs), in other words or another language. `questions` are
    resolved (`same_as` questions carry the docs, figures and words of the one they repeat)."""

    def fact(q: dict[str, Any]) -> tuple[Any, ...]:
        return q["corpus"], tuple(sorted(map(str, q.get("figures") or []))), tuple(sorted(q.get("contains_any") or []))

    fitted: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for q in questions:
        if assignment.get(q["id"]) == "calibration" and not q.get("unanswerable"):
            fitted[fact(q)].update(q.get("docs") or [])
    return sum(
        1
        for q in questions
        if assignment.get(q["id"]) == part and not q.get("unanswerable") and fitted[fact(q)] & set(q.get("docs") or [])
    )


def main(argv: list[str] | None = None) -> int:
    from bench.kb import check_questions
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
        shared = (
            f", {shared_facts(load_questions(), assignment, part)} ask for a calibration fact" if part in LATER else ""
        )
        print(
            f"{part}: {len(ids)} questions, {sum(bool(q.get('unanswerable')) for q in ids)} unanswerable, "
            f"{sum(q['lang'] != 'en' for q in ids)} not in English{shared}"
        )
    if args.check:
        problems += ["questions: see above"] if check_questions.main(["--quiet"]) else []
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
