"""Alembic environment: the engine comes from klarsvar (`Config.attributes`)."""

from __future__ import annotations

from alembic import context

import klarsvar.storage.conversation_tables
import klarsvar.storage.knowledge_tables
import klarsvar.storage.people_tables  # noqa: F401  (knowledge and people tables in the metadata)
from klarsvar.storage.tables import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
