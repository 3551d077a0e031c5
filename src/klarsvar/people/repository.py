"""All queries on users and their sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from klarsvar.people.models import ConsoleSession, Role, User
from klarsvar.storage.people_tables import UserRow, UserSessionRow


def _user(row: UserRow) -> User:
    return User(row.id, row.username, row.display_name, Role(row.role), bool(row.active), row.created_at,
                row.last_login_at)


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- users ---------------------------------------------------------------------------
    def add_user(self, username: str, display_name: str, role: Role, password_hash: str, at: datetime) -> User:
        row = UserRow(username=username, display_name=display_name, role=role.value, password_hash=password_hash,
                      active=True, created_at=at)
        self.session.add(row)
        self.session.flush()
        return _user(row)

    def user(self, user_id: int) -> User | None:
        row = self.session.get(UserRow, user_id)
        return _user(row) if row else None

    def user_by_username(self, username: str) -> User | None:
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return _user(row) if row else None

    def password_hash(self, username: str) -> tuple[int, str, bool] | None:
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return (row.id, row.password_hash, bool(row.active)) if row else None

    def users(self) -> list[User]:
        return [_user(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.username))]

    def update_user(self, user_id: int, **fields: object) -> None:
        row = self.session.get_one(UserRow, user_id)
        for key, value in fields.items():
            setattr(row, key, value)

    # --- sessions --------------------------------------------------------------------------
    def add_session(self, session_id: str, user_id: int, csrf_token: str, at: datetime, expires: datetime) -> None:
        self.session.add(UserSessionRow(id=session_id, user_id=user_id, csrf_token=csrf_token, created_at=at,
                                        last_seen_at=at, expires_at=expires))
        self.session.flush()

    def get_session(self, session_id: str) -> tuple[ConsoleSession, datetime | None] | None:
        row = self.session.get(UserSessionRow, session_id)
        if row is None:
            return None
        user = self.session.get_one(UserRow, row.user_id)
        return (ConsoleSession(row.id, _user(user), row.csrf_token, row.created_at, row.last_seen_at,
                               row.expires_at), row.revoked_at)

    def touch_session(self, session_id: str, at: datetime, expires: datetime) -> None:
        row = self.session.get_one(UserSessionRow, session_id)
        row.last_seen_at = at
        row.expires_at = expires

    def set_session_expiry(self, session_id: str, expires: datetime) -> None:
        self.session.get_one(UserSessionRow, session_id).expires_at = expires

    def revoke_session(self, session_id: str, at: datetime) -> None:
        row = self.session.get(UserSessionRow, session_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = at

    def revoke_sessions_of(self, user_id: int, at: datetime) -> None:
        for row in self.session.scalars(select(UserSessionRow).where(UserSessionRow.user_id == user_id,
                                                                      UserSessionRow.revoked_at.is_(None))):
            row.revoked_at = at

    def delete_sessions_before(self, before: datetime) -> int:
        result = self.session.execute(delete(UserSessionRow).where(UserSessionRow.expires_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
