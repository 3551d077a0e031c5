"""The `handoff` write action: registered in the action layer like any other tool."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.actions.base import ActionContext, ActionResult, RefusalCode, Tool, done, refused
from klarsvar.handoff.repository import HandoffRepository

REASONS = ("customer_request", "fraud", "dispute", "complaint", "frustration", "unresolved", "policy")


class HandoffArgs(BaseModel):
    model_config = {"extra": "forbid"}
    reason: Literal["customer_request", "fraud", "dispute", "complaint", "frustration", "unresolved", "policy"]
    summary: dict[str, Any] = Field(default_factory=dict)


def handoff(repo: AccountsRepository, ctx: ActionContext, args: HandoffArgs) -> ActionResult:
    if not ctx.conversation_id:
        return refused("handoff", RefusalCode.INVALID_ARGUMENT, "A handover needs a conversation.")
    handoffs = HandoffRepository(repo.session)
    existing = handoffs.open_for(ctx.conversation_id)
    if existing is not None:
        return done("handoff", handoff_id=existing.id, reason=existing.reason, already_open=True)
    created = handoffs.create(ctx.conversation_id, args.reason, args.summary, ctx.clock.now())
    return done("handoff", handoff_id=created.id, reason=args.reason)


HANDOFF_TOOL = Tool(
    "handoff",
    "Hand the chat over to a person (reason: customer_request, fraud, dispute, complaint, frustration, "
    "unresolved, policy). From then on people reply.",
    HandoffArgs,
    True,
    handoff,
    needs_customer=False,
)
