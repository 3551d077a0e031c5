"""The index round-trips through SQLite and PostgreSQL; the `klarsvar kb` commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from klarsvar.cli.main import app
from klarsvar.knowledge import KnowledgeBase
from klarsvar.knowledge.embedding import from_bytes
from klarsvar.knowledge.index import clear_cache
from klarsvar.knowledge.repository import KnowledgeRepository
from klarsvar.storage.database import Database
from knowledge.kb_corpus import MemoEmbedder, write_corpus


def test_index_round_trip(db: Database, tmp_path: Path, embedder: MemoEmbedder) -> None:
    corpus = write_corpus(tmp_path / "kb", broken=False)
    kb = KnowledgeBase(db, embedder)
    report = kb.ingest_dir(corpus)
    assert len(report.added) == 8

    with db.session() as session:
        rows = KnowledgeRepository(session).index_rows()
    assert len(rows.documents) == 8
    stored = {(doc_id, lang): title for _pk, doc_id, lang, title, _aud, _vec in rows.documents}
    assert stored[("returns", "de")] == "Retouren"
    # vectors come back bit for bit
    chunk = next(c for c in rows.chunks if c[4] and c[4][0].startswith("A late fee of €7"))
    vectors = from_bytes(chunk[5])
    assert vectors.shape == (len(chunk[4]) + 1, 384)  # one row per unit, then the chunk embedded whole
    assert np.array_equal(vectors[:-1], np.vstack([embedder.passage_vector(u) for u in chunk[4]]))
    assert np.array_equal(vectors[-1], embedder.passage_vector(f"Fees and interest › Late fees\n{chunk[3]}"))

    clear_cache()
    hits = kb.search("How much is the late fee?", k=3)
    assert hits[0].doc_id == "fees"
    assert kb.answer("How much is the late fee?", lang="en").text.startswith("A late fee of €7")

    again = kb.ingest_dir(corpus)
    assert len(again.unchanged) == 8 and not again.changed
    stats = kb.stats()
    assert stats["documents"] == 8 and stats["vector_bytes"] > 0


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KLARSVAR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("KLARSVAR_DATA_DIR", str(tmp_path))
    return write_corpus(tmp_path / "kb")


def test_cli_ingest_search_stats(cli_env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "ingest", str(cli_env)])
    assert result.exit_code == 0, result.output
    assert "junk.md" in result.output and "truncated.pdf" in result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["added"] == 8 and len(report["broken"]) == 4

    result = runner.invoke(app, ["kb", "search", "How much is the late fee?", "--answer"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["hits"][0]["doc_id"] == "fees"
    assert out["answer"]["grounded"] and "7" in out["answer"]["text"]

    result = runner.invoke(app, ["kb", "stats"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 8

    result = runner.invoke(app, ["kb", "search", "late fee", "--audience", "everyone"])
    assert result.exit_code == 2


def test_cli_ingest_refuses_a_missing_folder(cli_env: Path) -> None:
    result = CliRunner().invoke(app, ["kb", "ingest", str(cli_env / "missing")])
    assert result.exit_code == 2
