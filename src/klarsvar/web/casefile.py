"""What an agent sees of one handed-over chat: the conversation, the engine's summary, the
customer and their orders, the actions already taken, and the tools they can run."""

from __future__ import annotations

from typing import Any

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.actions.base import ActorKind
from klarsvar.actions.repository import ActionRecordsRepository
from klarsvar.actions.service import ToolRegistry
from klarsvar.actions.tools import order_summary
from klarsvar.conversation.engine import EngineError
from klarsvar.conversation.models import Author, Conversation
from klarsvar.conversation.repository import ConversationRepository
from klarsvar.handoff.repository import Handoff, HandoffRepository
from klarsvar.storage.database import Database


def _customer(accounts: AccountsRepository, customer_id: str | None) -> dict[str, Any] | None:
    if not customer_id:
        return None
    customer = accounts.customer(customer_id)
    if customer is None:
        return None
    return {"id": customer.id, "name": customer.name, "email": customer.email, "language": customer.language,
            "country": customer.country}


def _action(entry: dict[str, Any]) -> dict[str, Any]:
    result = entry.get("result") or {}
    refusal = result.get("refusal") if isinstance(result, dict) else None
    return {
        "at": entry["at"].isoformat(),
        "actor_kind": entry["actor_kind"],
        "actor_id": entry["actor_id"],
        "action": entry["action"],
        "arguments": entry["arguments"],
        "ok": bool(entry["ok"]),
        "refusal": refusal.get("message") if isinstance(refusal, dict) else None,
    }


def _queue_entry(conv: Conversation | None, handoff: Handoff, customer: dict[str, Any] | None,
                 last: str | None, waiting_customer_messages: int) -> dict[str, Any]:
    return {
        **handoff.to_json(),
        "customer_id": conv.customer_id if conv else None,
        "customer": customer,
        "language": conv.language if conv else None,
        "intent": conv.intent if conv else None,
        "last_message": last,
        "unanswered": waiting_customer_messages,
    }


def queue(db: Database) -> list[dict[str, Any]]:
    """Handed-over chats waiting for or taken by a person, oldest first."""
    with db.session() as session:
        convs = ConversationRepository(session)
        accounts = AccountsRepository(session)
        out = []
        for handoff in HandoffRepository(session).queue():
            conv = convs.get(handoff.conversation_id)
            messages = convs.messages(handoff.conversation_id)
            last = next((m.text for m in reversed(messages) if m.author is Author.CUSTOMER), None)
            unanswered = 0
            for m in reversed(messages):
                if m.author is not Author.CUSTOMER:
                    break
                unanswered += 1
            out.append(_queue_entry(conv, handoff, _customer(accounts, conv.customer_id if conv else None), last,
                                    unanswered))
        return out


def case_file(db: Database, registry: ToolRegistry, conversation_id: str) -> dict[str, Any]:
    with db.session() as session:
        convs = ConversationRepository(session)
        conv = convs.get(conversation_id)
        if conv is None:
            raise EngineError("not_found", "No such conversation.")
        accounts = AccountsRepository(session)
        handoffs = HandoffRepository(session).all_for(conversation_id)
        open_handoff = next((h for h in reversed(handoffs) if h.status in ("waiting", "taken")), None)
        orders = [order_summary(o) for o in accounts.orders_of(conv.customer_id)] if conv.customer_id else []
        actions = [_action(e) for e in ActionRecordsRepository(session).audit_entries(conversation_id=conversation_id)]
        latest = open_handoff or (handoffs[-1] if handoffs else None)
        return {
            "conversation": conv.to_json(),
            "handoff": open_handoff.to_json() if open_handoff else None,
            "handoffs": [h.to_json() for h in handoffs],
            "summary": latest.summary if latest else {},
            "messages": [m.to_json() for m in convs.messages(conversation_id)],
            "customer": _customer(accounts, conv.customer_id),
            "orders": orders,
            "actions": actions,
            "tools": tools(registry),
        }


def tools(registry: ToolRegistry) -> list[dict[str, Any]]:
    """The actions people may run from the console, with their argument schemas."""
    out = []
    for schema in registry.schemas(ActorKind.HUMAN):
        fn = schema["function"]
        if fn["name"] == "handoff":
            continue
        tool = registry.get(fn["name"])
        params = fn["parameters"]
        out.append({"name": fn["name"], "description": fn["description"], "write": bool(tool and tool.write),
                    "properties": sorted(params.get("properties", {})), "required": params.get("required", [])})
    return out
