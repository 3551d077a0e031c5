"""The split of the knowledge-base benchmark questions (bench/kb/split.yaml): calibration and
test drawn once, holdout2 whole files added later; nothing but calibration is fitted on, and the
questions' docs and figures agree with the documents (no embedding, no answers)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is a top-level package of the repository, not installed
    sys.path.insert(0, str(ROOT))

from bench.kb import check_questions, split  # noqa: E402
from bench.kb.runner import CORPORA, load_questions, load_split_questions, merge_report, select, summarise  # noqa: E402


def q(qid: str, file: str, **fields: Any) -> dict[str, Any]:
    return {"id": qid, "corpus": "lumo", "lang": "en", "q": qid, "file": file, **fields}


def test_every_question_is_in_exactly_one_part() -> None:
    assert split.check(load_questions(resolve=False), split.load_split()) == []


def test_holdout2_is_exactly_the_holdout2_files_and_is_never_fitted() -> None:
    questions = load_questions(resolve=False)
    parts = split.load_split()
    from_files = {x["id"] for x in questions if x["file"].startswith("questions_holdout2_")}
    assert from_files, "the holdout2 question files are missing"
    assert {i for i, p in parts.items() if p == "holdout2"} == from_files
    fit_source = (ROOT / "bench" / "kb" / "fit.py").read_text(encoding="utf-8")
    assert 'q["split"] == "calibration"' in fit_source  # the fit reads the calibration part only


def test_new_holdout2_questions_are_never_drawn_into_calibration_or_test() -> None:
    facts = {"docs": ["refunds"], "figures": ["5"]}
    questions = [
        q("old", "questions_lumo.yaml", **facts),
        q("new-h", "questions_holdout2_lumo.yaml", **facts),  # repeats a calibration question's fact
        q("new-l", "questions_lumo.yaml", docs=["fees"], figures=["7"]),
    ]
    assignment = split.assign(questions, {"old": "calibration"})
    assert assignment["new-h"] == "holdout2"
    assert assignment["new-l"] in split.DRAWN
    # sharing a fact with calibration is no straddle for holdout2; a holdout2 file in test is wrong
    assert split.check(questions, assignment) == []
    assert split.check(questions, {**assignment, "new-h": "test"})


def test_a_translation_of_a_holdout2_question_is_still_drawn() -> None:
    questions = [
        q("h", "questions_holdout2_lumo.yaml", docs=["fees"], figures=["7"]),
        q("t", "questions_lumo.yaml", docs=["fees"], figures=["7"]),
    ]
    assert split.assign(questions, {"h": "holdout2"})["t"] in split.DRAWN


def row(part: str, correct: bool, corpus: str = "lumo") -> dict[str, Any]:
    return {
        "id": f"{corpus}-{part}", "split": part, "corpus": corpus, "lang": "en", "unanswerable": False,
        "correct": correct, "grounded": True, "recall_at_5": True, "unsupported_numbers": [], "internal_leaks": [],
        "words": 10,
    }  # fmt: skip


def test_a_run_has_calibration_and_test_unless_holdout2_is_asked_for() -> None:
    questions = load_split_questions()
    assert {q["split"] for q in select(questions, None, None)} == set(split.DRAWN)
    assert {q["split"] for q in select(questions, "rho", None)} == set(split.DRAWN)
    assert {q["split"] for q in select(questions, None, "holdout2")} == {"holdout2"}
    assert {q["corpus"] for q in select(questions, "lumo", "holdout2")} == {"lumo"}


def test_holdout2_is_reported_apart_from_all() -> None:
    summary = summarise([row("calibration", True), row("test", True), row("holdout2", False)], {}, {})["summary"]
    assert summary["holdout2"]["questions"] == 1 and summary["holdout2"]["answer_accuracy"] == 0.0
    assert summary["all"]["questions"] == 2 and summary["all"]["answer_accuracy"] == 1.0
    only = summarise([row("holdout2", True)], {}, {})["summary"]
    assert "all" not in only and only["holdout2"]["questions"] == 1


def test_a_holdout2_run_is_merged_into_the_report_and_kept_by_later_runs() -> None:
    full = summarise([row("calibration", True), row("test", False)], {"p95_ms": 1.0}, {"lumo": {}})
    held = summarise([row("holdout2", False), row("holdout2", True, "rho")], {}, {"lumo": {}})
    report = merge_report(held, full, "holdout2")
    assert list(report["summary"])[:4] == ["calibration", "test", "holdout2", "all"]
    assert report["summary"]["holdout2"]["questions"] == 2 and report["summary"]["all"]["questions"] == 2
    assert report["summary"]["latency"] == full["summary"]["latency"] and len(report["results"]) == 4
    assert [r["id"] for r in report["failures"]] == ["lumo-test", "lumo-holdout2"]
    # rerunning holdout2 on one corpus replaces that corpus's rows only
    again = merge_report(summarise([row("holdout2", True)], {}, {}), report, "holdout2")
    assert again["summary"]["holdout2"]["answer_accuracy"] == 1.0 and len(again["results"]) == 4
    # a later run of calibration and test keeps the holdout2 block and rows as they were
    later = merge_report(summarise([row("calibration", False), row("test", True)], {}, {}), again, None)
    assert later["summary"]["holdout2"] == again["summary"]["holdout2"]
    assert later["summary"]["all"]["answer_accuracy"] == 0.5 and len(later["results"]) == 4
    assert merge_report(full, None, None) is full


@pytest.mark.skipif(not CORPORA["rho"].exists(), reason="Rho-Bank documents not present")
def test_the_questions_agree_with_the_documents() -> None:
    questions = load_questions(resolve=False)
    corpora = {name: check_questions.load_corpus(name) for name in CORPORA}
    strict = {i for i, p in split.load_split().items() if p in check_questions.STRICT_PARTS}
    errors, _ = check_questions.check(questions, corpora, strict)
    assert errors == []
