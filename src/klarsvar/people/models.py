"""Users, roles and sessions of the console. No SQL and no web framework here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    AGENT = "agent"  # works the queue: takes over, replies, acts, hands back, closes
    SUPERVISOR = "supervisor"  # an agent who also sees the dashboard and exports it
    ADMIN = "admin"  # a supervisor who also manages users

    @property
    def rank(self) -> int:
        return _RANK[self]

    def covers(self, needed: Role) -> bool:
        """Whether this role may do what `needed` may do (admin ⊃ supervisor ⊃ agent)."""
        return self.rank >= needed.rank


_RANK = {Role.AGENT: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None = None

    def can(self, needed: Role) -> bool:
        return self.active and self.role.covers(needed)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
            "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None,
        }


@dataclass(frozen=True)
class ConsoleSession:
    """A signed-in session as the server keeps it (the browser holds only an opaque token)."""

    id: str  # SHA-256 of the token
    user: User
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user.to_json(), "csrf_token": self.csrf_token, "expires_at": self.expires_at.isoformat()}
