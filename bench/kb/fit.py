"""Fit the reranker and the confidence model of the knowledge base on the calibration questions.

    python -m bench.kb.fit            # fit, print the cross-validated figures
    python -m bench.kb.fit --write    # ... and write src/klarsvar/knowledge/scoring.json

Only the `calibration` part of bench/kb/split.yaml is read. The reranker is a logistic
regression over the features of each candidate article (label: the article is one of the
question's `docs`); the confidence model is a logistic regression over the question's
features (label: the question is answerable), trained on out-of-fold reranker scores so
that it sees the reranker as it behaves on questions it was not fitted on. The threshold
is chosen on out-of-fold confidences: the one that best balances abstention precision and
recall (the larger of the two minimums, then the middle of the tied range).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bench.kb.runner import load_split_questions, open_kbs, query_vectors
from bench.kb.split import group_key
from klarsvar.knowledge.base import question_features
from klarsvar.knowledge.scoring import (
    CONFIDENCE_FEATURES,
    GROUP_FEATURES,
    LinearModel,
    Models,
    check_features,
    save_models,
)

FOLDS = 5


def collect(questions: list[dict[str, Any]], db_dir: Path) -> list[dict[str, Any]]:
    """Per question: the candidate articles' features, whether each is right, and the question-level features."""
    kbs, _ = open_kbs(questions, db_dir, fresh=False)
    vectors = query_vectors(questions, db_dir)
    out = []
    for q in questions:
        analysis = kbs[q["corpus"]].analyse(
            q["q"], lang=q["lang"], audience=q["audience"], query_vector=vectors[q["id"]]
        )
        docs = set(q.get("docs", []))
        out.append(
            {
                "id": q["id"],
                "group": group_key(q),
                "answerable": not q.get("unanswerable"),
                "candidates": [c.features for c in analysis.candidates],
                "right": [c.doc_id in docs for c in analysis.candidates],
                "known": analysis.features.get("known", 0.0),
                "lang_known": analysis.features.get("lang_known", 0.0),
            }
        )
    return out


def fit_linear(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], c: float) -> LinearModel:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=1000, class_weight="balanced")
    model.fit((x - mean) / scale, y)
    return LinearModel(
        features,
        tuple(map(float, mean)),
        tuple(map(float, scale)),
        tuple(map(float, model.coef_[0])),
        float(model.intercept_[0]),
    )


def rerank_data(items: list[dict[str, Any]], features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for item in items:
        if not item["answerable"] or not any(item["right"]):
            continue  # a question whose right article is not among the candidates teaches nothing here
        for cand, right in zip(item["candidates"], item["right"], strict=True):
            rows.append([cand[f] for f in features])
            labels.append(int(right))
    return np.array(rows, dtype=np.float64), np.array(labels)


def question_row(item: dict[str, Any], reranker: LinearModel) -> dict[str, float]:
    scores = [reranker.logit(c) for c in item["candidates"]]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    feats = question_features(
        [item["candidates"][i] for i in order],
        [scores[i] for i in order],
        known=item["known"],
        lang_known=item["lang_known"],
    )
    feats["_right"] = float(item["right"][order[0]]) if order else 0.0
    return feats


def choose_threshold(probabilities: np.ndarray, answerable: np.ndarray) -> tuple[float, dict[str, float]]:
    best: tuple[float, list[float]] = (-1.0, [])
    for t in np.unique(np.round(probabilities, 4)):
        abstain = probabilities < t
        tp = float(np.sum(abstain & ~answerable))
        precision = tp / max(1.0, float(abstain.sum())) if abstain.any() else 0.0
        recall = tp / max(1.0, float((~answerable).sum()))
        value = min(precision, recall)
        if value > best[0] + 1e-9:
            best = (value, [float(t)])
        elif abs(value - best[0]) <= 1e-9:
            best[1].append(float(t))
    ties = best[1]
    # the middle of the tied range, between neighbouring observed confidences
    lo, hi = min(ties), max(ties)
    below = probabilities[probabilities < lo]
    start = (float(below.max()) + lo) / 2 if below.size else lo
    threshold = (start + hi) / 2 if hi > lo else start
    abstain = probabilities < threshold
    tp = float(np.sum(abstain & ~answerable))
    return threshold, {
        "abstention_precision": round(tp / max(1.0, float(abstain.sum())), 4),
        "abstention_recall": round(tp / max(1.0, float((~answerable).sum())), 4),
    }


def fit(
    items: list[dict[str, Any]],
    rerank_features: tuple[str, ...] = GROUP_FEATURES,
    confidence_features: tuple[str, ...] = CONFIDENCE_FEATURES,
    c_rerank: float = 1.0,
    c_confidence: float = 1.0,
) -> tuple[Models, dict[str, Any]]:
    check_features(rerank_features, GROUP_FEATURES)
    check_features(confidence_features, CONFIDENCE_FEATURES)
    groups = np.array([item["group"] for item in items])
    folds = GroupKFold(n_splits=FOLDS)
    # out-of-fold reranker → question features
    oof_rows: list[dict[str, float]] = [{} for _ in items]
    for train, held in folds.split(np.zeros(len(items)), groups=groups):
        x, y = rerank_data([items[i] for i in train], rerank_features)
        reranker = fit_linear(x, y, rerank_features, c_rerank)
        for i in held:
            oof_rows[i] = question_row(items[i], reranker)
    answerable = np.array([item["answerable"] for item in items])
    xq = np.array([[row.get(f, 0.0) for f in confidence_features] for row in oof_rows])
    top_right = np.array([row.get("_right", 0.0) for row in oof_rows]) > 0
    # out-of-fold confidence → threshold
    oof_p = np.zeros(len(items))
    for train, held in folds.split(xq, groups=groups):
        model = fit_linear(xq[train], answerable[train].astype(int), confidence_features, c_confidence)
        oof_p[held] = [model.probability(dict(zip(confidence_features, xq[i], strict=True))) for i in held]
    threshold, cv = choose_threshold(oof_p, answerable)
    answered = oof_p >= threshold
    cv["top_article_right_when_answerable"] = round(float(top_right[answerable].mean()), 4)
    cv["answered_and_top_right"] = round(float((answered & top_right & answerable).sum() / len(items)), 4)
    # final models: the reranker on all calibration questions, the confidence model on the out-of-fold features
    x, y = rerank_data(items, rerank_features)
    reranker = fit_linear(x, y, rerank_features, c_rerank)
    confidence = fit_linear(xq, answerable.astype(int), confidence_features, c_confidence)
    info = {
        "fitted_on": f"bench/kb calibration questions ({len(items)}, {int((~answerable).sum())} unanswerable)",
        "fitted_by": "python -m bench.kb.fit --write",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cross_validated": cv,
        "threshold_rule": "max of min(abstention precision, recall) on out-of-fold confidences",
    }
    return Models(reranker, confidence, threshold, info), cv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kb.fit", description=__doc__.splitlines()[0])
    parser.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()) / "klarsvar-bench-kb")
    parser.add_argument("--write", action="store_true", help="write src/klarsvar/knowledge/scoring.json")
    parser.add_argument("--c-rerank", type=float, default=1.0)
    parser.add_argument("--c-confidence", type=float, default=1.0)
    parser.add_argument("--dump", type=Path, help="write the collected features to this JSON file")
    args = parser.parse_args(argv)
    questions = [q for q in load_split_questions() if q["split"] == "calibration"]
    items = collect(questions, args.db_dir)
    if args.dump:
        args.dump.write_text(json.dumps(items))
    models, cv = fit(items, c_rerank=args.c_rerank, c_confidence=args.c_confidence)
    print(json.dumps({"threshold": round(models.threshold, 4), "cross_validated": cv}, indent=2))
    for name, model in (("rerank", models.rerank), ("confidence", models.confidence)):
        print(name, {f: round(w, 3) for f, w in zip(model.features, model.coef, strict=True)}, round(model.bias, 3))
    if args.write:
        save_models(models)
        print("wrote src/klarsvar/knowledge/scoring.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
