"""Queries on handovers (and the conversation mode they switch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from klarsvar.storage.conversation_tables import ConversationRow, HandoffRow


@dataclass(frozen=True)
class Handoff:
    id: int
    conversation_id: str
    reason: str
    status: str
    summary: dict[str, Any]
    created_at: datetime
    taken_by: str | None
    taken_at: datetime | None
    ended_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "reason": self.reason,
            "status": self.status,
            "summary": self.summary,
            "created_at": self.created_at.isoformat(),
            "taken_by": self.taken_by,
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
        }


def _handoff(row: HandoffRow) -> Handoff:
    return Handoff(row.id, row.conversation_id, row.reason, row.status, dict(row.summary or {}), row.created_at,
                   row.taken_by, row.taken_at, row.ended_at)


class HandoffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_for(self, conversation_id: str) -> Handoff | None:
        row = self.session.scalars(
            select(HandoffRow)
            .where(HandoffRow.conversation_id == conversation_id, HandoffRow.status.in_(("waiting", "taken")))
            .order_by(HandoffRow.id.desc())
        ).first()
        return _handoff(row) if row else None

    def create(self, conversation_id: str, reason: str, summary: dict[str, Any], at: datetime) -> Handoff:
        row = HandoffRow(conversation_id=conversation_id, reason=reason, status="waiting", summary=summary,
                         created_at=at)
        self.session.add(row)
        conv = self.session.get(ConversationRow, conversation_id)
        if conv is not None:
            conv.mode = "human"
            conv.handoff_reason = reason
            conv.updated_at = at
        self.session.flush()
        return _handoff(row)

    def queue(self, statuses: tuple[str, ...] = ("waiting", "taken")) -> list[Handoff]:
        rows = self.session.scalars(
            select(HandoffRow).where(HandoffRow.status.in_(statuses)).order_by(HandoffRow.created_at, HandoffRow.id)
        )
        return [_handoff(r) for r in rows]

    def all_for(self, conversation_id: str) -> list[Handoff]:
        rows = self.session.scalars(
            select(HandoffRow).where(HandoffRow.conversation_id == conversation_id).order_by(HandoffRow.id)
        )
        return [_handoff(r) for r in rows]

    def take(self, handoff_id: int, agent_id: str, at: datetime) -> None:
        row = self.session.get_one(HandoffRow, handoff_id)
        row.status = "taken"
        row.taken_by = agent_id
        row.taken_at = at

    def end(self, handoff_id: int, status: str, at: datetime) -> None:
        row = self.session.get_one(HandoffRow, handoff_id)
        row.status = status
        row.ended_at = at
        conv = self.session.get(ConversationRow, row.conversation_id)
        if conv is not None and status == "returned":
            conv.mode = "ai"
            conv.updated_at = at
