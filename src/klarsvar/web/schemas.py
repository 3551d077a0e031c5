"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from klarsvar.conversation.engine import MAX_MESSAGE_CHARS


class StartConversation(BaseModel):
    model_config = {"extra": "forbid"}
    language: str | None = Field(default=None, max_length=8, description="Preferred language (ISO 639-1), if known.")


class PostMessage(BaseModel):
    model_config = {"extra": "forbid"}
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, description="What the customer wrote.")


class DemoSessionRequest(BaseModel):
    model_config = {"extra": "forbid"}
    email: str = Field(min_length=3, max_length=320)


class CsatRequest(BaseModel):
    model_config = {"extra": "forbid"}
    score: int = Field(ge=1, le=5, strict=True, description="1 (very unhappy) to 5 (very happy).")
    comment: str | None = Field(default=None, max_length=1000, description="Optional words from the customer.")


class MessageOut(BaseModel):
    conversation_id: str
    seq: int
    author: str = Field(description="customer, ai, human or system")
    author_id: str | None = None
    text: str
    language: str | None
    created_at: str
    sources: list[dict[str, Any]] = Field(default_factory=list)
    actions: list[dict[str, Any]] = Field(default_factory=list)
    grounded: bool | None = None
    handoff: str | None = None


class ConversationOut(BaseModel):
    id: str
    customer_id: str | None
    channel: str
    status: str
    mode: str = Field(description="ai: the assistant replies; human: people reply")
    language: str | None
    handoff_reason: str | None
    intent: str | None = None
    created_at: str
    updated_at: str
    csat_score: int | None = None


class TurnOut(BaseModel):
    conversation_id: str
    messages: list[MessageOut]
    actions: list[dict[str, Any]]
    handoff: str | None
    mode: str
    latency_ms: float
    demo_code: str | None = Field(default=None, description="Demo mode only: the one-time code just issued.")


class ErrorOut(BaseModel):
    error: dict[str, str]
