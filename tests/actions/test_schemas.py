"""The tools as an LLM sees them: OpenAI function schemas, and only the allowed ones."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from pydantic import ValidationError

from klarsvar.actions.base import ActorKind, NoArgs, Tool, done
from klarsvar.actions.service import ToolRegistry, default_registry
from klarsvar.actions.tools import BACKEND_TOOLS

READS = {
    "get_customer_profile",
    "list_orders",
    "get_order",
    "get_payment_schedule",
    "get_refund_status",
    "list_cards",
    "get_card_transactions",
}
WRITES = {
    "report_return",
    "extend_due_date",
    "pay_instalment",
    "open_dispute",
    "freeze_card",
    "unfreeze_card",
    "update_contact_details",
    "request_data_export",
    "request_account_deletion",
    "change_payment_method",
    "waive_late_fee",
}
PEOPLE_ONLY = {"waive_late_fee"}

# Arguments the schema must accept, and ones it must reject, per tool.
SAMPLES: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
    "get_order": ([{"order_id": "O-1001"}, {"order_id": "o-100001"}], [{}, {"order_id": "1001"}, {"order_id": 1}]),
    "freeze_card": ([{"card_id": "K-2001"}], [{"card_id": "O-1001"}, {"card_id": "K-2001", "x": 1}]),
    "open_dispute": (
        [{"order_id": "O-2003", "reason": "not_received"}, {"order_id": "O-2003", "reason": "faulty", "details": "x"}],
        [
            {"order_id": "O-2003"},
            {"order_id": "O-2003", "reason": "other"},
            {"order_id": "O-2003", "reason": "faulty", "details": "x" * 2001},
        ],
    ),
    "change_payment_method": (
        [{"order_id": "O-1001", "method": "bank_account"}],
        [{"order_id": "O-1001"}, {"order_id": "O-1001", "method": "cash"}],
    ),
    "update_contact_details": (
        [{"email": "a@b.se"}, {"phone": "+46701234567"}, {"address": "Storgatan 1"}],
        [{"name": "x"}, {"email": 5}],
    ),
    "list_orders": ([{}], [{"limit": 1}]),
}


def _conforms(schema: dict[str, Any], value: Any) -> bool:
    """Enough of JSON Schema for these tools: object/string/null/enum/pattern/maxLength/anyOf."""
    if "anyOf" in schema:
        return any(_conforms(s, value) for s in schema["anyOf"])
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "const" in schema and value != schema["const"]:
        return False
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return False
        props = schema.get("properties", {})
        if any(r not in value for r in schema.get("required", [])):
            return False
        if schema.get("additionalProperties") is False and set(value) - set(props):
            return False
        return all(_conforms(props[k], v) for k, v in value.items() if k in props)
    if kind == "string":
        if not isinstance(value, str):
            return False
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return False
        return len(value) <= int(schema.get("maxLength", len(value)))
    if kind == "null":
        return value is None
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return kind is None


def _schemas(actor: ActorKind) -> dict[str, dict[str, Any]]:
    return {s["function"]["name"]: s for s in default_registry().schemas(actor)}


def test_the_registry_knows_every_tool_once() -> None:
    registry = default_registry()
    assert set(registry.names()) == READS | WRITES
    assert len(registry.names()) == len(READS | WRITES)
    assert set(registry.names(writes=True)) == WRITES
    assert set(registry.names(writes=False)) == READS
    assert {t.name for t in BACKEND_TOOLS if t.people_only} == PEOPLE_ONLY


@pytest.mark.parametrize("tool", BACKEND_TOOLS, ids=[t.name for t in BACKEND_TOOLS])
def test_every_tool_has_an_openai_function_schema(tool: Tool) -> None:
    schema = tool.json_schema()
    json.dumps(schema)  # serialisable as is
    assert schema["type"] == "function"
    assert set(schema) == {"type", "function"}
    fn = schema["function"]
    assert fn["name"] == tool.name
    assert re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", fn["name"])
    assert isinstance(fn["description"], str) and len(fn["description"]) >= 10
    params = fn["parameters"]
    assert params["type"] == "object"
    assert params["additionalProperties"] is False
    assert isinstance(params["properties"], dict)
    assert set(params.get("required", [])) <= set(params["properties"])
    assert "$ref" not in json.dumps(params), "parameters are flat, no references to resolve"
    for name, prop in params["properties"].items():
        assert "type" in prop or "anyOf" in prop or "enum" in prop, (tool.name, name)


@pytest.mark.parametrize("tool", BACKEND_TOOLS, ids=[t.name for t in BACKEND_TOOLS])
def test_schema_describes_ids_and_reasons(tool: Tool) -> None:
    props = tool.json_schema()["function"]["parameters"]["properties"]
    if "order_id" in props:
        assert props["order_id"]["pattern"]
        assert "O-1001" in props["order_id"]["description"]
    if "card_id" in props:
        assert props["card_id"]["pattern"]
    if "reason" in props:
        assert set(props["reason"]["enum"]) == {"not_received", "faulty", "wrong_item", "cancelled_but_charged"}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_schema_and_validation_agree(name: str) -> None:
    tool = next(t for t in BACKEND_TOOLS if t.name == name)
    params = tool.json_schema()["function"]["parameters"]
    good, bad = SAMPLES[name]
    for args in good:
        assert _conforms(params, args), args
        tool.args_model.model_validate(args)
    for args in bad:
        assert not _conforms(params, args), args
        with pytest.raises(ValidationError):
            tool.args_model.model_validate(args)


@pytest.mark.parametrize("actor", [ActorKind.AI, ActorKind.CUSTOMER])
def test_people_only_tools_are_not_offered_to_the_assistant(actor: ActorKind) -> None:
    offered = _schemas(actor)
    assert set(offered) == (READS | WRITES) - PEOPLE_ONLY
    assert "waive_late_fee" not in offered


@pytest.mark.parametrize("actor", [ActorKind.HUMAN, ActorKind.SYSTEM])
def test_people_see_every_tool(actor: ActorKind) -> None:
    assert set(_schemas(actor)) == READS | WRITES


def test_the_default_audience_is_the_assistant() -> None:
    assert default_registry().schemas() == default_registry().schemas(ActorKind.AI)


def test_the_assistant_is_offered_no_way_to_refund_or_change_an_amount() -> None:
    offered = _schemas(ActorKind.AI)
    assert not any("refund" in name and name != "get_refund_status" for name in offered)
    for name, schema in offered.items():
        props = schema["function"]["parameters"]["properties"]
        assert not any("amount" in p or "fee" in p for p in props), name


def test_registering_a_tool_twice_is_an_error() -> None:
    tool = Tool("ping", "A tool for the test.", NoArgs, False, lambda repo, ctx, args: done("ping"))
    registry = ToolRegistry([tool])
    with pytest.raises(ValueError, match="twice"):
        registry.register(tool)
    assert registry.get("ping") is tool
    assert registry.get("pong") is None


def test_a_registered_plugin_tool_is_offered_with_its_schema() -> None:
    registry = default_registry()
    registry.register(
        Tool(
            "handoff_test",
            "Hand the chat to a person.",
            NoArgs,
            True,
            lambda repo, ctx, args: done("handoff_test"),
            needs_customer=False,
        )
    )
    registry.register(
        Tool(
            "supervisor_test",
            "Only for people.",
            NoArgs,
            True,
            lambda repo, ctx, args: done("supervisor_test"),
            people_only=True,
        )
    )
    ai = {s["function"]["name"] for s in registry.schemas(ActorKind.AI)}
    human = {s["function"]["name"] for s in registry.schemas(ActorKind.HUMAN)}
    assert "handoff_test" in ai and "supervisor_test" not in ai
    assert {"handoff_test", "supervisor_test"} <= human
