"""`KnowledgeBase`: ingest a folder, search it, answer from it (grounded or silent)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from klarsvar.knowledge import ranking
from klarsvar.knowledge.chunking import chunk_passage
from klarsvar.knowledge.embedding import CachedEmbedder, Embedder, default_embedder, to_bytes
from klarsvar.knowledge.index import LoadedIndex, cached_index
from klarsvar.knowledge.loaders import load_dir
from klarsvar.knowledge.models import Answer, Hit, IngestReport, ParsedDocument, Source, visible_audiences
from klarsvar.knowledge.ranking import Analysis, Scored, score_query
from klarsvar.knowledge.repository import IndexRows, KnowledgeRepository
from klarsvar.knowledge.scoring import Models, load_models
from klarsvar.knowledge.text import (
    PLACEHOLDER,
    detect_language,
    tokens,
    unsupported_numbers,
    without_words,
    word_count,
)
from klarsvar.storage.database import Database

Progress = Callable[[int, int, str], None]
FloatArray = npt.NDArray[np.float32]

MAX_WORDS = 60
DETAIL_MAX_WORDS = 200
EMBED_BATCH = 64
VERSION_CHECK_SECONDS = 1.0
_VERSIONS: dict[str, tuple[float, str]] = {}  # database URL → (when read, index version)


class KnowledgeBase:
    """Retrieval and answering are in `ranking` (with the models of `scoring`); this class
    holds the database, the embedder and the models, and turns the decision into an `Answer`."""

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
        _VERSIONS.pop(self.db.url, None)
        report.seconds = time.perf_counter() - started
        return report

    def _embed(self, docs: list[ParsedDocument], progress: Progress | None) -> list[tuple[bytes, list[bytes]]]:
        """Title, unit and chunk vectors of each document, embedded in batches across documents.

        Per chunk, the stored matrix is its units' vectors followed by one row for the whole
        chunk (`chunk_passage`). `progress(done, total, doc_id)` counts the texts embedded so far.
        """
        texts: list[str] = []
        owner: list[str] = []
        for doc in docs:
            texts.append(doc.title)
            for chunk in doc.chunks:
                texts.extend(chunk.units)
                texts.append(chunk_passage(doc.title, chunk))
            owner.extend([doc.doc_id] * (len(texts) - len(owner)))
        vectors = np.zeros((len(texts), self.embedder.dim), dtype=np.float32)
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
                per_chunk.append(to_bytes(vectors[pos : pos + len(chunk.units) + 1]))
                pos += len(chunk.units) + 1
            out.append((title_vector, per_chunk))
        return out

    # --- the loaded index ---------------------------------------------------------------

    def index(self) -> LoadedIndex:
        """The in-memory index of the current version (loaded once per version and process).

        The version is read from the database at most every VERSION_CHECK_SECONDS (an ingest
        in this process is seen at once; one in another process within that time).
        """
        seen = _VERSIONS.get(self.db.url)
        now = time.monotonic()
        if seen is not None and now - seen[0] < VERSION_CHECK_SECONDS:
            version = seen[1]
        else:
            with self.db.session() as session:
                version = KnowledgeRepository(session).index_version()
            _VERSIONS[self.db.url] = (now, version)

        def load() -> IndexRows:
            with self.db.session() as session:
                return KnowledgeRepository(session).index_rows()

        # The version is a fresh uuid per ingest, so it names the content: copies of one database
        # (the scenario runner's per-scenario worlds) share one loaded index.
        return cached_index(("index", version), load)

    def stats(self) -> dict[str, object]:
        with self.db.session() as session:
            return KnowledgeRepository(session).stats()

    # --- search ------------------------------------------------------------------------

    def _score(self, index: LoadedIndex, query: str, audience: str, query_vector: FloatArray | None) -> Scored:
        visible = visible_audiences(audience)  # raises on an unknown audience
        q = self.embedder.query(query) if query_vector is None else np.asarray(query_vector, dtype=np.float32)
        names, named = ranking.named_articles(index, query)
        attr = None
        if names:  # also ask without the product's name: which of its sentences answers, not which mention it
            rest = without_words(query, frozenset().union(*names))
            if rest != query and tokens(rest):
                attr = self.embedder.query(rest)
        return score_query(index, query, q.reshape(-1), index.audience_mask(visible), attr, named)

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
        analysis = ranking.analyse(index, scored, lang, self.models)
        ordered = analysis.ranked_groups()
        seen = set(ordered)
        groups = ordered + [g for g in ranking.ranked_groups(index, scored) if g not in seen]
        hits = []
        for group in groups[:k]:
            chunk = ranking.best_chunk(index, scored, group, lang)
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

    def analyse(
        self,
        question: str,
        *,
        lang: str,
        audience: str = "customer",
        query_vector: FloatArray | None = None,
    ) -> tuple[LoadedIndex, Analysis]:
        """What `answer` decides on: the candidate articles and units with their features and
        scores, and the confidence (used by `bench.kb.fit` to fit the models)."""
        index = self.index()
        if not index.n_chunks or not question.strip():
            visible_audiences(audience)
            return index, ranking.EMPTY
        return index, ranking.analyse(index, self._score(index, question, audience, query_vector), lang, self.models)

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
        analysis = ranking.analyse(index, scored, lang, self.models)
        confidence = analysis.confidence
        if analysis.best is None or confidence < self.models.threshold:
            return Answer.abstain(lang, confidence)
        units = ranking.answer_units(index, scored, analysis, lang, self.models)
        if not units:
            return Answer.abstain(lang, confidence)
        doc = units[0].doc
        picked = self._pick_units(index, units[0], detail)
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

    @staticmethod
    def _pick_units(index: LoadedIndex, best: ranking.UnitCandidate, detail: bool) -> list[tuple[int, int]]:
        """(chunk, unit) pairs of the answer, in document order: the best unit, and the list
        it introduces when it ends with a colon; with `detail`, its whole passage."""
        c = best.chunk
        u = best.unit - int(index.chunk_unit_start[c])
        units = index.chunk_units[c]
        if detail:
            return [(c, i) for i, t in enumerate(units) if PLACEHOLDER not in t]
        picked = [(c, u)]
        words = word_count(units[u])
        if units[u].rstrip().endswith(":"):  # an introduction: the list that follows is the answer
            for i in range(u + 1, len(units)):
                if PLACEHOLDER in units[i] or words + word_count(units[i]) > MAX_WORDS:
                    break
                picked.append((c, i))
                words += word_count(units[i])
        return sorted(picked)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if re.search(r"[.!?:…。！？؟।]$", text) else text + "."


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
