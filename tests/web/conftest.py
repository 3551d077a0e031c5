"""A real HTTP server for the web tests: uvicorn on a free 127.0.0.1 port in a background
thread, serving create_app(build_runtime(...)) over a fresh demo world."""

from __future__ import annotations

import importlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from klarsvar import runtime as runtime_module
from klarsvar.config import Settings
from klarsvar.conversation.ports import Answerer, NoKnowledge
from klarsvar.core.clock import FixedClock
from klarsvar.runtime import Runtime, build_runtime
from klarsvar.storage.database import Database
from klarsvar.understanding.base import Signals, Understander
from klarsvar.understanding.testing import Scripted, ScriptedUnderstander
from klarsvar.web.app import create_app

AGENT_TOKEN = "agent-token-for-tests"
SESSION_SECRET = "session-secret-for-tests"


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, log_level="warning",
                                lifespan="off", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)
        self.base_url = ""

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _guess(text: str) -> Scripted:
    """What the scripted understander proposes for messages the web tests send."""
    t = text.lower()
    if "human" in t or "person" in t:
        return Scripted("human_request", signals=Signals(wants_person=True))
    if "payment" in t:
        return Scripted("payment_schedule")
    if "freeze" in t or "stolen" in t:
        return Scripted("freeze_card")
    if "card" in t:
        return Scripted("card_status")
    if t.strip() in ("yes", "ja"):
        return Scripted("affirm")
    return Scripted("general_question", 0.2)


def scripted_understander() -> ScriptedUnderstander:
    return ScriptedUnderstander(fallback=_guess)


def make_settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=None,
        clock="2026-11-20T12:00:00Z",
        data_dir=data_dir,
        demo_mode=True,
        llm_base_url=None,
        llm_model=None,
        log_level="INFO",
        session_secret=SESSION_SECRET,
        agent_token=AGENT_TOKEN,
    )


def no_knowledge_unless_available(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        importlib.import_module("klarsvar.knowledge.base")
    except ImportError:

        def _none(_db: Database) -> Answerer:
            return NoKnowledge()

        monkeypatch.setattr(runtime_module, "knowledge_for", _none)


@dataclass
class Api:
    base_url: str
    client: httpx.Client
    runtime: Runtime

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self, token: str | None = None) -> str:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.post("/api/conversations", headers=headers)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def sign_in(self, email: str) -> str:
        response = self.client.post("/api/demo/sessions", json={"email": email})
        assert response.status_code == 200, response.text
        return str(response.json()["token"])

    def post(self, conversation_id: str, text: str) -> httpx.Response:
        return self.client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})


ApiFactory = Callable[..., Api]


@pytest.fixture
def api_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiFactory]:
    """Builds a served API over a database; everything is stopped after the test."""
    servers: list[LiveServer] = []
    clients: list[httpx.Client] = []
    no_knowledge_unless_available(monkeypatch)

    def make(db: Database, understander: Understander | None = None) -> Api:
        settings = make_settings(db.url, tmp_path / "data")
        rt = build_runtime(settings, db=db, understander=understander or scripted_understander(),
                           clock=FixedClock())
        server = LiveServer(create_app(rt))
        base_url = server.start()
        servers.append(server)
        client = httpx.Client(base_url=base_url, timeout=30)
        clients.append(client)
        return Api(base_url, client, rt)

    yield make
    for client in clients:
        client.close()
    for server in servers:
        server.stop()


@pytest.fixture
def api(db: Database, api_factory: ApiFactory) -> Api:
    """The API over a fresh demo world, once on SQLite and once on PostgreSQL."""
    return api_factory(db)


def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) pairs from the lines of a text/event-stream."""
    event: str = "message"
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event = line[len("event:") :].strip()
        elif line.startswith("data:"):
            data.append(re.sub(r"^ ", "", line[len("data:") :]))
    if data:
        yield event, "\n".join(data)
