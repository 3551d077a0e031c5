"""Other classifier settings tried on Banking77, chosen on a dev split of its *train* split.

    python -m bench.outside --only banking77 --explore

Not the product: the headline rows always use the product's settings and code. This uses the
product's building blocks (`IntentClassifier.fit_vectorizers`, `CombinedClassifier._stack`,
liblinear's LinearSVC as `train_models` does) with other C, embedding weights and n-gram ranges,
scores them on 20 % of Banking77's train split held out (stratified, seed 0), and reports the test
accuracy only of the settings that did best on dev (one look at test per family).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from bench.outside import data
from klarsvar.understanding import classifier as clf
from klarsvar.understanding import embeddings as emb
from klarsvar.understanding.classifier import Example


def _vectorise(
    train: Sequence[str], others: Sequence[Sequence[str]], char: tuple[int, int], word: tuple[int, int]
) -> list[csr_matrix]:
    """TF-IDF features as the product builds them, with other n-gram ranges."""
    if (char, word) == (clf.CHAR_NGRAMS, clf.WORD_NGRAMS):
        text, x = clf.IntentClassifier.fit_vectorizers(list(train))
        return [x] + [text.matrix([clf.normalise(t) for t in texts]) for texts in others]
    c = TfidfVectorizer(analyzer="char_wb", ngram_range=char, sublinear_tf=True, min_df=1, max_features=300000)
    w = TfidfVectorizer(analyzer="word", ngram_range=word, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
    norm = [clf.normalise(t) for t in train]
    x = hstack([c.fit_transform(norm), w.fit_transform(norm)]).tocsr()
    out = [x]
    for texts in others:
        norm = [clf.normalise(t) for t in texts]
        out.append(hstack([c.transform(norm), w.transform(norm)]).tocsr())
    return out


def _acc(model: LinearSVC, x: Any, y: Sequence[str]) -> float:
    return float(np.mean(model.predict(x) == np.asarray(y)))


def _grid(
    train: Sequence[Example],
    dev: Sequence[Example],
    vec: dict[str, npt.NDArray[np.float32]],
    weights: Sequence[float],
    cs: Sequence[float],
    tfidf_cs: Sequence[float],
) -> dict[str, Any]:
    y_tr, y_dev = [e.intent for e in train], [e.intent for e in dev]
    x_tr, x_dev = _vectorise([e.text for e in train], [[e.text for e in dev]], (1, 5), (1, 2))
    out: dict[str, Any] = {"tfidf": [], "combined": [], "embedding_only": []}
    for c in tfidf_cs:
        out["tfidf"].append({"C": c, "dev": _acc(LinearSVC(C=c, random_state=0).fit(x_tr, y_tr), x_dev, y_dev)})
    for w in weights:
        s_tr = clf.CombinedClassifier._stack(x_tr, vec["train"], w)
        s_dev = clf.CombinedClassifier._stack(x_dev, vec["dev"], w)
        for c in cs:
            model = LinearSVC(C=c, random_state=0).fit(s_tr, y_tr)
            out["combined"].append({"weight": w, "C": c, "dev": _acc(model, s_dev, y_dev)})
    for c in (1.0, 4.0):
        model = LinearSVC(C=c, random_state=0).fit(vec["train"], y_tr)
        out["embedding_only"].append({"C": c, "dev": _acc(model, vec["dev"], y_dev)})
    return out


def run(cache: emb.EmbeddingCache) -> dict[str, Any]:
    started = time.perf_counter()
    full = data.banking77("train")
    test = data.banking77("test")
    train, dev = train_test_split(full, test_size=0.2, random_state=0, stratify=[e.intent for e in full])
    vec = {
        "train": cache.get([e.text for e in train])[0],
        "dev": cache.get([e.text for e in dev])[0],
        "test": cache.get([e.text for e in test])[0],
        "full": cache.get([e.text for e in full])[0],
    }
    result: dict[str, Any] = {"dev_split": {"train": len(train), "dev": len(dev), "seed": 0}}
    print("explore: full data, dev split of train ...", flush=True)
    result["full"] = _grid(train, dev, vec, (1.0, 2.5, 4.0, 6.0), (0.3, 0.7, 1.5), (0.3, 0.7, 1.5, 3.0))

    # n-gram ranges (TF-IDF model, product C)
    y_tr, y_dev = [e.intent for e in train], [e.intent for e in dev]
    ngrams = []
    for char, word in (((1, 5), (1, 2)), ((2, 5), (1, 2)), ((1, 6), (1, 2)), ((1, 5), (1, 3)), ((3, 5), (1, 1))):
        x_tr, x_dev = _vectorise([e.text for e in train], [[e.text for e in dev]], char, word)
        ngrams.append(
            {"char": char, "word": word, "dev": _acc(LinearSVC(C=0.7, random_state=0).fit(x_tr, y_tr), x_dev, y_dev)}
        )
    result["full"]["tfidf_ngrams"] = ngrams

    # 10-shot: sampled from the dev split's train part, scored on dev
    print("explore: 10-shot ...", flush=True)
    shots = []
    for seed in (0, 1, 2):
        few = data.few_shot(train, 10, seed)
        v = {"train": cache.get([e.text for e in few])[0], "dev": vec["dev"]}
        shots.append(_grid(few, dev, v, (1.0, 2.5, 4.0, 6.0, 10.0), (0.3, 0.7, 1.5, 5.0), (0.7, 3.0)))
    result["10shot"] = _average(shots)

    # one look at test for the settings best on dev, next to the product's
    def test_acc(few: Sequence[Example], vectors: npt.NDArray[np.float32], w: float, c: float) -> float:
        x_tr, x_te = _vectorise([e.text for e in few], [[e.text for e in test]], (1, 5), (1, 2))
        model = LinearSVC(C=c, random_state=0).fit(
            clf.CombinedClassifier._stack(x_tr, vectors, w), [e.intent for e in few]
        )
        return _acc(model, clf.CombinedClassifier._stack(x_te, vec["test"], w), [e.intent for e in test])

    best_full = max(result["full"]["combined"], key=lambda g: g["dev"])
    best_few = max(result["10shot"]["combined"], key=lambda g: g["dev"])
    result["best_on_dev_test_accuracy"] = {
        "full": {**best_full, "test": test_acc(full, vec["full"], best_full["weight"], best_full["C"])},
        "10shot": {
            **best_few,
            "test_mean_of_seeds": float(
                np.mean(
                    [
                        test_acc(
                            few := data.few_shot(full, 10, seed),
                            cache.get([e.text for e in few])[0],
                            best_few["weight"],
                            best_few["C"],
                        )
                        for seed in (0, 1, 2)
                    ]
                )
            ),
        },
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["generated"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    result["command"] = "python -m bench.outside --only banking77 --explore"
    result["product"] = {"weight": clf.EMBEDDING_WEIGHT, "C": clf.COMBINED_C, "tfidf_C": 0.7}
    _print(result)
    return result


def _average(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for family in runs[0]:
        rows = []
        for i, row in enumerate(runs[0][family]):
            rows.append({**row, "dev": float(np.mean([r[family][i]["dev"] for r in runs]))})
        out[family] = rows
    return out


def _print(result: dict[str, Any]) -> None:
    for regime in ("full", "10shot"):
        r = result[regime]
        print(f"explore {regime} (dev accuracy):")
        print("  tfidf  " + ", ".join(f"C {g['C']}: {g['dev']:.2%}" for g in r["tfidf"]))
        print("  embedding only " + ", ".join(f"C {g['C']}: {g['dev']:.2%}" for g in r["embedding_only"]))
        for g in sorted(r["combined"], key=lambda g: -g["dev"])[:6]:
            print(f"  combined weight {g['weight']} C {g['C']}: {g['dev']:.2%}")
        for g in r.get("tfidf_ngrams", []):
            print(f"  tfidf char {g['char']} word {g['word']}: {g['dev']:.2%}")
    print(f"  best on dev, on test: {result['best_on_dev_test_accuracy']}")
