"""Demo session tokens for signed-in customers (HMAC-signed, expiring)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time


class TokenError(ValueError):
    pass


def sign(secret: str, payload: dict[str, object], ttl_seconds: int = 8 * 3600) -> str:
    body = dict(payload, exp=int(time.time()) + ttl_seconds)
    raw = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(secret.encode(), raw.encode(), hashlib.sha256).hexdigest()
    return f"{raw}.{mac}"


def verify(secret: str, token: str) -> dict[str, object]:
    try:
        raw, mac = token.rsplit(".", 1)
    except ValueError as exc:
        raise TokenError("malformed token") from exc
    expected = hmac.new(secret.encode(), raw.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, expected):
        raise TokenError("bad signature")
    try:
        body = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, json.JSONDecodeError) as exc:
        raise TokenError("malformed token") from exc
    if not isinstance(body, dict) or int(body.get("exp", 0)) < time.time():
        raise TokenError("expired token")
    return body
