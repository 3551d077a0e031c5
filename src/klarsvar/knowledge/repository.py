"""Queries of the knowledge base (the only module that touches its tables)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from klarsvar.knowledge.models import ParsedDocument
from klarsvar.storage.knowledge_tables import KbChunkRow, KbDocumentRow, KbMetaRow

VERSION_KEY = "index_version"


@dataclass(frozen=True)
class StoredDocument:
    pk: int
    doc_id: str
    lang: str
    content_hash: str
    source: str
    path: str


@dataclass(frozen=True)
class IndexRows:
    """Everything the in-memory index needs, in a stable order."""

    documents: list[tuple[int, str, str, str, str, bytes]]  # pk, doc_id, lang, title, audience, title_vector
    # document pk, seq, heading, text, units, vectors: one float32 row per unit, then one for the whole chunk
    chunks: list[tuple[int, int, str, str, list[str], bytes]]


class KnowledgeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- index version -------------------------------------------------------------

    def index_version(self) -> str:
        value = self.session.scalar(select(KbMetaRow.value).where(KbMetaRow.key == VERSION_KEY))
        return value or ""

    def bump_version(self) -> str:
        version = uuid.uuid4().hex
        row = self.session.get(KbMetaRow, VERSION_KEY)
        if row is None:
            self.session.add(KbMetaRow(key=VERSION_KEY, value=version))
        else:
            row.value = version
        self.session.flush()
        return version

    # --- documents -----------------------------------------------------------------

    def stored_documents(self) -> dict[tuple[str, str], StoredDocument]:
        rows = self.session.execute(
            select(
                KbDocumentRow.id,
                KbDocumentRow.doc_id,
                KbDocumentRow.lang,
                KbDocumentRow.content_hash,
                KbDocumentRow.source,
                KbDocumentRow.path,
            )
        )
        return {
            (r.doc_id, r.lang): StoredDocument(r.id, r.doc_id, r.lang, r.content_hash, r.source, r.path) for r in rows
        }

    def save_document(
        self,
        doc: ParsedDocument,
        *,
        source: str,
        title_vector: bytes,
        unit_vectors: list[bytes],
        now: datetime,
        existing_pk: int | None,
    ) -> int:
        """Insert or replace one document and its chunks."""
        values: dict[str, Any] = {
            "doc_id": doc.doc_id,
            "lang": doc.lang,
            "title": doc.title[:500],
            "audience": doc.audience,
            "source": source,
            "path": doc.path,
            "content_hash": doc.content_hash,
            "content": doc.content,
            "title_vector": title_vector,
            "updated_at": now,
        }
        if existing_pk is None:
            row = KbDocumentRow(**values)
            self.session.add(row)
            self.session.flush()
            pk = row.id
        else:
            pk = existing_pk
            self.session.execute(delete(KbChunkRow).where(KbChunkRow.document_id == pk))
            self.session.execute(update(KbDocumentRow).where(KbDocumentRow.id == pk).values(**values))
        self.session.add_all(
            KbChunkRow(
                document_id=pk,
                seq=chunk.seq,
                heading=chunk.heading[:500],
                text=chunk.text,
                units=list(chunk.units),
                unit_vectors=vectors,
            )
            for chunk, vectors in zip(doc.chunks, unit_vectors, strict=True)
        )
        self.session.flush()
        return pk

    def delete_documents(self, pks: list[int]) -> None:
        if not pks:
            return
        self.session.execute(delete(KbChunkRow).where(KbChunkRow.document_id.in_(pks)))
        self.session.execute(delete(KbDocumentRow).where(KbDocumentRow.id.in_(pks)))

    def move_document(self, pk: int, *, source: str, path: str) -> None:
        """An unchanged document found in another folder or file: remember where it is now."""
        self.session.execute(update(KbDocumentRow).where(KbDocumentRow.id == pk).values(source=source, path=path))

    # --- reading ---------------------------------------------------------------------

    def index_rows(self) -> IndexRows:
        documents = [
            (r.id, r.doc_id, r.lang, r.title, r.audience, r.title_vector)
            for r in self.session.execute(
                select(
                    KbDocumentRow.id,
                    KbDocumentRow.doc_id,
                    KbDocumentRow.lang,
                    KbDocumentRow.title,
                    KbDocumentRow.audience,
                    KbDocumentRow.title_vector,
                ).order_by(KbDocumentRow.id)
            )
        ]
        chunks = [
            (r.document_id, r.seq, r.heading, r.text, list(r.units), r.unit_vectors)
            for r in self.session.execute(
                select(
                    KbChunkRow.document_id,
                    KbChunkRow.seq,
                    KbChunkRow.heading,
                    KbChunkRow.text,
                    KbChunkRow.units,
                    KbChunkRow.unit_vectors,
                ).order_by(KbChunkRow.document_id, KbChunkRow.seq)
            )
        ]
        return IndexRows(documents, chunks)

    def stats(self) -> dict[str, Any]:
        by_lang = dict(
            self.session.execute(select(KbDocumentRow.lang, func.count()).group_by(KbDocumentRow.lang)).tuples().all()
        )
        by_audience = dict(
            self.session.execute(select(KbDocumentRow.audience, func.count()).group_by(KbDocumentRow.audience))
            .tuples()
            .all()
        )
        sources = dict(
            self.session.execute(select(KbDocumentRow.source, func.count()).group_by(KbDocumentRow.source))
            .tuples()
            .all()
        )
        articles = self.session.scalar(select(func.count(func.distinct(KbDocumentRow.doc_id)))) or 0
        documents = self.session.scalar(select(func.count()).select_from(KbDocumentRow)) or 0
        chunks = self.session.scalar(select(func.count()).select_from(KbChunkRow)) or 0
        text_bytes = (self.session.scalar(select(func.sum(func.length(KbChunkRow.text)))) or 0) + (
            self.session.scalar(select(func.sum(func.length(KbDocumentRow.content)))) or 0
        )
        vector_bytes = (self.session.scalar(select(func.sum(func.length(KbChunkRow.unit_vectors)))) or 0) + (
            self.session.scalar(select(func.sum(func.length(KbDocumentRow.title_vector)))) or 0
        )
        return {
            "articles": int(articles),
            "documents": int(documents),
            "chunks": int(chunks),
            "by_language": {str(k): int(v) for k, v in sorted(by_lang.items())},
            "by_audience": {str(k): int(v) for k, v in sorted(by_audience.items())},
            "sources": {str(k): int(v) for k, v in sorted(sources.items())},
            "text_bytes": int(text_bytes),
            "vector_bytes": int(vector_bytes),
            "index_version": self.index_version(),
        }
