"""Settings, read from the environment (KLARSVAR_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _default_data_dir() -> Path:
    return Path(os.environ.get("KLARSVAR_DATA_DIR", Path.cwd() / "var"))


def _local_secret(data_dir: Path, name: str) -> str:
    """A random secret kept in the data folder, made on first use."""
    import secrets

    path = data_dir / f".{name}"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(32)
        path.write_text(value)
        path.chmod(0o600)
        return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None
    clock: str
    data_dir: Path
    demo_mode: bool
    llm_base_url: str | None
    llm_model: str | None
    log_level: str
    session_secret: str
    agent_token: str
    # "embedded" (default), or "package.module:factory" returning an Understander (tests, plug-ins)
    understander: str = "embedded"

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = _default_data_dir()
        url = os.environ.get("KLARSVAR_DATABASE_URL") or f"sqlite:///{data_dir / 'klarsvar.db'}"
        return cls(
            database_url=url,
            redis_url=os.environ.get("KLARSVAR_REDIS_URL") or None,
            clock=os.environ.get("KLARSVAR_CLOCK", "2026-11-20T12:00:00Z"),
            data_dir=data_dir,
            demo_mode=os.environ.get("KLARSVAR_DEMO_MODE", "1") not in ("0", "false", "no"),
            llm_base_url=os.environ.get("KLARSVAR_LLM_BASE_URL") or None,
            llm_model=os.environ.get("KLARSVAR_LLM_MODEL") or None,
            log_level=os.environ.get("KLARSVAR_LOG_LEVEL", "INFO"),
            session_secret=os.environ.get("KLARSVAR_SESSION_SECRET") or _local_secret(data_dir, "session"),
            agent_token=os.environ.get("KLARSVAR_AGENT_TOKEN") or _local_secret(data_dir, "agent-token"),
            understander=os.environ.get("KLARSVAR_UNDERSTANDER") or "embedded",
        )
