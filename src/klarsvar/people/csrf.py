"""CSRF tokens: random, compared in constant time.

Every state-changing request made with a console session must carry the session's token in
the `X-CSRF-Token` header (synchroniser token). Before sign-in there is no session yet, so the
sign-in request carries a token equal to a cookie the server set (double submit).
"""

from __future__ import annotations

import hmac
import secrets

HEADER = "X-CSRF-Token"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
