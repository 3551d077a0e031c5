"""A customer sees and changes only their own things; bad calls are refused, never raised."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import ai_context
from klarsvar.actions.base import ActionContext, ActionResult, Actor, ActorKind, RefusalCode
from klarsvar.actions.service import ActionService, default_registry
from klarsvar.core.clock import FixedClock
from klarsvar.storage.database import Database

ANNA = "C-1001"


def act(
    db: Database,
    customer_id: str | None,
    action: str,
    args: Any = None,
    *,
    actor: Actor | None = None,
    step_up: bool = False,
) -> ActionResult:
    clock = FixedClock()
    ctx = ai_context(customer_id, clock) if actor is None else ActionContext(actor, customer_id, clock)
    ctx.step_up_verified = step_up
    with db.session() as session:
        return ActionService(session).run(action, args, ctx)


def refusal_code(result: ActionResult) -> RefusalCode:
    assert not result.ok, result
    assert result.refusal is not None
    assert result.data == {}
    return result.refusal.code


# (action, args on another customer's object, the owner, the same call on an id that does not exist)
FOREIGN: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    ("get_order", {"order_id": "O-2001"}, "C-1002", {"order_id": "O-99999"}),
    ("get_order", {"order_id": "o-2003"}, "C-1002", {"order_id": "o-99999"}),
    ("get_payment_schedule", {"order_id": "O-4001"}, "C-1004", {"order_id": "O-99999"}),
    ("get_refund_status", {"order_id": "O-3001"}, "C-1003", {"order_id": "O-99999"}),
    ("get_card_transactions", {"card_id": "K-2001"}, "C-1002", {"card_id": "K-99999"}),
    ("report_return", {"order_id": "O-2002"}, "C-1002", {"order_id": "O-99999"}),
    ("extend_due_date", {"order_id": "O-5001"}, "C-1005", {"order_id": "O-99999"}),
    ("pay_instalment", {"order_id": "O-4001"}, "C-1004", {"order_id": "O-99999"}),
    (
        "open_dispute",
        {"order_id": "O-2003", "reason": "not_received"},
        "C-1002",
        {"order_id": "O-99999", "reason": "not_received"},
    ),
    ("freeze_card", {"card_id": "K-2001"}, "C-1002", {"card_id": "K-99999"}),
    ("unfreeze_card", {"card_id": "K-9001"}, "C-1009", {"card_id": "K-99999"}),
]

# Everything about the other customers' orders and cards that must not leak.
SECRETS = [
    "C-1002",
    "C-1003",
    "C-1004",
    "C-1005",
    "C-1009",
    "TechHaus",
    "Gadgetly",
    "ModeWelt",
    "CityStyle",
    "Maison Belle",
    "Deportes Sol",
    "XYZ Games",
    "4417",
    "2210",
    "899",
    "249",
    "79.95",
    "150.00",
    "37.50",
    "35.00",
    "60.00",
    "lukas",
    "camille",
    "javier",
    "emma",
    "sanne",
    "2026-",
]


def check_foreign(db: Database, action: str, args: dict[str, Any], owner: str, missing: dict[str, Any]) -> None:
    key = "order_id" if "order_id" in args else "card_id"
    owner_view_before = act(
        db,
        owner,
        "get_order" if key == "order_id" else "list_cards",
        {"order_id": args[key]} if key == "order_id" else {},
    )
    assert owner_view_before.ok

    result = act(db, ANNA, action, args, step_up=True)
    assert refusal_code(result) is RefusalCode.NOT_FOUND

    dumped = json.dumps(result.to_json(), ensure_ascii=False)
    for secret in SECRETS:
        assert secret.lower() not in dumped.lower(), secret

    # the refusal is exactly the one for an id that does not exist
    ghost = act(db, ANNA, action, missing, step_up=True)
    assert refusal_code(ghost) is RefusalCode.NOT_FOUND
    assert result.refusal is not None and ghost.refusal is not None
    assert result.refusal.message == ghost.refusal.message
    assert set(result.refusal.details) == set(ghost.refusal.details)
    assert result.refusal.details[key] == args[key].upper()

    # and nothing changed for the owner
    owner_view_after = act(
        db,
        owner,
        "get_order" if key == "order_id" else "list_cards",
        {"order_id": args[key]} if key == "order_id" else {},
    )
    assert owner_view_after.data == owner_view_before.data


@pytest.mark.parametrize(("action", "args", "owner", "missing"), FOREIGN, ids=[f"{a}-{o}" for a, _, o, _ in FOREIGN])
def test_another_customers_object_looks_like_it_does_not_exist(
    sqlite_db: Database, action: str, args: dict[str, Any], owner: str, missing: dict[str, Any]
) -> None:
    check_foreign(sqlite_db, action, args, owner, missing)


def test_another_customers_objects_on_both_databases(db: Database) -> None:
    # every call is refused and changes nothing, so one world serves them all
    for action, args, owner, missing in FOREIGN:
        check_foreign(db, action, args, owner, missing)


def test_even_a_verified_step_up_does_not_reach_another_customers_order(db: Database) -> None:
    result = act(db, ANNA, "change_payment_method", {"order_id": "O-2001", "method": "bank_card"}, step_up=True)
    assert refusal_code(result) is RefusalCode.NOT_FOUND
    assert act(db, "C-1002", "get_order", {"order_id": "O-2001"}).data["payment_method"] == "bank_account"


def test_a_person_acting_for_one_customer_cannot_touch_another_customers_order(db: Database) -> None:
    result = act(db, ANNA, "waive_late_fee", {"order_id": "O-4001"}, actor=Actor(ActorKind.HUMAN, "agent-1"))
    assert refusal_code(result) is RefusalCode.NOT_FOUND
    inst = act(db, "C-1004", "get_order", {"order_id": "O-4001"}).data["instalments"][1]
    assert inst["late_fee"]["minor"] == 700


def test_lists_only_show_own_things(db: Database) -> None:
    orders = act(db, ANNA, "list_orders", {}).data["orders"]
    assert {o["order_id"] for o in orders} == {"O-1001", "O-1002"}
    assert act(db, ANNA, "list_cards", {}).data["cards"] == []
    assert [c["card_id"] for c in act(db, "C-1002", "list_cards", {}).data["cards"]] == ["K-2001"]


def test_profile_of_another_customer_cannot_be_asked_for(db: Database) -> None:
    result = act(db, ANNA, "get_customer_profile", {"customer_id": "C-1002"})
    assert refusal_code(result) is RefusalCode.INVALID_ARGUMENT
    assert "lukas" not in json.dumps(result.to_json()).lower()


def test_an_unknown_customer_id_finds_nothing(db: Database) -> None:
    assert refusal_code(act(db, "C-404", "get_customer_profile", {})) is RefusalCode.NOT_FOUND
    assert act(db, "C-404", "list_orders", {}).data == {"orders": []}
    assert refusal_code(act(db, "C-404", "get_order", {"order_id": "O-1001"})) is RefusalCode.NOT_FOUND


VALID_ARGS: dict[str, dict[str, Any]] = {
    "get_customer_profile": {},
    "list_orders": {},
    "get_order": {"order_id": "O-1001"},
    "get_payment_schedule": {"order_id": "O-1001"},
    "get_refund_status": {"order_id": "O-1001"},
    "list_cards": {},
    "get_card_transactions": {"card_id": "K-2001"},
    "report_return": {"order_id": "O-1002"},
    "extend_due_date": {"order_id": "O-1002"},
    "pay_instalment": {"order_id": "O-1001"},
    "open_dispute": {"order_id": "O-1001", "reason": "faulty"},
    "freeze_card": {"card_id": "K-2001"},
    "unfreeze_card": {"card_id": "K-9001"},
    "update_contact_details": {"email": "someone@example.se"},
    "request_data_export": {},
    "request_account_deletion": {},
    "change_payment_method": {"order_id": "O-1001", "method": "bank_account"},
}


def test_valid_args_cover_every_tool_the_assistant_has() -> None:
    registry = default_registry()
    ai_tools = {s["function"]["name"] for s in registry.schemas(ActorKind.AI)}
    assert ai_tools == set(VALID_ARGS)


@pytest.mark.parametrize("action", sorted(VALID_ARGS))
def test_no_customer_means_not_verified(sqlite_db: Database, action: str) -> None:
    result = act(sqlite_db, None, action, VALID_ARGS[action])
    assert refusal_code(result) is RefusalCode.NOT_VERIFIED
    # nothing was changed on anyone's behalf
    assert act(sqlite_db, "C-1002", "list_cards", {}).data["cards"][0]["status"] == "active"
    assert act(sqlite_db, "C-1001", "get_order", {"order_id": "O-1001"}).data["next_payment"]["seq"] == 3


def test_not_verified_on_both_databases(db: Database) -> None:
    assert refusal_code(act(db, None, "get_order", {"order_id": "O-1001"})) is RefusalCode.NOT_VERIFIED
    assert refusal_code(act(db, "", "freeze_card", {"card_id": "K-2001"})) is RefusalCode.NOT_VERIFIED
    assert act(db, "C-1002", "list_cards", {}).data["cards"][0]["status"] == "active"


@pytest.mark.parametrize("action", ["issue_refund", "refund", "delete_customer", "", "GET_ORDER", "get_order "])
def test_unknown_action(sqlite_db: Database, action: str) -> None:
    result = act(sqlite_db, ANNA, action, {"order_id": "O-1001"})
    assert refusal_code(result) is RefusalCode.UNKNOWN_ACTION
    assert result.action == action


BAD_ORDER_IDS: list[Any] = [
    "1001",
    "O-",
    "O1001",
    "X-1001",
    "O-10 01",
    "O-1001; DROP TABLE orders",
    "O-1001\n",
    " O-1001x ",
    "O-" + "1" * 13,
    "",
    1001,
    None,
    ["O-1001"],
    {"id": "O-1001"},
    True,
]


@pytest.mark.parametrize("order_id", BAD_ORDER_IDS, ids=[repr(v) for v in BAD_ORDER_IDS])
@pytest.mark.parametrize("action", ["get_order", "pay_instalment"])
def test_bad_order_ids_are_invalid_arguments(sqlite_db: Database, action: str, order_id: Any) -> None:
    result = act(sqlite_db, ANNA, action, {"order_id": order_id})
    assert refusal_code(result) is RefusalCode.INVALID_ARGUMENT
    assert result.refusal is not None and "order_id" in result.refusal.message


@pytest.mark.parametrize(
    ("action", "args"),
    [
        ("get_order", {"order_id": "O-1001", "customer_id": "C-1002"}),
        ("pay_instalment", {"order_id": "O-1001", "amount_minor": 1}),
        ("freeze_card", {"card_id": "K-2001", "reason": "lost"}),
        ("list_orders", {"limit": 5}),
        ("request_data_export", {"customer_id": "C-1002"}),
        ("update_contact_details", {"name": "Anna S"}),
        ("open_dispute", {"order_id": "O-1001", "reason": "faulty", "refund": True}),
        ("get_order", {}),
        ("open_dispute", {"order_id": "O-1001"}),
        ("get_card_transactions", {"card_id": "O-1001"}),
        ("open_dispute", {"order_id": "O-1001", "reason": "faulty", "details": "x" * 2001}),
    ],
)
def test_extra_missing_or_wrong_fields_are_invalid_arguments(
    sqlite_db: Database, action: str, args: dict[str, Any]
) -> None:
    result = act(sqlite_db, ANNA, action, args)
    assert refusal_code(result) is RefusalCode.INVALID_ARGUMENT
    assert result.refusal is not None and result.refusal.message


@pytest.mark.parametrize("args", [["O-1001"], "O-1001", 42, "order_id=O-1001", [("order_id", "O-1001")]])
def test_arguments_that_are_not_an_object_are_invalid_arguments(sqlite_db: Database, args: Any) -> None:
    result = act(sqlite_db, ANNA, "get_order", args)
    assert refusal_code(result) is RefusalCode.INVALID_ARGUMENT


def test_invalid_arguments_on_both_databases(db: Database) -> None:
    assert refusal_code(act(db, ANNA, "pay_instalment", {"order_id": "1001"})) is RefusalCode.INVALID_ARGUMENT
    assert refusal_code(act(db, ANNA, "freeze_card", {"card_id": "K-2001", "x": 1})) is RefusalCode.INVALID_ARGUMENT
    assert act(db, ANNA, "get_order", {"order_id": "O-1001"}).data["next_payment"]["seq"] == 3


def test_none_and_empty_args_are_the_same_for_tools_without_arguments(sqlite_db: Database) -> None:
    assert act(sqlite_db, ANNA, "list_orders", None).data == act(sqlite_db, ANNA, "list_orders", {}).data
