"""The knowledge base: ingest documents, retrieve (BM25 + embeddings), answer extractively.

Public API::

    kb = KnowledgeBase(db)
    report = kb.ingest_dir(Path("helpcentre"), progress=None)
    hits = kb.search("how long does a refund take", lang="de", audience="customer", k=5)
    answer = kb.answer("Wie lange dauert eine Erstattung?", lang="de")
"""

from klarsvar.knowledge.base import KnowledgeBase
from klarsvar.knowledge.models import (
    AUDIENCES,
    CUSTOMER,
    INTERNAL,
    Answer,
    BrokenFile,
    Hit,
    IngestReport,
    Source,
)

__all__ = [
    "AUDIENCES",
    "CUSTOMER",
    "INTERNAL",
    "Answer",
    "BrokenFile",
    "Hit",
    "IngestReport",
    "KnowledgeBase",
    "Source",
]
