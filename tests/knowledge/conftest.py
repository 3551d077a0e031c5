"""Fixtures of the knowledge-base tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.kb_corpus import MemoEmbedder, write_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "kb")


@pytest.fixture
def embedder() -> MemoEmbedder:
    return MemoEmbedder()
