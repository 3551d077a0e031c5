"""The knowledge base: ingest documents, retrieve (BM25 + embeddings), answer extractively.

Public API::

    kb = KnowledgeBase(db)
    report = kb.ingest_dir(Path("helpcentre"), progress=None)
    hits = kb.search("how long does a refund take", lang="de", audience="customer", k=5)
    answer = kb.answer("Wie lange dauert eine Erstattung?", lang="de")
    answer = kb.answer(text, lang="da", query_vector=vector)  # the question's e5 query embedding, if known

Answers are quoted from the documents (never composed), in the customer's language when the
article has a version in it, else from the English version (`Answer.language` says which), or
the knowledge base abstains. Embeddings of the documents are cached in the data directory
(`embedding.py`), so ingesting the same texts again embeds nothing.
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
