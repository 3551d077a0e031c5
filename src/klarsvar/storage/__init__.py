"""Persistence: the SQLAlchemy tables, numbered Alembic migrations, sessions."""
