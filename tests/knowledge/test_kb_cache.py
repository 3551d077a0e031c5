"""The persistent embedding cache, the query LRU and a precomputed query vector (no model needed)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from klarsvar.knowledge import KnowledgeBase
from klarsvar.knowledge.embedding import (
    DIM,
    CachedEmbedder,
    EmbeddingCache,
    Matrix,
    Vector,
    cache_path,
    default_embedder,
    text_key,
)
from klarsvar.storage.database import Database
from knowledge.kb_corpus import write_corpus


class FakeEmbedder:
    """Deterministic unit vectors from the text's hash; counts what it embeds."""

    dim = DIM

    def __init__(self) -> None:
        self.passages_embedded: list[str] = []
        self.queries_embedded: list[str] = []

    @staticmethod
    def vector(text: str) -> Vector:
        seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        return np.asarray(v / np.linalg.norm(v), dtype=np.float32)

    def query(self, text: str) -> Vector:
        self.queries_embedded.append(text)
        return self.vector("query: " + text)

    def passages(self, texts: Sequence[str]) -> Matrix:
        self.passages_embedded.extend(texts)
        return np.vstack([self.vector(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)


def _db(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    db.migrate()
    return db


def test_a_new_database_reuses_the_cached_embeddings(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "kb", broken=False)
    cache_file = tmp_path / "cache" / "embeddings.sqlite"

    cold = FakeEmbedder()
    first = KnowledgeBase(_db(tmp_path / "one.db"), CachedEmbedder(cold, EmbeddingCache(cache_file))).ingest_dir(corpus)
    assert cold.passages_embedded and first.texts_from_cache == 0
    assert len(EmbeddingCache(cache_file)) == len(set(cold.passages_embedded))

    warm = FakeEmbedder()
    second_kb = KnowledgeBase(_db(tmp_path / "two.db"), CachedEmbedder(warm, EmbeddingCache(cache_file)))
    second = second_kb.ingest_dir(corpus)
    assert warm.passages_embedded == []  # nothing embedded again
    assert second.texts_from_cache == len(cold.passages_embedded)
    assert second.to_json()["texts_from_cache"] == second.texts_from_cache
    # the vectors are the ones computed the first time
    rows = second_kb.index()
    title = rows.doc_titles.index("Fees and interest")
    assert np.array_equal(rows.title_vectors[title], FakeEmbedder.vector("Fees and interest"))


def test_the_cache_is_keyed_by_the_exact_text(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    inner = FakeEmbedder()
    embedder = CachedEmbedder(inner, cache)
    embedder.passages(["Late fee: €7", "Late fee: €7", "late fee: €7"])
    assert inner.passages_embedded == ["Late fee: €7", "late fee: €7"]  # a repeat within a call is embedded once
    assert embedder.misses == 2 and embedder.hits == 0
    embedder.passages(["late fee: €7"])
    assert embedder.hits == 1 and len(inner.passages_embedded) == 2
    assert text_key("a") != text_key("a", "query") != text_key("a ")


def test_an_unusable_cache_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    embedder = CachedEmbedder(FakeEmbedder(), EmbeddingCache(blocker / "cache.sqlite"))
    assert embedder.passages(["one text"]).shape == (1, DIM)
    assert embedder.passages(["one text"]).shape == (1, DIM)
    assert embedder.misses == 2  # no cache: embedded each time, and no error


def test_the_default_embedder_keeps_its_cache_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLARSVAR_DATA_DIR", str(tmp_path))
    path = cache_path()
    assert path.parent == tmp_path / "cache" / "embeddings" and path.suffix == ".sqlite"
    embedder = default_embedder()
    assert embedder.cache is not None and embedder.cache.path == path
    assert default_embedder() is embedder  # one per process and folder


def test_repeated_questions_are_embedded_once() -> None:
    inner = FakeEmbedder()
    embedder = CachedEmbedder(inner, None, query_memo=2)
    first = embedder.query("How much is the late fee?")
    assert np.array_equal(embedder.query("How much is the late fee?"), first)
    assert inner.queries_embedded == ["How much is the late fee?"]
    embedder.query("two")
    embedder.query("three")  # the first one is evicted
    embedder.query("How much is the late fee?")
    assert inner.queries_embedded.count("How much is the late fee?") == 2


def test_a_precomputed_query_vector_is_not_embedded_again(tmp_path: Path) -> None:
    inner = FakeEmbedder()
    kb = KnowledgeBase(_db(tmp_path / "kb.db"), CachedEmbedder(inner, None))
    kb.ingest_dir(write_corpus(tmp_path / "kb", broken=False))
    question = "Wie lange werden Zahlungen nach einer Retoure pausiert?"
    vector = inner.query(question)
    inner.queries_embedded.clear()
    with_vector = kb.answer(question, lang="de", query_vector=vector)
    assert inner.queries_embedded == []
    without = kb.answer(question, lang="de")
    assert inner.queries_embedded == [question]
    assert (with_vector.text, with_vector.confidence) == (without.text, without.confidence)
