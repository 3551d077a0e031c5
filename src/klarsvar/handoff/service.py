"""What people do with a handed-over chat: take it, reply, act, hand back, close."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from klarsvar.actions.base import ActionContext, ActionResult, Actor, ActorKind
from klarsvar.actions.service import ActionService, ToolRegistry
from klarsvar.conversation.engine import EngineError
from klarsvar.conversation.models import Author, Message
from klarsvar.conversation.repository import ConversationRepository
from klarsvar.core.clock import Clock
from klarsvar.core.pan import mask_pans
from klarsvar.handoff.repository import Handoff, HandoffRepository
from klarsvar.i18n.catalog import render
from klarsvar.live.bus import EventBus
from klarsvar.storage.database import Database


@dataclass
class QueueItem:
    handoff: Handoff
    customer_id: str | None
    language: str | None
    last_message: str | None

    def to_json(self) -> dict[str, Any]:
        return {**self.handoff.to_json(), "customer_id": self.customer_id, "language": self.language,
                "last_message": self.last_message}


class HandoffService:
    def __init__(self, db: Database, clock: Clock, bus: EventBus, registry: ToolRegistry) -> None:
        self.db = db
        self.clock = clock
        self.bus = bus
        self.registry = registry

    def queue(self) -> list[QueueItem]:
        with self.db.session() as session:
            convs = ConversationRepository(session)
            items = []
            for h in HandoffRepository(session).queue():
                conv = convs.get(h.conversation_id)
                msgs = convs.messages(h.conversation_id)
                last = next((m.text for m in reversed(msgs) if m.author is Author.CUSTOMER), None)
                items.append(QueueItem(h, conv.customer_id if conv else None, conv.language if conv else None, last))
            return items

    def _open(self, session: Any, conversation_id: str) -> Handoff:
        handoff = HandoffRepository(session).open_for(conversation_id)
        if handoff is None:
            raise EngineError("not_handed_over", "This conversation is not with a person.")
        return handoff

    def take(self, conversation_id: str, agent_id: str) -> Handoff:
        with self.db.session() as session:
            handoff = self._open(session, conversation_id)
            HandoffRepository(session).take(handoff.id, agent_id, self.clock.now())
            taken = HandoffRepository(session).open_for(conversation_id)
        assert taken is not None
        self.bus.publish(conversation_id, {"type": "taken", "agent": agent_id})
        return taken

    def reply(self, conversation_id: str, agent_id: str, text: str) -> Message:
        text = mask_pans(text.strip())
        if not text:
            raise EngineError("empty_message", "The message is empty.")
        with self.db.session() as session:
            convs = ConversationRepository(session)
            conv = convs.get(conversation_id)
            if conv is None:
                raise EngineError("not_found", "No such conversation.")
            if conv.mode != "human":
                raise EngineError("not_handed_over", "The assistant has this conversation; take it over first.")
            message = convs.add_message(conversation_id, Author.HUMAN, text, conv.language, self.clock.now(),
                                        author_id=agent_id)
            convs.update(conversation_id, self.clock.now())
        self.bus.publish(conversation_id, {"type": "message", "message": message.to_json()})
        return message

    def act(self, conversation_id: str, agent_id: str, action: str, args: dict[str, Any]) -> ActionResult:
        """People run actions through the same action layer, recorded with the agent as actor."""
        with self.db.session() as session:
            conv = ConversationRepository(session).get(conversation_id)
            if conv is None:
                raise EngineError("not_found", "No such conversation.")
            ctx = ActionContext(Actor(ActorKind.HUMAN, agent_id), conv.customer_id, self.clock,
                                conversation_id=conversation_id)
            return ActionService(session, self.registry).run(action, args, ctx)

    def hand_back(self, conversation_id: str, agent_id: str) -> Message:
        with self.db.session() as session:
            handoff = self._open(session, conversation_id)
            HandoffRepository(session).end(handoff.id, "returned", self.clock.now())
            convs = ConversationRepository(session)
            conv = convs.get(conversation_id)
            language = (conv.language if conv else None) or "en"
            message = convs.add_message(conversation_id, Author.AI, render("handback", language), language,
                                        self.clock.now(), author_id="klarsvar", meta={"handback_by": agent_id})
        self.bus.publish(conversation_id, {"type": "message", "message": message.to_json()})
        self.bus.publish(conversation_id, {"type": "handed_back", "agent": agent_id})
        return message

    def close(self, conversation_id: str, agent_id: str | None = None) -> None:
        with self.db.session() as session:
            convs = ConversationRepository(session)
            if convs.get(conversation_id) is None:
                raise EngineError("not_found", "No such conversation.")
            handoff = HandoffRepository(session).open_for(conversation_id)
            if handoff is not None:
                HandoffRepository(session).end(handoff.id, "closed", self.clock.now())
            convs.update(conversation_id, self.clock.now(), status="closed", closed_at=self.clock.now())
        self.bus.publish(conversation_id, {"type": "closed", "by": agent_id})
