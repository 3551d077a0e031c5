"""Idempotency keys and the audit log of the action layer."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from conftest import ai_context
from klarsvar.actions.base import ActionContext, ActionResult, Actor, ActorKind, RefusalCode
from klarsvar.actions.repository import ActionRecordsRepository, AuditEntry
from klarsvar.actions.service import ActionService
from klarsvar.core.clock import FixedClock
from klarsvar.storage.database import Database
from klarsvar.storage.tables import AuditRow, DisputeRow, IdempotencyRow

PAN = "4111111111111111"
PAN_SPACED = "4111 1111 1111 1111"
WHEN = datetime(2026, 11, 20, 14, 35, 12, tzinfo=UTC)


def act(
    db: Database,
    customer_id: str | None,
    action: str,
    args: Any = None,
    *,
    key: str | None = None,
    clock: FixedClock | None = None,
    actor: Actor | None = None,
    conversation_id: str | None = "conv-test",
    step_up: bool = False,
) -> ActionResult:
    clock = clock or FixedClock()
    ctx = ai_context(customer_id, clock, conversation_id=conversation_id)
    if actor is not None:
        ctx = ActionContext(actor, customer_id, clock, conversation_id=conversation_id)
    ctx.step_up_verified = step_up
    with db.session() as session:
        return ActionService(session).run(action, args, ctx, idempotency_key=key)


def audit(db: Database, **filters: Any) -> list[AuditEntry]:
    with db.session() as session:
        return ActionRecordsRepository(session).audit_entries(**filters)


def count(db: Database, table: type[AuditRow] | type[IdempotencyRow]) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def next_seq(db: Database, customer_id: str, order_id: str) -> int | None:
    nxt = act(db, customer_id, "get_order", {"order_id": order_id}).data["next_payment"]
    return None if nxt is None else int(nxt["seq"])


# --- idempotency --------------------------------------------------------------------------


def test_same_write_same_key_runs_once(db: Database) -> None:
    first = act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}, key="pay-1")
    second = act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}, key="pay-1")
    assert first.ok and not first.replayed
    assert second.ok and second.replayed
    assert second.data == first.data
    assert first.data["seq"] == 3
    # only one instalment was paid
    assert next_seq(db, "C-1001", "O-1001") == 4
    assert len(audit(db, customer_id="C-1001")) == 1
    assert count(db, IdempotencyRow) == 1
    # a new key is a new payment
    third = act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}, key="pay-2")
    assert third.ok and not third.replayed and third.data["seq"] == 4


def test_same_key_twice_in_one_unit_of_work(db: Database) -> None:
    ctx = ai_context("C-1001", FixedClock())
    with db.session() as session:
        service = ActionService(session)
        a = service.run("pay_instalment", {"order_id": "O-1001"}, ctx, idempotency_key="same")
        b = service.run("pay_instalment", {"order_id": "O-1001"}, ctx, idempotency_key="same")
    assert a.ok and b.ok and b.replayed and b.data == a.data
    assert next_seq(db, "C-1001", "O-1001") == 4


def test_without_a_key_a_write_runs_each_time(db: Database) -> None:
    assert act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}).data["seq"] == 3
    assert act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}).data["seq"] == 4
    assert count(db, IdempotencyRow) == 0


def test_a_refusal_is_replayed_too(db: Database) -> None:
    refused = act(db, "C-1005", "extend_due_date", {"order_id": "O-5002"}, key="ext-1")
    again = act(db, "C-1005", "extend_due_date", {"order_id": "O-5002"}, key="ext-1")
    assert again.replayed
    assert again.refusal is not None and refused.refusal is not None
    assert again.refusal.code is refused.refusal.code is RefusalCode.ALREADY_EXTENDED
    assert again.refusal.details == refused.refusal.details


def test_replay_returns_the_original_result_even_later(db: Database) -> None:
    first = act(db, "C-1005", "extend_due_date", {"order_id": "O-5001"}, key="ext-2")
    assert first.ok and first.data["new_due_on"] == "2026-12-02"
    later = FixedClock(WHEN + timedelta(days=3))
    again = act(db, "C-1005", "extend_due_date", {"order_id": "O-5001"}, key="ext-2", clock=later)
    assert again.ok and again.replayed and again.data == first.data


def test_args_are_normalised_before_comparing(db: Database) -> None:
    first = act(db, "C-1002", "freeze_card", {"card_id": "K-2001"}, key="fr-1")
    again = act(db, "C-1002", "freeze_card", {"card_id": "K-2001", "unused": None}, key="fr-1")
    # extra fields are refused before any key is looked at
    assert again.refusal is not None and again.refusal.code is RefusalCode.INVALID_ARGUMENT
    same = act(db, "C-1002", "freeze_card", {"card_id": "K-2001"}, key="fr-1")
    assert first.ok and same.replayed


@pytest.mark.parametrize(
    ("action", "args"),
    [
        ("pay_instalment", {"order_id": "O-1002"}),  # same action, other arguments
        ("report_return", {"order_id": "O-1001"}),  # other action, same arguments
    ],
)
def test_same_key_different_call_is_a_conflict(db: Database, action: str, args: dict[str, Any]) -> None:
    assert act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}, key="k").ok
    result = act(db, "C-1001", action, args, key="k")
    assert not result.ok and not result.replayed
    assert result.refusal is not None and result.refusal.code is RefusalCode.IDEMPOTENCY_CONFLICT
    # nothing happened for the conflicting call
    o1002 = act(db, "C-1001", "get_order", {"order_id": "O-1002"}).data
    assert o1002["next_payment"] is not None and o1002["returns"] == []
    o1001 = act(db, "C-1001", "get_order", {"order_id": "O-1001"}).data
    assert o1001["returns"] == [] and o1001["next_payment"]["seq"] == 4
    # the conflict is a refused write: audited once, with its own arguments
    entries = audit(db, customer_id="C-1001")
    assert [(e["action"], e["ok"]) for e in entries] == [("pay_instalment", True), (action, False)]
    assert entries[1]["arguments"] == args
    assert entries[1]["result"]["refusal"]["code"] == "idempotency_conflict"


def test_another_customers_key_never_replays_their_result(db: Database) -> None:
    anna = act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}, key="shared-key")
    assert anna.ok
    lukas = act(db, "C-1002", "pay_instalment", {"order_id": "O-1001"}, key="shared-key")
    assert not lukas.ok and not lukas.replayed
    dumped = json.dumps(lukas.to_json(), ensure_ascii=False)
    assert "Nordic Shoes" not in dumped and "30.00" not in dumped and "2026-11-29" not in dumped
    assert next_seq(db, "C-1001", "O-1001") == 4


def test_keys_are_ignored_for_reads(db: Database) -> None:
    a = act(db, "C-1001", "get_order", {"order_id": "O-1001"}, key="read-1")
    b = act(db, "C-1001", "get_order", {"order_id": "O-1002"}, key="read-1")
    assert a.ok and b.ok and not b.replayed
    assert b.data["order_id"] == "O-1002"
    assert count(db, IdempotencyRow) == 0


def test_idempotency_row_records_action_and_clock(db: Database) -> None:
    act(db, "C-1002", "freeze_card", {"card_id": "K-2001"}, key="fr-9", clock=FixedClock(WHEN))
    with db.session() as session:
        row = session.get_one(IdempotencyRow, "fr-9")
        assert row.action == "freeze_card"
        assert re.fullmatch(r"[0-9a-f]{64}", row.arguments_hash)
        assert row.result["ok"] is True
        assert row.result["data"]["status"] == "frozen"
        assert row.created_at == WHEN


# --- audit -----------------------------------------------------------------------------------

HUMAN = Actor(ActorKind.HUMAN, "agent-42")
SYSTEM = Actor(ActorKind.SYSTEM, "scheduler")
CUSTOMER = Actor(ActorKind.CUSTOMER, "C-1010")
AI = Actor(ActorKind.AI)

WRITES: list[tuple[str, Actor, str | None, str, Any, bool]] = [
    ("allowed-ai", AI, "C-1002", "freeze_card", {"card_id": "K-2001"}, True),
    ("allowed-customer", CUSTOMER, "C-1010", "freeze_card", {"card_id": "K-1010"}, True),
    ("allowed-human", HUMAN, "C-1004", "waive_late_fee", {"order_id": "O-4001"}, True),
    ("allowed-system", SYSTEM, "C-1001", "request_data_export", {}, True),
    ("policy-refusal", AI, "C-1005", "extend_due_date", {"order_id": "O-5002"}, False),
    ("people-only", AI, "C-1004", "waive_late_fee", {"order_id": "O-4001"}, False),
    ("not-verified", AI, None, "freeze_card", {"card_id": "K-2001"}, False),
    ("invalid-argument", AI, "C-1001", "pay_instalment", {"order_id": "1001", "amount_minor": 5}, False),
    ("not-an-object", AI, "C-1001", "pay_instalment", ["O-1001"], False),
    ("not-found", AI, "C-1001", "freeze_card", {"card_id": "K-2001"}, False),
    ("step-up", AI, "C-1001", "change_payment_method", {"order_id": "O-1001", "method": "bank_account"}, False),
]


def check_one_audit_row(
    db: Database, case: str, actor: Actor, customer_id: str | None, action: str, args: Any, allowed: bool
) -> None:
    clock = FixedClock(WHEN)
    conversation = f"conv-{case}"
    result = act(
        db, customer_id, action, args, actor=actor, clock=clock, conversation_id=conversation, key=f"key-{case}"
    )
    assert result.ok is allowed, result
    entries = audit(db, conversation_id=conversation)
    assert len(entries) == 1, entries
    (entry,) = entries
    assert entry["actor_kind"] == actor.kind.value
    assert entry["actor_id"] == actor.id
    assert entry["customer_id"] == customer_id
    assert entry["conversation_id"] == conversation
    assert entry["action"] == action
    assert entry["ok"] is allowed
    assert entry["result"] == result.to_json()
    assert entry["idempotency_key"] == f"key-{case}"
    assert entry["at"] == WHEN
    assert entry["at"].utcoffset() == timedelta(0)
    if isinstance(args, dict):
        assert entry["arguments"] == args  # what was asked, even when refused
    if not allowed:
        assert result.refusal is not None
        assert entry["result"]["refusal"]["code"] == result.refusal.code.value


@pytest.mark.parametrize(
    ("case", "actor", "customer_id", "action", "args", "allowed"), WRITES, ids=[w[0] for w in WRITES]
)
def test_every_write_makes_exactly_one_audit_row(
    sqlite_db: Database, case: str, actor: Actor, customer_id: str | None, action: str, args: Any, allowed: bool
) -> None:
    check_one_audit_row(sqlite_db, case, actor, customer_id, action, args, allowed)
    assert len(audit(sqlite_db)) == 1


def test_every_write_makes_exactly_one_audit_row_on_both_databases(db: Database) -> None:
    for n, write in enumerate(WRITES, start=1):
        check_one_audit_row(db, *write)
        assert len(audit(db)) == n


def test_actor_kinds_are_the_four_known_ones() -> None:
    assert {k.value for k in ActorKind} == {"ai", "human", "customer", "system"}


def test_audit_rows_follow_the_clock_and_the_conversation(db: Database) -> None:
    clock = FixedClock(WHEN)
    act(db, "C-1002", "freeze_card", {"card_id": "K-2001"}, clock=clock, conversation_id="conv-a")
    clock.advance(timedelta(minutes=5))
    act(db, "C-1002", "unfreeze_card", {"card_id": "K-2001"}, clock=clock, conversation_id="conv-b")
    clock.advance(timedelta(hours=1))
    act(db, "C-1002", "unfreeze_card", {"card_id": "K-2001"}, clock=clock, conversation_id="conv-b")
    everything = audit(db)
    assert [(e["action"], e["ok"], e["at"]) for e in everything] == [
        ("freeze_card", True, WHEN),
        ("unfreeze_card", True, WHEN + timedelta(minutes=5)),
        ("unfreeze_card", False, WHEN + timedelta(minutes=65)),
    ]
    assert [e["action"] for e in audit(db, conversation_id="conv-b")] == ["unfreeze_card", "unfreeze_card"]
    assert audit(db, customer_id="C-1001") == []
    assert all(e["idempotency_key"] is None for e in everything)


def test_reads_leave_no_audit_rows(db: Database) -> None:
    reads: list[tuple[str, str | None, dict[str, Any]]] = [
        ("get_customer_profile", "C-1002", {}),
        ("list_orders", "C-1002", {}),
        ("get_order", "C-1002", {"order_id": "O-2001"}),
        ("get_payment_schedule", "C-1002", {"order_id": "O-2001"}),
        ("get_refund_status", "C-1003", {"order_id": "O-3001"}),
        ("list_cards", "C-1002", {}),
        ("get_card_transactions", "C-1002", {"card_id": "K-2001"}),
        # refused reads are not audited either
        ("get_order", "C-1001", {"order_id": "O-2001"}),
        ("get_order", None, {"order_id": "O-2001"}),
        ("get_order", "C-1001", {"order_id": "bad"}),
    ]
    for action, customer_id, args in reads:
        act(db, customer_id, action, args, key="read-key")
    assert audit(db) == []
    assert count(db, AuditRow) == 0
    assert count(db, IdempotencyRow) == 0


def test_a_replay_is_not_a_second_write(db: Database) -> None:
    act(db, "C-1002", "freeze_card", {"card_id": "K-2001"}, key="once")
    act(db, "C-1002", "freeze_card", {"card_id": "K-2001"}, key="once")
    assert len(audit(db)) == 1


# --- card numbers in write arguments ----------------------------------------------------------


@pytest.mark.parametrize("written", [PAN, PAN_SPACED, f"{PAN_SPACED} 12/28 cvv 123"])
def test_pan_in_dispute_details_is_masked_everywhere_it_is_kept(db: Database, written: str) -> None:
    details = f"I paid twice, once with my card {written}. Please check."
    args = {"order_id": "O-2003", "reason": "not_received", "details": details}
    result = act(db, "C-1002", "open_dispute", args, key="dispute-pan")
    assert result.ok

    (entry,) = audit(db)
    with db.session() as session:
        idem = session.get_one(IdempotencyRow, "dispute-pan")
        stored = {"hash": idem.arguments_hash, "result": idem.result}
        dispute_details = session.scalars(select(DisputeRow.details)).all()

    for kept in (entry["arguments"], entry["result"], stored, dispute_details):
        text = json.dumps(kept, ensure_ascii=False, default=str)
        digits = "".join(ch for ch in text if ch.isdigit())
        assert PAN not in digits, text
        assert PAN_SPACED not in text
    assert "[card •••• 1111]" in entry["arguments"]["details"]
    assert entry["arguments"]["details"].startswith("I paid twice, once with my card [card •••• ")
    assert dispute_details and all(d is not None and "[card •••• " in d for d in dispute_details)


def test_pan_in_refused_write_arguments_is_masked(db: Database) -> None:
    args = {"order_id": "O-6001", "reason": "faulty", "details": f"card {PAN}"}
    result = act(db, "C-1006", "open_dispute", args)
    assert result.refusal is not None and result.refusal.code is RefusalCode.DISPUTE_TOO_EARLY
    invalid = act(db, "C-1006", "open_dispute", {"order_id": "O-6001", "reason": "nope", "details": PAN})
    assert invalid.refusal is not None and invalid.refusal.code is RefusalCode.INVALID_ARGUMENT
    entries = audit(db)
    assert len(entries) == 2
    text = json.dumps(entries, default=str, ensure_ascii=False)
    assert PAN not in text


def test_pan_in_an_argument_that_is_not_an_object_is_masked(db: Database) -> None:
    act(db, "C-1001", "pay_instalment", f"pay with {PAN}")
    (entry,) = audit(db)
    assert PAN not in json.dumps(entry, default=str)
