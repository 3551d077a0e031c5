"""The two small linear models of answering: the reranker and the confidence model.

Both are logistic regressions over a handful of features, fitted by `python -m bench.kb.fit`
on the *calibration* questions of the benchmark only (bench/kb/split.yaml) and stored in
`scoring.json` next to this file:

- the reranker scores each of the best-fused candidate articles for a question (is this
  the article that answers it?) from dense and lexical evidence about that article;
- the confidence model says whether to answer at all, from the reranker's verdict on the
  best article, its margin over the runner-up, and evidence that does not depend on the
  question sharing words with the documents (so that a Danish question about an English
  article can be answered, and an English question about something the documents never
  mention is not).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("scoring.json")

# Features of one candidate article for one question (see KnowledgeBase.analyse).
GROUP_FEATURES = (
    "raw",  # best cosine of the question and one of the article's answer units
    "title",  # best cosine of the question and the article's title
    "dense",  # the retrieval score: centred unit and title similarity
    "raw_gap",  # raw minus the best raw of all candidates (0 for the best)
    "title_gap",  # title minus the best title of all candidates
    "lexical",  # the article's best BM25, relative to the best BM25 of all candidates
    "coverage",  # IDF-weighted share of the question's words found in the article
    "fused_rank",  # 1 / (1 + rank in the fused dense+BM25 ranking)
    "name",  # share of the article's name words (title before ':') found in the question
)
# Features of the question and its best candidate, for the decision to answer.
CONFIDENCE_FEATURES = (
    "top",  # reranker score (logit) of the best candidate
    "margin",  # its lead over the runner-up
    "raw",
    "title",
    "coverage",
    "known",  # IDF-weighted share of the question's words that occur anywhere in the documents
    "lang_known",  # 1 when the documents exist in the question's language
    "agree",  # 1 when the dense and the lexical rankings put the same article first
)


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    bias: float

    def logit(self, values: Mapping[str, float]) -> float:
        z = self.bias
        for name, mu, sd, w in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += w * (float(values.get(name, 0.0)) - mu) / (sd or 1.0)
        return z

    def probability(self, values: Mapping[str, float]) -> float:
        return sigmoid(self.logit(values))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        features = tuple(str(f) for f in data["features"])
        n = len(features)
        mean = tuple(float(x) for x in data.get("mean", [0.0] * n))
        scale = tuple(float(x) for x in data.get("scale", [1.0] * n))
        coef = tuple(float(x) for x in data["coef"])
        if not len(mean) == len(scale) == len(coef) == n:
            raise ValueError("model: features, mean, scale and coef differ in length")
        return cls(features, mean, scale, coef, float(data["bias"]))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(x, 6) for x in self.mean],
            "scale": [round(x, 6) for x in self.scale],
            "coef": [round(x, 6) for x in self.coef],
            "bias": round(self.bias, 6),
        }


@dataclass(frozen=True)
class Models:
    rerank: LinearModel
    confidence: LinearModel
    threshold: float  # answer when the confidence is at least this
    info: Mapping[str, Any]


# Used only when scoring.json is missing: dense and lexical evidence, hand-set.
_FALLBACK = Models(
    rerank=LinearModel(
        ("raw", "title", "lexical", "coverage"), (0.8, 0.8, 0.0, 0.0), (0.05, 0.05, 1.0, 1.0), (1.0, 0.5, 1.0, 1.0), 0.0
    ),
    confidence=LinearModel(("top", "margin"), (0.0, 0.0), (1.0, 1.0), (1.0, 1.0), 0.0),
    threshold=0.6,
    info={"fitted_on": "nothing (fallback)"},
)


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def models_from_json(data: Mapping[str, Any]) -> Models:
    return Models(
        rerank=LinearModel.from_json(data["rerank"]),
        confidence=LinearModel.from_json(data["confidence"]),
        threshold=float(data["threshold"]),
        info=dict(data.get("info") or {}),
    )


@lru_cache(maxsize=4)
def load_models(path: Path = MODEL_PATH) -> Models:
    if not path.exists():
        return _FALLBACK
    return models_from_json(json.loads(path.read_text(encoding="utf-8")))


def save_models(models: Models, path: Path = MODEL_PATH) -> None:
    data = {
        "info": dict(models.info),
        "threshold": round(models.threshold, 6),
        "rerank": models.rerank.to_json(),
        "confidence": models.confidence.to_json(),
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    load_models.cache_clear()


def check_features(names: Sequence[str], allowed: Sequence[str]) -> None:
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ValueError(f"unknown features {unknown}")
