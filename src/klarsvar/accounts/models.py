"""Plain domain records. No SQL and no web framework here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from klarsvar.core.money import Money


class Product(StrEnum):
    PAY_IN_30 = "pay_in_30"
    PAY_IN_4 = "pay_in_4"
    FINANCING = "financing"


PRODUCT_NAMES = {
    Product.PAY_IN_30: "Pay in 30 days",
    Product.PAY_IN_4: "Pay in 4",
    Product.FINANCING: "Financing",
}


class DisputeReason(StrEnum):
    NOT_RECEIVED = "not_received"
    FAULTY = "faulty"
    WRONG_ITEM = "wrong_item"
    CANCELLED_BUT_CHARGED = "cancelled_but_charged"


@dataclass(frozen=True)
class Customer:
    id: str
    email: str
    name: str
    language: str
    country: str
    phone: str | None
    address: str | None
    purchases_paused: bool = False


@dataclass(frozen=True)
class Merchant:
    id: str
    name: str
    support_email: str
    country: str
    return_days: int
    return_postage_paid_by: str


@dataclass(frozen=True)
class Instalment:
    seq: int
    amount: Money
    due_on: date
    status: str  # scheduled | paid | missed
    paid_on: date | None = None
    late_fee: Money | None = None
    retry_on: date | None = None

    @property
    def open(self) -> bool:
        return self.status in ("scheduled", "missed")


@dataclass(frozen=True)
class Return:
    id: str
    reported_on: date
    payments_paused_until: date
    status: str


@dataclass(frozen=True)
class Refund:
    id: str
    amount: Money
    registered_on: date
    destination: str
    status: str


@dataclass(frozen=True)
class Dispute:
    id: str
    reason: DisputeReason
    opened_on: date
    merchant_response_due: date
    status: str


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    merchant: Merchant
    amount: Money
    product: Product
    payment_method: str
    purchased_on: date
    shipped_on: date | None
    delivered_on: date | None
    status: str
    due_date_extended: bool
    payments_paused_until: date | None
    financing_months: int | None = None
    apr_basis_points: int | None = None
    carrier_note: str | None = None
    instalments: tuple[Instalment, ...] = field(default_factory=tuple)
    returns: tuple[Return, ...] = field(default_factory=tuple)
    refunds: tuple[Refund, ...] = field(default_factory=tuple)
    disputes: tuple[Dispute, ...] = field(default_factory=tuple)

    def next_open_instalment(self) -> Instalment | None:
        """The missed instalment first, else the earliest scheduled one."""
        missed = [i for i in self.instalments if i.status == "missed"]
        if missed:
            return min(missed, key=lambda i: i.seq)
        scheduled = [i for i in self.instalments if i.status == "scheduled"]
        return min(scheduled, key=lambda i: i.seq) if scheduled else None

    def outstanding(self) -> Money:
        total = 0
        for inst in self.instalments:
            if inst.open:
                total += inst.amount.minor
            if inst.late_fee and inst.status != "paid":
                total += inst.late_fee.minor
        return Money(total, self.amount.currency)

    def open_dispute(self) -> Dispute | None:
        return next((d for d in self.disputes if d.status == "open"), None)

    def open_return(self) -> Return | None:
        return next((r for r in self.returns if r.status == "reported"), None)

    @property
    def due_on(self) -> date | None:
        """Pay in 30 days: the single due date."""
        if self.product is Product.PAY_IN_30 and self.instalments:
            return self.instalments[0].due_on
        return None


@dataclass(frozen=True)
class CardTransaction:
    id: str
    merchant_name: str
    amount: Money
    occurred_at: datetime
    status: str


@dataclass(frozen=True)
class Card:
    id: str
    customer_id: str
    last4: str
    status: str  # active | frozen
    transactions: tuple[CardTransaction, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DataRequest:
    id: str
    kind: str  # export | deletion
    requested_on: date
    due_by: date
    status: str
