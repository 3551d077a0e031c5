"""The ASGI app as uvicorn loads it: `klarsvar.web.main:app` (settings from the environment)."""

from __future__ import annotations

from fastapi import FastAPI

from klarsvar.runtime import build_runtime
from klarsvar.web.app import create_app


def build_app() -> FastAPI:
    return create_app(build_runtime())


def __getattr__(name: str) -> FastAPI:
    # Built lazily so that importing this module has no side effects.
    if name == "app":
        return build_app()
    raise AttributeError(name)
