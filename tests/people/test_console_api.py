"""The console over HTTP: sign-in with CSRF, session cookies that expire, roles, CSRF on every
state change, and the agent token API clients keep using."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from klarsvar.actions.repository import ActionRecordsRepository
from klarsvar.people.service import PeopleService
from klarsvar.storage.database import Database
from web.conftest import AGENT_TOKEN, Api, ApiFactory

PASSWORDS = {"ada": "ada-password-1", "sam": "sam-password-1", "root": "root-password-1"}


@pytest.fixture
def people(db: Database) -> PeopleService:
    return PeopleService(db)


@pytest.fixture
def api(db: Database, api_factory: ApiFactory, people: PeopleService) -> Api:
    served = api_factory(db)
    people.create_user("ada", PASSWORDS["ada"], "agent", "Ada Agent")
    people.create_user("sam", PASSWORDS["sam"], "supervisor", "Sam Supervisor")
    people.create_user("root", PASSWORDS["root"], "admin", "Root Admin")
    return served


def sign_in(api: Api, username: str, password: str | None = None) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=api.base_url, timeout=30)
    token = client.get("/api/console/csrf").json()["csrf_token"]
    response = client.post("/api/console/session", json={"username": username,
                                                         "password": password or PASSWORDS[username]},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    return client, str(response.json()["csrf_token"])


def handed_over(api: Api) -> str:
    conv = api.start()
    assert api.post(conv, "I want a human").json()["handoff"] == "customer_request"
    return conv


def test_sign_in_needs_the_form_token(api: Api) -> None:
    client = httpx.Client(base_url=api.base_url, timeout=30)
    response = client.post("/api/console/session", json={"username": "ada", "password": PASSWORDS["ada"]})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf"
    client.get("/api/console/csrf")
    response = client.post("/api/console/session", json={"username": "ada", "password": PASSWORDS["ada"]},
                           headers={"X-CSRF-Token": "not-the-token"})
    assert response.status_code == 403


def test_a_wrong_password_is_refused(api: Api) -> None:
    client = httpx.Client(base_url=api.base_url, timeout=30)
    token = client.get("/api/console/csrf").json()["csrf_token"]
    for username, password in [("ada", "wrong-password"), ("eve", "whatever-password")]:
        response = client.post("/api/console/session", json={"username": username, "password": password},
                               headers={"X-CSRF-Token": token})
        assert response.status_code == 401
        assert response.json()["error"] == {"code": "invalid_credentials", "message": "Wrong username or password."}
        assert "klarsvar_session" not in response.cookies
    assert client.get("/api/console/session").status_code == 401
    assert client.get("/api/console/queue").status_code == 401


def test_the_session_cookie_is_http_only_and_strict(api: Api) -> None:
    client = httpx.Client(base_url=api.base_url, timeout=30)
    token = client.get("/api/console/csrf").json()["csrf_token"]
    response = client.post("/api/console/session", json={"username": "ada", "password": PASSWORDS["ada"]},
                           headers={"X-CSRF-Token": token})
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith("klarsvar_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    body = response.json()
    assert body["user"]["username"] == "ada" and body["user"]["role"] == "agent"
    assert client.get("/api/console/session").json()["csrf_token"] == body["csrf_token"]


def test_an_expired_session_is_refused(api: Api, people: PeopleService) -> None:
    client, _csrf = sign_in(api, "ada")
    assert client.get("/api/console/queue").status_code == 200
    people.expire_session(client.cookies["klarsvar_session"])
    response = client.get("/api/console/queue")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"
    page = client.get("/console", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/console/login?next=/console&reason=expired"


def test_state_changes_need_the_csrf_token(api: Api) -> None:
    conv = handed_over(api)
    client, csrf = sign_in(api, "ada")
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = client.post(f"/api/agent/conversations/{conv}/take", headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf"
    assert client.post(f"/api/agent/conversations/{conv}/take", headers={"X-CSRF-Token": csrf}).status_code == 200
    reply = client.post(f"/api/agent/conversations/{conv}/messages", json={"text": "Hello, Ada here."},
                        headers={"X-CSRF-Token": csrf})
    assert reply.status_code == 200
    assert reply.json()["author"] == "human" and reply.json()["author_id"] == "ada"
    assert client.delete("/api/console/session").status_code == 403  # signing out is a state change too


def test_agents_act_through_the_action_layer_as_themselves(api: Api, db: Database) -> None:
    token = api.sign_in("emma.johnson@example.com")
    conv = api.start(token)
    api.post(conv, "I want a human")
    client, csrf = sign_in(api, "ada")
    headers = {"X-CSRF-Token": csrf}
    client.post(f"/api/agent/conversations/{conv}/take", headers=headers)
    file = client.get(f"/api/console/conversations/{conv}").json()
    assert file["customer"]["email"] == "emma.johnson@example.com"
    assert file["orders"] and file["summary"]["reason"] == "customer_request"
    assert [a["action"] for a in file["actions"]] == ["handoff"]
    assert "waive_late_fee" in {t["name"] for t in file["tools"]}
    order = file["orders"][0]["order_id"]
    result = client.post(f"/api/agent/conversations/{conv}/actions",
                         json={"action": "get_order", "args": {"order_id": order}}, headers=headers).json()
    assert result["ok"] is True
    refused = client.post(f"/api/agent/conversations/{conv}/actions",
                          json={"action": "extend_due_date", "args": {"order_id": "O-0000"}}, headers=headers).json()
    assert refused["ok"] is False
    with db.session() as session:
        entries = ActionRecordsRepository(session).audit_entries(conversation_id=conv)
    assert [(e["action"], e["actor_kind"], e["actor_id"]) for e in entries][-1] == ("extend_due_date", "human", "ada")
    back = client.post(f"/api/agent/conversations/{conv}/handback", headers=headers)
    assert back.status_code == 200 and back.json()["author"] == "ai"
    assert api.post(conv, "When is my next payment?").json()["messages"][-1]["author"] == "ai"


def test_the_agent_token_still_works_for_api_clients(api: Api) -> None:
    conv = handed_over(api)
    headers = {"X-Klarsvar-Agent-Token": AGENT_TOKEN}
    assert api.client.get("/api/agent/queue", headers=headers).status_code == 200
    assert api.client.post(f"/api/agent/conversations/{conv}/take", headers=headers).status_code == 200
    reply = api.client.post(f"/api/agent/conversations/{conv}/messages", json={"text": "Hi"}, headers=headers)
    assert reply.json()["author_id"] == "agent"
    bad = api.client.get("/api/agent/queue", headers={"X-Klarsvar-Agent-Token": "nope"})
    assert bad.status_code == 401
    assert api.client.get("/api/agent/queue").status_code == 401


def test_roles(api: Api) -> None:
    agent, _ = sign_in(api, "ada")
    supervisor, _ = sign_in(api, "sam")
    admin, admin_csrf = sign_in(api, "root")
    assert agent.get("/api/console/dashboard").status_code == 403
    assert agent.get("/api/console/dashboard.csv").status_code == 403
    assert supervisor.get("/api/console/dashboard").status_code == 200
    assert supervisor.get("/api/console/users").status_code == 403
    assert admin.get("/api/console/dashboard").status_code == 200
    page = agent.get("/console/dashboard")
    assert page.status_code == 403 and "Supervisors only" in page.text
    users = admin.get("/api/console/users").json()
    assert {u["username"]: u["role"] for u in users} == {"ada": "agent", "root": "admin", "sam": "supervisor"}
    created = admin.post("/api/console/users", json={"username": "bo", "password": "bo-password-1", "role": "agent"},
                         headers={"X-CSRF-Token": admin_csrf})
    assert created.status_code == 201
    assert admin.post("/api/console/users", json={"username": "bo", "password": "bo-password-1", "role": "agent"},
                      headers={"X-CSRF-Token": admin_csrf}).status_code == 409
    ada = next(u for u in users if u["username"] == "ada")
    assert admin.post(f"/api/console/users/{ada['id']}/active", json={"active": False},
                      headers={"X-CSRF-Token": admin_csrf}).status_code == 200
    assert agent.get("/api/console/queue").status_code == 401  # disabling ends the sessions


def test_sign_out(api: Api) -> None:
    client, csrf = sign_in(api, "ada")
    assert client.delete("/api/console/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/api/console/session").status_code == 401


def test_the_queue_shows_the_case(api: Api) -> None:
    token = api.sign_in("anna.svensson@example.se")
    conv = api.start(token)
    api.post(conv, "I want a human")
    api.post(conv, "my card is <b>gone</b>")
    client, _ = sign_in(api, "ada")
    queue: list[dict[str, Any]] = client.get("/api/console/queue").json()
    item = next(q for q in queue if q["conversation_id"] == conv)
    assert item["customer"]["name"] == "Anna Svensson"
    assert item["last_message"] == "my card is <b>gone</b>"
    assert item["unanswered"] == 1 and item["status"] == "waiting" and item["reason"] == "customer_request"
    copilot = client.get(f"/api/console/conversations/{conv}/copilot").json()
    assert copilot["query"] == "my card is <b>gone</b>"
    assert isinstance(copilot["passages"], list) and isinstance(copilot["suggestion"], str)
