"""Shared fixtures: a fresh demo world per test, on SQLite and on PostgreSQL.

PostgreSQL is the local server (KLARSVAR_TEST_POSTGRES_URL, default the trust-auth
`postgres` database on 127.0.0.1). When it is missing the tests fail, never skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from klarsvar.actions.base import ActionContext, Actor, ActorKind
from klarsvar.core.clock import FixedClock
from klarsvar.storage.database import Database, normalise_url
from klarsvar.world.reset import reset_world

PG_ADMIN_URL = normalise_url(
    os.environ.get("KLARSVAR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
)


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_pg_database(template: str | None = None) -> str:
    """Create a throwaway database (optionally from a template) and return its URL."""
    name = f"klarsvar_test_{uuid.uuid4().hex[:12]}"
    engine = _pg_admin()
    try:
        with engine.connect() as conn:
            clause = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    except Exception as exc:  # pragma: no cover - environment problem, reported loudly
        pytest.fail(f"PostgreSQL is required for the storage tests and is not reachable: {exc}")
    finally:
        engine.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = make_url(url).database
    engine = _pg_admin()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "world.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    with db.session() as session:
        reset_world(session)
    db.checkpoint()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    url = create_pg_database()
    db = Database(url)
    db.migrate()
    with db.session() as session:
        reset_world(session)
    db.dispose()
    name = make_url(url).database
    assert name is not None
    yield name
    drop_pg_database(url)


def sqlite_copy(template: Path, tmp_path: Path) -> Database:
    target = tmp_path / "klarsvar.db"
    shutil.copyfile(template, target)
    return Database(f"sqlite:///{target}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database holding a fresh demo world, once per backend."""
    if request.param == "sqlite":
        database = sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
        yield database
        database.dispose()
    else:
        url = create_pg_database(template=request.getfixturevalue("pg_template"))
        database = Database(url)
        yield database
        database.dispose()
        drop_pg_database(url)


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """SQLite only: for tests of logic above storage."""
    database = sqlite_copy(sqlite_template, tmp_path)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def models_cache_dir() -> Path:
    """Where fitted intent models are kept between runs (keyed by the examples' fingerprint),
    the same folder `klarsvar eval` uses by default."""
    path = Path(__file__).resolve().parents[1] / "var" / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


def ai_context(customer_id: str | None, clock: FixedClock, conversation_id: str | None = "conv-test") -> ActionContext:
    return ActionContext(Actor(ActorKind.AI), customer_id, clock, conversation_id=conversation_id)
