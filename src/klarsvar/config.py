"""Settings, read from the environment (KLARSVAR_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _default_data_dir() -> Path:
    return Path(os.environ.get("KLARSVAR_DATA_DIR", Path.cwd() / "var"))


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
        )
