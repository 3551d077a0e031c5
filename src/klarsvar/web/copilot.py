"""The agent's copilot: knowledge passages that fit the last customer message (internal
documents included) and a suggested reply the agent edits before sending."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from klarsvar.conversation.models import Author, Message

log = logging.getLogger("klarsvar.copilot")
MAX_PASSAGE_CHARS = 700


class KnowledgeSearch(Protocol):
    def search(self, query: str, *, lang: str | None = None, audience: str = "customer", k: int = 5) -> list[Any]: ...

    def answer(self, question: str, *, lang: str, audience: str = "customer") -> Any: ...


def last_customer_message(messages: list[Message]) -> Message | None:
    return next((m for m in reversed(messages) if m.author is Author.CUSTOMER), None)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def suggest(kb: KnowledgeSearch | None, messages: list[Message], language: str | None) -> dict[str, Any]:
    message = last_customer_message(messages)
    out: dict[str, Any] = {"query": message.text if message else None, "passages": [], "suggestion": ""}
    if kb is None or message is None:
        return out
    lang = message.language or language or "en"
    try:
        hits = kb.search(message.text, lang=lang, audience="internal", k=3)
        answer = kb.answer(message.text, lang=lang, audience="internal")
    except Exception as exc:  # the copilot helps; it must never break the console
        log.warning("copilot search failed", extra={"error": type(exc).__name__})
        return out
    out["passages"] = [
        {"doc_id": h.doc_id, "title": h.title, "heading": h.heading, "audience": h.audience, "lang": h.lang,
         "text": _clip(h.text, MAX_PASSAGE_CHARS), "score": round(float(h.score), 3)}
        for h in hits
    ]
    if getattr(answer, "grounded", False) and answer.text:
        out["suggestion"] = str(answer.text)
        out["suggestion_source"] = answer.sources[0].title if answer.sources else None
    elif hits:
        out["suggestion"] = _clip(hits[0].text, 400)
        out["suggestion_source"] = hits[0].title
    return out
