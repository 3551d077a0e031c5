"""Serving reads the intent models as plain arrays (TfidfText, Linear): the same numbers as
scikit-learn gives, without importing scikit-learn or SciPy when the fitted models are cached."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from klarsvar.understanding import classifier as clf

ODD = [
    "",
    "   ",
    "ok",
    "a",
    "Wo ist meine  Bestellung   o-12345?",
    "我想退货，订单号是多少？",
    "zzzqqq xkcd never seen before",
    "Hello hello hello, HELLO!!",
    "مرحبا، كيف يعمل الدفع؟",
]


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], list[str]]:
    examples = clf.load_examples("train")[::40]  # every language, every intent, a few seconds to fit
    return [e.text for e in examples], [e.intent for e in examples]


def test_the_features_are_scikit_learns(sample: tuple[list[str], list[str]]) -> None:
    texts, _ = sample
    norm = [clf.normalise(t) for t in texts]
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=clf.CHAR_NGRAMS, sublinear_tf=True, max_features=300000)
    word = TfidfVectorizer(analyzer="word", ngram_range=clf.WORD_NGRAMS, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
    char.fit(norm)
    word.fit(norm)
    plain = clf.TfidfText.from_sklearn(char, word)
    probe = [clf.normalise(t) for t in texts[:200] + ODD]
    want = np.hstack([char.transform(probe).toarray(), word.transform(probe).toarray()])
    got = plain.matrix(probe).toarray()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_the_decision_function_is_scikit_learns(sample: tuple[list[str], list[str]]) -> None:
    texts, labels = sample
    text, features = clf.IntentClassifier.fit_vectorizers(texts)
    svm = LinearSVC(C=clf.TFIDF_C, random_state=0).fit(features, labels)
    model = clf.IntentClassifier(text, clf.Linear.from_sklearn(svm))
    probe = texts[:200] + ODD
    want = svm.decision_function(text.matrix([clf.normalise(t) for t in probe]))
    np.testing.assert_allclose(model.margins(probe), want, atol=1e-9)
    assert model.predict_many(probe) == [str(x) for x in svm.predict(text.matrix([clf.normalise(t) for t in probe]))]


def test_two_classes_keep_their_order() -> None:
    texts = ["refund please", "where is my refund", "freeze my card", "my card was stolen"]
    labels = ["refund", "refund", "freeze", "freeze"]
    text, features = clf.IntentClassifier.fit_vectorizers(texts)
    svm = LinearSVC(random_state=0).fit(features, labels)
    model = clf.IntentClassifier(text, clf.Linear.from_sklearn(svm))
    assert model.predict_many(["refund my money", "card stolen"]) == ["refund", "freeze"]


def test_cached_models_serve_without_scikit_learn(tmp_path: Path) -> None:
    clf.load_or_train_models(tmp_path, use_embeddings=False)  # fits and caches
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from klarsvar.understanding import classifier as clf\n"
        f"m = clf.load_or_train_models(Path({str(tmp_path)!r}), use_embeddings=False)\n"
        "print(m.tfidf.predict('I want to talk to a person', top=1)[0][0])\n"
        "print(sorted(n for n in ('sklearn', 'scipy') if n in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "human_request"
    assert out[1] == "[]"
