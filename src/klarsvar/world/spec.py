"""Plain builders of the demo world, shared by the fixed entities and the generator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class InstalmentSpec:
    seq: int
    amount_minor: int
    due_on: date
    status: str = "scheduled"
    paid_on: date | None = None
    late_fee_minor: int = 0
    retry_on: date | None = None


@dataclass
class OrderSpec:
    id: str
    customer_id: str
    merchant: str  # merchant name
    amount_minor: int
    product: str
    purchased_on: date
    shipped_on: date | None
    delivered_on: date | None
    status: str
    instalments: list[InstalmentSpec]
    payment_method: str = "bank_card"
    due_date_extended: bool = False
    payments_paused_until: date | None = None
    financing_months: int | None = None
    apr_basis_points: int | None = None
    carrier_note: str | None = None
    currency: str = "EUR"


@dataclass
class CustomerSpec:
    id: str
    email: str
    name: str
    language: str
    country: str
    phone: str | None
    address: str | None
    purchases_paused: bool = False


@dataclass
class MerchantSpec:
    id: str
    name: str
    support_email: str
    country: str
    return_days: int
    return_postage_paid_by: str


@dataclass
class CardSpec:
    id: str
    customer_id: str
    last4: str
    status: str = "active"
    transactions: list[tuple[str, str, int, datetime, str]] = field(default_factory=list)  # id, merchant, minor, at, status


@dataclass
class RefundSpec:
    id: str
    order_id: str
    amount_minor: int
    registered_on: date
    destination: str
    status: str


@dataclass
class ReturnSpec:
    id: str
    order_id: str
    reported_on: date
    paused_until: date
    status: str


@dataclass
class World:
    customers: list[CustomerSpec] = field(default_factory=list)
    merchants: list[MerchantSpec] = field(default_factory=list)
    orders: list[OrderSpec] = field(default_factory=list)
    cards: list[CardSpec] = field(default_factory=list)
    refunds: list[RefundSpec] = field(default_factory=list)
    returns: list[ReturnSpec] = field(default_factory=list)
