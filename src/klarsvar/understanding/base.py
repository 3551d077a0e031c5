"""The seam between understanding and the dialogue policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# The intents the policy knows. Every understander proposes from this set.
INTENTS: tuple[str, ...] = (
    "greeting",
    "thanks_goodbye",
    "affirm",
    "deny",
    "cancel",
    "human_request",
    "payment_schedule",
    "order_status",
    "report_return",
    "extend_due_date",
    "pay_instalment",
    "dispute_not_received",
    "dispute_faulty",
    "dispute_wrong_item",
    "dispute_cancelled_charged",
    "freeze_card",
    "unfreeze_card",
    "unrecognised_purchase",
    "refund_status",
    "update_contact_details",
    "change_payment_method",
    "data_export",
    "account_deletion",
    "amount_change_or_waiver",
    "complaint",
    "card_status",
    "general_question",
    # Not about Lumo at all (weather, sport, recipes, trivia, code, other lenders' products):
    # for the policy to decline politely instead of guessing an account request.
    "out_of_scope",
)


@dataclass
class Entities:
    order_ids: list[str] = field(default_factory=list)
    card_ids: list[str] = field(default_factory=list)
    last4: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    amounts_minor: list[int] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    otp: str | None = None
    contact_field: str | None = None  # email | phone | address
    address: str | None = None
    card_number_masked: bool = False

    def to_json(self) -> dict[str, Any]:
        """For traces: what was found, with contact details and codes redacted (a trace is not
        the place for personal data; the message itself holds what the customer wrote)."""
        out = {k: v for k, v in vars(self).items() if v not in (None, [], False)}
        if self.emails:
            out["emails"] = [_redact_email(e) for e in self.emails]
        if self.phones:
            out["phones"] = ["•" * max(len(p) - 2, 0) + p[-2:] for p in self.phones]
        if self.otp:
            out["otp"] = "••••••"
        if self.address:
            out["address"] = "•••"
        return out


def _redact_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


@dataclass
class Signals:
    wants_person: bool = False
    frustration: bool = False
    distress: bool = False
    suspected_fraud: bool = False
    prompt_injection: bool = False
    asks_detail: bool = False

    def to_json(self) -> dict[str, bool]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass
class Understanding:
    """What an understander proposes. The policy decides what to do with it."""

    intents: list[tuple[str, float]]  # best first, scores in [0, 1]
    entities: Entities
    signals: Signals
    language: str
    language_confidence: float
    text: str
    source: str = "embedded"
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def intent(self) -> str:
        return self.intents[0][0] if self.intents else "general_question"

    @property
    def confidence(self) -> float:
        return self.intents[0][1] if self.intents else 0.0

    def score(self, intent: str) -> float:
        return next((s for name, s in self.intents if name == intent), 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "intents": [{"intent": n, "score": round(s, 4)} for n, s in self.intents[:5]],
            "entities": self.entities.to_json(),
            "signals": self.signals.to_json(),
            "language": self.language,
            "language_confidence": round(self.language_confidence, 4),
        }


@dataclass(frozen=True)
class UnderstandingContext:
    """What an understander may know of the conversation (never account data)."""

    previous_language: str | None = None
    profile_language: str | None = None
    awaiting: str | None = None  # confirmation | order | email | otp | contact_value | None


class Understander(Protocol):
    def understand(self, text: str, context: UnderstandingContext) -> Understanding: ...
