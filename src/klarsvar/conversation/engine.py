"""The engine: one path from a customer message to replies, actions and state."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.actions.base import ActionContext, ActionResult, Actor, ActorKind
from klarsvar.actions.service import ActionService, ToolRegistry, default_registry
from klarsvar.conversation.dialogue import Dialogue
from klarsvar.conversation.models import Author, Conversation, Message, TurnResult
from klarsvar.conversation.ports import Answerer, NoKnowledge
from klarsvar.conversation.repository import ConversationRepository
from klarsvar.conversation.state import ConversationState
from klarsvar.conversation.verification import CodeVerifier
from klarsvar.core.clock import Clock
from klarsvar.core.pan import mask_pans
from klarsvar.handoff.repository import HandoffRepository
from klarsvar.handoff.tool import HANDOFF_TOOL
from klarsvar.live.bus import EventBus, InProcessBus
from klarsvar.storage.database import Database
from klarsvar.understanding.base import Understander, UnderstandingContext

log = logging.getLogger("klarsvar.engine")
MAX_MESSAGE_CHARS = 4000
MAX_COMMENT_CHARS = 1000


class EngineError(Exception):
    """A request the engine refuses, with a reason a client can show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class BoundBackend:
    """The action layer bound to one conversation's actor and customer."""

    def __init__(self, service: ActionService, ctx: ActionContext, turn_key: str) -> None:
        self.service = service
        self.ctx = ctx
        self.turn_key = turn_key
        self._writes = 0

    def read(self, name: str, args: dict[str, Any] | None = None) -> ActionResult:
        return self.service.run(name, args, self.ctx)

    def check(self, name: str, args: dict[str, Any] | None = None) -> ActionResult:
        return self.service.run(name, args, self.ctx, dry_run=True)

    def write(self, name: str, args: dict[str, Any] | None = None) -> ActionResult:
        self._writes += 1
        key = f"{self.turn_key}:{self._writes}:{name}"
        return self.service.run(name, args, self.ctx, idempotency_key=key)


@dataclass
class _Timer:
    started: float

    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 2)


def tool_registry() -> ToolRegistry:
    registry = default_registry()
    registry.register(HANDOFF_TOOL)
    return registry


class Engine:
    def __init__(
        self,
        db: Database,
        understander: Understander,
        *,
        clock: Clock,
        knowledge: Answerer | None = None,
        registry: ToolRegistry | None = None,
        bus: EventBus | None = None,
        demo_mode: bool = True,
    ) -> None:
        self.db = db
        self.understander = understander
        self.clock = clock
        self.knowledge: Answerer = knowledge or NoKnowledge()
        self.registry = registry or tool_registry()
        self.bus: EventBus = bus or InProcessBus()
        self.demo_mode = demo_mode

    # --- conversations -----------------------------------------------------------------
    def start(self, *, customer_id: str | None = None, channel: str = "api",
              language: str | None = None) -> Conversation:
        # A write session: on SQLite a read transaction that then writes fails at once ("database is
        # locked") when another writer committed in between; taking the write lock first waits instead.
        with self.db.session(write=True) as session:
            if customer_id is not None and AccountsRepository(session).customer(customer_id) is None:
                raise EngineError("unknown_customer", "No such customer.")
            conv = ConversationRepository(session).create(
                uuid.uuid4().hex, customer_id, channel, self.clock.now(), language
            )
        return conv

    def get(self, conversation_id: str) -> Conversation | None:
        with self.db.session() as session:
            return ConversationRepository(session).get(conversation_id)

    def messages(self, conversation_id: str, after_seq: int = 0) -> list[Message]:
        with self.db.session() as session:
            return ConversationRepository(session).messages(conversation_id, after_seq)

    def traces(self, conversation_id: str) -> list[dict[str, Any]]:
        with self.db.session() as session:
            return ConversationRepository(session).traces(conversation_id)

    # --- the end of a chat -----------------------------------------------------------------
    def end(self, conversation_id: str, by: str = "customer") -> Conversation:
        """The customer ends the chat: it is closed (an open handover with it); the survey may follow."""
        with self.db.session(write=True) as session:
            convs = ConversationRepository(session)
            conv = convs.get(conversation_id, for_update=True)
            if conv is None:
                raise EngineError("not_found", "No such conversation.")
            if conv.status != "closed":
                now = self.clock.now()
                handoffs = HandoffRepository(session)
                handoff = handoffs.open_for(conversation_id)
                if handoff is not None:
                    handoffs.end(handoff.id, "closed", now)
                convs.update(conversation_id, now, status="closed", closed_at=now)
            ended = convs.get(conversation_id)
        assert ended is not None
        if conv.status != "closed":
            self.bus.publish(conversation_id, {"type": "closed", "by": by})
        return ended

    def rate(self, conversation_id: str, score: int, comment: str | None = None) -> Conversation:
        """The customer's satisfaction survey (1–5 and an optional comment), once, after the chat ended."""
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise EngineError("invalid_score", "The score is a whole number from 1 to 5.")
        comment = mask_pans(comment.strip())[:MAX_COMMENT_CHARS] if comment and comment.strip() else None
        with self.db.session(write=True) as session:
            convs = ConversationRepository(session)
            conv = convs.get(conversation_id, for_update=True)
            if conv is None:
                raise EngineError("not_found", "No such conversation.")
            if conv.status != "closed":
                raise EngineError("not_closed", "The survey comes when the chat has ended.")
            if conv.csat_score is not None:
                raise EngineError("already_rated", "This chat has been rated already.")
            convs.update(conversation_id, self.clock.now(), csat_score=score, csat_comment=comment)
            rated = convs.get(conversation_id)
        assert rated is not None
        self.bus.publish(conversation_id, {"type": "csat", "score": score})
        return rated

    # --- a customer turn -----------------------------------------------------------------
    def handle(self, conversation_id: str, text: str) -> TurnResult:
        timer = _Timer(time.perf_counter())
        if not isinstance(text, str) or not text.strip():
            raise EngineError("empty_message", "The message is empty.")
        if len(text) > MAX_MESSAGE_CHARS:
            raise EngineError("message_too_long", f"A message can have at most {MAX_MESSAGE_CHARS} characters.")
        clean = mask_pans(text.strip())
        with self.db.session(write=True) as session:
            result = self._turn(session, conversation_id, clean, timer)
        for message in [result.customer_message, *result.replies]:
            self.bus.publish(conversation_id, {"type": "message", "message": message.to_json()})
        if result.handoff:
            self.bus.publish(conversation_id, {"type": "handoff", "reason": result.handoff})
        log.info("turn", extra={"conversation": conversation_id, "ms": result.latency_ms,
                                "intent": result.trace.get("understanding", {}).get("intents", [{}])[0].get("intent"),
                                "actions": [a.name for a in result.actions], "handoff": result.handoff,
                                "mode": result.mode})
        return result

    def _turn(self, session: Session, conversation_id: str, clean: str, timer: _Timer) -> TurnResult:
        convs = ConversationRepository(session)
        conv = convs.get(conversation_id, for_update=True)
        if conv is None:
            raise EngineError("not_found", "No such conversation.")
        if conv.status == "closed":
            raise EngineError("closed", "This conversation is closed; start a new one.")
        now = self.clock.now()
        state = ConversationState.from_json(conv.state)
        trace: dict[str, Any] = {"steps": []}

        if conv.mode == "human":
            customer_msg = convs.add_message(conversation_id, Author.CUSTOMER, clean, state.language, now)
            # People reply from now on; the AI stays silent until handed back.
            trace["steps"].append({"step": "human_mode", "ms": timer.ms()})
            convs.add_trace(conversation_id, customer_msg.seq, trace, int(timer.ms()), now)
            convs.update(conversation_id, now)
            return TurnResult(conversation_id, customer_msg, [], [], None, "human", timer.ms(), trace=trace)

        accounts = AccountsRepository(session)
        profile_language = None
        if conv.customer_id:
            customer = accounts.customer(conv.customer_id)
            profile_language = customer.language if customer else None
        context = UnderstandingContext(
            previous_language=state.language or conv.language,
            profile_language=profile_language,
            awaiting="confirmation" if state.pending else (state.awaiting.slot if state.awaiting else None),
        )
        t_understand = time.perf_counter()
        understanding = self.understander.understand(clean, context)
        trace["understanding"] = understanding.to_json()
        trace["steps"].append({"step": "understand", "ms": round((time.perf_counter() - t_understand) * 1000, 2)})
        language = understanding.language or state.language or profile_language or "en"
        customer_msg = convs.add_message(conversation_id, Author.CUSTOMER, clean, understanding.language, now)

        service = ActionService(session, self.registry)
        ctx = ActionContext(Actor(ActorKind.AI, "klarsvar"), conv.customer_id, self.clock,
                            conversation_id=conversation_id)
        backend = BoundBackend(service, ctx, f"{conversation_id}:{customer_msg.seq}")
        verifier = CodeVerifier(convs, accounts, self.clock, conversation_id, self.demo_mode, state.verify_attempts)
        dialogue = Dialogue(state=state, customer_id=conv.customer_id, backend=backend, knowledge=self.knowledge,
                            verifier=verifier, conversation_id=conversation_id, language=language)
        t_policy = time.perf_counter()
        outcome = dialogue.run(understanding)
        customer_id = conv.customer_id
        if outcome.verified_customer:
            customer_id = outcome.verified_customer
            ctx.customer_id = customer_id
            if outcome.resume_text:
                resumed = self.understander.understand(outcome.resume_text, context)
                dialogue.continue_with(resumed)
        trace["steps"].append({"step": "policy", "ms": round((time.perf_counter() - t_policy) * 1000, 2)})
        trace["decisions"] = outcome.decisions
        trace["knowledge"] = outcome.knowledge
        trace["actions"] = [{"name": a.name, "ok": a.ok,
                             "refusal": (a.result.get("refusal") or {}).get("code")} for a in outcome.actions]

        reply = outcome.reply
        if not state.greeted:
            reply.say_first("disclosure")
            state.greeted = True
        reply_language = "en" if reply.fallback_english else reply.language
        state.language = reply.language
        meta: dict[str, Any] = {
            "sources": [s.to_json() for s in reply.sources],
            "actions": [a.to_json() for a in outcome.actions],
            "grounded": reply.grounded,
            "abstained": reply.abstained,
            "handoff": outcome.handoff,
        }
        replies = [convs.add_message(conversation_id, Author.AI, mask_pans(reply.text()), reply_language, now, meta,
                                     author_id="klarsvar")] if not reply.empty else []
        updates: dict[str, Any] = {"state": state.to_json(), "language": state.language,
                                   "customer_id": customer_id}
        if conv.intent is None and understanding.intent not in ("greeting", "affirm", "deny", "cancel",
                                                                 "thanks_goodbye"):
            updates["intent"] = understanding.intent
        if outcome.handoff:
            updates["mode"] = "human"
            updates["handoff_reason"] = outcome.handoff
        convs.update(conversation_id, now, **updates)
        total = timer.ms()
        trace["steps"].append({"step": "total", "ms": total})
        convs.add_trace(conversation_id, customer_msg.seq, trace, int(total), now)
        return TurnResult(
            conversation_id=conversation_id,
            customer_message=customer_msg,
            replies=replies,
            actions=outcome.actions,
            handoff=outcome.handoff,
            mode="human" if outcome.handoff else conv.mode,
            latency_ms=total,
            demo_code=outcome.demo_code,
            trace=trace,
        )
