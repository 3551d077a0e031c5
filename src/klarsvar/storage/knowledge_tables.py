"""Tables of the knowledge base. Only `klarsvar.knowledge.repository` imports this module.

A document is one article in one language: `(doc_id, lang)` is unique, so the
translations of an article share a `doc_id`. Its chunks hold the text (tables
whole) and the answer units (sentences, list items, table rows) with their
embeddings as plain float32 bytes, searched in memory with numpy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from klarsvar.storage.tables import Base


class KbDocumentRow(Base):
    __tablename__ = "kb_documents"
    __table_args__ = (UniqueConstraint("doc_id", "lang", name="uq_kb_documents_doc_id_lang"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    lang: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    audience: Mapped[str] = mapped_column(String(16))  # customer | internal
    source: Mapped[str] = mapped_column(String(1000), index=True)  # the ingested folder
    path: Mapped[str] = mapped_column(String(1000))  # file path relative to `source`
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    title_vector: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KbChunkRow(Base):
    __tablename__ = "kb_chunks"
    __table_args__ = (UniqueConstraint("document_id", "seq", name="uq_kb_chunks_document_id_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("kb_documents.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    units: Mapped[list[Any]] = mapped_column()  # JSON list of answer units (str)
    unit_vectors: Mapped[bytes] = mapped_column(LargeBinary)  # len(units) x dim float32


class KbMetaRow(Base):
    __tablename__ = "kb_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
