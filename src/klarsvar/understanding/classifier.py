"""The intent classifier: trained from the multilingual examples in `examples/`.

Character n-grams carry most languages well, word n-grams the rest; a linear SVM
separates the intents, and a softmax over its margins gives the scores the policy's
thresholds read. Training takes about a second; the fitted model is cached by the
hash of its examples.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn
import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from klarsvar.understanding.lexicon import fold

EXAMPLES_DIR = Path(__file__).parent / "examples"
_ORDER = re.compile(r"\b[o]-?\d{3,7}\b")
_CARD = re.compile(r"\[card •+ \d{4}\]|\b[k]-\d{3,7}\b")
_EMAIL = re.compile(r"\S+@\S+")
_MONEY = re.compile(r"€\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:€|eur\w*)")
_NUM = re.compile(r"\d+")
# Sharpens the softmax over SVM margins so that a clear winner scores near 1.
TEMPERATURE = 4.0


def normalise(text: str) -> str:
    t = fold(text)
    t = _EMAIL.sub(" emailaddr ", t)
    t = _CARD.sub(" cardref ", t)
    t = _ORDER.sub(" orderid ", t)
    t = _MONEY.sub(" amount ", t)
    t = _NUM.sub("0", t)
    return re.sub(r"\s+", " ", t).strip()


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str


def load_examples(split: str = "train", directory: Path = EXAMPLES_DIR) -> list[Example]:
    out: list[Example] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lang = str(data.get("language", path.stem))
        for intent, splits in (data.get("intents") or {}).items():
            for text in (splits or {}).get(split, []) or []:
                out.append(Example(str(text), str(intent), lang))
    return out


class IntentClassifier:
    def __init__(self, char: TfidfVectorizer, word: TfidfVectorizer, model: LinearSVC) -> None:
        self.char = char
        self.word = word
        self.model = model
        self.labels: list[str] = [str(c) for c in model.classes_]

    @classmethod
    def train(cls, examples: list[Example]) -> IntentClassifier:
        texts = [normalise(e.text) for e in examples]
        labels = [e.intent for e in examples]
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1, max_features=300000)
        word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
        features = hstack([char.fit_transform(texts), word.fit_transform(texts)]).tocsr()
        model = LinearSVC(C=0.7)
        model.fit(features, labels)
        return cls(char, word, model)

    def _features(self, texts: list[str]):  # type: ignore[no-untyped-def]
        norm = [normalise(t) for t in texts]
        return hstack([self.char.transform(norm), self.word.transform(norm)]).tocsr()

    def predict(self, text: str, top: int = 5) -> list[tuple[str, float]]:
        margins = self.model.decision_function(self._features([text]))[0] * TEMPERATURE
        exp = np.exp(margins - margins.max())
        probs = exp / exp.sum()
        order = np.argsort(probs)[::-1][:top]
        return [(self.labels[i], float(probs[i])) for i in order]

    def predict_many(self, texts: list[str]) -> list[str]:
        return [str(x) for x in self.model.predict(self._features(texts))]


def examples_fingerprint(directory: Path = EXAMPLES_DIR) -> str:
    digest = hashlib.sha256(sklearn.__version__.encode())
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_or_train(cache_dir: Path | None = None) -> IntentClassifier:
    """Train on the `train` split of every language, or load the cached model."""
    fingerprint = examples_fingerprint()
    cache = (cache_dir / f"intents-{fingerprint}.pkl") if cache_dir else None
    if cache and cache.exists():
        try:
            with cache.open("rb") as fh:
                loaded = pickle.load(fh)
            if isinstance(loaded, IntentClassifier):
                return loaded
        except Exception:  # a stale or broken cache is simply rebuilt
            pass
    classifier = IntentClassifier.train(load_examples("train"))
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(classifier, fh)
        tmp.replace(cache)
    return classifier
