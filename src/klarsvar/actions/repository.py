"""Queries for the audit log and idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from klarsvar.storage.tables import AuditRow, IdempotencyRow


class AuditEntry(dict[str, Any]):
    """One audit row as a plain mapping (actor, action, arguments, result, time)."""


class ActionRecordsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def stored_result(self, key: str) -> tuple[str, str, dict[str, Any]] | None:
        row = self.session.get(IdempotencyRow, key)
        return (row.action, row.arguments_hash, row.result) if row else None

    def store_result(self, key: str, action: str, args_hash: str, result: dict[str, Any], at: datetime) -> None:
        self.session.add(IdempotencyRow(key=key, action=action, arguments_hash=args_hash, result=result, created_at=at))

    def audit(
        self,
        *,
        at: datetime,
        actor_kind: str,
        actor_id: str | None,
        customer_id: str | None,
        conversation_id: str | None,
        action: str,
        arguments: dict[str, Any],
        ok: bool,
        result: dict[str, Any],
        idempotency_key: str | None,
    ) -> None:
        self.session.add(
            AuditRow(
                at=at,
                actor_kind=actor_kind,
                actor_id=actor_id,
                customer_id=customer_id,
                conversation_id=conversation_id,
                action=action,
                arguments=arguments,
                ok=ok,
                result=result,
                idempotency_key=idempotency_key,
            )
        )

    def audit_entries(self, *, conversation_id: str | None = None, customer_id: str | None = None) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.id)
        if conversation_id is not None:
            query = query.where(AuditRow.conversation_id == conversation_id)
        if customer_id is not None:
            query = query.where(AuditRow.customer_id == customer_id)
        return [
            AuditEntry(
                id=r.id, at=r.at, actor_kind=r.actor_kind, actor_id=r.actor_id, customer_id=r.customer_id,
                conversation_id=r.conversation_id, action=r.action, arguments=r.arguments, ok=r.ok,
                result=r.result, idempotency_key=r.idempotency_key,
            )
            for r in self.session.scalars(query)
        ]
