"""Console sessions over HTTP: the session cookie, roles and CSRF checks.

A console session is an HttpOnly, SameSite=Strict cookie holding an opaque token; the server
keeps the session (people/service.py). Every state-changing request made with it must carry
the session's CSRF token in `X-CSRF-Token`. API clients keep using `X-Klarsvar-Agent-Token`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response

from klarsvar.people import csrf
from klarsvar.people.models import ConsoleSession, Role
from klarsvar.people.service import PeopleService

SESSION_COOKIE = "klarsvar_session"
PRELOGIN_COOKIE = "klarsvar_csrf"  # double-submit token for the sign-in request (no session yet)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def people_service(request: Request) -> PeopleService:
    service: PeopleService = request.app.state.people
    return service


def current_session(request: Request) -> ConsoleSession | None:
    """The live console session of the request's cookie (cached on the request), or None."""
    if hasattr(request.state, "console_session"):
        cached: ConsoleSession | None = request.state.console_session
        return cached
    found = people_service(request).session(request.cookies.get(SESSION_COOKIE))
    request.state.console_session = found
    return found


def _unauthorized(request: Request) -> HTTPException:
    if request.cookies.get(SESSION_COOKIE):
        return HTTPException(401, {"code": "session_expired", "message": "Your session has ended; sign in again."})
    return HTTPException(401, {"code": "unauthorized", "message": "Sign in to the console first."})


def check_csrf(request: Request, session: ConsoleSession) -> None:
    if request.method in SAFE_METHODS:
        return
    if not csrf.tokens_match(session.csrf_token, request.headers.get(csrf.HEADER)):
        raise HTTPException(403, {"code": "csrf", "message": "The request lacks a valid CSRF token; reload the page."})


def require_role(role: Role) -> object:
    """A dependency: the console session, with at least `role`, CSRF-checked on state changes."""

    def dependency(request: Request) -> ConsoleSession:
        session = current_session(request)
        if session is None:
            raise _unauthorized(request)
        check_csrf(request, session)
        if not session.user.can(role):
            raise HTTPException(403, {"code": "forbidden", "message": f"This needs the {role.value} role."})
        return session

    return Depends(dependency)


AgentSession = Annotated[ConsoleSession, require_role(Role.AGENT)]
SupervisorSession = Annotated[ConsoleSession, require_role(Role.SUPERVISOR)]
AdminSession = Annotated[ConsoleSession, require_role(Role.ADMIN)]


def agent_from_session(request: Request) -> str:
    """The username of the console session behind an agent API call (CSRF-checked), or 401."""
    session = current_session(request)
    if session is None:
        raise _unauthorized(request)
    check_csrf(request, session)
    if not session.user.can(Role.AGENT):
        raise HTTPException(403, {"code": "forbidden", "message": "This needs the agent role."})
    return session.user.username


def set_session_cookie(response: Response, token: str, secure: bool, max_age: int) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="strict", secure=secure,
                        path="/")


def clear_session_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
