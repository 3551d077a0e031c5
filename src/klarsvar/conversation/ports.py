"""What the dialogue needs from the rest of the product, as small interfaces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from klarsvar.actions.base import ActionResult
from klarsvar.conversation.models import Source


class Backend(Protocol):
    """The action layer, bound to this conversation's actor and customer."""

    def read(self, name: str, args: dict[str, Any] | None = None) -> ActionResult: ...

    def check(self, name: str, args: dict[str, Any] | None = None) -> ActionResult: ...

    def write(self, name: str, args: dict[str, Any] | None = None) -> ActionResult: ...


@dataclass
class KnowledgeAnswer:
    text: str
    sources: list[Source]
    grounded: bool
    confidence: float
    language: str
    hits: list[dict[str, Any]] = field(default_factory=list)


class Answerer(Protocol):
    def answer(self, question: str, *, lang: str, detail: bool = False,
               query_vector: Any = None) -> KnowledgeAnswer: ...


class NoKnowledge:
    """Used when no knowledge base is configured: always abstains."""

    def answer(self, question: str, *, lang: str, detail: bool = False,
               query_vector: Any = None) -> KnowledgeAnswer:
        return KnowledgeAnswer("", [], False, 0.0, lang)


class Verifier(Protocol):
    def issue(self, email: str) -> str | None:
        """Send a one-time code to the customer with this email; returns the demo code if any."""
        ...

    def verify(self, code: str) -> tuple[str | None, int]:
        """Check a code: the verified customer id (or None) and the attempts left."""
        ...
