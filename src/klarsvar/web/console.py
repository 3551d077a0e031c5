"""The console's API: sign-in, the live queue with each chat's case file, the copilot, the
dashboard (JSON and CSV) and user management. Agents act through /api/agent (agents.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from klarsvar.analytics.service import Analytics
from klarsvar.conversation.engine import EngineError
from klarsvar.live.bus import ALL
from klarsvar.people import csrf
from klarsvar.people.models import Role
from klarsvar.people.service import PeopleError, PeopleService
from klarsvar.web import casefile, copilot
from klarsvar.web.chat import RuntimeDep
from klarsvar.web.security import (
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    AdminSession,
    AgentSession,
    SupervisorSession,
    clear_session_cookie,
    people_service,
    set_session_cookie,
)

router = APIRouter(prefix="/api/console", tags=["console"])
PeopleDep = Annotated[PeopleService, Depends(people_service)]


class SignIn(BaseModel):
    model_config = {"extra": "forbid"}
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class NewUser(BaseModel):
    model_config = {"extra": "forbid"}
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Role
    display_name: str | None = Field(default=None, max_length=120)


class UserActive(BaseModel):
    model_config = {"extra": "forbid"}
    active: bool


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _people_error(exc: PeopleError) -> HTTPException:
    status = {"invalid_credentials": 401, "username_taken": 409, "not_found": 404}.get(exc.code, 422)
    return HTTPException(status, {"code": exc.code, "message": exc.message})


@router.get("/csrf", summary="A CSRF token for the sign-in request (also set as a cookie: double submit)")
def prelogin_csrf(request: Request, response: Response) -> dict[str, str]:
    token = request.cookies.get(PRELOGIN_COOKIE) or csrf.new_token()
    response.set_cookie(PRELOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=_secure(request), path="/api/console")
    return {"csrf_token": token}


@router.post("/session", summary="Sign in to the console (sets an HttpOnly session cookie)")
def sign_in(body: SignIn, request: Request, response: Response, people: PeopleDep) -> dict[str, Any]:
    if not csrf.tokens_match(request.cookies.get(PRELOGIN_COOKIE), request.headers.get(csrf.HEADER)):
        raise HTTPException(403, {"code": "csrf", "message": "The sign-in form has expired; reload the page."})
    try:
        token, session = people.sign_in(body.username, body.password)
    except PeopleError as exc:
        raise _people_error(exc) from exc
    set_session_cookie(response, token, _secure(request), int(people.lifetime.total_seconds()))
    response.delete_cookie(PRELOGIN_COOKIE, path="/api/console")
    return session.to_json()


@router.get("/session", summary="The signed-in user and the session's CSRF token")
def get_session(session: AgentSession) -> dict[str, Any]:
    return session.to_json()


@router.delete("/session", summary="Sign out")
def sign_out(request: Request, response: Response, session: AgentSession, people: PeopleDep) -> dict[str, str]:
    people.sign_out(request.cookies.get(SESSION_COOKIE))
    clear_session_cookie(response, _secure(request))
    return {"status": "signed_out"}


@router.get("/queue", summary="Handed-over chats with the customer and the engine's summary")
def queue(rt: RuntimeDep, session: AgentSession) -> list[dict[str, Any]]:
    return casefile.queue(rt.db)


@router.get("/conversations/{conversation_id}", summary="A chat's case file: messages, summary, orders, actions")
def conversation(conversation_id: str, rt: RuntimeDep, session: AgentSession) -> dict[str, Any]:
    return casefile.case_file(rt.db, rt.engine.registry, conversation_id)


@router.get("/conversations/{conversation_id}/copilot",
            summary="Passages that fit the last customer message (internal ones too) and a suggested reply")
async def conversation_copilot(conversation_id: str, request: Request, rt: RuntimeDep,
                               session: AgentSession) -> dict[str, Any]:
    conv = await run_in_threadpool(rt.engine.get, conversation_id)
    if conv is None:
        raise EngineError("not_found", "No such conversation.")
    messages = await run_in_threadpool(rt.engine.messages, conversation_id)
    kb = getattr(request.app.state, "copilot_kb", None)
    return await run_in_threadpool(copilot.suggest, kb, messages, conv.language)


@router.get("/events", summary="Live events of every conversation (SSE) for the console")
async def events(request: Request, rt: RuntimeDep, session: AgentSession) -> EventSourceResponse:
    async def stream() -> AsyncIterator[dict[str, str]]:
        yield {"event": "ready", "data": "{}"}
        async for event in rt.bus.subscribe(ALL):
            if await request.is_disconnected():
                break
            yield {"event": str(event.get("type", "message")), "data": json.dumps(event, default=str)}

    return EventSourceResponse(stream(), ping=15)


DaysQuery = Annotated[int, Query(ge=1, le=366, description="The last N days, today included")]


@router.get("/dashboard", summary="Supervisors: the dashboard's figures as JSON")
def dashboard(rt: RuntimeDep, session: SupervisorSession, days: DaysQuery = 30) -> dict[str, Any]:
    return Analytics(rt.db, rt.clock).dashboard(days)


@router.get("/dashboard.csv", summary="Supervisors: one CSV row per conversation of the period")
def dashboard_csv(rt: RuntimeDep, session: SupervisorSession, days: DaysQuery = 30) -> Response:
    body = Analytics(rt.db, rt.clock).csv(days)
    since, until = Analytics(rt.db, rt.clock).period(days)
    name = f"klarsvar-conversations-{since.date().isoformat()}-{until.date().isoformat()}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/users", summary="Admins: the console's users")
def users(people: PeopleDep, session: AdminSession) -> list[dict[str, Any]]:
    return [u.to_json() for u in people.users()]


@router.post("/users", status_code=201, summary="Admins: add a user (agent, supervisor or admin)")
def add_user(body: NewUser, people: PeopleDep, session: AdminSession) -> dict[str, Any]:
    try:
        return people.create_user(body.username, body.password, body.role, body.display_name).to_json()
    except PeopleError as exc:
        raise _people_error(exc) from exc


@router.post("/users/{user_id}/active", summary="Admins: enable or disable a user (disabling ends their sessions)")
def set_active(user_id: int, body: UserActive, people: PeopleDep, session: AdminSession) -> dict[str, Any]:
    if user_id == session.user.id and not body.active:
        raise HTTPException(409, {"code": "self", "message": "You cannot disable yourself."})
    try:
        people.set_active(user_id, body.active)
    except PeopleError as exc:
        raise _people_error(exc) from exc
    return {"id": user_id, "active": body.active}

