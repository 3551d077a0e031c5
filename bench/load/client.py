"""Virtual customers: each runs one conversation after another through the widget's endpoints.

A customer signs in (`POST /api/demo/sessions`) when the scenario has one, starts the chat
(`POST /api/conversations`, with the Bearer token when signed in) and posts every turn to
`POST /api/conversations/{id}/messages?stream=true`, reading the reply as server-sent events
until `done`, exactly as the widget does. No think time: the next turn is sent when the reply
is complete (a closed loop), so N customers keep N conversations busy.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.load.plan import Conversation, Expected, Sample, Schedule, fill, parse_sse, read_reply


@dataclass
class Run:
    """Everything one load level saw."""

    samples: list[Sample] = field(default_factory=list)
    expected: dict[str, Expected] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    conversations_finished: int = 0

    def error(self, what: str) -> None:
        if len(self.errors) < 20:
            self.errors.append(what)


class Customer:
    def __init__(self, client: httpx.AsyncClient, run: Run, tokens: dict[str, str]) -> None:
        self.client = client
        self.run = run
        self.tokens = tokens

    async def _post(self, kind: str, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        started = time.perf_counter()
        try:
            response = await self.client.post(path, json=body, headers=headers)
            ok = response.status_code < 400
            if not ok:
                self.run.error(f"{kind} {path}: HTTP {response.status_code} {response.text[:200]}")
            return response.json() if ok else None
        except (httpx.HTTPError, ValueError) as exc:
            ok = False
            self.run.error(f"{kind} {path}: {type(exc).__name__}: {exc}")
            return None
        finally:
            self.run.samples.append(Sample(started, time.perf_counter(), ok, kind))

    async def signin(self, email: str) -> str | None:
        """The customer's session token: signed in once, then kept (as the widget keeps it)."""
        token = self.tokens.get(email)
        if token is None:
            session = await self._post("signin", "/api/demo/sessions", {"email": email})
            if session is None:
                return None
            token = self.tokens[email] = str(session["token"])
        return token

    async def start(self, conv: Conversation) -> str | None:
        headers = {}
        if conv.customer:
            token = await self.signin(conv.customer)
            if token is None:
                return None
            headers["Authorization"] = f"Bearer {token}"
        started = await self._post("start", "/api/conversations", {"language": conv.language}, headers)
        if started is None:
            return None
        cid = str(started["id"])
        self.run.expected[cid] = Expected()
        return cid

    async def say(self, cid: str, text: str) -> str | None:
        """Post one message and read the streamed reply; the demo code it shows (if any), or
        None. Raises `Failed` when the turn did not complete."""
        started = time.perf_counter()
        ok = False
        try:
            async with self.client.stream(
                "POST",
                f"/api/conversations/{cid}/messages",
                params={"stream": "true"},
                json={"text": text},
                headers={"Accept": "text/event-stream"},
            ) as response:
                if response.status_code >= 400:
                    body = (await response.aread()).decode(errors="replace")
                    self.run.error(f"message: HTTP {response.status_code} {body[:200]}")
                    raise Failed
                lines = [line async for line in response.aiter_lines()]
            reply = read_reply(parse_sse(lines))
            if reply.error is not None or reply.done is None:
                self.run.error(f"message: {reply.error or 'stream ended without done'}")
                raise Failed
            ok = True
            want = self.run.expected[cid]
            want.customer += 1
            want.total += len(reply.messages)
            return reply.demo_code
        except httpx.HTTPError as exc:
            self.run.error(f"message: {type(exc).__name__}: {exc}")
            raise Failed from exc
        finally:
            self.run.samples.append(Sample(started, time.perf_counter(), ok, "message"))

    async def converse(self, conv: Conversation, until: float) -> None:
        cid = await self.start(conv)
        if cid is None:
            return
        code = None
        for turn in conv.turns:
            if time.perf_counter() >= until:
                return
            try:
                code = await self.say(cid, fill(turn, code)) or code
            except Failed:
                return
        self.run.conversations_finished += 1


class Failed(Exception):
    """A request of the conversation failed (recorded); the customer moves on to another one."""


async def sign_in_all(base_url: str, emails: list[str], tokens: dict[str, str]) -> Run:
    """Sign every customer of the scenarios in before the load: an email the load later changes
    (the contact-details scenarios) would otherwise no longer find its customer."""
    run = Run()
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        me = Customer(client, run, tokens)
        for email in sorted(set(emails)):
            await me.signin(email)
    return run


async def drive(
    base_url: str,
    schedule: Schedule,
    concurrency: int,
    seconds: float,
    tokens: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> Run:
    """`concurrency` customers in a closed loop for `seconds`; in-flight turns are allowed to finish.

    `tokens` (email → session token) is shared by the customers and kept between calls."""
    run = Run()
    tokens = {} if tokens is None else tokens
    # Idle connections are dropped after 2 s: uvicorn closes them after 5 s, and a request sent on
    # one just as the server closes it fails (a ReadError that is the client's race, not the server's).
    limits = httpx.Limits(
        max_connections=concurrency + 8, max_keepalive_connections=concurrency + 8, keepalive_expiry=2.0
    )
    until = time.perf_counter() + seconds

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:

        async def customer() -> None:
            me = Customer(client, run, tokens)
            while time.perf_counter() < until:
                await me.converse(next(schedule), until)

        await asyncio.gather(*(customer() for _ in range(concurrency)))
    return run
