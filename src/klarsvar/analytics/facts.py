"""What the dashboard knows of one conversation (read from storage by `AnalyticsRepository`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ConversationFacts:
    id: str
    created_at: datetime
    channel: str
    status: str  # open | closed
    language: str | None
    intent: str | None
    customer_id: str | None
    closed_at: datetime | None
    first_customer_at: datetime | None  # the first customer message
    last_message_at: datetime | None
    customer_messages: int
    ai_messages: int
    human_messages: int  # messages written by people
    handoff_reasons: tuple[str, ...]  # every handover of the conversation, in order
    first_handoff_at: datetime | None
    open_handoff: bool  # a handover still waiting for or taken by a person
    abstained_at_end: bool  # the last AI reply said it does not know, and nothing was answered after it
    first_reply_ms: int | None  # the engine's time for the first customer turn (turn_traces.total_ms)
    csat_score: int | None
    csat_comment: str | None

    @property
    def handed_over(self) -> bool:
        return bool(self.handoff_reasons)

    @property
    def person_involved(self) -> bool:
        return self.human_messages > 0
