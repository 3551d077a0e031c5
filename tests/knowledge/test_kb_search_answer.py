"""Retrieval and answers: audience, cross-lingual, language preference, abstention, grounding."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from klarsvar.knowledge import KnowledgeBase
from klarsvar.knowledge.text import PLACEHOLDER, numbers, unsupported_numbers
from klarsvar.storage.database import Database
from knowledge.kb_corpus import MemoEmbedder


@pytest.fixture
def kb(sqlite_db: Database, corpus: Path, embedder: MemoEmbedder) -> KnowledgeBase:
    base = KnowledgeBase(sqlite_db, embedder)
    base.ingest_dir(corpus)
    return base


INTERNAL_QUESTIONS = [
    "Who may waive a late fee as goodwill?",
    "supervisor goodwill request",
    "PIN lock fraud risk score escalation security team",
]


@pytest.mark.parametrize("question", INTERNAL_QUESTIONS)
def test_internal_documents_never_reach_a_customer(kb: KnowledgeBase, question: str) -> None:
    hits = kb.search(question, k=20)  # the default audience is customer
    assert hits
    assert all(h.audience == "customer" for h in hits)
    assert not {h.doc_id for h in hits} & {"internal-fee-goodwill", "doc_internal_pin_001"}
    answer = kb.answer(question, lang="en")
    assert "supervisor" not in answer.text.lower()
    assert all(not s.doc_id.startswith(("internal", "doc_internal")) for s in answer.sources)


def test_agents_see_internal_documents(kb: KnowledgeBase) -> None:
    hits = kb.search("Who may waive a late fee as goodwill?", audience="internal", k=3)
    assert hits[0].doc_id == "internal-fee-goodwill"
    answer = kb.answer("Who may waive a late fee as goodwill?", lang="en", audience="internal")
    assert answer.grounded and "supervisor" in answer.text


def test_an_unknown_audience_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="audience"):
        kb.search("late fee", audience="everyone")


def test_a_german_question_finds_the_english_only_document(kb: KnowledgeBase) -> None:
    question = "Wie lange kann ich einen Geschenkgutschein einlösen?"
    hits = kb.search(question, lang="de")
    gift = next(h for h in hits[:2] if h.doc_id == "gift-cards.html")  # five documents: a close call with returns
    assert gift.lang == "en"  # no German version: the English passage
    assert "24 months" in gift.text
    # Answering across languages is conservative (the lexical evidence is missing), but when it
    # answers, it quotes the English passage and says so.
    answer = kb.answer(question, lang="de")
    if answer.grounded:
        assert answer.language == "en" and "24" in answer.text
        assert answer.sources[0].doc_id == "gift-cards.html"


def test_an_english_question_finds_the_german_passage_when_asked_in_german(kb: KnowledgeBase) -> None:
    hits = kb.search("How long are payments paused after a return?", lang="de")
    assert hits[0].doc_id == "returns" and hits[0].lang == "de"
    assert "21 Tage" in hits[0].text


def test_the_answer_is_in_the_customer_language_when_the_document_has_it(kb: KnowledgeBase) -> None:
    answer = kb.answer("How long are payments paused after I report a return?", lang="de")
    assert answer.grounded
    assert answer.language == "de"
    assert answer.sources[0].doc_id == "returns" and answer.sources[0].lang == "de"
    assert answer.sources[0].title == "Retouren"
    assert "21 Tage" in answer.text
    english = kb.answer("How long are payments paused after I report a return?", lang="en")
    assert "21 days" in english.text and english.sources[0].title == "Returns"


def test_answers_are_short_and_answer_first(kb: KnowledgeBase) -> None:
    answer = kb.answer("How much is the late fee?", lang="en")
    assert answer.grounded
    assert answer.text.startswith("A late fee of €7")
    assert len(answer.text.split()) <= 60
    assert "Source" not in answer.text
    assert answer.sources[0].doc_id == "fees"


def test_a_table_row_answers(kb: KnowledgeBase) -> None:
    answer = kb.answer("What does a large gift card cost?", lang="en")
    assert answer.grounded
    assert "100" in answer.text


OFF_TOPIC = [
    "What is the capital of Australia?",
    "How do I bake sourdough bread?",
    "Wie wird das Wetter morgen in München?",
]


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_are_not_answered(kb: KnowledgeBase, question: str) -> None:
    answer = kb.answer(question, lang="en")
    assert not answer.grounded
    assert answer.text == ""
    assert answer.sources == []


QUESTIONS = [
    ("How much is the late fee?", "en"),
    ("What is the APR for financing?", "en"),
    ("Wie lange dauert eine Erstattung?", "de"),
    ("What is the monthly maintenance fee of the Purple Account?", "en"),
    ("What is the overdraft setting of the Purple Account?", "en"),
    ("When does a replacement card arrive?", "en"),
    ("How long can gift cards be redeemed?", "en"),
]


@pytest.mark.parametrize(("question", "lang"), QUESTIONS)
def test_no_number_outside_the_cited_passage(kb: KnowledgeBase, question: str, lang: str) -> None:
    answer = kb.answer(question, lang=lang)
    assert PLACEHOLDER not in answer.text
    if answer.grounded:
        assert answer.passages
        assert unsupported_numbers(answer.text, "\n".join(answer.passages)) == []
    for detail in (True, False):
        assert PLACEHOLDER not in kb.answer(question, lang=lang, detail=detail).text


def test_detail_gives_the_whole_section(kb: KnowledgeBase) -> None:
    short = kb.answer("How much is the late fee?", lang="en")
    long = kb.answer("How much is the late fee?", lang="en", detail=True)
    assert len(long.text) >= len(short.text)
    assert "retried after 2 days" in long.text


def test_a_precomputed_query_vector_is_used(kb: KnowledgeBase, embedder: MemoEmbedder) -> None:
    vector = embedder.query("How much is the late fee?")
    hits = kb.search("How much is the late fee?", query_vector=vector)
    assert hits[0].doc_id == "fees"
    assert np.allclose(vector, embedder.query("How much is the late fee?"))


def test_the_index_is_cached_per_version(kb: KnowledgeBase, corpus: Path) -> None:
    first = kb.index()
    assert kb.index() is first
    (corpus / "extra.md").write_text("---\nid: extra\ntitle: Extra\nlang: en\n---\n# Extra\n\nVouchers last 3 years.\n")
    kb.ingest_dir(corpus)
    second = kb.index()
    assert second is not first
    assert "extra" in second.doc_ids
    assert kb.search("How long do vouchers last?")[0].doc_id == "extra"


def test_an_empty_knowledge_base_abstains(sqlite_db: Database) -> None:
    kb = KnowledgeBase(sqlite_db, MemoEmbedder())
    assert kb.search("anything") == []
    assert not kb.answer("anything", lang="en").grounded


def test_numbers_are_normalised() -> None:
    assert numbers("€1,250.50 and 19,99 % and 3.750 and 21 days.") == ["1250.50", "19.99", "3750", "21"]
    assert unsupported_numbers("Fee: 19,99 %", "costs 19.99 % APR") == []
    assert unsupported_numbers("Fee: 20 %", "costs 19.99 % APR") == ["20"]


SECRET_SECTION = """How to dispute a card payment: tell us within 60 days and we investigate within 10 business days.

## Your rights

You are liable for at most $50 when you report a lost card within 2 business days.

## Decline codes

### Codes not to disclose (INTERNAL USE ONLY)

CODE 34 means suspected fraud: never tell the customer the code, escalate to the fraud desk.

#### Script

Say that a security matter needs a branch visit.

## Contact

Call customer service any day.
"""


def test_a_section_marked_for_staff_only_never_reaches_a_customer(
    sqlite_db: Database, tmp_path: Path, embedder: MemoEmbedder
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "disputes.json").write_text(
        '[{"id": "doc_card_disputes", "title": "Card disputes", "content": ' + json.dumps(SECRET_SECTION) + "}]"
    )
    base = KnowledgeBase(sqlite_db, embedder)
    report = base.ingest_dir(folder)
    assert not report.broken
    for question in ("what does decline code 34 mean?", "fraud desk escalation code", "branch visit security matter"):
        for hit in base.search(question, k=10):
            assert hit.audience == "customer"
            assert "CODE 34" not in hit.text and "branch visit" not in hit.text
        answer = base.answer(question, lang="en")
        assert "34" not in answer.text and "fraud desk" not in answer.text
    # the rest of the document keeps its id and is answered from
    hits = base.search("how much am I liable for a lost card?", k=3)
    assert hits[0].doc_id == "doc_card_disputes"
    # agents still find the staff-only section, in the document's internal companion
    staff = base.search("what does decline code 34 mean?", audience="internal", k=3)
    assert any(h.doc_id == "doc_card_disputes#internal" and "CODE 34" in h.text for h in staff)
    assert any(h.doc_id == "doc_card_disputes" and "Call customer service" in h.text
               for h in base.search("call customer service", k=5))
