"""Fit the unit model and the confidence model of the knowledge base on the calibration questions.

    python -m bench.kb.fit            # fit, print the cross-validated figures
    python -m bench.kb.fit --write    # ... and write src/klarsvar/knowledge/scoring.json

Only the `calibration` part of bench/kb/split.yaml is read. The unit model is a conditional
logit over each question's pool of candidate answer units (it learns to put a right unit
first; a unit is right when it is in one of the question's `docs` and, quoted alone,
contains its figures and words); the confidence
model is a logistic regression over the question's features (label: the question is
answerable), trained on out-of-fold unit-model scores so that it sees the unit model as it
behaves on questions it was not fitted on. Folds keep translations of a question together. The threshold
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
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bench.kb.runner import expected_words, figure_found, load_split_questions, open_kbs, query_vectors
from bench.kb.split import group_key
from klarsvar.knowledge.ranking import UnitCandidate, agreeing_groups, question_features
from klarsvar.knowledge.scoring import (
    QUESTION_FEATURES,
    UNIT_FEATURES,
    LinearModel,
    Models,
    check_features,
    save_models,
)

FOLDS = 5
# The confidence model's features (a subset of QUESTION_FEATURES), chosen on the calibration questions.
CONFIDENCE_FEATURES = (
    "margin",
    "overlap",
    "kind",
    "quantity",
    "coverage",
    "chunk",
    "chunk_cross",
    "title",
    "known",
    "lang_known",
    "name_full",
    "name_other",
    "views_top",
    "versions",
    "chunk_z",
    "top_cross",
)
L2_UNIT = 3.0


def collect(questions: list[dict[str, Any]], db_dir: Path) -> list[dict[str, Any]]:
    """Per question: the pool's units (features, article, right or not) and the articles' features."""
    kbs, _ = open_kbs(questions, db_dir, fresh=False)
    vectors = query_vectors(questions, db_dir)
    out = []
    for q in questions:
        index, analysis = kbs[q["corpus"]].analyse(
            q["q"], lang=q["lang"], audience=q["audience"], query_vector=vectors[q["id"]]
        )
        docs = set(q.get("docs", []))
        units = []
        for u in analysis.units:
            text = index.unit_texts[u.unit]
            doc_id = index.doc_ids[u.doc]
            units.append(
                {
                    "features": u.features,
                    "group": u.group,
                    "doc_id": doc_id,
                    "lang": index.doc_langs[u.doc],
                    "text": text,
                    "right": bool(docs) and doc_id in docs and unit_answers(q, text, index.doc_langs[u.doc]),
                }
            )
        out.append(
            {
                "id": q["id"],
                "group": group_key(q),
                "answerable": not q.get("unanswerable"),
                "units": units,
                "groups": {str(g): f for g, f in analysis.group_features.items()},
                "known": analysis.features.get("known", 0.0),
                "standing": {k: analysis.features.get(k, 0.0) for k in ("chunk_z", "unit_z", "title_z")},
                "lang_known": analysis.features.get("lang_known", 0.0),
            }
        )
    return out


def unit_answers(q: dict[str, Any], text: str, lang: str) -> bool:
    """Would this unit, quoted alone, answer the question (the benchmark's test on the text)?

    The `contains_any` words are English: a unit in another language is judged on its figures
    and its `contains_any_local` words when the question has them (the answer quotes the same
    article in the customer's language or in English)."""
    if any(not figure_found(f, text) for f in q.get("figures", [])):
        return False
    if lang != "en" and not (q.get("contains_any") and q.get("contains_any_local")):
        return True
    words = expected_words(q, lang)
    return not words or any(w.lower() in text.lower() for w in words)


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


def fit_choice(items: list[dict[str, Any]], features: tuple[str, ...], l2: float) -> LinearModel:
    """A conditional logit over each question's unit pool: the weights that make a right unit
    the pool's best (softmax likelihood of the right units, L2-penalised; standardised features)."""
    pools = []
    for item in items:
        if not item["answerable"] or not any(u["right"] for u in item["units"]):
            continue
        x = np.array([[u["features"].get(f, 0.0) for f in features] for u in item["units"]], dtype=np.float64)
        pools.append((x, np.array([u["right"] for u in item["units"]], dtype=bool)))
    stacked = np.vstack([x for x, _ in pools])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale == 0] = 1.0
    data = [((x - mean) / scale, y) for x, y in pools]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total = 0.5 * l2 * float(w @ w)
        grad = l2 * w
        for x, y in data:
            s = x @ w
            e = np.exp(s - s.max())
            z, zr = e.sum(), e[y].sum()
            total -= float(np.log(zr) - np.log(z))
            grad = grad - (np.where(y, e, 0.0) / zr - e / z) @ x
        return total, grad

    result = minimize(loss, np.zeros(len(features)), jac=True, method="L-BFGS-B")
    return LinearModel(features, tuple(map(float, mean)), tuple(map(float, scale)), tuple(map(float, result.x)), 0.0)


def unit_data(items: list[dict[str, Any]], features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for item in items:
        if not item["answerable"] or not any(u["right"] for u in item["units"]):
            continue  # a question whose answer is not in the pool teaches nothing here
        for unit in item["units"]:
            rows.append([unit["features"].get(f, 0.0) for f in features])
            labels.append(int(unit["right"]))
    return np.array(rows, dtype=np.float64), np.array(labels)


def question_row(item: dict[str, Any], model: LinearModel) -> dict[str, float]:
    """The confidence features of a question with the unit model `model`; `_right`: is the best unit right."""
    if not item["units"]:
        return {"_right": 0.0}
    scored = sorted(
        (
            UnitCandidate(i, 0, 0, u["group"], u["features"], model.logit(u["features"]))
            for i, u in enumerate(item["units"])
        ),
        key=lambda c: (-c.score, c.unit),
    )
    groups = {int(g): f for g, f in item["groups"].items()}
    feats = question_features(
        scored,
        groups,
        known=item["known"],
        lang_known=item["lang_known"],
        agreeing=agreeing_groups(scored, lambda u: str(item["units"][u.unit]["text"])),
    )
    feats.update(item.get("standing", {}))
    feats["_right"] = float(item["units"][scored[0].unit]["right"])
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
    unit_features: tuple[str, ...] = UNIT_FEATURES,
    confidence_features: tuple[str, ...] = CONFIDENCE_FEATURES,
    l2_unit: float = L2_UNIT,
    c_confidence: float = 1.0,
) -> tuple[Models, dict[str, Any]]:
    check_features(unit_features, UNIT_FEATURES)
    check_features(confidence_features, QUESTION_FEATURES)
    groups = np.array([item["group"] for item in items])
    folds = GroupKFold(n_splits=FOLDS)
    # out-of-fold unit model → question features
    oof_rows: list[dict[str, float]] = [{} for _ in items]
    for train, held in folds.split(np.zeros(len(items)), groups=groups):
        model = fit_choice([items[i] for i in train], unit_features, l2_unit)
        for i in held:
            oof_rows[i] = question_row(items[i], model)
    answerable = np.array([item["answerable"] for item in items])
    xq = np.array([[row.get(f, 0.0) for f in confidence_features] for row in oof_rows])
    top_right = np.array([row.get("_right", 0.0) for row in oof_rows]) > 0
    # out-of-fold confidence → threshold
    oof_p = np.zeros(len(items))
    for train, held in folds.split(xq, groups=groups):
        conf = fit_linear(xq[train], answerable[train].astype(int), confidence_features, c_confidence)
        oof_p[held] = [conf.probability(dict(zip(confidence_features, xq[i], strict=True))) for i in held]
    threshold, cv = choose_threshold(oof_p, answerable)
    answered = oof_p >= threshold
    n = len(items)
    cv["best_unit_right_when_answerable"] = round(float(top_right[answerable].mean()), 4)
    cv["accuracy_estimate"] = round(float(((answered & top_right) | (~answered & ~answerable)).sum() / n), 4)
    # final models: the unit model on all calibration questions, the confidence model on the out-of-fold features
    unit = fit_choice(items, unit_features, l2_unit)
    confidence = fit_linear(xq, answerable.astype(int), confidence_features, c_confidence)
    info = {
        "fitted_on": f"bench/kb calibration questions ({n}, {int((~answerable).sum())} unanswerable)",
        "fitted_by": "python -m bench.kb.fit --write",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cross_validated": cv,
        "threshold_rule": "max of min(abstention precision, recall) on out-of-fold confidences",
    }
    return Models(unit, confidence, threshold, info), cv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kb.fit", description=__doc__.splitlines()[0])
    parser.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()) / "klarsvar-bench-kb")
    parser.add_argument("--write", action="store_true", help="write src/klarsvar/knowledge/scoring.json")
    parser.add_argument("--l2-unit", type=float, default=L2_UNIT)
    parser.add_argument("--c-confidence", type=float, default=1.0)
    parser.add_argument("--dump", type=Path, help="write the collected features to this JSON file")
    args = parser.parse_args(argv)
    questions = [q for q in load_split_questions() if q["split"] == "calibration"]
    items = collect(questions, args.db_dir)
    if args.dump:
        args.dump.write_text(json.dumps(items))
    models, cv = fit(items, l2_unit=args.l2_unit, c_confidence=args.c_confidence)
    print(json.dumps({"threshold": round(models.threshold, 4), "cross_validated": cv}, indent=2))
    for name, model in (("unit", models.unit), ("confidence", models.confidence)):
        print(name, {f: round(w, 3) for f, w in zip(model.features, model.coef, strict=True)}, round(model.bias, 3))
    if args.write:
        save_models(models)
        print("wrote src/klarsvar/knowledge/scoring.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
