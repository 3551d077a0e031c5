"""The customer ends the chat and answers the satisfaction survey (1–5, an optional comment)."""

from __future__ import annotations

import json
import threading
import time

import pytest

from klarsvar.conversation.repository import ConversationRepository
from klarsvar.handoff.repository import HandoffRepository
from web.conftest import AGENT_TOKEN, Api, sse_events


def test_end_then_rate(api: Api) -> None:
    conv = api.start()
    api.post(conv, "When is my next payment?")
    early = api.client.post(f"/api/conversations/{conv}/csat", json={"score": 5})
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_closed"
    ended = api.client.post(f"/api/conversations/{conv}/end")
    assert ended.status_code == 200 and ended.json()["status"] == "closed"
    assert api.client.post(f"/api/conversations/{conv}/end").status_code == 200  # ending twice is fine
    rated = api.client.post(f"/api/conversations/{conv}/csat",
                            json={"score": 4, "comment": "  Quick! My card 4111 1111 1111 1111  "})
    assert rated.status_code == 200 and rated.json()["csat_score"] == 4
    again = api.client.post(f"/api/conversations/{conv}/csat", json={"score": 1})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    with api.runtime.db.session() as session:
        stored = ConversationRepository(session).get(conv)
    assert stored is not None and stored.csat_score == 4
    assert stored.csat_comment is not None and "4111 1111 1111 1111" not in stored.csat_comment
    assert stored.csat_comment.startswith("Quick! My card")
    assert api.post(conv, "hello again").status_code == 409  # a closed chat takes no more messages


@pytest.mark.parametrize("body", [{"score": 0}, {"score": 6}, {"score": "5"}, {}, {"score": 3, "comment": "x" * 1001},
                                  {"score": 3, "extra": 1}])
def test_invalid_survey_answers(api: Api, body: dict[str, object]) -> None:
    conv = api.start()
    api.client.post(f"/api/conversations/{conv}/end")
    response = api.client.post(f"/api/conversations/{conv}/csat", json=body)
    assert response.status_code in (413, 422)


def test_unknown_conversation(api: Api) -> None:
    assert api.client.post("/api/conversations/nope/end").status_code == 404
    assert api.client.post("/api/conversations/nope/csat", json={"score": 3}).status_code == 404


def test_ending_a_handed_over_chat_ends_the_handover(api: Api) -> None:
    conv = api.start()
    api.post(conv, "I want a human")
    api.client.post(f"/api/conversations/{conv}/end")
    with api.runtime.db.session() as session:
        assert HandoffRepository(session).open_for(conv) is None
        assert [h.status for h in HandoffRepository(session).all_for(conv)] == ["closed"]
    queue = api.client.get("/api/agent/queue", headers={"X-Klarsvar-Agent-Token": AGENT_TOKEN}).json()
    assert conv not in {q["conversation_id"] for q in queue}


def test_the_end_is_published_live(api: Api) -> None:
    conv = api.start()
    seen: list[tuple[str, dict[str, object]]] = []

    def listen() -> None:
        with api.client.stream("GET", f"/api/conversations/{conv}/events", timeout=10) as response:
            for event, data in sse_events(response.iter_lines()):
                seen.append((event, json.loads(data)))
                if event == "closed":
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    time.sleep(0.5)
    api.client.post(f"/api/conversations/{conv}/end")
    thread.join(timeout=10)
    assert ("closed", {"type": "closed", "by": "customer", "conversation_id": conv}) in seen
