"""`KnowledgeBase`: ingest a folder, search it, answer from it (grounded or silent)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from klarsvar.knowledge.embedding import CachedEmbedder, Embedder, default_embedder, to_bytes
from klarsvar.knowledge.index import LoadedIndex, cached_index
from klarsvar.knowledge.loaders import load_dir
from klarsvar.knowledge.models import Answer, Hit, IngestReport, ParsedDocument, Source, visible_audiences
from klarsvar.knowledge.repository import IndexRows, KnowledgeRepository
from klarsvar.knowledge.scoring import Models, load_models
from klarsvar.knowledge.text import (
    PLACEHOLDER,
    asks_for_quantity,
    detect_language,
    states_quantity,
    tokens,
    unsupported_numbers,
    word_count,
)
from klarsvar.storage.database import Database

Progress = Callable[[int, int, str], None]
FloatArray = npt.NDArray[np.float32]

# Retrieval: the dense score of a chunk mixes its best unit and the document's title.
UNIT_WEIGHT = 0.5
TITLE_WEIGHT = 0.5
RRF_K = 20
LEXICAL_WEIGHT = 2.0
# Answering: the best-fused CANDIDATES articles are reranked and the confidence model
# decides whether to answer (both fitted on the calibration questions: see scoring.py).
CANDIDATES = 10
FALLBACK_LANGUAGE = "en"  # the version of an article quoted when there is none in the customer's language
MAX_WORDS = 60
UNIT_OVERLAP = 0.1
UNIT_NUMBER_BONUS = 0.04
UNIT_BEST_CHUNK_BONUS = 0.02
DETAIL_MAX_WORDS = 200
EMBED_BATCH = 64


@dataclass(frozen=True)
class _Scored:
    """Scores of one query over the whole index."""

    query: str
    query_vector: FloatArray
    query_tokens: list[str]
    allowed: npt.NDArray[np.bool_]
    fused: FloatArray
    dense: FloatArray
    lexical: FloatArray
    unit_sims: FloatArray  # centred (minus the median of the unit's language)
    unit_raw: FloatArray  # plain cosine
    title_raw: FloatArray  # plain cosine of each document's title


@dataclass(frozen=True)
class Candidate:
    """One candidate article for a question: its features and reranker score (a logit)."""

    group: int
    doc_id: str
    features: dict[str, float]
    score: float


@dataclass(frozen=True)
class Analysis:
    candidates: list[Candidate]  # best first
    features: dict[str, float]  # of the confidence model
    confidence: float


class KnowledgeBase:
    def __init__(self, db: Database, embedder: Embedder | None = None, models: Models | None = None) -> None:
        self.db = db
        self.embedder: Embedder = embedder or default_embedder()
        self.models = models or load_models()

    # --- ingestion ---------------------------------------------------------------------

    def ingest_dir(self, path: Path, progress: Progress | None = None) -> IngestReport:
        """Ingest every document under `path`; only new or changed documents are embedded and written.

        Broken files are reported and skipped. All writes happen in one transaction
        after the embeddings are computed: a failure leaves the previous index as it was.
        """
        started = time.perf_counter()
        root = Path(path)
        if not root.is_dir():
            raise NotADirectoryError(str(root))
        source = str(root.resolve())
        report = IngestReport(source=source)
        documents, report.broken, report.skipped = load_dir(root)
        with self.db.session() as session:
            stored = KnowledgeRepository(session).stored_documents()

        todo: list[ParsedDocument] = []
        moved: list[tuple[int, str]] = []
        for doc in documents:
            label = f"{doc.doc_id} ({doc.lang})"
            old = stored.get((doc.doc_id, doc.lang))
            if old is None:
                report.added.append(label)
                todo.append(doc)
            elif old.content_hash != doc.content_hash:
                report.updated.append(label)
                todo.append(doc)
            else:
                report.unchanged.append(label)
                if (old.source, old.path) != (source, doc.path):
                    moved.append((old.pk, doc.path))
        present = {(d.doc_id, d.lang) for d in documents}
        broken_paths = {b.path for b in report.broken}
        gone = [
            s for key, s in stored.items() if s.source == source and key not in present and s.path not in broken_paths
        ]
        report.removed = [f"{s.doc_id} ({s.lang})" for s in gone]

        before = self.embedder.hits if isinstance(self.embedder, CachedEmbedder) else 0
        embedded = self._embed(todo, progress)
        if isinstance(self.embedder, CachedEmbedder):
            report.texts_from_cache = self.embedder.hits - before
        report.chunks_embedded = sum(len(d.chunks) for d in todo)
        report.units_embedded = sum(len(c.units) for d in todo for c in d.chunks)

        with self.db.session() as session:  # one transaction: all or nothing
            repo = KnowledgeRepository(session)
            now = datetime.now(UTC)
            for doc, (title_vector, unit_vectors) in zip(todo, embedded, strict=True):
                old = stored.get((doc.doc_id, doc.lang))
                repo.save_document(
                    doc,
                    source=source,
                    title_vector=title_vector,
                    unit_vectors=unit_vectors,
                    now=now,
                    existing_pk=old.pk if old else None,
                )
            for pk, rel in moved:
                repo.move_document(pk, source=source, path=rel)
            repo.delete_documents([s.pk for s in gone])
            report.index_version = repo.bump_version() if report.changed else repo.index_version()
        report.seconds = time.perf_counter() - started
        return report

    def _embed(self, docs: list[ParsedDocument], progress: Progress | None) -> list[tuple[bytes, list[bytes]]]:
        """Title and unit vectors of each document, embedded in batches across documents.

        `progress(done, total, doc_id)` counts the texts (titles and units) embedded so far.
        """
        texts: list[str] = []
        for doc in docs:
            texts.append(doc.title)
            texts.extend(u for chunk in doc.chunks for u in chunk.units)
        vectors = np.zeros((len(texts), self.embedder.dim), dtype=np.float32)
        owner = [doc.doc_id for doc in docs for _ in range(1 + sum(len(c.units) for c in doc.chunks))]
        if progress:
            progress(0, len(texts), "")
        # Batches of similar length: the model pads a batch to its longest text.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), EMBED_BATCH):
            batch = order[start : start + EMBED_BATCH]
            vectors[batch] = self.embedder.passages([texts[i] for i in batch])
            if progress:
                progress(min(start + EMBED_BATCH, len(order)), len(order), owner[batch[-1]])
        out: list[tuple[bytes, list[bytes]]] = []
        pos = 0
        for doc in docs:
            title_vector = to_bytes(vectors[pos : pos + 1])
            pos += 1
            per_chunk = []
            for chunk in doc.chunks:
                per_chunk.append(to_bytes(vectors[pos : pos + len(chunk.units)]))
                pos += len(chunk.units)
            out.append((title_vector, per_chunk))
        return out

    # --- the loaded index ---------------------------------------------------------------

    def index(self) -> LoadedIndex:
        """The in-memory index of the current version (loaded once per version and process)."""
        with self.db.session() as session:
            version = KnowledgeRepository(session).index_version()

        def load() -> IndexRows:
            with self.db.session() as session:
                return KnowledgeRepository(session).index_rows()

        return cached_index((self.db.url, version), load)

    def stats(self) -> dict[str, object]:
        with self.db.session() as session:
            return KnowledgeRepository(session).stats()

    # --- search ------------------------------------------------------------------------

    def _score(self, index: LoadedIndex, query: str, audience: str, query_vector: FloatArray | None) -> _Scored:
        visible = visible_audiences(audience)  # raises on an unknown audience
        q = self.embedder.query(query) if query_vector is None else np.asarray(query_vector, dtype=np.float32)
        allowed = index.audience_mask(visible)
        best_unit, unit_sims, unit_raw = index.chunk_dense(q)
        title_sims, title_raw = index.title_dense(q)
        chunk_title = title_sims[index.chunk_doc] if index.n_chunks else np.zeros(0, np.float32)
        dense = np.where(best_unit > -1.0, UNIT_WEIGHT * best_unit + TITLE_WEIGHT * chunk_title, chunk_title)
        query_tokens = tokens(query)
        lexical = index.bm25_scores(query_tokens)
        fused = np.zeros(index.n_chunks, dtype=np.float32)
        candidates = np.flatnonzero(allowed)
        if candidates.size:
            order = candidates[np.argsort(-dense[candidates], kind="stable")]
            fused[order] += 1.0 / (RRF_K + 1 + np.arange(order.size))
            with_terms = candidates[lexical[candidates] > 0]
            order = with_terms[np.argsort(-lexical[with_terms], kind="stable")]
            fused[order] += LEXICAL_WEIGHT / (RRF_K + 1 + np.arange(order.size))
        fused[~allowed] = -1.0
        return _Scored(
            query, q, query_tokens, allowed, fused, dense.astype(np.float32), lexical, unit_sims, unit_raw, title_raw
        )

    def _ranked_groups(self, index: LoadedIndex, scored: _Scored) -> list[int]:
        """The articles by fused score, best first (only those the audience may see)."""
        group_score = np.full(len(index.group_ids), -1.0, dtype=np.float32)
        np.maximum.at(group_score, index.chunk_group, scored.fused)
        order = np.argsort(-group_score, kind="stable")
        return [int(g) for g in order if group_score[g] >= 0]

    def _best_chunk(self, index: LoadedIndex, scored: _Scored, group: int, lang: str | None) -> int:
        """The article's best passage, from its version in `lang`, else in English, else any."""
        docs = index.group_docs[group]
        preferred = [d for d in docs if lang and index.doc_langs[d] == lang]
        english = [d for d in docs if index.doc_langs[d] == FALLBACK_LANGUAGE]
        for pool in (preferred, english, docs):
            chunks = [c for d in pool for c in index.doc_chunks[d] if scored.allowed[c]]
            if chunks:
                return max(chunks, key=lambda c: float(scored.fused[c]))
        raise LookupError(group)

    def search(
        self,
        query: str,
        *,
        lang: str | None = None,
        audience: str = "customer",
        k: int = 5,
        query_vector: FloatArray | None = None,
    ) -> list[Hit]:
        """The `k` best documents for `query` (one hit per doc_id), each shown through its best passage.

        Retrieval is cross-lingual; when a document exists in `lang`, the passage shown is
        in `lang` (else in English when there is an English version). `audience="customer"`
        (the default) never returns internal text.
        """
        index = self.index()
        if not index.n_chunks or not query.strip():
            visible_audiences(audience)
            return []
        scored = self._score(index, query, audience, query_vector)
        analysis = self._analyse(index, scored, lang)
        reranked = [c.group for c in analysis.candidates]
        groups = reranked + [g for g in self._ranked_groups(index, scored) if g not in set(reranked)]
        hits = []
        for group in groups[:k]:
            chunk = self._best_chunk(index, scored, group, lang)
            doc = int(index.chunk_doc[chunk])
            group_chunks = index.chunk_group == group
            hits.append(
                Hit(
                    doc_id=index.doc_ids[doc],
                    lang=index.doc_langs[doc],
                    title=index.doc_titles[doc],
                    audience=index.doc_audiences[doc],
                    heading=index.chunk_headings[chunk],
                    text=index.chunk_texts[chunk],
                    score=float(scored.fused[chunk]),
                    dense=float(np.max(np.where(group_chunks & scored.allowed, scored.dense, -1.0))),
                    lexical=float(scored.lexical[chunk]),
                )
            )
        return hits

    # --- the decision: which article, and whether to answer at all -------------------------

    def analyse(
        self,
        question: str,
        *,
        lang: str,
        audience: str = "customer",
        query_vector: FloatArray | None = None,
    ) -> Analysis:
        """The candidate articles with their features and reranker scores, and the confidence to answer.

        This is what `answer` decides on (and what `bench.kb.fit` fits the models on).
        """
        index = self.index()
        if not index.n_chunks or not question.strip():
            visible_audiences(audience)
            return Analysis([], {}, 0.0)
        return self._analyse(index, self._score(index, question, audience, query_vector), lang)

    def _analyse(self, index: LoadedIndex, scored: _Scored, lang: str | None) -> Analysis:
        models = self.models
        groups = self._ranked_groups(index, scored)[:CANDIDATES]
        if not groups:
            return Analysis([], {}, 0.0)
        rows = self._group_features(index, scored, groups)
        candidates = [
            Candidate(g, index.group_ids[g], row, models.rerank.logit(row)) for g, row in zip(groups, rows, strict=True)
        ]
        candidates.sort(key=lambda c: -c.score)
        features = question_features(
            [c.features for c in candidates],
            [c.score for c in candidates],
            known=self._known(index, scored.query_tokens),
            lang_known=float(bool(lang) and lang in index.languages),
        )
        return Analysis(candidates, features, models.confidence.probability(features))

    def _group_features(self, index: LoadedIndex, scored: _Scored, groups: list[int]) -> list[dict[str, float]]:
        n_groups = len(index.group_ids)
        unit_ok = scored.allowed[index.unit_chunk] if index.unit_chunk.size else np.zeros(0, dtype=bool)
        raw = _group_max(scored.unit_raw, index.unit_group, unit_ok, n_groups)
        doc_ok = np.zeros(len(index.doc_ids), dtype=bool)
        doc_ok[index.chunk_doc[scored.allowed]] = True
        title = _group_max(scored.title_raw, index.doc_group, doc_ok, n_groups)
        dense = _group_max(scored.dense, index.chunk_group, scored.allowed, n_groups)
        lexical = _group_max(scored.lexical, index.chunk_group, scored.allowed, n_groups)
        chosen = np.array(groups, dtype=np.int64)
        best_raw = float(raw[chosen].max())
        best_title = float(title[chosen].max())
        best_lexical = float(lexical[chosen].max())
        query_terms = set(scored.query_tokens)
        rows = []
        for rank, g in enumerate(groups):
            docs = [d for d in index.group_docs[g] if doc_ok[d]]
            names = [index.doc_names[d] for d in docs if index.doc_names[d]]
            rows.append(
                {
                    "raw": float(raw[g]),
                    "title": float(title[g]),
                    "dense": float(dense[g]),
                    "raw_gap": float(raw[g]) - best_raw,
                    "title_gap": float(title[g]) - best_title,
                    "lexical": float(lexical[g]) / best_lexical if best_lexical > 0 else 0.0,
                    "coverage": self._coverage(index, scored.query_tokens, g),
                    "fused_rank": 1.0 / (1.0 + rank),
                    "name": max((len(n & query_terms) / len(n) for n in names), default=0.0),
                }
            )
        return rows

    def _coverage(self, index: LoadedIndex, query_tokens: list[str], group: int) -> float:
        """IDF-weighted share of the question's content words found in the document (any of its languages)."""
        terms = set(query_tokens)
        if not terms:
            return 0.0
        found: set[str] = set()
        for d in index.group_docs[group]:
            found |= terms & index.doc_tokens[d]
        weight = {t: index.idf.get(t, index.max_idf) for t in terms}
        total = sum(weight.values())
        return sum(weight[t] for t in found) / total if total else 0.0

    @staticmethod
    def _known(index: LoadedIndex, query_tokens: list[str]) -> float:
        """IDF-weighted share of the question's content words that occur anywhere in the documents."""
        terms = set(query_tokens)
        if not terms:
            return 0.0
        weight = {t: index.idf.get(t, index.max_idf) for t in terms}
        total = sum(weight.values())
        return sum(w for t, w in weight.items() if t in index.idf) / total if total else 0.0

    # --- answering -----------------------------------------------------------------------

    def answer(
        self,
        question: str,
        *,
        lang: str,
        audience: str = "customer",
        detail: bool = False,
        query_vector: FloatArray | None = None,
    ) -> Answer:
        """An extractive, answer-first reply: the sentence(s) or table row that answer, with sources.

        Abstains (`grounded=False`, empty text) when it is not confident. The text is in
        `lang` when the knowledge base has the document in `lang`, else in English when it
        has it in English; `Answer.language` says which. `query_vector` is the question's
        e5 query embedding when the caller already has it. No source line: the caller shows
        `sources`.
        """
        index = self.index()
        if not index.n_chunks or not question.strip():
            visible_audiences(audience)
            return Answer.abstain(lang)
        scored = self._score(index, question, audience, query_vector)
        analysis = self._analyse(index, scored, lang)
        if not analysis.candidates:
            return Answer.abstain(lang)
        confidence = analysis.confidence
        if confidence < self.models.threshold:
            return Answer.abstain(lang, confidence)
        group = analysis.candidates[0].group
        chunk = self._best_chunk(index, scored, group, lang)
        doc = int(index.chunk_doc[chunk])
        picked = self._pick_units(index, scored, doc, chunk, detail)
        if not picked:
            return Answer.abstain(lang, confidence)
        chunk_ids = sorted({c for c, _u in picked})
        passages = [index.chunk_texts[c] for c in chunk_ids]
        evidence = "\n".join(passages)
        texts = [index.chunk_units[c][u] for c, u in picked]
        texts = [t for t in texts if PLACEHOLDER not in t and not unsupported_numbers(t, evidence)]
        if not texts:
            return Answer.abstain(lang, confidence)
        text = _limit_words(" ".join(_sentence(t) for t in texts), DETAIL_MAX_WORDS if detail else MAX_WORDS)
        return Answer(
            text=text,
            sources=[Source(index.doc_ids[doc], index.doc_titles[doc], index.doc_langs[doc])],
            grounded=True,
            confidence=confidence,
            language=index.doc_langs[doc],
            passages=passages,
        )

    def _rank_units(
        self, index: LoadedIndex, scored: _Scored, doc: int, best_chunk: int
    ) -> list[tuple[float, int, int]]:
        """The answer candidates of one document, best first: (score, chunk, unit).

        A unit's score is its cosine with the question, plus its IDF-weighted overlap with the
        question's words (a heading's words count half), plus small bonuses: for stating a
        quantity when the question asks for one, and for being in the best passage.
        """
        terms = set(scored.query_tokens)
        weight = {t: index.idf.get(t, 0.0) for t in terms}
        total = sum(weight.values()) or 1.0
        wants_number = asks_for_quantity(scored.query)
        candidates: list[tuple[float, int, int]] = []
        for c in index.doc_chunks[doc]:
            if not scored.allowed[c]:
                continue
            start = int(index.chunk_unit_start[c])
            heading_terms = index.heading_tokens[c]
            for u, text in enumerate(index.chunk_units[c]):
                if PLACEHOLDER in text or word_count(text) < 2:
                    continue
                unit_terms = index.unit_tokens[start + u]
                overlap = sum(w for t, w in weight.items() if t in unit_terms)
                overlap += 0.5 * sum(w for t, w in weight.items() if t in heading_terms and t not in unit_terms)
                score = float(scored.unit_raw[start + u]) + UNIT_OVERLAP * overlap / total
                if wants_number:
                    plain = index.without_names(text)
                    if states_quantity(plain):
                        score += UNIT_NUMBER_BONUS
                    elif any(ch.isdigit() for ch in plain):
                        score += UNIT_NUMBER_BONUS / 2
                if c == best_chunk:
                    score += UNIT_BEST_CHUNK_BONUS
                candidates.append((score, c, u))
        candidates.sort(reverse=True)
        return candidates

    def _pick_units(
        self, index: LoadedIndex, scored: _Scored, doc: int, best_chunk: int, detail: bool
    ) -> list[tuple[int, int]]:
        """(chunk, unit) pairs of the answer, in document order."""
        candidates = self._rank_units(index, scored, doc, best_chunk)
        if not candidates:
            return []
        _score, c, u = candidates[0]
        if detail:
            return [(c, i) for i, t in enumerate(index.chunk_units[c]) if PLACEHOLDER not in t]
        picked = [(c, u)]
        words = word_count(index.chunk_units[c][u])
        units = index.chunk_units[c]
        if units[u].rstrip().endswith(":"):  # an introduction: the list that follows is the answer
            for i in range(u + 1, len(units)):
                if PLACEHOLDER in units[i] or words + word_count(units[i]) > MAX_WORDS:
                    break
                picked.append((c, i))
                words += word_count(units[i])
        return sorted(picked)


def question_features(
    candidates: list[dict[str, float]], scores: list[float], *, known: float, lang_known: float
) -> dict[str, float]:
    """The confidence model's features, from the candidates (best first by reranker score)."""
    if not candidates:
        return {}
    top = candidates[0]
    best_dense = max(c["dense"] for c in candidates)
    best_lexical = max(c["lexical"] for c in candidates)
    agree = 0.5 * float(top["dense"] >= best_dense) + 0.5 * float(best_lexical > 0 and top["lexical"] >= best_lexical)
    return {
        "top": scores[0],
        "margin": scores[0] - scores[1] if len(scores) > 1 else 5.0,
        "raw": top["raw"],
        "title": top["title"],
        "coverage": top["coverage"],
        "known": known,
        "lang_known": lang_known,
        "agree": agree,
    }


def _group_max(values: FloatArray, groups: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_], n: int) -> FloatArray:
    out = np.full(n, -1.0, dtype=np.float32)
    if values.size:
        np.maximum.at(out, groups[mask], values[mask])
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    return text if re.search(r"[.!?:…]$", text) else text + "."


def _limit_words(text: str, limit: int) -> str:
    words = text.split()
    if len(words) <= limit:
        return text
    cut = " ".join(words[:limit])
    boundary = max(cut.rfind(". "), cut.rfind("; "), cut.rfind(", "))
    if boundary > len(cut) // 2:
        cut = cut[: boundary + 1]
    return cut.rstrip(",;") + " …"


def detect(text: str) -> str:
    return detect_language(text)
