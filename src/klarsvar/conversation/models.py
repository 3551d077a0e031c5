"""Records the engine hands out: messages, turns, conversations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Author(StrEnum):
    CUSTOMER = "customer"
    AI = "ai"
    HUMAN = "human"
    SYSTEM = "system"


@dataclass(frozen=True)
class Source:
    doc_id: str
    title: str
    lang: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.doc_id, "title": self.title, "lang": self.lang}


@dataclass
class Message:
    conversation_id: str
    seq: int
    author: Author
    text: str
    language: str | None
    created_at: datetime
    author_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "seq": self.seq,
            "author": self.author.value,
            "author_id": self.author_id,
            "text": self.text,
            "language": self.language,
            "created_at": self.created_at.isoformat(),
            "sources": self.meta.get("sources", []),
            "actions": self.meta.get("actions", []),
            "grounded": self.meta.get("grounded"),
            "handoff": self.meta.get("handoff"),
        }


@dataclass
class ExecutedAction:
    name: str
    args: dict[str, Any]
    ok: bool
    result: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "args": self.args, "ok": self.ok, "result": self.result}


@dataclass
class TurnResult:
    conversation_id: str
    customer_message: Message
    replies: list[Message]
    actions: list[ExecutedAction]
    handoff: str | None
    mode: str
    latency_ms: float
    demo_code: str | None = None
    trace: dict[str, Any] = field(default_factory=dict)


@dataclass
class Conversation:
    id: str
    customer_id: str | None
    channel: str
    status: str
    mode: str
    language: str | None
    handoff_reason: str | None
    created_at: datetime
    updated_at: datetime
    csat_score: int | None = None
    csat_comment: str | None = None
    intent: str | None = None
    state: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "channel": self.channel,
            "status": self.status,
            "mode": self.mode,
            "language": self.language,
            "handoff_reason": self.handoff_reason,
            "intent": self.intent,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "csat_score": self.csat_score,
        }
