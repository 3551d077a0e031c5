"""All queries on conversations, messages, traces and one-time codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from klarsvar.conversation.models import Author, Conversation, Message
from klarsvar.storage.conversation_tables import ConversationRow, MessageRow, OneTimeCodeRow, TurnTraceRow


def _conversation(row: ConversationRow) -> Conversation:
    return Conversation(
        id=row.id,
        customer_id=row.customer_id,
        channel=row.channel,
        status=row.status,
        mode=row.mode,
        language=row.language,
        handoff_reason=row.handoff_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        csat_score=row.csat_score,
        csat_comment=row.csat_comment,
        intent=row.intent,
        state=dict(row.state or {}),
    )


def _message(row: MessageRow) -> Message:
    return Message(
        conversation_id=row.conversation_id,
        seq=row.seq,
        author=Author(row.author),
        text=row.text,
        language=row.language,
        created_at=row.created_at,
        author_id=row.author_id,
        meta=dict(row.meta or {}),
    )


class ConversationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, conversation_id: str, customer_id: str | None, channel: str, at: datetime,
               language: str | None) -> Conversation:
        row = ConversationRow(
            id=conversation_id, customer_id=customer_id, channel=channel, status="open", mode="ai",
            language=language, state={}, created_at=at, updated_at=at, version=0,
        )
        self.session.add(row)
        self.session.flush()
        return _conversation(row)

    def get(self, conversation_id: str, *, for_update: bool = False) -> Conversation | None:
        query = select(ConversationRow).where(ConversationRow.id == conversation_id)
        if for_update and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.session.scalars(query).first()
        return _conversation(row) if row else None

    def update(self, conversation_id: str, at: datetime, **fields: Any) -> None:
        row = self.session.get_one(ConversationRow, conversation_id)
        for key, value in fields.items():
            setattr(row, key, value)
        row.updated_at = at
        row.version = (row.version or 0) + 1

    def add_message(self, conversation_id: str, author: Author, text: str, language: str | None, at: datetime,
                    meta: dict[str, Any] | None = None, author_id: str | None = None) -> Message:
        seq = int(
            self.session.scalar(
                select(func.coalesce(func.max(MessageRow.seq), 0)).where(MessageRow.conversation_id == conversation_id)
            )
            or 0
        ) + 1
        row = MessageRow(conversation_id=conversation_id, seq=seq, author=author.value, author_id=author_id,
                         text=text, language=language, meta=meta or {}, created_at=at)
        self.session.add(row)
        self.session.flush()
        return _message(row)

    def messages(self, conversation_id: str, after_seq: int = 0) -> list[Message]:
        rows = self.session.scalars(
            select(MessageRow)
            .where(MessageRow.conversation_id == conversation_id, MessageRow.seq > after_seq)
            .order_by(MessageRow.seq)
        )
        return [_message(r) for r in rows]

    def add_trace(self, conversation_id: str, message_seq: int, trace: dict[str, Any], total_ms: int,
                  at: datetime) -> None:
        self.session.add(TurnTraceRow(conversation_id=conversation_id, message_seq=message_seq, trace=trace,
                                      total_ms=total_ms, created_at=at))

    def traces(self, conversation_id: str) -> list[dict[str, Any]]:
        rows = self.session.scalars(
            select(TurnTraceRow).where(TurnTraceRow.conversation_id == conversation_id).order_by(TurnTraceRow.id)
        )
        return [{"message_seq": r.message_seq, "total_ms": r.total_ms, **r.trace} for r in rows]

    def list(self, *, status: str | None = None, limit: int = 100) -> list[Conversation]:
        query = select(ConversationRow).order_by(ConversationRow.updated_at.desc()).limit(limit)
        if status:
            query = query.where(ConversationRow.status == status)
        return [_conversation(r) for r in self.session.scalars(query)]

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(ConversationRow)) or 0)

    def count_messages(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(MessageRow)) or 0)

    # --- one-time codes --------------------------------------------------------------
    def add_code(self, conversation_id: str, customer_id: str | None, purpose: str, code_hash: str,
                 at: datetime, expires: datetime) -> None:
        self.session.add(OneTimeCodeRow(conversation_id=conversation_id, customer_id=customer_id, purpose=purpose,
                                        code_hash=code_hash, issued_at=at, expires_at=expires, attempts=0))

    def latest_code(self, conversation_id: str, purpose: str) -> tuple[int, str | None, str, datetime, int, bool] | None:
        row = self.session.scalars(
            select(OneTimeCodeRow)
            .where(OneTimeCodeRow.conversation_id == conversation_id, OneTimeCodeRow.purpose == purpose)
            .order_by(OneTimeCodeRow.id.desc())
        ).first()
        if row is None:
            return None
        return row.id, row.customer_id, row.code_hash, row.expires_at, row.attempts, row.used_at is not None

    def mark_code(self, code_id: int, *, attempt: bool = False, used_at: datetime | None = None) -> None:
        row = self.session.get_one(OneTimeCodeRow, code_id)
        if attempt:
            row.attempts += 1
        if used_at:
            row.used_at = used_at
