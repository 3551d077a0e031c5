"""Types shared by every tool."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from klarsvar.core.clock import Clock


class ActorKind(StrEnum):
    AI = "ai"
    HUMAN = "human"
    CUSTOMER = "customer"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str | None = None


@dataclass
class ActionContext:
    """Who acts, for which customer, in which conversation, at what time."""

    actor: Actor
    customer_id: str | None
    clock: Clock
    conversation_id: str | None = None
    step_up_verified: bool = False


class RefusalCode(StrEnum):
    NOT_VERIFIED = "not_verified"
    NOT_FOUND = "not_found"
    INVALID_ARGUMENT = "invalid_argument"
    NOT_PAY_IN_30 = "not_pay_in_30"
    ALREADY_EXTENDED = "already_extended"
    DUE_DATE_PASSED = "due_date_passed"
    ORDER_CLOSED = "order_closed"
    NOTHING_DUE = "nothing_due"
    DISPUTE_TOO_EARLY = "dispute_too_early"
    DISPUTE_TOO_LATE = "dispute_too_late"
    DISPUTE_ALREADY_OPEN = "dispute_already_open"
    RETURN_ALREADY_REPORTED = "return_already_reported"
    CARD_ALREADY_FROZEN = "card_already_frozen"
    CARD_NOT_FROZEN = "card_not_frozen"
    OUTSTANDING_BALANCE = "outstanding_balance"
    REQUEST_ALREADY_OPEN = "request_already_open"
    STEP_UP_REQUIRED = "step_up_required"
    NOT_ALLOWED_FOR_ASSISTANT = "not_allowed_for_assistant"
    EMAIL_TAKEN = "email_taken"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    UNKNOWN_ACTION = "unknown_action"


@dataclass(frozen=True)
class Refusal:
    code: RefusalCode
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code.value, "message": self.message, "details": self.details}


@dataclass(frozen=True)
class ActionResult:
    action: str
    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    refusal: Refusal | None = None
    replayed: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "ok": self.ok, "data": self.data}
        if self.refusal:
            out["refusal"] = self.refusal.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], replayed: bool = False) -> ActionResult:
        ref = data.get("refusal")
        refusal = (
            Refusal(RefusalCode(ref["code"]), ref["message"], ref.get("details", {})) if ref else None
        )
        return cls(data["action"], data["ok"], data.get("data", {}), refusal, replayed)


def refused(action: str, code: RefusalCode, message: str, **details: Any) -> ActionResult:
    return ActionResult(action=action, ok=False, refusal=Refusal(code, message, details))


def done(action: str, **data: Any) -> ActionResult:
    return ActionResult(action=action, ok=True, data=data)


class NoArgs(BaseModel):
    model_config = {"extra": "forbid"}


Handler = Callable[[Any, ActionContext, Any], ActionResult]


@dataclass(frozen=True)
class Tool:
    """A typed tool: the same definition serves the engine, people and an LLM."""

    name: str
    description: str
    args_model: type[BaseModel]
    write: bool
    handler: Handler
    needs_customer: bool = True
    people_only: bool = False

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.args_model.model_json_schema(),
            },
        }
