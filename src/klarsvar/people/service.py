"""Sign-in, sessions and users of the console.

Sessions are server-side: the browser holds an opaque random token (an HttpOnly cookie); the
database holds only its SHA-256, the user, a CSRF token and when it expires. A session ends
after `idle` without use or `lifetime` after sign-in, whichever comes first, or at sign-out.
Session times use the real clock, not the demo world's fixed "today".
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from klarsvar.core.clock import Clock, SystemClock
from klarsvar.people import csrf
from klarsvar.people.models import ConsoleSession, Role, User
from klarsvar.people.passwords import WeakPassword, check_strength, hash_password, needs_rehash, verify_password
from klarsvar.people.repository import PeopleRepository
from klarsvar.storage.database import Database

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
DEFAULT_IDLE = timedelta(hours=1)
DEFAULT_LIFETIME = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=30)


class PeopleError(Exception):
    """A refusal a client can show: invalid_credentials, weak_password, username_taken, …"""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def session_id_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PeopleService:
    def __init__(self, db: Database, clock: Clock | None = None, *, idle: timedelta = DEFAULT_IDLE,
                 lifetime: timedelta = DEFAULT_LIFETIME) -> None:
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.idle = idle
        self.lifetime = lifetime

    # --- users -------------------------------------------------------------------------
    def create_user(self, username: str, password: str, role: Role | str, display_name: str | None = None) -> User:
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise PeopleError("invalid_username", "A username has 2–64 lowercase letters, digits, '.', '_' or '-'.")
        try:
            role = Role(role)
        except ValueError as exc:
            raise PeopleError("invalid_role", "The role is agent, supervisor or admin.") from exc
        try:
            check_strength(password)
        except WeakPassword as exc:
            raise PeopleError("weak_password", str(exc)) from exc
        with self.db.session() as session:
            repo = PeopleRepository(session)
            if repo.user_by_username(username) is not None:
                raise PeopleError("username_taken", "That username is taken.")
            return repo.add_user(username, (display_name or username).strip()[:120], role, hash_password(password),
                                 self.clock.now())

    def ensure_user(self, username: str, password: str, role: Role | str, display_name: str | None = None) -> User:
        """Create the user, or reset its password, role and name (demo accounts)."""
        with self.db.session() as session:
            existing = PeopleRepository(session).user_by_username(username)
            if existing is not None:
                try:
                    check_strength(password)
                except WeakPassword as exc:
                    raise PeopleError("weak_password", str(exc)) from exc
                PeopleRepository(session).update_user(existing.id, password_hash=hash_password(password),
                                                      role=Role(role).value, active=True,
                                                      display_name=display_name or existing.display_name)
                user = PeopleRepository(session).user(existing.id)
                assert user is not None
                return user
        return self.create_user(username, password, role, display_name)

    def users(self) -> list[User]:
        with self.db.session() as session:
            return PeopleRepository(session).users()

    def set_active(self, user_id: int, active: bool) -> None:
        with self.db.session() as session:
            repo = PeopleRepository(session)
            if repo.user(user_id) is None:
                raise PeopleError("not_found", "No such user.")
            repo.update_user(user_id, active=active)
            if not active:
                repo.revoke_sessions_of(user_id, self.clock.now())

    def set_password(self, user_id: int, password: str) -> None:
        try:
            check_strength(password)
        except WeakPassword as exc:
            raise PeopleError("weak_password", str(exc)) from exc
        with self.db.session() as session:
            repo = PeopleRepository(session)
            if repo.user(user_id) is None:
                raise PeopleError("not_found", "No such user.")
            repo.update_user(user_id, password_hash=hash_password(password))
            repo.revoke_sessions_of(user_id, self.clock.now())

    # --- sessions ------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> tuple[str, ConsoleSession]:
        """(token, session) for a right username and password; the same refusal for anything else."""
        refused = PeopleError("invalid_credentials", "Wrong username or password.")
        username = username.strip().lower()
        if len(password) > 1024:
            raise refused
        with self.db.session() as session:
            repo = PeopleRepository(session)
            found = repo.password_hash(username)
            ok = verify_password(found[1] if found else None, password)
            if not found or not ok or not found[2]:
                raise refused
            user_id, stored, _active = found
            now = self.clock.now()
            if needs_rehash(stored):
                repo.update_user(user_id, password_hash=hash_password(password))
            repo.update_user(user_id, last_login_at=now)
            token = secrets.token_urlsafe(32)
            sid = session_id_of(token)
            repo.add_session(sid, user_id, csrf.new_token(), now, min(now + self.idle, now + self.lifetime))
            loaded = repo.get_session(sid)
        assert loaded is not None
        return token, loaded[0]

    def session(self, token: str | None) -> ConsoleSession | None:
        """The live session of `token`, or None (unknown, expired, signed out, or the user disabled)."""
        if not token or len(token) > 256:
            return None
        sid = session_id_of(token)
        now = self.clock.now()
        with self.db.session() as session:
            repo = PeopleRepository(session)
            found = repo.get_session(sid)
            if found is None:
                return None
            current, revoked_at = found
            if revoked_at is not None or current.expires_at <= now or not current.user.active:
                return None
            if now - current.last_seen_at >= TOUCH_EVERY:
                expires = min(now + self.idle, current.created_at + self.lifetime)
                repo.touch_session(sid, now, expires)
                current = ConsoleSession(current.id, current.user, current.csrf_token, current.created_at, now,
                                         expires)
            return current

    def sign_out(self, token: str | None) -> None:
        if not token:
            return
        with self.db.session() as session:
            PeopleRepository(session).revoke_session(session_id_of(token), self.clock.now())

    def expire_session(self, token: str) -> None:
        """End a session now as if its time had run out (tests, and an admin's "sign out everywhere")."""
        with self.db.session() as session:
            PeopleRepository(session).set_session_expiry(session_id_of(token), self.clock.now() - timedelta(seconds=1))

    def purge_expired(self) -> int:
        with self.db.session() as session:
            return PeopleRepository(session).delete_sessions_before(self.clock.now() - timedelta(days=1))
