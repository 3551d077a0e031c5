"""The in-memory search index: built from the database once per index version.

Vectors are read from plain columns into one numpy matrix; BM25 (bm25s) is
rebuilt from the chunk texts. A process-wide cache keyed by `(database URL,
index version)` keeps the loaded index, so a search costs one small query (the
version) plus the arithmetic.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from klarsvar.knowledge.embedding import DIM, Matrix, from_bytes
from klarsvar.knowledge.repository import IndexRows
from klarsvar.knowledge.text import PLACEHOLDER, stated_kinds, states_quantity, tokens

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


def matvec(matrix: Matrix, vector: FloatArray) -> FloatArray:
    """`matrix @ vector` in one thread: a multi-threaded BLAS call costs several times more on a
    busy machine (measured 9 ms against 1 ms for 12,000 × 384 on two loaded cores)."""
    if not matrix.size:
        return np.zeros(matrix.shape[0], dtype=np.float32)
    return np.asarray(np.einsum("ij,j->i", matrix, np.asarray(vector, dtype=np.float32)), dtype=np.float32)


@dataclass
class LoadedIndex:
    version: str
    # documents (one per doc_id + lang)
    doc_ids: list[str]
    doc_langs: list[str]
    doc_titles: list[str]
    doc_audiences: list[str]
    doc_group: IntArray  # document → article (doc_id) index
    doc_tokens: list[frozenset[str]]
    doc_names: list[frozenset[str]]  # the words of the title's name part ("Silver Rewards Card: …")
    doc_title_tokens: list[frozenset[str]]
    names: dict[frozenset[str], list[int]]  # name (of two or more words) → the documents it names
    title_vectors: Matrix
    # articles (one per doc_id)
    group_ids: list[str]
    group_docs: list[list[int]]
    # chunks
    chunk_doc: IntArray
    chunk_group: IntArray
    chunk_headings: list[str]
    heading_tokens: list[frozenset[str]]
    chunk_texts: list[str]
    chunk_vectors: Matrix  # each chunk embedded whole (zeros when the index predates them)
    chunk_units: list[list[str]]
    chunk_unit_start: IntArray
    chunk_unit_count: IntArray
    doc_chunks: list[list[int]]
    # units
    unit_vectors: Matrix
    unit_chunk: IntArray
    unit_group: IntArray
    unit_doc: IntArray
    unit_tokens: list[frozenset[str]]
    unit_texts: list[str]
    unit_usable: npt.NDArray[np.bool_]  # long enough to quote, no placeholder
    unit_quantity: FloatArray  # 1: states an amount, rate or duration; 0.5: has digits; 0: neither (names aside)
    unit_kinds: list[frozenset[str]]  # the kinds of number it states (text.stated_kinds, names aside)
    unit_postings: dict[str, IntArray]  # token → the units that contain it
    heading_postings: dict[str, IntArray]  # token → the chunks whose heading contains it
    unit_lang: IntArray  # language of each unit's document (index into `languages`)
    unit_centres: Matrix  # per language: the mean unit vector (see `centred`)
    chunk_centres: Matrix
    title_centres: Matrix
    chunk_lang: IntArray
    doc_lang_index: IntArray
    languages: list[str]
    # lexical
    bm25: object | None
    idf: dict[str, float]
    max_idf: float  # the weight of a word the documents do not contain
    number_names: re.Pattern[str] | None  # short document titles with a number ("Pay in 4"): names, not quantities
    _vocabularies: dict[bytes, frozenset[str]] = field(default_factory=dict)

    def vocabulary(self, doc_mask: npt.NDArray[np.bool_]) -> frozenset[str]:
        """The tokens of the documents in `doc_mask` (remembered per mask: one per audience)."""
        key = doc_mask.tobytes()
        found = self._vocabularies.get(key)
        if found is None:
            found = frozenset().union(*(self.doc_tokens[d] for d in np.flatnonzero(doc_mask)))
            self._vocabularies[key] = found
        return found

    def without_names(self, text: str) -> str:
        return self.number_names.sub(" ", text) if self.number_names is not None else text

    @property
    def n_chunks(self) -> int:
        return len(self.chunk_texts)

    def audience_mask(self, visible: frozenset[str]) -> npt.NDArray[np.bool_]:
        doc_ok = np.array([a in visible for a in self.doc_audiences], dtype=bool)
        if not len(doc_ok):
            return np.zeros(0, dtype=bool)
        return np.asarray(doc_ok[self.chunk_doc], dtype=bool)

    def bm25_scores(self, query_tokens: list[str]) -> FloatArray:
        if self.bm25 is None or not query_tokens:
            return np.zeros(self.n_chunks, dtype=np.float32)
        known = [t for t in query_tokens if t in self.idf]
        if not known:
            return np.zeros(self.n_chunks, dtype=np.float32)
        scores = self.bm25.get_scores(known)  # type: ignore[attr-defined]
        return np.asarray(scores, dtype=np.float32)

    def centred(self, sims: FloatArray, langs: IntArray, centres: Matrix, query_vector: FloatArray) -> FloatArray:
        """Similarities minus the mean similarity of their language.

        A multilingual encoder scores any passage in the question's language a little
        higher than a passage on the same topic in another language; taking off each
        language's mean leaves how far a passage stands out from its background. The mean
        similarity is the similarity with the language's mean vector (`centres`), so it
        costs one small product, not a pass over the passages.
        """
        if not sims.size:
            return sims
        return (sims - matvec(centres, query_vector)[langs]).astype(np.float32)

    def chunk_dense(self, query_vector: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(best centred unit similarity per chunk, centred and plain similarity of every unit)."""
        raw = matvec(self.unit_vectors, query_vector)
        unit_sims = self.centred(raw, self.unit_lang, self.unit_centres, query_vector)
        best = np.full(self.n_chunks, -1.0, dtype=np.float32)
        has = self.chunk_unit_count > 0
        if unit_sims.size:
            starts = self.chunk_unit_start[has]
            best[has] = np.maximum.reduceat(unit_sims, starts)
        return best, unit_sims, raw

    def whole_chunk_dense(self, query_vector: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(centred, plain) similarity of each chunk embedded whole."""
        raw = matvec(self.chunk_vectors, query_vector)
        return self.centred(raw, self.chunk_lang, self.chunk_centres, query_vector), raw

    def title_dense(self, query_vector: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(centred, plain) similarity of each document's title."""
        raw = matvec(self.title_vectors, query_vector)
        return self.centred(raw, self.doc_lang_index, self.title_centres, query_vector), raw


def build_index(version: str, rows: IndexRows) -> LoadedIndex:
    doc_pos = {pk: i for i, (pk, *_rest) in enumerate(rows.documents)}
    doc_ids = [d[1] for d in rows.documents]
    groups: dict[str, int] = {}
    doc_group = np.array([groups.setdefault(doc_id, len(groups)) for doc_id in doc_ids], dtype=np.int64)
    group_docs: list[list[int]] = [[] for _ in groups]
    for i, g in enumerate(doc_group):
        group_docs[int(g)].append(i)
    title_vectors = (
        np.vstack([from_bytes(d[5]) for d in rows.documents]) if rows.documents else np.zeros((0, DIM), np.float32)
    )

    chunk_doc: list[int] = []
    headings: list[str] = []
    texts: list[str] = []
    units: list[list[str]] = []
    starts: list[int] = []
    counts: list[int] = []
    vectors: list[Matrix] = []
    chunk_vectors: list[npt.NDArray[np.float32]] = []
    unit_chunk: list[int] = []
    doc_chunks: list[list[int]] = [[] for _ in rows.documents]
    offset = 0
    for doc_pk, _seq, heading, text, chunk_units, blob in rows.chunks:
        d = doc_pos[doc_pk]
        c = len(texts)
        doc_chunks[d].append(c)
        chunk_doc.append(d)
        headings.append(heading)
        texts.append(text)
        matrix = from_bytes(blob) if blob else np.zeros((0, DIM), np.float32)
        n = min(len(chunk_units), matrix.shape[0])
        # the row after the units is the whole chunk's vector (absent in indexes made before chunker 3)
        chunk_vectors.append(matrix[n] if matrix.shape[0] > len(chunk_units) else np.zeros(DIM, np.float32))
        units.append(chunk_units[:n])
        starts.append(offset)
        counts.append(n)
        vectors.append(matrix[:n])
        unit_chunk.extend([c] * n)
        offset += n
    chunk_doc_arr = np.array(chunk_doc, dtype=np.int64)
    unit_matrix = np.vstack(vectors) if vectors else np.zeros((0, DIM), np.float32)

    titles = [d[3] for d in rows.documents]
    chunk_tokens = [tokens(f"{titles[d]}\n{h}\n{t}") for d, h, t in zip(chunk_doc, headings, texts, strict=True)]
    df: Counter[str] = Counter()
    for toks in chunk_tokens:
        df.update(set(toks))
    n = max(1, len(chunk_tokens))
    idf = {t: math.log(1.0 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
    doc_token_sets: list[set[str]] = [set() for _ in rows.documents]
    for d, toks in zip(chunk_doc, chunk_tokens, strict=True):
        doc_token_sets[d].update(toks)
    bm25 = None
    if chunk_tokens and any(chunk_tokens):
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index([t or ["∅"] for t in chunk_tokens], show_progress=False)

    unit_texts = [u for chunk in units for u in chunk]
    unit_token_sets = [frozenset(tokens(u)) for u in unit_texts]
    number_names = _names_pattern(titles)
    plain = [number_names.sub(" ", u) if number_names is not None else u for u in unit_texts]
    heading_token_sets = [frozenset(tokens(h)) for h in headings]
    doc_names = [frozenset(tokens(title_name(t))) for t in titles]
    names_index: dict[frozenset[str], list[int]] = {}
    for d, name in enumerate(doc_names):
        if len(name) > 1:
            names_index.setdefault(name, []).append(d)
    languages = sorted(set(d[2] for d in rows.documents))
    lang_pos = {lang: i for i, lang in enumerate(languages)}
    doc_lang_index = np.array([lang_pos[d[2]] for d in rows.documents], dtype=np.int64)
    unit_chunk_arr = np.array(unit_chunk, dtype=np.int64)
    chunk_lang = doc_lang_index[chunk_doc_arr] if len(chunk_doc_arr) else np.zeros(0, dtype=np.int64)
    chunk_matrix = np.vstack(chunk_vectors) if chunk_vectors else np.zeros((0, DIM), np.float32)
    unit_lang = doc_lang_index[chunk_doc_arr[unit_chunk_arr]] if unit_chunk else np.zeros(0, dtype=np.int64)
    group_arr = doc_group[chunk_doc_arr] if len(chunk_doc_arr) else np.zeros(0, dtype=np.int64)
    return LoadedIndex(
        version=version,
        doc_ids=doc_ids,
        doc_langs=[d[2] for d in rows.documents],
        doc_titles=titles,
        doc_audiences=[d[4] for d in rows.documents],
        doc_group=doc_group,
        doc_tokens=[frozenset(s) for s in doc_token_sets],
        doc_names=doc_names,
        doc_title_tokens=[frozenset(tokens(t)) for t in titles],
        names=names_index,
        title_vectors=title_vectors,
        group_ids=list(groups),
        group_docs=group_docs,
        chunk_doc=chunk_doc_arr,
        chunk_group=group_arr,
        chunk_headings=headings,
        heading_tokens=heading_token_sets,
        chunk_texts=texts,
        chunk_vectors=chunk_matrix,
        chunk_units=units,
        chunk_unit_start=np.array(starts, dtype=np.int64),
        chunk_unit_count=np.array(counts, dtype=np.int64),
        doc_chunks=doc_chunks,
        unit_vectors=unit_matrix,
        unit_chunk=unit_chunk_arr,
        unit_group=group_arr[unit_chunk_arr] if unit_chunk else np.zeros(0, dtype=np.int64),
        unit_doc=chunk_doc_arr[unit_chunk_arr] if unit_chunk else np.zeros(0, dtype=np.int64),
        unit_tokens=unit_token_sets,
        unit_texts=unit_texts,
        unit_usable=np.array([PLACEHOLDER not in u and quotable(u) for u in unit_texts], dtype=bool),
        unit_quantity=np.array(
            [1.0 if states_quantity(p) else 0.5 if any(ch.isdigit() for ch in p) else 0.0 for p in plain],
            dtype=np.float32,
        ),
        unit_kinds=[stated_kinds(p) for p in plain],
        unit_postings=_postings(unit_token_sets),
        heading_postings=_postings(heading_token_sets),
        unit_lang=unit_lang,
        unit_centres=_centres(unit_matrix, unit_lang, len(languages)),
        chunk_centres=_centres(chunk_matrix, chunk_lang, len(languages)),
        title_centres=_centres(title_vectors, doc_lang_index, len(languages)),
        chunk_lang=chunk_lang,
        doc_lang_index=doc_lang_index,
        languages=languages,
        bm25=bm25,
        idf=idf,
        max_idf=max(idf.values(), default=1.0),
        number_names=number_names,
    )


def quotable(unit: str) -> bool:
    """Long enough to quote on its own: two words, or for scripts written without spaces
    (Chinese, Japanese) six characters."""
    return len(unit.split()) >= 2 or len(unit.strip()) >= 6


def _centres(vectors: Matrix, langs: IntArray, n_languages: int) -> Matrix:
    out = np.zeros((n_languages, DIM), dtype=np.float32)
    for lang in range(n_languages):
        rows = vectors[langs == lang] if len(langs) else vectors[:0]
        if len(rows):
            out[lang] = rows.mean(axis=0)
    return out


def _postings(token_sets: list[frozenset[str]]) -> dict[str, IntArray]:
    lists: dict[str, list[int]] = {}
    for i, toks in enumerate(token_sets):
        for t in toks:
            lists.setdefault(t, []).append(i)
    return {t: np.array(ids, dtype=np.int64) for t, ids in lists.items()}


def title_name(title: str) -> str:
    """The name part of a title: "Silver Rewards Card: Travel insurance" → "Silver Rewards Card"."""
    head = re.split(r"\s*[:|–—]\s+|\s+-\s+", title, maxsplit=1)[0]
    return head if len(tokens(head)) > 1 else title  # "FAQ: Purple Account" is named by all of it


def _names_pattern(titles: list[str]) -> re.Pattern[str] | None:
    names = sorted({t for t in titles if len(t.split()) <= 5 and any(ch.isdigit() for ch in t)}, key=len, reverse=True)
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)


_CACHE: dict[tuple[str, str], LoadedIndex] = {}
_LOCK = threading.Lock()
_CACHE_SIZE = 4


def cached_index(key: tuple[str, str], load: Callable[[], IndexRows]) -> LoadedIndex:
    """The index for `(database URL, version)`, loading it at most once per process."""
    index = _CACHE.get(key)
    if index is not None:
        return index
    with _LOCK:
        index = _CACHE.get(key)
        if index is None:
            index = build_index(key[1], load())
            for old in [k for k in _CACHE if k[0] == key[0]]:
                del _CACHE[old]  # an older version of the same database
            while len(_CACHE) >= _CACHE_SIZE:
                del _CACHE[next(iter(_CACHE))]
            _CACHE[key] = index
    return index


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
