"""Foundation acceptance test: a card number typed into the chat is masked before anything
is stored or logged. It goes in through the real HTTP API; afterwards neither the SQLite
database file (nor its write-ahead log) nor the captured log output holds its digits, in
any grouping, and the API only ever shows the masked form."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from klarsvar.core.logging import configure_logging
from klarsvar.storage.database import Database
from klarsvar.understanding.embedded import EmbeddedUnderstander

from .conftest import Api, ApiFactory, sse_events

PAN = "4539148803436467"
PAN_SPACED = "4539 1488 0343 6467"
PAN_DASHED = "4539-1488-0343-6467"
MASKED = "[card •••• 6467]"
# Every form the number could leak in: whole, grouped, and long enough pieces of it.
FORBIDDEN = [PAN, PAN_SPACED, PAN_DASHED, PAN[:12], PAN[-8:], "0343 6467", "4539 1488", PAN[:8]]
OTHER_PAN = "5555555555554444"  # a second card (Mastercard test number), typed with a CVV after it
OTHER_FORBIDDEN = [OTHER_PAN, "5555 5555 5555 4444", OTHER_PAN[:12], OTHER_PAN[-8:]]


@pytest.fixture(scope="module")
def embedded(models_cache_dir: Path) -> EmbeddedUnderstander:
    return EmbeddedUnderstander(cache_dir=models_cache_dir)


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """All log output (root, uvicorn, klarsvar) into a buffer, as in production; restored afterwards."""
    root = logging.getLogger()
    saved_root = (list(root.handlers), root.level)
    names = ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).propagate) for n in names}
    stream = io.StringIO()
    configure_logging("DEBUG", stream)
    yield stream
    root.handlers = saved_root[0]
    root.setLevel(saved_root[1])
    for name, (handlers, propagate) in saved.items():
        logging.getLogger(name).handlers = handlers
        logging.getLogger(name).propagate = propagate


def _sqlite_files(db: Database) -> list[Path]:
    path = Path(db.url.split("///", 1)[1])
    files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
    assert path in files
    return files


def _assert_absent(haystack: bytes, where: str, forbidden: list[str]) -> None:
    for needle in forbidden:
        for encoded in {needle.encode("utf-8"), needle.encode("utf-16-le")}:
            assert encoded not in haystack, f"{needle!r} found in {where}"


def _texts(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _converse(api: Api) -> list[str]:
    """Type the card number every way a customer might, signed in, anonymous and streamed."""
    seen: list[str] = []
    signed_in = api.start(api.sign_in("lukas.meyer@example.de"))
    for text in [
        f"My card {PAN_SPACED} was stolen, please freeze it",
        f"the number is {PAN}",
        f"{PAN_DASHED} exp 12/28 cvv 123",
        f"Is {OTHER_PAN} 123 also blocked?",
    ]:
        response = api.post(signed_in, text)
        assert response.status_code == 200, response.text
        body = response.json()
        seen.append(_texts(body))
        customer, *replies = body["messages"]
        assert MASKED in customer["text"] or "[card •••• 4444]" in customer["text"]
        assert replies, "the assistant replied"

    anonymous = api.start()
    body = api.post(anonymous, f"Hi, my card {PAN} got charged twice").json()
    seen.append(_texts(body))
    assert body["messages"][0]["text"] == f"Hi, my card {MASKED} got charged twice"

    with api.client.stream("POST", f"/api/conversations/{signed_in}/messages?stream=true",
                           json={"text": f"again: {PAN_SPACED}"}) as stream:
        events = list(sse_events(stream.iter_lines()))
    seen.append(_texts(events))
    assert json.loads(events[0][1])["text"] == f"again: {MASKED}"

    for conversation in (signed_in, anonymous):
        listed = api.client.get(f"/api/conversations/{conversation}/messages").json()
        seen.append(_texts(listed))
        customer_texts = [m["text"] for m in listed if m["author"] == "customer"]
        assert customer_texts and all("[card •••• " in t for t in customer_texts)
    return seen


def test_a_card_number_never_reaches_the_database_or_the_logs(
    sqlite_db: Database, api_factory: ApiFactory, embedded: EmbeddedUnderstander, captured_logs: io.StringIO
) -> None:
    api = api_factory(sqlite_db, embedded)
    logging.getLogger("klarsvar.test").info("capture works")
    seen = _converse(api)

    # What the API showed: only the masked form.
    for payload in seen:
        assert PAN not in _digits(payload)
        assert OTHER_PAN not in _digits(payload)
        for needle in FORBIDDEN + OTHER_FORBIDDEN:
            assert needle not in payload

    # The database file and its write-ahead log, while the server still runs …
    files = _sqlite_files(sqlite_db)
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        data = path.read_bytes()
        _assert_absent(data, path.name, FORBIDDEN + OTHER_FORBIDDEN)
    # … the masked form is what was stored.
    assert "[card •••• 6467]".encode() in b"".join(p.read_bytes() for p in files)

    # … and once everything is checkpointed into the main file.
    sqlite_db.dispose()
    for path in _sqlite_files(sqlite_db):
        _assert_absent(path.read_bytes(), path.name, FORBIDDEN + OTHER_FORBIDDEN)

    logs = captured_logs.getvalue()
    assert "capture works" in logs
    assert '"turn"' in logs  # the engine logged every turn
    _assert_absent(logs.encode(), "the logs", FORBIDDEN + OTHER_FORBIDDEN)
    assert PAN not in _digits(logs)


def test_the_scan_finds_a_card_number_written_around_the_engine(sqlite_db: Database) -> None:
    # The check above is only worth something if an unmasked number would be seen in the file.
    from sqlalchemy import text

    with sqlite_db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE leak_canary (body TEXT)"))
        conn.execute(text("INSERT INTO leak_canary VALUES (:body)"), {"body": f"card {PAN_SPACED} / {PAN}"})
    data = b"".join(p.read_bytes() for p in _sqlite_files(sqlite_db))
    with pytest.raises(AssertionError):
        _assert_absent(data, "canary", FORBIDDEN)
