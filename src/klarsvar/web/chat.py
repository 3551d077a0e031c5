"""The chat API: conversations, messages, live events (SSE), traces."""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from sse_starlette.sse import EventSourceResponse

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.conversation.engine import EngineError
from klarsvar.conversation.models import TurnResult
from klarsvar.runtime import Runtime
from klarsvar.storage.database import Database
from klarsvar.web.auth import TokenError, sign, verify
from klarsvar.web.schemas import (
    ConversationOut,
    CsatRequest,
    DemoSessionRequest,
    MessageOut,
    PostMessage,
    StartConversation,
    TurnOut,
)
from klarsvar.web.security import SESSION_COOKIE, agent_from_session

router = APIRouter(prefix="/api", tags=["chat"])


async def runtime(request: Request) -> Runtime:
    # async: FastAPI runs a plain `def` dependency in a worker thread, one more hop per request.
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(runtime)]


T = TypeVar("T")


def turn_slots(db: Database) -> int:
    """How many customer turns (and chat starts) one server process runs at once; the others wait
    their turn in order. A turn holds a pooled database connection for its whole length and the
    knowledge base's index check takes a second one, so without a bound the threads waiting for a
    lock can hold every connection while the turn holding the lock waits for its second one (a
    deadlock until the pool times out: HTTP 500s). On SQLite every turn takes the database's write
    lock, so one at a time is all it can do anyway."""
    if db.is_sqlite:
        return 1
    pool = db.engine.pool
    size = pool.size() if hasattr(pool, "size") else 5
    overflow = max(0, int(getattr(pool, "_max_overflow", 0)))
    return max(1, (size + overflow) // 2)


def turn_limiter(db: Database) -> anyio.CapacityLimiter:
    return anyio.CapacityLimiter(turn_slots(db))


async def in_turn_slot(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run engine work in a worker thread once one of the process's turn slots is free."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "turns", None)
    if limiter is None:
        limiter = request.app.state.turns = turn_limiter(request.app.state.runtime.db)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=limiter)


def _secret(rt: Runtime) -> str:
    return rt.settings.session_secret


def _turn_out(result: TurnResult, demo: bool) -> TurnOut:
    return TurnOut(
        conversation_id=result.conversation_id,
        messages=[MessageOut(**m.to_json()) for m in [result.customer_message, *result.replies]],
        actions=[a.to_json() for a in result.actions],
        handoff=result.handoff,
        mode=result.mode,
        latency_ms=result.latency_ms,
        demo_code=result.demo_code if demo else None,
    )


def require_agent(request: Request, rt: RuntimeDep,
                  x_klarsvar_agent_token: Annotated[str | None, Header()] = None) -> str:
    """Who is acting: "agent" for an API client with the agent token, else the signed-in console user."""
    if x_klarsvar_agent_token is not None:
        if not hmac.compare_digest(x_klarsvar_agent_token.encode(), rt.settings.agent_token.encode()):
            raise HTTPException(401, {"code": "unauthorized", "message": "An agent token is required."})
        return "agent"
    if request.cookies.get(SESSION_COOKIE):
        return agent_from_session(request)
    raise HTTPException(401, {"code": "unauthorized", "message": "An agent token is required."})


@router.post("/demo/sessions", summary="Demo mode: sign in as a demo customer by email")
def demo_session(body: DemoSessionRequest, rt: RuntimeDep) -> dict[str, str]:
    if not rt.settings.demo_mode:
        raise HTTPException(404, {"code": "not_found", "message": "Demo sessions are off."})
    with rt.db.session() as session:
        customer = AccountsRepository(session).customer_by_email(body.email)
    if customer is None:
        raise HTTPException(404, {"code": "unknown_customer", "message": "No demo customer with that email."})
    return {"token": sign(_secret(rt), {"customer_id": customer.id}), "customer_id": customer.id,
            "name": customer.name}


@router.post("/conversations", status_code=201, response_model=ConversationOut,
             summary="Start a conversation (anonymous, or signed in with a Bearer session token)")
async def start_conversation(request: Request, rt: RuntimeDep, body: StartConversation | None = None,
                             authorization: Annotated[str | None, Header()] = None) -> ConversationOut:
    customer_id = None
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, {"code": "unauthorized", "message": "Use 'Authorization: Bearer <token>'."})
        try:
            customer_id = str(verify(_secret(rt), token)["customer_id"])
        except (TokenError, KeyError) as exc:
            raise HTTPException(401, {"code": "unauthorized", "message": "The session token is not valid."}) from exc
    conv = await in_turn_slot(request, rt.engine.start, customer_id=customer_id, channel="web",
                              language=body.language if body else None)
    return ConversationOut(**conv.to_json())


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
def get_conversation(conversation_id: str, rt: RuntimeDep) -> ConversationOut:
    conv = rt.engine.get(conversation_id)
    if conv is None:
        raise HTTPException(404, {"code": "not_found", "message": "No such conversation."})
    return ConversationOut(**conv.to_json())


@router.post("/conversations/{conversation_id}/messages", response_model=TurnOut,
             summary="Post a customer message; the reply comes back in the response (and on the event stream)")
async def post_message(conversation_id: str, body: PostMessage, rt: RuntimeDep, request: Request,
                       stream: bool = Query(False, description="Stream the reply as server-sent events")) -> Any:
    if not stream:
        result = await in_turn_slot(request, rt.engine.handle, conversation_id, body.text)
        return _turn_out(result, rt.settings.demo_mode)

    async def events() -> AsyncIterator[dict[str, str]]:
        try:
            result = await in_turn_slot(request, rt.engine.handle, conversation_id, body.text)
        except EngineError as exc:
            yield {"event": "error", "data": json.dumps({"code": exc.code, "message": exc.message})}
            return
        out = _turn_out(result, rt.settings.demo_mode)
        yield {"event": "message", "data": out.messages[0].model_dump_json()}
        for message in out.messages[1:]:
            words = message.text.split(" ")
            for i in range(0, len(words), 4):
                yield {"event": "delta", "data": json.dumps({"seq": message.seq, "text": " ".join(words[i:i + 4])})}
                await asyncio.sleep(0)
            yield {"event": "message", "data": message.model_dump_json()}
        yield {"event": "done", "data": out.model_dump_json(include={"actions", "handoff", "mode", "latency_ms",
                                                                      "demo_code"})}

    return EventSourceResponse(events())


@router.get("/conversations/{conversation_id}/messages", response_model=list[MessageOut])
def list_messages(conversation_id: str, rt: RuntimeDep, after: int = Query(0, ge=0)) -> list[MessageOut]:
    if rt.engine.get(conversation_id) is None:
        raise HTTPException(404, {"code": "not_found", "message": "No such conversation."})
    return [MessageOut(**m.to_json()) for m in rt.engine.messages(conversation_id, after)]


@router.get("/conversations/{conversation_id}/events", summary="Live events of a conversation (SSE)")
async def conversation_events(conversation_id: str, request: Request, rt: RuntimeDep) -> EventSourceResponse:
    if await run_in_threadpool(rt.engine.get, conversation_id) is None:
        raise HTTPException(404, {"code": "not_found", "message": "No such conversation."})

    async def events() -> AsyncIterator[dict[str, str]]:
        async for event in rt.bus.subscribe(conversation_id):
            if await request.is_disconnected():
                break
            yield {"event": str(event.get("type", "message")), "data": json.dumps(event, default=str)}

    return EventSourceResponse(events(), ping=15)


@router.post("/conversations/{conversation_id}/end", response_model=ConversationOut,
             summary="The customer ends the chat (the satisfaction survey may follow)")
def end_conversation(conversation_id: str, rt: RuntimeDep) -> ConversationOut:
    return ConversationOut(**rt.engine.end(conversation_id).to_json())


@router.post("/conversations/{conversation_id}/csat", response_model=ConversationOut,
             summary="The customer's satisfaction survey after the chat ended: a score 1–5 and an optional comment")
def rate_conversation(conversation_id: str, body: CsatRequest, rt: RuntimeDep) -> ConversationOut:
    return ConversationOut(**rt.engine.rate(conversation_id, body.score, body.comment).to_json())


@router.get("/conversations/{conversation_id}/trace", summary="Agents: what the engine did on every turn")
def conversation_trace(conversation_id: str, rt: RuntimeDep,
                       _agent: Annotated[str, Depends(require_agent)]) -> list[dict[str, Any]]:
    if rt.engine.get(conversation_id) is None:
        raise HTTPException(404, {"code": "not_found", "message": "No such conversation."})
    return rt.engine.traces(conversation_id)
