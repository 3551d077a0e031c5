"""Helpers shared by CLI commands: settings, database, clear errors."""

from __future__ import annotations

import typer

from klarsvar.config import Settings
from klarsvar.storage.database import Database


def open_database(settings: Settings | None = None) -> Database:
    settings = settings or Settings.from_env()
    try:
        db = Database(settings.database_url)
        db.migrate()
    except Exception as exc:  # a bad URL or an unreachable server: say so, no traceback
        typer.secho(f"error: cannot open the database {settings.database_url!r}: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    return db
