"""Password hashing with Argon2id (argon2-cffi). Hashes carry their own parameters and salt."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 256

_HASHER = PasswordHasher()  # Argon2id, RFC 9106 "low memory" profile: t=3, m=64 MiB, p=4


@lru_cache(maxsize=1)
def _dummy() -> str:
    """A hash of a random password: verifying against it when the user does not exist takes as
    long as a real check, so the time of a failed sign-in does not tell whether the username
    exists. Made at the first sign-in, not at import (it costs a tenth of a second)."""
    return _HASHER.hash("klarsvar: no such user, this password is never right")


class WeakPassword(ValueError):
    pass


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"A password needs at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"A password can have at most {MAX_LENGTH} characters.")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; runs a full Argon2 check even when there is no hash."""
    try:
        return _HASHER.verify(stored_hash or _dummy(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
