"""A test double: lets tests drive the dialogue policy without any model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from klarsvar.understanding.base import Entities, Signals, Understanding, UnderstandingContext
from klarsvar.understanding.entities import extract


@dataclass
class Scripted:
    intent: str
    score: float = 0.95
    language: str = "en"
    signals: Signals = field(default_factory=Signals)
    entities: Entities | None = None


class ScriptedUnderstander:
    """Answers each message with what a test scripted for it.

    `script` maps an exact message to a Scripted proposal; a callable fallback
    handles the rest. Entities come from the real rule-based extractor unless given.
    """

    def __init__(
        self,
        script: dict[str, Scripted] | None = None,
        fallback: Callable[[str], Scripted] | None = None,
    ) -> None:
        self.script = dict(script or {})
        self.fallback = fallback or (lambda _text: Scripted("general_question", 0.2))
        self.seen: list[tuple[str, UnderstandingContext]] = []

    def understand(self, text: str, context: UnderstandingContext) -> Understanding:
        self.seen.append((text, context))
        proposal = self.script.get(text) or self.fallback(text)
        return Understanding(
            intents=[(proposal.intent, proposal.score)],
            entities=proposal.entities or extract(text),
            signals=proposal.signals,
            language=proposal.language,
            language_confidence=1.0,
            text=text,
            source="scripted",
        )
