"""Structured JSON logs that carry no card numbers and no message text."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from klarsvar.core.pan import mask_pans

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
        return mask_pans(json.dumps(payload, default=str, ensure_ascii=False))


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
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
