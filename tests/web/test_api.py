"""The chat API over real HTTP (uvicorn + httpx), on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import queue
import threading
import time
from typing import Any

import httpx
import pytest

from .conftest import AGENT_TOKEN, Api, sse_events

MESSAGE_KEYS = {"conversation_id", "seq", "author", "author_id", "text", "language", "created_at", "sources",
                "actions", "grounded", "handoff"}


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Every error is JSON {"error": {"code", "message"}} and never a traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str)
    for leak in ("Traceback", 'File "', "site-packages", "sqlalchemy", "Exception"):
        assert leak not in response.text
    if code is not None:
        assert error["code"] == code
    return dict(error)


# --- conversations ----------------------------------------------------------------------------------


def test_health(api: Api) -> None:
    response = api.client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_start_anonymous(api: Api) -> None:
    response = api.client.post("/api/conversations")
    assert response.status_code == 201
    body = response.json()
    assert body["customer_id"] is None
    assert body["mode"] == "ai"
    assert body["status"] == "open"
    got = api.client.get(f"/api/conversations/{body['id']}")
    assert got.status_code == 200
    assert got.json()["id"] == body["id"]


def test_start_signed_in_with_a_demo_session(api: Api) -> None:
    session = api.client.post("/api/demo/sessions", json={"email": "emma.johnson@example.com"})
    assert session.status_code == 200
    assert session.json()["customer_id"] == "C-1003"
    token = session.json()["token"]
    response = api.client.post("/api/conversations", headers={"Authorization": f"Bearer {token}"},
                               json={"language": "en"})
    assert response.status_code == 201
    assert response.json()["customer_id"] == "C-1003"


def test_demo_session_for_an_unknown_email(api: Api) -> None:
    assert_error(api.client.post("/api/demo/sessions", json={"email": "nobody@example.org"}), 404)


# --- messages ---------------------------------------------------------------------------------------


def test_post_a_message_and_list_messages(api: Api) -> None:
    conv = api.start(api.sign_in("emma.johnson@example.com"))
    response = api.post(conv, "When is my next payment due?")
    assert response.status_code == 200, response.text
    turn = response.json()
    assert turn["conversation_id"] == conv
    assert turn["mode"] == "ai"
    assert turn["handoff"] is None
    assert turn["actions"] == []
    assert turn["latency_ms"] >= 0
    customer, ai = turn["messages"]
    assert customer["author"] == "customer"
    assert customer["text"] == "When is my next payment due?"
    assert ai["author"] == "ai"
    assert ai["language"] == "en"
    assert "57" in ai["text"] and "27" in ai["text"]

    listed = api.client.get(f"/api/conversations/{conv}/messages")
    assert listed.status_code == 200
    messages = listed.json()
    assert [m["author"] for m in messages] == ["customer", "ai"]
    for message in messages:
        assert set(message) >= MESSAGE_KEYS
        assert isinstance(message["sources"], list)
        assert isinstance(message["actions"], list)
    assert [m["seq"] for m in api.client.get(f"/api/conversations/{conv}/messages?after=1").json()] == [2]


def test_actions_are_listed_with_the_message(api: Api) -> None:
    conv = api.start(api.sign_in("lukas.meyer@example.de"))
    turn = api.post(conv, "Please freeze my card").json()
    assert [a["name"] for a in turn["actions"]] == ["freeze_card"]
    assert turn["actions"][0]["ok"] is True
    ai = api.client.get(f"/api/conversations/{conv}/messages").json()[-1]
    assert [a["name"] for a in ai["actions"]] == ["freeze_card"]


def test_anonymous_verification_over_http(api: Api) -> None:
    conv = api.start()
    ask = api.post(conv, "When is my next payment due?").json()
    assert "57" not in ask["messages"][1]["text"]
    sent = api.post(conv, "emma.johnson@example.com").json()
    code = sent["demo_code"]
    assert code and code.isdigit() and len(code) == 6
    verified = api.post(conv, code).json()
    assert "57" in verified["messages"][1]["text"]
    assert api.client.get(f"/api/conversations/{conv}").json()["customer_id"] == "C-1003"


def test_handover_over_http(api: Api) -> None:
    conv = api.start(api.sign_in("emma.johnson@example.com"))
    turn = api.post(conv, "I want a human").json()
    assert turn["handoff"] == "customer_request"
    assert turn["mode"] == "human"
    assert turn["messages"][1]["handoff"] == "customer_request"
    later = api.post(conv, "hello?").json()
    assert [m["author"] for m in later["messages"]] == ["customer"]
    assert api.client.get(f"/api/conversations/{conv}").json()["mode"] == "human"


# --- streaming ----------------------------------------------------------------------------------------


def test_the_reply_can_be_streamed(api: Api) -> None:
    conv = api.start(api.sign_in("emma.johnson@example.com"))
    with api.client.stream("POST", f"/api/conversations/{conv}/messages?stream=true",
                           json={"text": "When is my next payment due?"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = list(sse_events(response.iter_lines()))
    names = [name for name, _ in events]
    assert names[0] == "message"
    assert names[-1] == "done"
    assert "delta" in names
    assert names.count("message") == 2
    customer = json.loads(events[0][1])
    assert customer["author"] == "customer"
    ai = json.loads(next(data for name, data in events[1:] if name == "message"))
    assert ai["author"] == "ai"
    deltas = [json.loads(data) for name, data in events if name == "delta"]
    assert all(d["seq"] == ai["seq"] for d in deltas)
    assert " ".join(d["text"] for d in deltas) == ai["text"]
    done = json.loads(events[-1][1])
    assert {"actions", "handoff", "mode", "latency_ms"} <= set(done)
    # The streamed turn is stored like any other.
    assert [m["author"] for m in api.client.get(f"/api/conversations/{conv}/messages").json()] == ["customer", "ai"]


def test_a_streamed_turn_on_an_unknown_conversation_reports_an_error(api: Api) -> None:
    with api.client.stream("POST", "/api/conversations/nope/messages?stream=true", json={"text": "hi"}) as response:
        events = list(sse_events(response.iter_lines()))
    assert events[0][0] == "error"
    assert json.loads(events[0][1])["code"] == "not_found"


def test_live_events_receive_a_message_posted_afterwards(api: Api) -> None:
    conv = api.start(api.sign_in("emma.johnson@example.com"))
    received: queue.Queue[tuple[str, str]] = queue.Queue()
    listener = httpx.Client(base_url=api.base_url, timeout=httpx.Timeout(30, read=None))
    opened = threading.Event()

    def listen() -> None:
        try:
            with listener.stream("GET", f"/api/conversations/{conv}/events") as response:
                received.put(("status", str(response.status_code)))
                opened.set()
                for event in sse_events(response.iter_lines()):
                    received.put(event)
        except (httpx.HTTPError, RuntimeError):
            pass  # closed at the end of the test

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    try:
        assert opened.wait(10)
        assert received.get(timeout=5) == ("status", "200")
        text = "When is my next payment due?"
        found: dict[str, Any] | None = None
        # The subscription is made as the stream starts; post until an event arrives.
        for _attempt in range(5):
            time.sleep(0.2)
            assert api.post(conv, text).status_code == 200
            deadline = time.monotonic() + 3
            while found is None and time.monotonic() < deadline:
                try:
                    name, data = received.get(timeout=0.5)
                except queue.Empty:
                    continue
                payload = json.loads(data)
                if name == "message" and payload["message"]["author"] == "ai":
                    found = payload
            if found:
                break
        assert found is not None, "no live message event"
        assert found["conversation_id"] == conv
        assert "57" in found["message"]["text"]
    finally:
        listener.close()


def test_live_events_of_an_unknown_conversation(api: Api) -> None:
    assert_error(api.client.get("/api/conversations/nope/events"), 404, "not_found")


# --- traces (agents only) -----------------------------------------------------------------------------


def test_the_trace_needs_the_agent_token(api: Api) -> None:
    conv = api.start(api.sign_in("emma.johnson@example.com"))
    api.post(conv, "When is my next payment due?")
    assert_error(api.client.get(f"/api/conversations/{conv}/trace"), 401, "unauthorized")
    assert_error(api.client.get(f"/api/conversations/{conv}/trace", headers={"X-Klarsvar-Agent-Token": "wrong"}), 401)
    session = api.sign_in("emma.johnson@example.com")  # a customer's session is not an agent token
    assert_error(api.client.get(f"/api/conversations/{conv}/trace",
                                headers={"Authorization": f"Bearer {session}", "X-Klarsvar-Agent-Token": session}),
                 401)
    response = api.client.get(f"/api/conversations/{conv}/trace", headers={"X-Klarsvar-Agent-Token": AGENT_TOKEN})
    assert response.status_code == 200
    (trace,) = response.json()
    assert trace["message_seq"] == 1
    assert trace["understanding"]["intents"][0]["intent"] == "payment_schedule"
    assert {s["step"] for s in trace["steps"]} >= {"understand", "policy", "total"}
    missing = api.client.get("/api/conversations/nope/trace", headers={"X-Klarsvar-Agent-Token": AGENT_TOKEN})
    assert_error(missing, 404, "not_found")


# --- bad input ------------------------------------------------------------------------------------------


def test_empty_text_is_422(api: Api) -> None:
    conv = api.start()
    assert_error(api.post(conv, ""), 422)
    assert_error(api.post(conv, "   "), 422, "empty_message")
    assert api.client.get(f"/api/conversations/{conv}/messages").json() == []


def test_a_20kb_text_is_413(api: Api) -> None:
    conv = api.start()
    assert_error(api.post(conv, "a" * 20_000), 413)
    assert api.client.get(f"/api/conversations/{conv}/messages").json() == []


def test_a_huge_body_is_413(api: Api) -> None:
    conv = api.start()
    response = api.client.post(f"/api/conversations/{conv}/messages", json={"text": "a" * 100_000})
    assert_error(response, 413)


def test_unknown_conversation_is_404(api: Api) -> None:
    assert_error(api.post("does-not-exist", "hello"), 404, "not_found")
    assert_error(api.client.get("/api/conversations/does-not-exist"), 404, "not_found")
    assert_error(api.client.get("/api/conversations/does-not-exist/messages"), 404, "not_found")


def test_wrong_content_type_is_415(api: Api) -> None:
    conv = api.start()
    response = api.client.post(f"/api/conversations/{conv}/messages", content=b"text=hello",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(response, 415)
    plain = api.client.post(f"/api/conversations/{conv}/messages", content=b'{"text": "hi"}',
                            headers={"Content-Type": "text/plain"})
    assert_error(plain, 415)


@pytest.mark.parametrize("body", [b"{not json", b'{"text": ', b"[]", b'{"text": 5}', b'{"txt": "hi"}', b'"hi"'])
def test_malformed_json_is_422(api: Api, body: bytes) -> None:
    conv = api.start()
    response = api.client.post(f"/api/conversations/{conv}/messages", content=body,
                               headers={"Content-Type": "application/json"})
    assert_error(response, 422)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer abc.def", "Basic dXNlcjpwYXNz", "Bearer", "token-without-scheme"],
)
def test_a_bad_token_is_401(api: Api, authorization: str) -> None:
    assert_error(api.client.post("/api/conversations", headers={"Authorization": authorization}), 401)


def test_a_token_signed_with_another_secret_is_401(api: Api) -> None:
    from klarsvar.web.auth import sign

    forged = sign("another-secret", {"customer_id": "C-1003"})
    assert_error(api.client.post("/api/conversations", headers={"Authorization": f"Bearer {forged}"}), 401)


def test_unknown_routes_and_methods_are_json_errors(api: Api) -> None:
    assert_error(api.client.get("/api/nothing-here"), 404)
    assert_error(api.client.delete("/api/health"), 405)
