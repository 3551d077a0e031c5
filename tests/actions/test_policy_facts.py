"""Every policy fact of the demo world, allowed and refused, through the action layer.

Each call runs in its own unit of work, as a real request would. Facts that need a
write first run on both databases; refusals of the untouched world are checked in
detail on SQLite and all together on both databases (`test_refusals_on_both_databases`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from conftest import ai_context
from klarsvar.actions.base import ActionContext, ActionResult, Actor, ActorKind, RefusalCode
from klarsvar.actions.service import ActionService
from klarsvar.core.clock import FixedClock
from klarsvar.storage.database import Database

HUMAN = Actor(ActorKind.HUMAN, "agent-7")


def act(
    db: Database,
    customer_id: str | None,
    action: str,
    args: dict[str, Any] | None = None,
    *,
    clock: FixedClock | None = None,
    actor: Actor | None = None,
    step_up: bool = False,
) -> ActionResult:
    clock = clock or FixedClock()
    ctx = ai_context(customer_id, clock)
    if actor is not None:
        ctx = ActionContext(actor, customer_id, clock, conversation_id="conv-test")
    ctx.step_up_verified = step_up
    with db.session() as session:
        return ActionService(session).run(action, args or {}, ctx)


def ok(result: ActionResult) -> dict[str, Any]:
    assert result.ok, result
    assert result.refusal is None
    return result.data


def refused_with(result: ActionResult, code: RefusalCode) -> dict[str, Any]:
    assert not result.ok, result
    assert result.refusal is not None
    assert result.refusal.code is code, result.refusal
    assert result.refusal.message
    assert result.data == {}
    return result.refusal.details


def order(db: Database, customer_id: str, order_id: str) -> dict[str, Any]:
    return ok(act(db, customer_id, "get_order", {"order_id": order_id}))


def at(day: str) -> FixedClock:
    return FixedClock(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


def eur(minor: int) -> dict[str, Any]:
    return {"minor": minor, "currency": "EUR", "text": f"{minor // 100}.{minor % 100:02d}"}


# --- policy 1: a return pauses payments for 21 days -------------------------------------


def test_return_pauses_payments_for_21_days_once(db: Database) -> None:
    data = ok(act(db, "C-1001", "report_return", {"order_id": "O-1002"}))
    assert data["order_id"] == "O-1002"
    assert data["merchant"] == "Bokhandeln"
    assert data["pause_days"] == 21
    assert data["payments_paused_until"] == "2026-12-11"
    assert data["return_id"]

    after = order(db, "C-1001", "O-1002")
    assert after["payments_paused_until"] == "2026-12-11"
    assert [(r["reported_on"], r["paused_until"], r["status"]) for r in after["returns"]] == [
        ("2026-11-20", "2026-12-11", "reported")
    ]

    details = refused_with(
        act(db, "C-1001", "report_return", {"order_id": "O-1002"}), RefusalCode.RETURN_ALREADY_REPORTED
    )
    assert details["paused_until"] == "2026-12-11"
    assert len(order(db, "C-1001", "O-1002")["returns"]) == 1


def test_return_on_a_returned_order_is_refused(sqlite_db: Database) -> None:
    refused_with(act(sqlite_db, "C-1003", "report_return", {"order_id": "O-3001"}), RefusalCode.ORDER_CLOSED)
    assert order(sqlite_db, "C-1003", "O-3001")["payments_paused_until"] is None


def test_return_ids_are_distinct(db: Database) -> None:
    first = ok(act(db, "C-1001", "report_return", {"order_id": "O-1001"}))["return_id"]
    second = ok(act(db, "C-1001", "report_return", {"order_id": "O-1002"}))["return_id"]
    assert first != second


# --- policy 3: extension once by 10 days, before the due date has passed ------------------


def test_extend_o5001_by_10_days(db: Database) -> None:
    data = ok(act(db, "C-1005", "extend_due_date", {"order_id": "O-5001"}))
    assert data["old_due_on"] == "2026-11-22"
    assert data["new_due_on"] == "2026-12-02"
    assert data["extension_days"] == 10
    after = order(db, "C-1005", "O-5001")
    assert after["due_date_extended"] is True
    assert after["next_payment"]["due_on"] == "2026-12-02"
    assert after["amount"] == eur(3500)
    # only once per order
    details = refused_with(act(db, "C-1005", "extend_due_date", {"order_id": "O-5001"}), RefusalCode.ALREADY_EXTENDED)
    assert details["due_on"] == "2026-12-02"
    assert order(db, "C-1005", "O-5001")["next_payment"]["due_on"] == "2026-12-02"


def test_extend_o5002_already_extended(sqlite_db: Database) -> None:
    refused_with(act(sqlite_db, "C-1005", "extend_due_date", {"order_id": "O-5002"}), RefusalCode.ALREADY_EXTENDED)
    assert order(sqlite_db, "C-1005", "O-5002")["next_payment"]["due_on"] == "2026-11-30"


def test_extend_o8003_due_date_passed(sqlite_db: Database) -> None:
    details = refused_with(
        act(sqlite_db, "C-1008", "extend_due_date", {"order_id": "O-8003"}), RefusalCode.DUE_DATE_PASSED
    )
    assert details["due_on"] == "2026-11-18"
    assert order(sqlite_db, "C-1008", "O-8003")["due_date_extended"] is False


def test_extend_o1001_not_pay_in_30(sqlite_db: Database) -> None:
    details = refused_with(
        act(sqlite_db, "C-1001", "extend_due_date", {"order_id": "O-1001"}), RefusalCode.NOT_PAY_IN_30
    )
    assert details["product"] == "pay_in_4"
    refused_with(act(sqlite_db, "C-1002", "extend_due_date", {"order_id": "O-2001"}), RefusalCode.NOT_PAY_IN_30)


def test_extend_a_paid_order_is_refused(sqlite_db: Database) -> None:
    refused_with(act(sqlite_db, "C-1007", "extend_due_date", {"order_id": "O-7001"}), RefusalCode.ORDER_CLOSED)


@pytest.mark.parametrize(("day", "allowed"), [("2026-11-21", True), ("2026-11-22", True), ("2026-11-23", False)])
def test_extension_boundary_is_the_due_date(sqlite_db: Database, day: str, allowed: bool) -> None:
    result = act(sqlite_db, "C-1005", "extend_due_date", {"order_id": "O-5001"}, clock=at(day))
    if allowed:
        assert ok(result)["new_due_on"] == "2026-12-02"
    else:
        refused_with(result, RefusalCode.DUE_DATE_PASSED)


# --- policy 4 and 6: paying the next (or the missed) instalment ----------------------------


def test_pay_instalment_pays_the_missed_one_first(db: Database) -> None:
    before = order(db, "C-1004", "O-4001")
    data = ok(act(db, "C-1004", "pay_instalment", {"order_id": "O-4001"}))
    assert data["seq"] == 2
    assert data["amount"] == eur(3750)
    assert data["due_on"] == "2026-11-15"
    assert data["payment_method"] == "bank_card"
    after = order(db, "C-1004", "O-4001")
    paid = after["instalments"][1]
    assert (paid["status"], paid["paid_on"]) == ("paid", "2026-11-20")
    assert [i["status"] for i in after["instalments"]] == ["paid", "paid", "scheduled", "scheduled"]
    assert after["next_payment"]["seq"] == 3
    # the €7.00 late fee is paid with the missed instalment, and the result says so
    assert data["late_fee"] == eur(700)
    assert data["total"] == eur(3750 + 700)
    assert before["outstanding"]["minor"] - after["outstanding"]["minor"] == data["total"]["minor"]


def test_pay_instalment_o1001_pays_seq_3_then_4_then_nothing(db: Database) -> None:
    first = ok(act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}))
    assert (first["seq"], first["amount"], first["due_on"]) == (3, eur(3000), "2026-11-29")
    assert (first["late_fee"], first["total"]) == (None, eur(3000))
    mid = order(db, "C-1001", "O-1001")
    assert mid["next_payment"]["seq"] == 4
    assert mid["outstanding"] == eur(3000)
    assert mid["status"] == "active"

    second = ok(act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}))
    assert (second["seq"], second["due_on"]) == (4, "2026-12-13")
    done = order(db, "C-1001", "O-1001")
    assert done["status"] == "paid"
    assert done["next_payment"] is None
    assert done["outstanding"] == eur(0)

    refused_with(act(db, "C-1001", "pay_instalment", {"order_id": "O-1001"}), RefusalCode.NOTHING_DUE)


def test_pay_instalment_o7001_nothing_due(sqlite_db: Database) -> None:
    refused_with(act(sqlite_db, "C-1007", "pay_instalment", {"order_id": "O-7001"}), RefusalCode.NOTHING_DUE)


def test_pay_instalment_never_changes_an_amount(db: Database) -> None:
    before = order(db, "C-1002", "O-2001")
    data = ok(act(db, "C-1002", "pay_instalment", {"order_id": "O-2001"}))
    assert data["seq"] == 4
    assert data["amount"] == eur(8327)
    assert data["payment_method"] == "bank_account"
    after = order(db, "C-1002", "O-2001")
    assert [i["amount"] for i in after["instalments"]] == [i["amount"] for i in before["instalments"]]
    assert after["amount"] == before["amount"] == eur(89900)


# --- policy 5: disputes -------------------------------------------------------------------


def test_dispute_o2003_pauses_payments_and_gives_merchant_14_days(db: Database) -> None:
    data = ok(
        act(
            db,
            "C-1002",
            "open_dispute",
            {"order_id": "O-2003", "reason": "not_received", "details": "The parcel never arrived."},
        )
    )
    assert data["order_id"] == "O-2003"
    assert data["merchant"] == "Gadgetly"
    assert data["reason"] == "not_received"
    assert data["merchant_response_due"] == "2026-12-04"
    assert data["dispute_id"]
    after = order(db, "C-1002", "O-2003")
    assert after["payments_paused_until"] == "2026-12-04"
    assert [(d["reason"], d["opened_on"], d["merchant_response_due"], d["status"]) for d in after["disputes"]] == [
        ("not_received", "2026-11-20", "2026-12-04", "open")
    ]
    # one open dispute per order
    again = act(db, "C-1002", "open_dispute", {"order_id": "O-2003", "reason": "faulty"})
    refused_with(again, RefusalCode.DISPUTE_ALREADY_OPEN)
    assert len(order(db, "C-1002", "O-2003")["disputes"]) == 1


def test_dispute_o6001_too_early(sqlite_db: Database) -> None:
    details = refused_with(
        act(sqlite_db, "C-1006", "open_dispute", {"order_id": "O-6001", "reason": "faulty"}),
        RefusalCode.DISPUTE_TOO_EARLY,
    )
    assert details["opens_on"] == "2026-11-26"
    assert details["purchased_on"] == "2026-11-12"
    assert order(sqlite_db, "C-1006", "O-6001")["disputes"] == []


def test_dispute_o8002_too_late(sqlite_db: Database) -> None:
    details = refused_with(
        act(sqlite_db, "C-1008", "open_dispute", {"order_id": "O-8002", "reason": "wrong_item"}),
        RefusalCode.DISPUTE_TOO_LATE,
    )
    assert details["purchased_on"] == "2026-04-01"


@pytest.mark.parametrize(("day", "code"), [("2026-11-25", RefusalCode.DISPUTE_TOO_EARLY), ("2026-11-26", None)])
def test_dispute_opens_on_day_14(sqlite_db: Database, day: str, code: RefusalCode | None) -> None:
    result = act(sqlite_db, "C-1006", "open_dispute", {"order_id": "O-6001", "reason": "faulty"}, clock=at(day))
    if code is None:
        assert ok(result)["merchant_response_due"] == "2026-12-10"
    else:
        refused_with(result, code)


@pytest.mark.parametrize(("day", "code"), [("2026-09-28", None), ("2026-09-29", RefusalCode.DISPUTE_TOO_LATE)])
def test_dispute_closes_after_day_180(sqlite_db: Database, day: str, code: RefusalCode | None) -> None:
    result = act(sqlite_db, "C-1008", "open_dispute", {"order_id": "O-8002", "reason": "faulty"}, clock=at(day))
    if code is None:
        ok(result)
    else:
        refused_with(result, code)


def test_pauses_never_shorten(db: Database) -> None:
    ok(act(db, "C-1002", "report_return", {"order_id": "O-2003"}))  # paused to 2026-12-11
    ok(act(db, "C-1002", "open_dispute", {"order_id": "O-2003", "reason": "faulty"}))  # merchant due 2026-12-04
    assert order(db, "C-1002", "O-2003")["payments_paused_until"] == "2026-12-11"


def test_dispute_reason_must_be_known(sqlite_db: Database) -> None:
    refused_with(
        act(sqlite_db, "C-1002", "open_dispute", {"order_id": "O-2003", "reason": "changed_my_mind"}),
        RefusalCode.INVALID_ARGUMENT,
    )
    assert order(sqlite_db, "C-1002", "O-2003")["disputes"] == []


# --- policy 7 and 8: freezing cards ---------------------------------------------------------


def test_freeze_k2001_then_already_frozen(db: Database) -> None:
    assert ok(act(db, "C-1002", "freeze_card", {"card_id": "K-2001"})) == {
        "card_id": "K-2001",
        "last4": "4417",
        "status": "frozen",
    }
    assert ok(act(db, "C-1002", "list_cards"))["cards"] == [{"card_id": "K-2001", "last4": "4417", "status": "frozen"}]
    details = refused_with(act(db, "C-1002", "freeze_card", {"card_id": "K-2001"}), RefusalCode.CARD_ALREADY_FROZEN)
    assert details["last4"] == "4417"


def test_unfreeze_k9001(db: Database) -> None:
    assert ok(act(db, "C-1009", "unfreeze_card", {"card_id": "K-9001"}))["status"] == "active"
    assert ok(act(db, "C-1009", "list_cards"))["cards"][0]["status"] == "active"
    refused_with(act(db, "C-1009", "unfreeze_card", {"card_id": "K-9001"}), RefusalCode.CARD_NOT_FROZEN)


def test_unfreeze_an_active_card_is_refused(sqlite_db: Database) -> None:
    refused_with(act(sqlite_db, "C-1002", "unfreeze_card", {"card_id": "K-2001"}), RefusalCode.CARD_NOT_FROZEN)
    assert ok(act(sqlite_db, "C-1002", "list_cards"))["cards"][0]["status"] == "active"


def test_freeze_and_unfreeze_round_trip(db: Database) -> None:
    ok(act(db, "C-1010", "freeze_card", {"card_id": "k-1010"}))  # ids are case-insensitive
    ok(act(db, "C-1010", "unfreeze_card", {"card_id": "K-1010"}))
    ok(act(db, "C-1010", "freeze_card", {"card_id": "K-1010"}))
    assert ok(act(db, "C-1010", "list_cards"))["cards"][0]["status"] == "frozen"


# --- policy 9: data export and deletion -------------------------------------------------------


def test_deletion_refused_with_outstanding_balance(sqlite_db: Database) -> None:
    details = refused_with(act(sqlite_db, "C-1001", "request_account_deletion"), RefusalCode.OUTSTANDING_BALANCE)
    # O-1001: instalments 3 and 4 (2 x €30.00); O-1002: €45.90
    assert details["outstanding"] == {"minor": 6000 + 4590, "currency": "EUR"}


@pytest.mark.parametrize("customer_id", ["C-1004", "C-1008"])
def test_deletion_refused_with_missed_payments(sqlite_db: Database, customer_id: str) -> None:
    refused_with(act(sqlite_db, customer_id, "request_account_deletion"), RefusalCode.OUTSTANDING_BALANCE)


def test_deletion_allowed_for_sofia_once(db: Database) -> None:
    data = ok(act(db, "C-1007", "request_account_deletion"))
    assert data["request_id"]
    assert data["records_kept_years"] == 7
    refused_with(act(db, "C-1007", "request_account_deletion"), RefusalCode.REQUEST_ALREADY_OPEN)


def test_data_export_due_in_30_days_once(db: Database) -> None:
    data = ok(act(db, "C-1001", "request_data_export"))
    assert data["due_by"] == "2026-12-20"
    assert data["days"] == 30
    details = refused_with(act(db, "C-1001", "request_data_export"), RefusalCode.REQUEST_ALREADY_OPEN)
    assert details["due_by"] == "2026-12-20"
    # another customer's export is their own
    assert ok(act(db, "C-1002", "request_data_export"))["request_id"] != data["request_id"]


def test_data_export_and_deletion_are_separate_requests(db: Database) -> None:
    export = ok(act(db, "C-1007", "request_data_export"))
    deletion = ok(act(db, "C-1007", "request_account_deletion"))
    assert export["request_id"] != deletion["request_id"]


# --- policy 6: step-up, fees ------------------------------------------------------------------


def test_change_payment_method_needs_step_up(db: Database) -> None:
    refused_with(
        act(db, "C-1001", "change_payment_method", {"order_id": "O-1001", "method": "bank_account"}),
        RefusalCode.STEP_UP_REQUIRED,
    )
    assert order(db, "C-1001", "O-1001")["payment_method"] == "bank_card"

    data = ok(
        act(db, "C-1001", "change_payment_method", {"order_id": "O-1001", "method": "bank_account"}, step_up=True)
    )
    assert data == {"order_id": "O-1001", "old_method": "bank_card", "new_method": "bank_account"}
    assert order(db, "C-1001", "O-1001")["payment_method"] == "bank_account"


def test_change_payment_method_validates_the_method(sqlite_db: Database) -> None:
    refused_with(
        act(sqlite_db, "C-1001", "change_payment_method", {"order_id": "O-1001", "method": "crypto"}, step_up=True),
        RefusalCode.INVALID_ARGUMENT,
    )


@pytest.mark.parametrize("kind", [ActorKind.AI, ActorKind.CUSTOMER])
def test_waive_late_fee_refused_for_assistant_and_customer(sqlite_db: Database, kind: ActorKind) -> None:
    result = act(sqlite_db, "C-1004", "waive_late_fee", {"order_id": "O-4001"}, actor=Actor(kind))
    refused_with(result, RefusalCode.NOT_ALLOWED_FOR_ASSISTANT)
    assert order(sqlite_db, "C-1004", "O-4001")["instalments"][1]["late_fee"] == eur(700)


def test_waive_late_fee_allowed_for_a_person(db: Database) -> None:
    before = order(db, "C-1004", "O-4001")["outstanding"]["minor"]
    data = ok(act(db, "C-1004", "waive_late_fee", {"order_id": "O-4001"}, actor=HUMAN))
    assert data == {"order_id": "O-4001", "waived": 700}
    after = order(db, "C-1004", "O-4001")
    assert after["instalments"][1]["late_fee"] is None
    assert after["outstanding"]["minor"] == before - 700
    # nothing left to waive
    refused_with(act(db, "C-1004", "waive_late_fee", {"order_id": "O-4001"}, actor=HUMAN), RefusalCode.NOTHING_DUE)


# --- contact details ---------------------------------------------------------------------------


def profile(db: Database, customer_id: str) -> dict[str, Any]:
    return ok(act(db, customer_id, "get_customer_profile"))


def test_update_email(db: Database) -> None:
    data = ok(act(db, "C-1001", "update_contact_details", {"email": "  Anna.New@Example.SE "}))
    assert data == {"field": "email", "value": "anna.new@example.se"}
    assert profile(db, "C-1001")["email"] == "anna.new@example.se"


def test_update_email_to_own_email_is_fine(db: Database) -> None:
    ok(act(db, "C-1001", "update_contact_details", {"email": "ANNA.SVENSSON@example.se"}))
    assert profile(db, "C-1001")["email"] == "anna.svensson@example.se"


@pytest.mark.parametrize(
    ("written", "stored"),
    [("+46 70 111 22 33", "+46701112233"), ("070-111 22 33", "+46701112233"), ("+49 151 23456789", "+4915123456789")],
)
def test_update_phone_is_stored_in_e164(sqlite_db: Database, written: str, stored: str) -> None:
    data = ok(act(sqlite_db, "C-1001", "update_contact_details", {"phone": written}))
    assert data == {"field": "phone", "value": stored}
    assert profile(sqlite_db, "C-1001")["phone"] == stored


def test_update_address(db: Database) -> None:
    ok(act(db, "C-1001", "update_contact_details", {"address": " Drottninggatan 1, 111 51 Stockholm "}))
    assert profile(db, "C-1001")["address"] == "Drottninggatan 1, 111 51 Stockholm"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"email": "not-an-email"}, RefusalCode.INVALID_ARGUMENT),
        ({"email": "anna@"}, RefusalCode.INVALID_ARGUMENT),
        ({"email": "anna svensson@example.se"}, RefusalCode.INVALID_ARGUMENT),
        ({"phone": "12345"}, RefusalCode.INVALID_ARGUMENT),
        ({"phone": "call me maybe"}, RefusalCode.INVALID_ARGUMENT),
        ({"phone": "+46 70 123"}, RefusalCode.INVALID_ARGUMENT),
        ({"address": "x"}, RefusalCode.INVALID_ARGUMENT),
        ({"email": "anna.b@example.se", "phone": "+46701112233"}, RefusalCode.INVALID_ARGUMENT),
        ({}, RefusalCode.INVALID_ARGUMENT),
        ({"email": "lukas.meyer@example.de"}, RefusalCode.EMAIL_TAKEN),
        ({"email": "Lukas.Meyer@Example.DE"}, RefusalCode.EMAIL_TAKEN),
        ({"email": "x" * 400 + "@example.se"}, RefusalCode.INVALID_ARGUMENT),
    ],
)
def test_update_contact_refusals_change_nothing(sqlite_db: Database, args: dict[str, Any], code: RefusalCode) -> None:
    before = profile(sqlite_db, "C-1001")
    refused_with(act(sqlite_db, "C-1001", "update_contact_details", args), code)
    assert profile(sqlite_db, "C-1001") == before
    assert profile(sqlite_db, "C-1002")["email"] == "lukas.meyer@example.de"


def test_update_phone_on_both_databases(db: Database) -> None:
    assert ok(act(db, "C-1002", "update_contact_details", {"phone": "0151 23456789"}))["value"] == "+4915123456789"
    assert profile(db, "C-1002")["phone"] == "+4915123456789"


def test_update_contact_refusals_on_both_databases(db: Database) -> None:
    before = profile(db, "C-1001")
    cases: list[tuple[dict[str, Any], RefusalCode]] = [
        ({"email": "not-an-email"}, RefusalCode.INVALID_ARGUMENT),
        ({"phone": "12345"}, RefusalCode.INVALID_ARGUMENT),
        ({"email": "anna.b@example.se", "address": "Storgatan 1, Stockholm"}, RefusalCode.INVALID_ARGUMENT),
        ({"email": "lukas.meyer@example.de"}, RefusalCode.EMAIL_TAKEN),
    ]
    for args, code in cases:
        refused_with(act(db, "C-1001", "update_contact_details", args), code)
    assert profile(db, "C-1001") == before


# Refusals on the world as it is: (customer, action, arguments, code, actor, step-up verified)
REFUSALS: list[tuple[str, str, dict[str, Any], RefusalCode, Actor | None, bool]] = [
    ("C-1003", "report_return", {"order_id": "O-3001"}, RefusalCode.ORDER_CLOSED, None, False),
    ("C-1005", "extend_due_date", {"order_id": "O-5002"}, RefusalCode.ALREADY_EXTENDED, None, False),
    ("C-1008", "extend_due_date", {"order_id": "O-8003"}, RefusalCode.DUE_DATE_PASSED, None, False),
    ("C-1001", "extend_due_date", {"order_id": "O-1001"}, RefusalCode.NOT_PAY_IN_30, None, False),
    ("C-1007", "extend_due_date", {"order_id": "O-7001"}, RefusalCode.ORDER_CLOSED, None, False),
    ("C-1007", "pay_instalment", {"order_id": "O-7001"}, RefusalCode.NOTHING_DUE, None, False),
    ("C-1006", "open_dispute", {"order_id": "O-6001", "reason": "faulty"}, RefusalCode.DISPUTE_TOO_EARLY, None, False),
    ("C-1008", "open_dispute", {"order_id": "O-8002", "reason": "faulty"}, RefusalCode.DISPUTE_TOO_LATE, None, False),
    ("C-1002", "unfreeze_card", {"card_id": "K-2001"}, RefusalCode.CARD_NOT_FROZEN, None, False),
    ("C-1009", "freeze_card", {"card_id": "K-9001"}, RefusalCode.CARD_ALREADY_FROZEN, None, False),
    ("C-1001", "request_account_deletion", {}, RefusalCode.OUTSTANDING_BALANCE, None, False),
    (
        "C-1001",
        "change_payment_method",
        {"order_id": "O-1001", "method": "bank_account"},
        RefusalCode.STEP_UP_REQUIRED,
        None,
        False,
    ),
    ("C-1004", "waive_late_fee", {"order_id": "O-4001"}, RefusalCode.NOT_ALLOWED_FOR_ASSISTANT, None, True),
    (
        "C-1004",
        "waive_late_fee",
        {"order_id": "O-4001"},
        RefusalCode.NOT_ALLOWED_FOR_ASSISTANT,
        Actor(ActorKind.CUSTOMER, "C-1004"),
        False,
    ),
    ("C-1001", "update_contact_details", {"email": "lukas.meyer@example.de"}, RefusalCode.EMAIL_TAKEN, None, False),
]


def test_refusals_on_both_databases(db: Database) -> None:
    touched = sorted({(customer, args["order_id"]) for customer, _, args, *_ in REFUSALS if "order_id" in args})
    before = {key: order(db, *key) for key in touched}
    cards_before = {c: ok(act(db, c, "list_cards")) for c in ("C-1002", "C-1009")}
    for customer, action, args, code, actor, step_up in REFUSALS:
        refused_with(act(db, customer, action, args, actor=actor, step_up=step_up), code)
    assert {key: order(db, *key) for key in touched} == before
    assert {c: ok(act(db, c, "list_cards")) for c in ("C-1002", "C-1009")} == cards_before
    assert profile(db, "C-1001")["email"] == "anna.svensson@example.se"
