"""Numbered migrations: up, down and up again on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from conftest import create_pg_database, drop_pg_database
from klarsvar.storage import tables
from klarsvar.storage.database import Database, downgrade, migrate, normalise_url
from klarsvar.storage.tables import AuditRow, Base, CustomerRow

# The tables of klarsvar.storage.tables (the backend and the action records). Other
# modules register more tables on the same metadata; their own tests cover them.
APP_TABLES = {
    str(mapper.class_.__tablename__) for mapper in Base.registry.mappers if mapper.class_.__module__ == tables.__name__
}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A brand-new, unmigrated database (not the world template)."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'fresh' / 'klarsvar.db'}")
        yield database
        database.dispose()
    else:
        url = create_pg_database()
        database = Database(url)
        yield database
        database.dispose()
        drop_pg_database(url)


def _tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _version(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_the_schema_knows_every_table() -> None:
    assert {
        "customers",
        "merchants",
        "orders",
        "instalments",
        "returns",
        "refunds",
        "disputes",
        "cards",
        "card_transactions",
        "data_requests",
        "payment_method_changes",
        "audit_log",
        "idempotency_keys",
        "world_meta",
    } == APP_TABLES


def test_upgrade_downgrade_upgrade(empty_db: Database) -> None:
    assert _tables(empty_db) - {"alembic_version"} == set()
    assert _version(empty_db) is None

    migrate(empty_db.engine)
    assert _tables(empty_db) >= APP_TABLES
    assert _version(empty_db) is not None
    head = _version(empty_db)

    downgrade(empty_db.engine, "base")
    assert _tables(empty_db) - {"alembic_version"} == set()
    assert _version(empty_db) is None

    empty_db.migrate()
    assert _tables(empty_db) >= APP_TABLES
    assert _version(empty_db) == head

    # Upgrading an up-to-date schema is a no-op.
    empty_db.migrate()
    assert _version(empty_db) == head


def test_migrated_schema_matches_the_models(empty_db: Database) -> None:
    empty_db.migrate()

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return type_ != "table" or name in APP_TABLES

    with empty_db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_schema_is_usable_after_a_round_trip(empty_db: Database) -> None:
    empty_db.migrate()
    downgrade(empty_db.engine, "base")
    empty_db.migrate()
    created = datetime(2026, 1, 1, tzinfo=UTC)
    with empty_db.session() as session:
        session.add(
            CustomerRow(
                id="C-1",
                email="a@example.se",
                name="A",
                language="sv",
                country="SE",
                phone=None,
                address=None,
                purchases_paused=False,
                created_at=created,
            )
        )
        session.add(
            AuditRow(
                at=created,
                actor_kind="system",
                actor_id=None,
                customer_id="C-1",
                conversation_id=None,
                action="noop",
                arguments={"a": [1, "x"]},
                ok=True,
                result={"ok": True},
                idempotency_key=None,
            )
        )
    with empty_db.session() as session:
        row = session.scalars(select(AuditRow)).one()
        assert row.arguments == {"a": [1, "x"]}
        assert row.result == {"ok": True}
        assert row.ok is True
        assert session.scalar(select(CustomerRow.email)) == "a@example.se"


def test_email_is_unique(empty_db: Database) -> None:
    empty_db.migrate()
    created = datetime(2026, 1, 1, tzinfo=UTC)
    with empty_db.engine.begin() as conn:
        conn.execute(
            CustomerRow.__table__.insert(),  # type: ignore[attr-defined]
            {
                "id": "C-1",
                "email": "a@example.se",
                "name": "A",
                "language": "sv",
                "country": "SE",
                "purchases_paused": False,
                "created_at": created,
            },
        )
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), empty_db.engine.begin() as conn:
        conn.execute(
            CustomerRow.__table__.insert(),  # type: ignore[attr-defined]
            {
                "id": "C-2",
                "email": "a@example.se",
                "name": "B",
                "language": "sv",
                "country": "SE",
                "purchases_paused": False,
                "created_at": created,
            },
        )


def test_timestamps_come_back_as_the_same_utc_instant(empty_db: Database) -> None:
    """Both backends return aware UTC datetimes for the same stored instant."""
    empty_db.migrate()
    cet = timezone(timedelta(hours=1))
    with empty_db.session() as session:
        session.add(
            CustomerRow(
                id="C-1",
                email="a@example.se",
                name="A",
                language="sv",
                country="SE",
                phone=None,
                address=None,
                purchases_paused=False,
                created_at=datetime(2026, 11, 20, 13, 0, tzinfo=cet),
            )
        )
        session.add(
            AuditRow(
                at=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
                actor_kind="ai",
                actor_id=None,
                customer_id="C-1",
                conversation_id=None,
                action="x",
                arguments={},
                ok=True,
                result={},
                idempotency_key=None,
            )
        )
    with empty_db.session() as session:
        created = session.scalar(select(CustomerRow.created_at))
        at = session.scalar(select(AuditRow.at))
    assert created is not None and at is not None
    assert created.utcoffset() == timedelta(0)
    assert created == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert created.isoformat() == "2026-11-20T12:00:00+00:00"
    assert at.isoformat() == "2026-11-20T12:00:00+00:00"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///var/k.db", "sqlite:///var/k.db"),
    ],
)
def test_normalise_url(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fk.db'}")
    try:
        db.migrate()
        assert db.is_sqlite
        with pytest.raises(Exception, match=r"(?i)foreign key"), db.engine.begin() as conn:
            conn.execute(
                text("INSERT INTO cards (id, customer_id, last4, status) VALUES ('K-1', 'C-404', '1234', 'active')")
            )
    finally:
        db.dispose()
