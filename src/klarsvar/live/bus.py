"""An event bus for conversation events (new messages, handovers)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Protocol

log = logging.getLogger("klarsvar.live")

ALL = "*"  # the channel every event is also published on (the agent console listens there)


class EventBus(Protocol):
    def publish(self, conversation_id: str, event: dict[str, Any]) -> None: ...

    def subscribe(self, conversation_id: str) -> AsyncIterator[dict[str, Any]]: ...


class InProcessBus:
    """Fan-out to asyncio subscribers of this process; publish is thread-safe."""

    def __init__(self) -> None:
        self._subs: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any]]]]] = defaultdict(list)
        self._lock = threading.Lock()

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        with self._lock:
            targets = list(self._subs.get(conversation_id, [])) + list(self._subs.get(ALL, []))
        for loop, queue in targets:
            with contextlib.suppress(RuntimeError):  # a closed loop: that subscriber is gone
                loop.call_soon_threadsafe(queue.put_nowait, dict(event, conversation_id=conversation_id))

    async def subscribe(self, conversation_id: str) -> AsyncIterator[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subs[conversation_id].append(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subs[conversation_id].remove(entry)


class RedisBus:
    """Publishes on Redis channels so every server process sees every event."""

    PREFIX = "klarsvar:conv:"

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self._sync = redis.Redis.from_url(url)

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        payload = json.dumps(dict(event, conversation_id=conversation_id), default=str)
        try:
            self._sync.publish(self.PREFIX + conversation_id, payload)
            self._sync.publish(self.PREFIX + ALL, payload)
        except Exception as exc:  # live updates must never break a turn; clients re-fetch on reconnect
            log.warning("redis publish failed", extra={"error": type(exc).__name__})

    async def subscribe(self, conversation_id: str) -> AsyncIterator[dict[str, Any]]:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(self.url)
        pubsub = client.pubsub()
        await pubsub.subscribe(self.PREFIX + conversation_id)
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=15.0)
                if message is None:
                    continue
                yield json.loads(message["data"])
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            await client.aclose()


def make_bus(redis_url: str | None) -> EventBus:
    return RedisBus(redis_url) if redis_url else InProcessBus()
