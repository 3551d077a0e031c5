"""What the engine remembers between turns of one conversation (stored as JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Pending:
    """A write the assistant proposed and is waiting for an explicit yes on (policy 11)."""

    action: str
    args: dict[str, Any]
    params: dict[str, Any]  # what the confirmation said (merchant, order, amount …), for re-asking
    then_handoff: str | None = None  # dispute -> hand over after opening
    confirm_key: str = ""


@dataclass
class Awaiting:
    """A slot the assistant asked the customer to fill."""

    slot: str  # order | card | email | otp | contact_field | contact_value | dispute_reason
    intent: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ConversationState:
    language: str | None = None
    greeted: bool = False
    pending: Pending | None = None
    awaiting: Awaiting | None = None
    resume: dict[str, Any] | None = None  # the request that verification interrupted
    verify_email: str | None = None
    verify_attempts: int = 0
    verification_locked: bool = False
    frustrated_streak: int = 0
    not_understood_streak: int = 0
    person_offered: bool = False  # the last reply offered a person: a yes hands over
    last_order_id: str | None = None
    turns: int = 0
    resolved_intents: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        if not data:
            return cls()
        data = dict(data)
        pending = data.pop("pending", None)
        awaiting = data.pop("awaiting", None)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        state = cls(**known)
        state.pending = Pending(**pending) if pending else None
        state.awaiting = Awaiting(**awaiting) if awaiting else None
        return state
