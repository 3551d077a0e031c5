"""JSON logs: one valid JSON object a line, and never a card number."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from klarsvar.core.logging import JsonFormatter, PanMaskingFilter, configure_logging

PAN = "4111111111111111"
PAN_SPACED = "4111 1111 1111 1111"
PAN_2 = "5555555555554444"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(PanMaskingFilter())
    logger = logging.getLogger("klarsvar.test.logging")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.handlers = []


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def test_a_record_is_one_json_object(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("action", extra={"action": "freeze_card", "ok": True, "refusal": None})
    (line,) = _lines(stream)
    assert line["level"] == "info"
    assert line["logger"] == logger.name
    assert line["event"] == "action"
    assert line["action"] == "freeze_card"
    assert line["ok"] is True
    assert line["refusal"] is None
    # LogRecord internals stay out of the payload
    for noise in ("args", "msg", "pathname", "lineno", "created", "thread"):
        assert noise not in line


@pytest.mark.parametrize(
    ("message", "args"),
    [
        (f"customer wrote {PAN}", ()),
        (f"customer wrote {PAN_SPACED}", ()),
        ("customer wrote %s", (PAN,)),
        ("customer wrote %s and %s", (PAN_SPACED, PAN_2)),
        ("card %s exp 12/28", (f"{PAN} 12/28",)),
    ],
)
def test_pan_in_the_message_never_reaches_the_output(
    captured: tuple[logging.Logger, io.StringIO], message: str, args: tuple[str, ...]
) -> None:
    logger, stream = captured
    logger.warning(message, *args)
    out = stream.getvalue()
    assert PAN not in _digits(out)
    assert PAN_2 not in _digits(out)
    (line,) = _lines(stream)
    assert "[card •••• " in line["event"]


@pytest.mark.parametrize(
    "extra",
    [
        {"details": f"my card is {PAN}"},
        {"details": f"my card is {PAN_SPACED}"},
        {"card": PAN},
        {"card_number": int(PAN)},
        {"payload": {"nested": [f"x {PAN} y"], "n": int(PAN)}},
        {"amounts": (1, PAN)},
    ],
)
def test_pan_in_extra_never_reaches_the_output(
    captured: tuple[logging.Logger, io.StringIO], extra: dict[str, Any]
) -> None:
    logger, stream = captured
    logger.info("event with extra", extra=extra)
    out = stream.getvalue()
    assert PAN not in _digits(out)
    (line,) = _lines(stream)  # still valid JSON after masking
    assert line["event"] == "event with extra"
    assert set(extra) <= set(line)


def test_pan_in_an_exception_never_reaches_the_output(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError(f"bad card {PAN}")
    except ValueError:
        logger.exception("failed")
    out = stream.getvalue()
    assert PAN not in _digits(out)
    (line,) = _lines(stream)
    assert "ValueError" in line["exc"]
    assert "[card •••• 1111]" in line["exc"]


def test_other_digits_survive(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("paid %s", "O-1001", extra={"amount_minor": 3000, "due_on": "2026-11-29"})
    (line,) = _lines(stream)
    assert line["event"] == "paid O-1001"
    assert line["amount_minor"] == 3000
    assert line["due_on"] == "2026-11-29"


def test_the_filter_alone_masks_message_and_string_extras() -> None:
    record = logging.makeLogRecord({"msg": "card %s", "args": (PAN,), "details": f"pan {PAN_SPACED}"})
    assert PanMaskingFilter().filter(record) is True
    assert record.getMessage() == "card [card •••• 1111]"
    assert vars(record)["details"] == "pan [card •••• 1111]"


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root")
def test_configure_logging_installs_masking_json_output() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    log = logging.getLogger("klarsvar.some.module")
    log.debug("not shown %s", PAN)
    log.info("card %s", PAN, extra={"details": PAN_SPACED})
    logging.getLogger("uvicorn.error").warning("from uvicorn %s", PAN_2)
    lines = _lines(stream)
    assert [line["level"] for line in lines] == ["info", "warning"]
    assert lines[0]["event"] == "card [card •••• 1111]"
    assert lines[0]["details"] == "[card •••• 1111]"
    assert lines[1]["logger"] == "uvicorn.error"
    out = stream.getvalue()
    assert PAN not in _digits(out)
    assert PAN_2 not in _digits(out)
