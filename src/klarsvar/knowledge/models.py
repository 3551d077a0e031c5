"""Value objects of the knowledge base (no storage, no web)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CUSTOMER = "customer"
INTERNAL = "internal"
AUDIENCES = (CUSTOMER, INTERNAL)


def visible_audiences(audience: str) -> frozenset[str]:
    """What a reader of `audience` may see: customers see customer text only; agents see all."""
    if audience == CUSTOMER:
        return frozenset({CUSTOMER})
    if audience == INTERNAL:
        return frozenset({CUSTOMER, INTERNAL})
    raise ValueError(f"unknown audience {audience!r} (expected one of {AUDIENCES})")


@dataclass(frozen=True)
class Chunk:
    """A section of a document: its heading, its text (tables whole) and its answer units."""

    seq: int
    heading: str
    text: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class ParsedDocument:
    doc_id: str
    lang: str
    title: str
    audience: str
    path: str  # relative to the ingested folder
    content: str  # the normalised text (Markdown-like) the chunks come from
    chunks: tuple[Chunk, ...]
    content_hash: str


@dataclass(frozen=True)
class BrokenFile:
    path: str
    reason: str


@dataclass
class IngestReport:
    source: str
    added: list[str] = field(default_factory=list)  # "doc_id (lang)"
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    broken: list[BrokenFile] = field(default_factory=list)
    skipped: list[BrokenFile] = field(default_factory=list)  # not a document (README, unknown type)
    chunks_embedded: int = 0
    units_embedded: int = 0
    texts_from_cache: int = 0  # titles and units found in the embedding cache (not embedded again)
    seconds: float = 0.0
    index_version: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "broken": [{"path": b.path, "reason": b.reason} for b in self.broken],
            "skipped": [{"path": b.path, "reason": b.reason} for b in self.skipped],
            "chunks_embedded": self.chunks_embedded,
            "units_embedded": self.units_embedded,
            "texts_from_cache": self.texts_from_cache,
            "seconds": round(self.seconds, 2),
            "index_version": self.index_version,
        }


@dataclass(frozen=True)
class Source:
    doc_id: str
    title: str
    lang: str


@dataclass(frozen=True)
class Hit:
    """One retrieved document, shown through its best passage (in the preferred language if it has one)."""

    doc_id: str
    lang: str
    title: str
    audience: str
    heading: str
    text: str
    score: float
    dense: float  # best unit cosine of the document for the query
    lexical: float  # BM25 of the shown passage

    @property
    def source(self) -> Source:
        return Source(self.doc_id, self.title, self.lang)


@dataclass(frozen=True)
class Answer:
    text: str
    sources: list[Source]
    grounded: bool
    confidence: float
    language: str
    passages: list[str] = field(default_factory=list)  # the cited passages the text was taken from

    @classmethod
    def abstain(cls, language: str, confidence: float = 0.0) -> Answer:
        return cls(text="", sources=[], grounded=False, confidence=confidence, language=language)
