"""The FastAPI application: routes, error handling, the runtime it serves."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from klarsvar import __version__
from klarsvar.conversation.engine import EngineError
from klarsvar.people.service import PeopleService
from klarsvar.runtime import Runtime
from klarsvar.web import agents, chat, console, pages

log = logging.getLogger("klarsvar.web")
_STATUS = {"not_found": 404, "closed": 409, "not_handed_over": 409, "empty_message": 422, "message_too_long": 413,
           "unknown_customer": 404, "invalid_score": 422, "not_closed": 409, "already_rated": 409}


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


class JsonOnly:
    """API writes must be JSON (415) of at most 64 kB (413); every response says `nosniff`.

    A plain ASGI middleware: Starlette's `@app.middleware("http")` runs each request in an extra
    task and passes every chunk of a streamed reply (each server-sent event) through a memory
    stream; without it bench/load measured ~8 % less server CPU per message and 10-25 % more
    messages per second on SQLite.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", []))
                MutableHeaders(scope=message).setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        if scope["method"] in ("POST", "PUT", "PATCH") and scope["path"].startswith("/api/"):
            headers = Headers(scope=scope)
            ctype = headers.get("content-type", "")
            length = headers.get("content-length")
            has_body = length not in (None, "0")
            refusal = None
            if has_body and ctype.split(";")[0].strip().lower() != "application/json":
                refusal = _error(415, "unsupported_media_type", "Send JSON with 'Content-Type: application/json'.")
            elif length and length.isdigit() and int(length) > 64_000:
                refusal = _error(413, "too_large", "The request body is too large.")
            if refusal is not None:
                await refusal(scope, receive, send_nosniff)
                return
        await self.app(scope, receive, send_nosniff)


def create_app(rt: Runtime, people: PeopleService | None = None) -> FastAPI:
    app = FastAPI(title="klarsvar", version=__version__,
                  description="Chat API of klarsvar: grounded answers, real actions, a person one message away.")
    app.state.runtime = rt
    app.state.turns = chat.turn_limiter(rt.db)  # customer turns running at once (see chat.turn_slots)
    app.state.people = people or PeopleService(rt.db)
    # The copilot searches the same knowledge base as the engine, internal documents included.
    app.state.copilot_kb = getattr(rt.engine.knowledge, "kb", None)

    app.add_middleware(JsonOnly)

    @app.exception_handler(EngineError)
    async def engine_error(_request: Request, exc: EngineError) -> JSONResponse:
        return _error(_STATUS.get(exc.code, 400), exc.code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, dict) else {"code": "error", "message": str(exc.detail)}
        return _error(exc.status_code, str(detail.get("code", "error")), str(detail.get("message", "")))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            problems.append(f"{loc or 'body'}: {err.get('msg')}")
        too_long = any(err.get("type") == "string_too_long" for err in exc.errors())
        return _error(413 if too_long else 422, "too_long" if too_long else "invalid_request", "; ".join(problems))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", extra={"error": type(exc).__name__})
        return _error(500, "internal_error", "Something went wrong on our side; nothing was lost. Please try again.")

    @app.get("/api/health", tags=["ops"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.include_router(chat.router)
    app.include_router(agents.router)
    app.include_router(console.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    return app
