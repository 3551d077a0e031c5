"""Structured JSON logs that carry no card numbers and no message text."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from klarsvar.core.pan import contains_pan, mask_pans

_RESERVED = set(vars(logging.makeLogRecord({})))


class PanMaskingFilter(logging.Filter):
    """Last line of defence: whatever reaches a handler is masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_pans(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _RESERVED and isinstance(value, str):
                setattr(record, key, mask_pans(value))
        return True


def _masked(value: Any) -> Any:
    """Mask PANs inside a payload value before it is serialised, so the line stays valid JSON
    (a PAN logged as a number would otherwise be replaced inside the JSON text)."""
    if isinstance(value, str):
        return mask_pans(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_masked(v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and contains_pan(str(value)):
        return mask_pans(str(value))
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return mask_pans(json.dumps(_masked(payload), default=str, ensure_ascii=False))


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(PanMaskingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers = []
        lg.propagate = True
