"""Agent endpoints: the handover queue, take over, reply, act, hand back, close."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from klarsvar.conversation.engine import MAX_MESSAGE_CHARS
from klarsvar.handoff.service import HandoffService
from klarsvar.web.chat import RuntimeDep, require_agent
from klarsvar.web.schemas import MessageOut

router = APIRouter(prefix="/api/agent", tags=["agents"])
AgentDep = Annotated[str, Depends(require_agent)]


class AgentReply(BaseModel):
    model_config = {"extra": "forbid"}
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class AgentAction(BaseModel):
    model_config = {"extra": "forbid"}
    action: str = Field(min_length=1, max_length=64)
    args: dict[str, Any] = Field(default_factory=dict)


def _service(rt: RuntimeDep) -> HandoffService:
    return HandoffService(rt.db, rt.clock, rt.bus, rt.engine.registry)


@router.get("/queue", summary="Handed-over chats waiting for or taken by a person")
def queue(rt: RuntimeDep, agent: AgentDep) -> list[dict[str, Any]]:
    return [item.to_json() for item in _service(rt).queue()]


@router.post("/conversations/{conversation_id}/take")
def take(conversation_id: str, rt: RuntimeDep, agent: AgentDep) -> dict[str, Any]:
    return _service(rt).take(conversation_id, agent).to_json()


@router.post("/conversations/{conversation_id}/messages", response_model=MessageOut)
def reply(conversation_id: str, body: AgentReply, rt: RuntimeDep, agent: AgentDep) -> MessageOut:
    return MessageOut(**_service(rt).reply(conversation_id, agent, body.text).to_json())


@router.post("/conversations/{conversation_id}/actions")
def act(conversation_id: str, body: AgentAction, rt: RuntimeDep, agent: AgentDep) -> dict[str, Any]:
    return _service(rt).act(conversation_id, agent, body.action, body.args).to_json()


@router.post("/conversations/{conversation_id}/handback", response_model=MessageOut)
def hand_back(conversation_id: str, rt: RuntimeDep, agent: AgentDep) -> MessageOut:
    return MessageOut(**_service(rt).hand_back(conversation_id, agent).to_json())


@router.post("/conversations/{conversation_id}/close")
def close(conversation_id: str, rt: RuntimeDep, agent: AgentDep) -> dict[str, str]:
    _service(rt).close(conversation_id, agent)
    return {"status": "closed"}
