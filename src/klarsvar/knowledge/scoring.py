"""The two small linear models of answering: the unit model and the confidence model.

Both are logistic regressions over a handful of features, fitted by `python -m bench.kb.fit`
on the *calibration* questions of the benchmark only (bench/kb/split.yaml) and stored in
`scoring.json` next to this file:

- the unit model scores each candidate answer unit (sentence, list item, table row) of the
  best-retrieved articles: does it answer the question? Its evidence is the unit's own
  (cosine, word overlap, a number when one is asked for) and its article's (see
  ranking.py); the best unit names the article and the sentence of the answer;
- the confidence model says whether to answer at all, from the unit model's verdict on the
  best unit, its margin over the best unit of another article, and evidence that does not
  depend on the question sharing words with the documents (dense similarity, whether the
  documents exist in the question's language at all), so that a Danish question about an
  English article can be answered and an English question about something the documents
  never mention is not.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PATH = Path(__file__).with_name("scoring.json")

# Features of one candidate article for a question (ranking.group_features).
GROUP_FEATURES = (
    "raw",  # best cosine of the question and one of the article's answer units
    "title",  # best cosine of the question and the article's title
    "dense",  # the retrieval score: centred unit and title similarity
    "raw_gap",  # raw minus the best raw of all candidates (0 for the best)
    "title_gap",  # title minus the best title of all candidates
    "dense_top",  # 1 for the candidate with the best dense score
    "views_top",  # how many of the dense views (best unit, whole chunk, title) put the article first (0-3)
    "chunk",  # best cosine of the question and one of the article's chunks embedded whole
    "chunk_gap",  # chunk minus the best chunk of all candidates
    "lexical",  # the article's best BM25, relative to the best BM25 of all candidates
    "coverage",  # IDF-weighted share of the question's words found in the article
    "fused_rank",  # 1 / (1 + rank in the fused dense+BM25 ranking)
    "name",  # share of the article's name words (title before ':') found in the question
    "name_full",  # the question names the article (all its name words, two or more; the longest such name)
    "name_other",  # the question names other articles, not this one
    "title_recall",  # IDF-weighted share of the question's words found in the article's title
    "title_precision",  # IDF-weighted share of the title's words found in the question
    "versions",  # mean over the article's language versions of their best centred unit similarity
    "share",  # the article's share of the TOP_UNITS best units of all articles
)
# Features of one answer unit (ranking.unit_features), plus its article's (prefixed g_).
UNIT_FEATURES = (
    "sim",  # centred cosine of the question and the unit
    "sim_gap",  # sim minus the best sim of the pool
    "chunk_sim",  # centred cosine of the question and the unit's chunk embedded whole
    "overlap",  # IDF-weighted share of the question's words in the unit (heading words count half)
    "quantity",  # the question asks for a number and the unit states one (1) or has digits (0.5)
    "kind",  # the unit states the kind of number asked for (money, percent, duration, count)
    "in_best_chunk",  # the unit is in its article's best passage
    "same_lang",  # the unit is in the customer's language
    "english",  # the unit is in English
    "sim_doc_gap",  # sim minus the best sim of the pool's units of the same document
    "overlap_doc_gap",  # overlap minus the best overlap of the pool's units of the same document
    "attr",  # cosine of the unit and the question without the names it mentions (= plain cosine if none)
    "attr_doc_gap",  # attr minus the best attr of the pool's units of the same document
    "attr_gap",  # attr minus the best attr of the pool
    *(f"g_{name}" for name in GROUP_FEATURES),
)
# Features of the question and its best unit that the confidence model may use (ranking.question_features).
QUESTION_FEATURES = (
    "top",  # unit model score (logit) of the best unit
    "margin",  # its lead over the best unit of another article
    "mass",  # the share of the pool's softmax weight on the best unit's article
    "sim",  # of the best unit: centred cosine
    "chunk_sim",  # ... of its chunk embedded whole
    "overlap",  # ... its word overlap with the question
    "kind",  # ... it states the kind of number asked for
    "quantity",
    "known",  # IDF-weighted share of the question's words that occur anywhere in the visible documents
    "lang_known",  # the share of articles with a version in the question's language (ranking.language_share)
    "agree",  # the dense and the lexical rankings put the best unit's article first (0, 0.5, 1)
    # of the best unit's article (see GROUP_FEATURES)
    "raw",
    "title",
    "chunk",
    "chunk_gap",
    "coverage",
    "name_full",
    "name_other",
    "title_recall",
    "views_top",
    "versions",
    "chunk_z",  # how far the best chunk's cosine stands out from all visible chunks' (z-score)
    "unit_z",  # ... the best unit's
    "title_z",  # ... the best title's
    # interactions: word evidence counts only when the documents are in the question's language
    "coverage_known",  # coverage × lang_known
    "chunk_cross",  # chunk × (1 − lang_known)
    "top_cross",  # top × (1 − lang_known)
    "margin_cross",  # margin × (1 − lang_known)
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

    def logits(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """`logit` of many rows at once."""
        if not rows:
            return []
        x = np.array([[float(row.get(name, 0.0)) for name in self.features] for row in rows], dtype=np.float64)
        z = ((x - np.array(self.mean)) / np.where(np.array(self.scale) == 0, 1.0, np.array(self.scale))) @ np.array(
            self.coef
        )
        return [float(v) + self.bias for v in z]

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
    unit: LinearModel
    confidence: LinearModel
    threshold: float  # answer when the confidence is at least this
    info: Mapping[str, Any]


# Used only when scoring.json is missing: dense and lexical evidence, hand-set.
_FALLBACK = Models(
    unit=LinearModel(
        ("sim", "overlap", "quantity", "g_fused_rank"),
        (0.0, 0.0, 0.0, 0.0),
        (0.05, 0.3, 1.0, 0.3),
        (1.0, 1.0, 0.3, 1.0),
        0.0,
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
        unit=LinearModel.from_json(data["unit"]),
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
        "unit": models.unit.to_json(),
        "confidence": models.confidence.to_json(),
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    load_models.cache_clear()


def check_features(names: Sequence[str], allowed: Sequence[str]) -> None:
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ValueError(f"unknown features {unknown}")
