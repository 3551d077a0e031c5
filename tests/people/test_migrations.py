"""The people tables: created by migration 0004, removed by its downgrade, as the models say."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from conftest import create_pg_database, drop_pg_database
from klarsvar.storage.database import Database, downgrade
from klarsvar.storage.tables import Base

PEOPLE_TABLES = {"users", "user_sessions"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield database
        database.dispose()
    else:
        url = create_pg_database()
        database = Database(url)
        yield database
        database.dispose()
        drop_pg_database(url)


def test_0004_creates_and_drops_the_people_tables(empty_db: Database) -> None:
    empty_db.migrate()
    assert set(inspect(empty_db.engine).get_table_names()) >= PEOPLE_TABLES
    downgrade(empty_db.engine, "0003")
    assert not PEOPLE_TABLES & set(inspect(empty_db.engine).get_table_names())
    empty_db.migrate()
    assert set(inspect(empty_db.engine).get_table_names()) >= PEOPLE_TABLES


def test_the_people_tables_match_the_models(empty_db: Database) -> None:
    empty_db.migrate()

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return getattr(table, "name", name) in PEOPLE_TABLES

    with empty_db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
