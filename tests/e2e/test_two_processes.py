"""A reply typed in the console reaches the customer's widget when the two are served by
different server processes: two `klarsvar serve` processes on one PostgreSQL database, live
events through Redis pub/sub (KLARSVAR_REDIS_URL)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from conftest import create_pg_database, drop_pg_database
from e2e.conftest import seed_users, sign_in
from klarsvar.storage.database import Database

TESTS = Path(__file__).resolve().parents[1]
REDIS_URL = "redis://127.0.0.1:6379/0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"klarsvar serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"klarsvar serve did not start:\n{log.read_text()[-3000:]}")


@pytest.fixture
def two_servers(pg_template: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = create_pg_database(template=pg_template)
    db = Database(url)
    seed_users(db)
    db.dispose()
    env = dict(os.environ)
    env.update({
        "KLARSVAR_DATABASE_URL": url,
        "KLARSVAR_REDIS_URL": REDIS_URL,
        "KLARSVAR_DATA_DIR": str(tmp_path / "data"),
        "KLARSVAR_UNDERSTANDER": "e2e.support:keyword_understander",
        "KLARSVAR_LOG_LEVEL": "WARNING",
        "KLARSVAR_AGENT_TOKEN": "two-process-agent-token",
        "KLARSVAR_SESSION_SECRET": "two-process-session-secret",
        "PYTHONPATH": os.pathsep.join(p for p in [str(TESTS), env.get("PYTHONPATH", "")] if p),
    })
    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("wb") as out:
                processes.append(subprocess.Popen([sys.executable, "-m", "klarsvar", "serve", "--port", str(port)],
                                                  env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path))
            bases.append(f"http://127.0.0.1:{port}")
        for base, process, name in zip(bases, processes, ("a", "b"), strict=True):
            _wait_until_up(base, process, tmp_path / f"server-{name}.log")
        yield bases[0], bases[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        drop_pg_database(url)


def test_a_handover_across_two_server_processes(browser: Browser, two_servers: tuple[str, str]) -> None:
    server_a, server_b = two_servers
    customer = browser.new_context()
    shop = customer.new_page()
    shop.goto(server_a + "/")
    shop.select_option("#demo-customer", "anna.svensson@example.se")
    widget = shop.frame_locator(".klarsvar-frame iframe")
    expect(widget.locator("#kw-who")).to_have_text("Signed in: Anna Svensson")
    widget.locator("#kw-person").click()
    expect(widget.locator(".kw-ai[data-seq]").last).to_contain_text("person")

    agent_context = browser.new_context()
    console = agent_context.new_page()
    sign_in(console, server_b, "ada")  # the console is served by the other process
    item = console.locator(".queue-item", has_text="Anna Svensson")
    expect(item).to_be_visible()
    item.click()
    console.click("#take")
    expect(widget.locator(".kw-note", has_text="has joined")).to_be_visible()  # event from B, seen on A
    console.fill("#reply", "Hej Anna! Ada här, från Lumo.")
    console.click("#send")
    human = widget.locator(".kw-human")
    expect(human).to_contain_text("Hej Anna! Ada här, från Lumo.")
    expect(human.locator(".kw-badge-human")).to_have_text("Person")

    widget.locator("#kw-input").fill("Tack! When is my next payment?")
    widget.locator("#kw-input").press("Enter")
    expect(console.locator(".msg.customer", has_text="Tack! When is my next payment?")).to_be_visible()  # A → B

    console.click("#handback")
    expect(widget.locator(".kw-note", has_text="AI assistant again")).to_be_visible()
    before = widget.locator(".kw-ai").count()
    widget.locator("#kw-input").fill("When is my next payment?")
    widget.locator("#kw-input").press("Enter")
    expect(widget.locator(".kw-ai")).to_have_count(before + 1)
    expect(widget.locator(".kw-msg[data-seq]").last).to_have_attribute("data-author", "ai")
    agent_context.close()
    customer.close()
