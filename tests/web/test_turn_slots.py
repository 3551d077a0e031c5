"""Concurrent customer turns wait for a turn slot instead of exhausting the connection pool.

Found by the load benchmark (bench/load): with 32 customers on SQLite, every pooled
connection was held by a request waiting for the write lock while the turn holding the lock
waited for a second connection (the knowledge index check): nothing moved until the pool
timed out, then HTTP 500s.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from sqlalchemy import text

from klarsvar.storage.database import Database
from klarsvar.understanding.testing import Scripted, ScriptedUnderstander
from klarsvar.web.chat import turn_slots

from .conftest import ApiFactory


def test_turns_beyond_the_pool_all_complete(sqlite_template: Path, tmp_path: Path, api_factory: ApiFactory) -> None:
    target = tmp_path / "small-pool.db"
    target.write_bytes(sqlite_template.read_bytes())
    db = Database(f"sqlite:///{target}", pool_size=2, max_overflow=0, pool_timeout=2)

    def understand_with_a_nested_session(_text: str) -> Scripted:
        with db.session() as session:  # as the knowledge base's index check does during a turn
            session.execute(text("SELECT 1"))
        return Scripted("general_question", 0.2)

    api = api_factory(db, ScriptedUnderstander(fallback=understand_with_a_nested_session))
    conversations = [api.start() for _ in range(6)]

    async def post_all() -> list[int]:
        async with httpx.AsyncClient(base_url=api.base_url, timeout=30) as client:
            responses = await asyncio.gather(
                *(
                    client.post(f"/api/conversations/{cid}/messages", json={"text": "hello there"})
                    for cid in conversations
                )
            )
        return [r.status_code for r in responses]

    assert asyncio.run(post_all()) == [200] * len(conversations)


def test_turn_slots_follow_the_database() -> None:
    assert turn_slots(Database("sqlite:///:memory:")) == 1
    # PostgreSQL: half the pool (10 + 20 overflow), since a turn may hold two connections
    assert turn_slots(Database("postgresql://postgres@127.0.0.1:5432/not_connected")) == 15
