"""Queries for the dashboard: facts of the conversations of a period, in a few bulk reads."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from klarsvar.analytics.facts import ConversationFacts
from klarsvar.storage.conversation_tables import (
    ConversationRow,
    HandoffRow,
    MessageRow,
    OneTimeCodeRow,
    TurnTraceRow,
)


class AnalyticsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def facts(self, since: datetime, until: datetime) -> list[ConversationFacts]:
        """Facts of the conversations started in [since, until), oldest first."""
        in_period = (ConversationRow.created_at >= since) & (ConversationRow.created_at < until)
        convs = list(self.session.scalars(select(ConversationRow).where(in_period).order_by(ConversationRow.created_at,
                                                                                            ConversationRow.id)))
        messages: dict[str, list[tuple[int, str, datetime, dict[str, Any]]]] = defaultdict(list)
        rows = self.session.execute(
            select(MessageRow.conversation_id, MessageRow.seq, MessageRow.author, MessageRow.created_at,
                   MessageRow.meta)
            .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
            .where(in_period)
            .order_by(MessageRow.conversation_id, MessageRow.seq)
        )
        for conv_id, seq, author, at, meta in rows:
            messages[conv_id].append((seq, author, at, meta or {}))
        handoffs: dict[str, list[tuple[str, str, datetime]]] = defaultdict(list)
        for conv_id, reason, status, at in self.session.execute(
            select(HandoffRow.conversation_id, HandoffRow.reason, HandoffRow.status, HandoffRow.created_at)
            .join(ConversationRow, ConversationRow.id == HandoffRow.conversation_id)
            .where(in_period)
            .order_by(HandoffRow.id)
        ):
            handoffs[conv_id].append((reason, status, at))
        traces: dict[str, dict[int, int]] = defaultdict(dict)
        for conv_id, seq, total_ms in self.session.execute(
            select(TurnTraceRow.conversation_id, TurnTraceRow.message_seq, TurnTraceRow.total_ms)
            .join(ConversationRow, ConversationRow.id == TurnTraceRow.conversation_id)
            .where(in_period)
        ):
            traces[conv_id].setdefault(seq, total_ms)
        return [_facts(c, messages[c.id], handoffs[c.id], traces[c.id]) for c in convs]

    def customer_starts(self, since: datetime, until: datetime) -> list[tuple[str, datetime]]:
        """(customer, started) of every conversation with a known customer started in [since, until)."""
        rows = self.session.execute(
            select(ConversationRow.customer_id, ConversationRow.created_at)
            .where(ConversationRow.customer_id.is_not(None), ConversationRow.created_at >= since,
                   ConversationRow.created_at < until)
            .order_by(ConversationRow.created_at)
        )
        return [(str(customer), at) for customer, at in rows]

    def delete_conversations(self, id_prefix: str) -> int:
        """Delete the conversations whose id starts with `id_prefix` and all that hangs off them."""
        if len(id_prefix) < 3:
            raise ValueError("refusing to delete with a prefix shorter than 3 characters")
        ids = select(ConversationRow.id).where(ConversationRow.id.startswith(id_prefix, autoescape=True))
        for table in (MessageRow, TurnTraceRow, HandoffRow, OneTimeCodeRow):
            self.session.execute(delete(table).where(table.conversation_id.in_(ids)))
        result = self.session.execute(delete(ConversationRow).where(ConversationRow.id.startswith(id_prefix,
                                                                                              autoescape=True)))
        return int(getattr(result, "rowcount", 0) or 0)


def _facts(conv: ConversationRow, messages: list[tuple[int, str, datetime, dict[str, Any]]],
           handoffs: list[tuple[str, str, datetime]], traces: dict[int, int]) -> ConversationFacts:
    customer = [m for m in messages if m[1] == "customer"]
    ai = [m for m in messages if m[1] == "ai"]
    human = [m for m in messages if m[1] == "human"]
    abstained = False
    if ai:
        last_ai = ai[-1]
        answered_later = any(m[0] > last_ai[0] for m in human)
        abstained = bool(last_ai[3].get("abstained")) and not answered_later
    first_seq = customer[0][0] if customer else None
    return ConversationFacts(
        id=conv.id,
        created_at=conv.created_at,
        channel=conv.channel,
        status=conv.status,
        language=conv.language,
        intent=conv.intent,
        customer_id=conv.customer_id,
        closed_at=conv.closed_at,
        first_customer_at=customer[0][2] if customer else None,
        last_message_at=messages[-1][2] if messages else None,
        customer_messages=len(customer),
        ai_messages=len(ai),
        human_messages=len(human),
        handoff_reasons=tuple(h[0] for h in handoffs),
        first_handoff_at=handoffs[0][2] if handoffs else None,
        open_handoff=any(h[1] in ("waiting", "taken") for h in handoffs),
        abstained_at_end=abstained,
        first_reply_ms=traces.get(first_seq) if first_seq is not None else None,
        csat_score=conv.csat_score,
        csat_comment=conv.csat_comment,
    )
