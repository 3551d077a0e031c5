"""Ingestion: every format, broken files, re-ingest, one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from klarsvar.knowledge import KnowledgeBase
from klarsvar.knowledge.chunking import chunk_document
from klarsvar.knowledge.repository import KnowledgeRepository
from klarsvar.storage.database import Database
from knowledge.kb_corpus import FEES_EN, MemoEmbedder


def test_every_format_is_ingested_and_broken_files_are_reported(
    sqlite_db: Database, corpus: Path, embedder: MemoEmbedder
) -> None:
    kb = KnowledgeBase(sqlite_db, embedder)
    calls: list[tuple[int, int, str]] = []
    report = kb.ingest_dir(corpus, progress=lambda done, total, doc: calls.append((done, total, doc)))

    assert sorted(report.added) == sorted(
        [
            "returns (en)",
            "returns (de)",
            "fees (en)",
            "internal-fee-goodwill (en)",
            "gift-cards.html (en)",
            "card-delivery.pdf (en)",
            "doc_checking_purple_002 (en)",
            "doc_internal_pin_001 (en)",
        ]
    )
    broken = {b.path: b.reason for b in report.broken}
    assert set(broken) == {"truncated.pdf", "invalid.json", "junk.md", "empty.md"}
    assert "truncated" in broken["truncated.pdf"]
    assert "JSON" in broken["invalid.json"]
    assert "empty" in broken["empty.md"]
    assert [s.path for s in report.skipped] == ["README.md"]
    assert calls and calls[-1][0] == calls[-1][1]  # progress reached the end

    stats = kb.stats()
    assert stats["documents"] == 8
    assert stats["articles"] == 7  # returns in two languages is one article
    assert stats["by_audience"] == {"customer": 6, "internal": 2}


def test_translations_share_the_doc_id(sqlite_db: Database, corpus: Path, embedder: MemoEmbedder) -> None:
    kb = KnowledgeBase(sqlite_db, embedder)
    kb.ingest_dir(corpus)
    index = kb.index()
    langs = sorted(lang for doc_id, lang in zip(index.doc_ids, index.doc_langs, strict=True) if doc_id == "returns")
    assert langs == ["de", "en"]


def test_reingest_touches_only_changed_documents(sqlite_db: Database, corpus: Path, embedder: MemoEmbedder) -> None:
    kb = KnowledgeBase(sqlite_db, embedder)
    first = kb.ingest_dir(corpus)

    embedder.embedded.clear()
    again = kb.ingest_dir(corpus)
    assert again.added == again.updated == again.removed == []
    assert len(again.unchanged) == 8
    assert embedder.embedded == []
    assert again.index_version == first.index_version  # nothing changed: the cached index stays valid

    (corpus / "en" / "fees.md").write_text(FEES_EN.replace("€7", "€9"), encoding="utf-8")
    (corpus / "gift-cards.html").unlink()
    third = kb.ingest_dir(corpus)
    assert third.updated == ["fees (en)"]
    assert third.removed == ["gift-cards.html (en)"]
    assert third.added == []
    # only the changed document: its title, its units and its chunks embedded whole (which start with the title)
    whole = {t for t in embedder.embedded if t.startswith("Fees and interest")}
    assert set(embedder.embedded) - whole <= {
        *(u for c in chunk_document(FEES_EN, "") for u in c.units),
        "A late fee of €9 may be charged once per missed payment.",
    }
    assert any("€9" in t for t in whole)
    assert third.index_version != first.index_version
    assert kb.stats()["documents"] == 7


def test_a_broken_file_keeps_its_previous_version(sqlite_db: Database, corpus: Path, embedder: MemoEmbedder) -> None:
    kb = KnowledgeBase(sqlite_db, embedder)
    kb.ingest_dir(corpus)
    (corpus / "rho" / "purple.json").write_text('{"id": "doc_checking_purple_002", "content": ', encoding="utf-8")
    report = kb.ingest_dir(corpus)
    assert "rho/purple.json" in {b.path for b in report.broken}
    assert report.removed == []
    assert any(h.doc_id == "doc_checking_purple_002" for h in kb.search("Purple Account monthly maintenance fee"))


def test_a_failed_ingest_leaves_the_previous_index_intact(
    sqlite_db: Database, corpus: Path, embedder: MemoEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = KnowledgeBase(sqlite_db, embedder)
    first = kb.ingest_dir(corpus)
    before = kb.stats()
    hits_before = [(h.doc_id, h.text) for h in kb.search("late fee")]

    (corpus / "en" / "fees.md").write_text(FEES_EN.replace("€7", "€9"), encoding="utf-8")
    (corpus / "new.md").write_text(
        "---\nid: new\ntitle: New\nlang: en\n---\n# New\n\nA new article.\n", encoding="utf-8"
    )
    original = KnowledgeRepository.save_document
    calls = {"n": 0}

    def failing(self: KnowledgeRepository, *args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(KnowledgeRepository, "save_document", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        kb.ingest_dir(corpus)

    assert calls["n"] == 2  # the first document was written, then rolled back
    assert kb.stats() == before
    assert kb.stats()["index_version"] == first.index_version
    assert [(h.doc_id, h.text) for h in kb.search("late fee")] == hits_before


def test_chunks_follow_headings_and_keep_tables_whole() -> None:
    text = (
        "Intro sentence one. Intro sentence two.\n\n"
        "## Prices\n\n| Plan | Price |\n|---|---|\n| Small | €5 |\n| Large | €9 |\n\n"
        "## Rules\n\n### Returns\n\nReturns within 30 days.\n\n- First item\n- Second item\n"
    )
    chunks = chunk_document(text, "Title")
    assert [c.heading for c in chunks] == ["Title", "Prices", "Rules › Returns"]
    assert chunks[1].text == "| Plan | Price |\n|---|---|\n| Small | €5 |\n| Large | €9 |"
    assert chunks[1].units == ("Small: €5", "Large: €9")
    assert chunks[2].units == ("Returns within 30 days.", "First item", "Second item")
    assert chunks[0].units == ("Intro sentence one.", "Intro sentence two.")


def test_a_long_section_is_split_between_blocks_never_inside_a_table() -> None:
    paragraph = " ".join(["word"] * 150) + "."
    table = "\n".join(["| a | b |", "|---|---|", *[f"| row {i} | {' '.join(['x'] * 20)} |" for i in range(12)]])
    chunks = chunk_document(f"## Long\n\n{paragraph}\n\n{table}\n\n{paragraph}\n", "T")
    assert len(chunks) == 3
    assert chunks[1].text == table


def test_ingest_refuses_a_missing_folder(sqlite_db: Database, tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        KnowledgeBase(sqlite_db, MemoEmbedder()).ingest_dir(tmp_path / "missing")
