"""Browser tests: headless Debian Chromium driven by Playwright (sync API) against a real server.

Never `playwright install`: the browser is the system's /usr/bin/chromium (`make test` installs
it with apt when it is missing and we are root). The server is uvicorn in a thread over a copy
of a prepared SQLite database (demo world, a small help centre, console users, a month of
history), with the fast keyword understander of e2e/support.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from e2e.support import keyword_understander
from klarsvar.analytics.demo_history import seed_history
from klarsvar.core.clock import DEMO_NOW, FixedClock
from klarsvar.knowledge.base import KnowledgeBase
from klarsvar.people.service import PeopleService
from klarsvar.runtime import HELPCENTRE, build_runtime
from klarsvar.storage.database import Database
from klarsvar.web.app import create_app
from web.conftest import LiveServer, make_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
USERS = {"ada": ("ada-password-1", "agent", "Ada Agent"), "sam": ("sam-password-1", "supervisor", "Sam Supervisor")}
KB_DOCS = ("missed-payments-and-late-fees.md", "internal-fee-goodwill.md", "fees.md", "talking-to-a-person.md", "payment-schedule.md",
           "pay-in-30-days.md", "internal-escalation-guide.md")

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("The browser tests need Debian's Chromium at /usr/bin/chromium: "
                    "apt-get install -y chromium   (never `playwright install`)")
    launched = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


def seed_users(db: Database) -> None:
    people = PeopleService(db)
    for username, (password, role, name) in USERS.items():
        people.create_user(username, password, role, name)


@pytest.fixture(scope="session")
def e2e_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world, a few help-centre articles (two internal), console users and a month of history."""
    folder = tmp_path_factory.mktemp("e2e")
    path = folder / "e2e.db"
    shutil.copyfile(sqlite_template, path)
    kb = folder / "kb"
    kb.mkdir()
    for name in KB_DOCS:
        source = HELPCENTRE / "en" / name
        if source.exists():
            shutil.copyfile(source, kb / name)
    db = Database(f"sqlite:///{path}")
    KnowledgeBase(db).ingest_dir(kb)
    seed_users(db)
    seed_history(db, DEMO_NOW)
    db.checkpoint()
    db.dispose()
    return path


@dataclass
class Site:
    base_url: str
    db: Database
    people: PeopleService

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def site(e2e_template: Path, tmp_path: Path) -> Iterator[Site]:
    target = tmp_path / "klarsvar.db"
    shutil.copyfile(e2e_template, target)
    db = Database(f"sqlite:///{target}")
    rt = build_runtime(make_settings(db.url, tmp_path / "data"), db=db, understander=keyword_understander(),
                       clock=FixedClock())
    server = LiveServer(create_app(rt))
    base_url = server.start()
    yield Site(base_url, db, PeopleService(db))
    server.stop()
    db.dispose()


def sign_in(page: Page, base_url: str, username: str, password: str | None = None) -> None:
    page.goto(base_url + "/console/login")
    page.fill("#username", username)
    page.fill("#password", password or USERS[username][0])
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/console/login" not in url)


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)
