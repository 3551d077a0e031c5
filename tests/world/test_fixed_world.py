"""Every fixed entity of the demo world, read back through the action layer.

The facts come from ../shared/spec/demo-world.md and docs/demo-world-extras.md.
Reads go through `ActionService` exactly as the assistant makes them. Nothing here
writes, so one copy of the world per backend serves the whole module.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import phonenumbers
import pytest

from conftest import ai_context, create_pg_database, drop_pg_database, sqlite_copy
from klarsvar.accounts.repository import AccountsRepository
from klarsvar.actions.service import ActionService
from klarsvar.core.clock import FixedClock
from klarsvar.storage.database import Database

D = date.fromisoformat


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A read-only copy of the demo world, once per backend for this module."""
    if request.param == "sqlite":
        database = sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path_factory.mktemp("world"))
        yield database
        database.dispose()
    else:
        url = create_pg_database(template=request.getfixturevalue("pg_template"))
        database = Database(url)
        yield database
        database.dispose()
        drop_pg_database(url)


def read(db: Database, customer_id: str, action: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    with db.session() as session:
        result = ActionService(session).run(action, args or {}, ai_context(customer_id, FixedClock()))
    assert result.ok, result
    assert result.refusal is None
    return result.data


def eur(minor: int) -> dict[str, Any]:
    return {"minor": minor, "currency": "EUR", "text": f"{minor // 100}.{minor % 100:02d}"}


@dataclass(frozen=True)
class Inst:
    seq: int
    minor: int
    due: str
    status: str  # paid | scheduled | missed
    paid_on: str | None = None
    late_fee: int | None = None


@dataclass(frozen=True)
class ExpectedOrder:
    id: str
    merchant: str
    minor: int
    product: str
    status: str = "active"
    purchased: str | None = None
    shipped: str | None = None
    delivered: str | None = None
    instalments: tuple[Inst, ...] = ()
    extended: bool = False
    months: int | None = None
    payment_method: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExpectedCustomer:
    id: str
    email: str
    name: str
    language: str
    country: str
    orders: tuple[ExpectedOrder, ...]
    cards: tuple[tuple[str, str, str], ...] = ()  # (id, last4, status)
    phone_as_written: str | None = None


def pay4(amount: int, dues: list[str], paid: int, paid_on: list[str] | None = None) -> tuple[Inst, ...]:
    each = amount // 4
    out = []
    for i, due in enumerate(dues):
        seq = i + 1
        if seq <= paid:
            out.append(Inst(seq, each, due, "paid", paid_on[i] if paid_on else due))
        else:
            out.append(Inst(seq, each, due, "scheduled"))
    return tuple(out)


CUSTOMERS: list[ExpectedCustomer] = [
    ExpectedCustomer(
        "C-1001",
        "anna.svensson@example.se",
        "Anna Svensson",
        "sv",
        "SE",
        phone_as_written="+46 70 123 45 67",
        orders=(
            ExpectedOrder(
                "O-1001",
                "Nordic Shoes",
                12000,
                "pay_in_4",
                delivered="2026-11-03",
                instalments=(
                    Inst(1, 3000, "2026-11-01", "paid", "2026-11-01"),
                    Inst(2, 3000, "2026-11-15", "paid", "2026-11-15"),
                    Inst(3, 3000, "2026-11-29", "scheduled"),
                    Inst(4, 3000, "2026-12-13", "scheduled"),
                ),
            ),
            ExpectedOrder(
                "O-1002",
                "Bokhandeln",
                4590,
                "pay_in_30",
                shipped="2026-11-05",
                instalments=(Inst(1, 4590, "2026-12-05", "scheduled"),),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1002",
        "lukas.meyer@example.de",
        "Lukas Meyer",
        "de",
        "DE",
        cards=(("K-2001", "4417", "active"),),
        orders=(
            ExpectedOrder(
                "O-2001",
                "TechHaus",
                89900,
                "financing",
                months=12,
                instalments=tuple(Inst(s, 8327, "", "paid" if s <= 3 else "scheduled") for s in range(1, 13)),
                extra={"apr_percent": 19.99},
            ),
            ExpectedOrder(
                "O-2002",
                "ModeWelt",
                7995,
                "pay_in_30",
                delivered="2026-11-10",
                instalments=(Inst(1, 7995, "2026-12-10", "scheduled"),),
                extra={"returns": [], "disputes": [], "payments_paused_until": None},
            ),
            ExpectedOrder(
                "O-2003",
                "Gadgetly",
                24900,
                "pay_in_4",
                purchased="2026-10-25",
                delivered="2026-10-30",
                instalments=pay4(24900, ["2026-10-25", "2026-11-08", "2026-11-22", "2026-12-06"], paid=2),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1003",
        "emma.johnson@example.com",
        "Emma Johnson",
        "en",
        "GB",
        cards=(("K-3001", "9054", "active"),),
        orders=(
            ExpectedOrder("O-3001", "CityStyle", 6000, "pay_in_30", status="returned", payment_method="bank_card"),
            ExpectedOrder(
                "O-3002",
                "HomeNest",
                23000,
                "pay_in_4",
                instalments=(
                    Inst(1, 5750, "", "paid"),
                    Inst(2, 5750, "", "paid"),
                    Inst(3, 5750, "", "paid"),
                    Inst(4, 5750, "2026-11-27", "scheduled"),
                ),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1004",
        "camille.dubois@example.fr",
        "Camille Dubois",
        "fr",
        "FR",
        orders=(
            ExpectedOrder(
                "O-4001",
                "Maison Belle",
                15000,
                "pay_in_4",
                instalments=(
                    Inst(1, 3750, "", "paid"),
                    Inst(2, 3750, "2026-11-15", "missed", None, late_fee=700),
                    Inst(3, 3750, "", "scheduled"),
                    Inst(4, 3750, "", "scheduled"),
                ),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1005",
        "javier.garcia@example.es",
        "Javier García",
        "es",
        "ES",
        orders=(
            ExpectedOrder(
                "O-5001",
                "Deportes Sol",
                3500,
                "pay_in_30",
                shipped="2026-10-23",
                instalments=(Inst(1, 3500, "2026-11-22", "scheduled"),),
            ),
            ExpectedOrder(
                "O-5002",
                "Librería Luz",
                1850,
                "pay_in_30",
                extended=True,
                instalments=(Inst(1, 1850, "2026-11-30", "scheduled"),),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1006",
        "wei.zhang@example.com",
        "Wei Zhang",
        "zh",
        "DE",
        orders=(
            ExpectedOrder(
                "O-6001",
                "ElectroMart",
                30000,
                "pay_in_4",
                purchased="2026-11-12",
                delivered="2026-11-14",
                instalments=(
                    Inst(1, 7500, "2026-11-12", "paid"),
                    Inst(2, 7500, "2026-11-26", "scheduled"),
                    Inst(3, 7500, "", "scheduled"),
                    Inst(4, 7500, "", "scheduled"),
                ),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1007",
        "sofia.rossi@example.it",
        "Sofia Rossi",
        "it",
        "IT",
        orders=(
            ExpectedOrder(
                "O-7001",
                "Stile Milano",
                8900,
                "pay_in_30",
                status="paid",
                instalments=(Inst(1, 8900, "", "paid", "2026-10-30"),),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1008",
        "jan.kowalski@example.pl",
        "Jan Kowalski",
        "pl",
        "PL",
        orders=(
            ExpectedOrder(
                "O-8001",
                "Sklep Polna",
                12000,
                "pay_in_4",
                purchased="2026-11-01",
                instalments=(
                    Inst(1, 3000, "", "paid"),
                    Inst(2, 3000, "2026-11-15", "paid"),
                    Inst(3, 3000, "2026-11-29", "scheduled"),
                    Inst(4, 3000, "", "scheduled"),
                ),
            ),
            ExpectedOrder(
                "O-8002",
                "Sklep Polna",
                6000,
                "pay_in_30",
                status="paid",
                purchased="2026-04-01",
                instalments=(Inst(1, 6000, "", "paid"),),
            ),
            ExpectedOrder(
                "O-8003",
                "Sklep Polna",
                4200,
                "pay_in_30",
                # unpaid and past its due date
                instalments=(Inst(1, 4200, "2026-11-18", "missed"),),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1009",
        "sanne.devries@example.nl",
        "Sanne de Vries",
        "nl",
        "NL",
        cards=(("K-9001", "2210", "frozen"),),
        orders=(
            ExpectedOrder(
                "O-9001",
                "Fietsplaats",
                6400,
                "pay_in_30",
                shipped="2026-11-01",
                instalments=(Inst(1, 6400, "2026-12-01", "scheduled"),),
            ),
        ),
    ),
    ExpectedCustomer(
        "C-1010",
        "mikko.virtanen@example.fi",
        "Mikko Virtanen",
        "fi",
        "FI",
        cards=(("K-1010", "7781", "active"),),
        orders=(
            ExpectedOrder(
                "O-1010",
                "Kirjakauppa Aalto",
                2500,
                "pay_in_30",
                shipped="2026-11-10",
                instalments=(Inst(1, 2500, "2026-12-10", "scheduled"),),
            ),
        ),
    ),
]


def check_order(actual: dict[str, Any], expected: ExpectedOrder) -> None:
    assert actual["order_id"] == expected.id
    assert actual["merchant"] == expected.merchant
    assert actual["amount"] == eur(expected.minor)
    assert actual["product"] == expected.product
    assert actual["status"] == expected.status
    assert actual["due_date_extended"] is expected.extended
    for key, value in (
        ("purchased_on", expected.purchased),
        ("shipped_on", expected.shipped),
        ("delivered_on", expected.delivered),
    ):
        if value is not None:
            assert actual[key] == value, key
    if expected.payment_method:
        assert actual["payment_method"] == expected.payment_method
    if expected.months:
        assert actual["financing_months"] == expected.months
    if expected.instalments:
        insts = actual["instalments"]
        assert [i["seq"] for i in insts] == [e.seq for e in expected.instalments]
        for got, want in zip(insts, expected.instalments, strict=True):
            assert got["amount"] == eur(want.minor), (expected.id, want.seq)
            assert got["status"] == want.status, (expected.id, want.seq)
            if want.due:
                assert got["due_on"] == want.due, (expected.id, want.seq)
            if want.paid_on:
                assert got["paid_on"] == want.paid_on, (expected.id, want.seq)
            if want.status == "paid":
                assert got["paid_on"] is not None
                assert D(got["paid_on"]) <= date(2026, 11, 20)
            else:
                assert got["paid_on"] is None
            assert got["late_fee"] == (eur(want.late_fee) if want.late_fee else None)
        open_minor = sum(e.minor + (e.late_fee or 0) for e in expected.instalments if e.status != "paid")
        assert actual["outstanding"] == eur(open_minor)
    for key, value in expected.extra.items():
        assert actual[key] == value, key


@pytest.mark.parametrize("customer", CUSTOMERS, ids=[c.id for c in CUSTOMERS])
def test_fixed_customer(world_db: Database, customer: ExpectedCustomer) -> None:
    profile = read(world_db, customer.id, "get_customer_profile")
    assert profile["customer_id"] == customer.id
    assert profile["email"] == customer.email
    assert profile["name"] == customer.name
    assert profile["language"] == customer.language
    assert profile["country"] == customer.country
    assert profile["purchases_paused"] is False
    # phones are stored in E.164
    phone = profile["phone"]
    assert phone is not None
    assert re.fullmatch(r"\+[1-9][0-9]{6,14}", phone)
    parsed = phonenumbers.parse(phone)
    assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == phone
    assert parsed.country_code == phonenumbers.country_code_for_region(customer.country)
    if customer.phone_as_written:
        written = phonenumbers.parse(customer.phone_as_written)
        assert phone == phonenumbers.format_number(written, phonenumbers.PhoneNumberFormat.E164)

    listed = read(world_db, customer.id, "list_orders")["orders"]
    assert sorted(o["order_id"] for o in listed) == sorted(o.id for o in customer.orders)
    for expected in customer.orders:
        check_order(read(world_db, customer.id, "get_order", {"order_id": expected.id}), expected)

    cards = read(world_db, customer.id, "list_cards")["cards"]
    assert [(c["card_id"], c["last4"], c["status"]) for c in cards] == list(customer.cards)


def test_anna_phone_is_stored_in_e164(world_db: Database) -> None:
    assert read(world_db, "C-1001", "get_customer_profile")["phone"] == "+46701234567"


def test_o1001_instalment_3_is_next(world_db: Database) -> None:
    schedule = read(world_db, "C-1001", "get_payment_schedule", {"order_id": "O-1001"})
    assert schedule["merchant"] == "Nordic Shoes"
    assert schedule["product"] == "pay_in_4"
    assert schedule["next_payment"] == {"seq": 3, "amount": eur(3000), "due_on": "2026-11-29", "status": "scheduled"}
    assert schedule["outstanding"] == eur(6000)
    assert schedule["payments_paused_until"] is None


def test_o1002_is_due_30_days_after_shipping(world_db: Database) -> None:
    order = read(world_db, "C-1001", "get_order", {"order_id": "O-1002"})
    assert D(order["instalments"][0]["due_on"]) - D(order["shipped_on"]) == timedelta(days=30)
    assert order["next_payment"]["due_on"] == "2026-12-05"


def test_o2001_financing_12_months_3_paid(world_db: Database) -> None:
    order = read(world_db, "C-1002", "get_order", {"order_id": "O-2001"})
    assert order["financing_months"] == 12
    assert order["apr_percent"] == pytest.approx(19.99)
    insts = order["instalments"]
    assert len(insts) == 12
    assert {i["amount"]["minor"] for i in insts} == {8327}
    assert [i["status"] for i in insts].count("paid") == 3
    assert all(i["status"] == "paid" for i in insts[:3])
    assert order["next_payment"]["seq"] == 4
    dues = [D(i["due_on"]) for i in insts]
    assert dues == sorted(dues)
    assert all(27 <= (b - a).days <= 31 for a, b in itertools.pairwise(dues))
    assert all(D(i["due_on"]) < date(2026, 11, 20) for i in insts[:3])
    assert order["outstanding"] == eur(9 * 8327)


def test_o2003_carrier_says_delivered(world_db: Database) -> None:
    order = read(world_db, "C-1002", "get_order", {"order_id": "O-2003"})
    assert order["delivered_on"] == "2026-10-30"
    assert order["carrier_note"] is not None
    assert "2026-10-30" in order["carrier_note"]
    assert [i["status"] for i in order["instalments"]] == ["paid", "paid", "scheduled", "scheduled"]


def test_k2001_shows_the_unrecognised_xyz_games_purchase(world_db: Database) -> None:
    card = read(world_db, "C-1002", "get_card_transactions", {"card_id": "K-2001"})
    assert card["card_id"] == "K-2001"
    assert card["last4"] == "4417"
    assert card["status"] == "active"
    xyz = [t for t in card["transactions"] if t["merchant"] == "XYZ Games Ltd"]
    assert len(xyz) == 1
    assert xyz[0]["amount"] == eur(49900)
    assert xyz[0]["occurred_at"].startswith("2026-11-19T")
    assert xyz[0]["occurred_at"].endswith("+00:00")
    # newest first, and the fraud is the newest
    assert card["transactions"][0]["merchant"] == "XYZ Games Ltd"
    times = [t["occurred_at"] for t in card["transactions"]]
    assert times == sorted(times, reverse=True)


def test_k3001_ends_9054(world_db: Database) -> None:
    card = read(world_db, "C-1003", "get_card_transactions", {"card_id": "K-3001"})
    assert (card["last4"], card["status"]) == ("9054", "active")
    assert all(t["merchant"] != "XYZ Games Ltd" for t in card["transactions"])


def test_o3001_refund_registered_to_card(world_db: Database) -> None:
    status = read(world_db, "C-1003", "get_refund_status", {"order_id": "O-3001"})
    assert status["merchant"] == "CityStyle"
    (refund,) = status["refunds"]
    assert refund["amount"] == eur(6000)
    assert refund["registered_on"] == "2026-11-17"
    assert refund["destination"] == "bank_card"
    assert refund["status"] in ("registered", "processed")
    # policy 2: processed within 5 business days, on the card within 10
    assert refund["processed_by"] == "2026-11-24"
    assert refund["on_card_by"] == "2026-12-01"
    assert status["returns"], "the return was reported"
    order = read(world_db, "C-1003", "get_order", {"order_id": "O-3001"})
    assert order["status"] == "returned"
    assert order["next_payment"] is None
    assert order["outstanding"] == eur(0)


def test_o3002_last_instalment(world_db: Database) -> None:
    schedule = read(world_db, "C-1003", "get_payment_schedule", {"order_id": "O-3002"})
    assert schedule["next_payment"] == {"seq": 4, "amount": eur(5750), "due_on": "2026-11-27", "status": "scheduled"}


def test_o4001_missed_instalment_with_late_fee(world_db: Database) -> None:
    order = read(world_db, "C-1004", "get_order", {"order_id": "O-4001"})
    second = order["instalments"][1]
    assert second["seq"] == 2
    assert second["amount"] == eur(3750)
    assert second["due_on"] == "2026-11-15"
    assert second["status"] == "missed"
    assert second["paid_on"] is None
    assert second["late_fee"] == eur(700)
    assert sum(1 for i in order["instalments"] if i["late_fee"]) == 1
    assert order["next_payment"]["seq"] == 2
    assert order["outstanding"] == eur(3 * 3750 + 700)


def test_o5001_and_o5002_due_dates(world_db: Database) -> None:
    o5001 = read(world_db, "C-1005", "get_order", {"order_id": "O-5001"})
    assert o5001["shipped_on"] == "2026-10-23"
    assert o5001["next_payment"]["due_on"] == "2026-11-22"
    assert o5001["due_date_extended"] is False
    o5002 = read(world_db, "C-1005", "get_order", {"order_id": "O-5002"})
    assert o5002["due_date_extended"] is True
    assert o5002["next_payment"]["due_on"] == "2026-11-30"


def test_o6001_second_instalment(world_db: Database) -> None:
    schedule = read(world_db, "C-1006", "get_payment_schedule", {"order_id": "O-6001"})
    assert schedule["next_payment"] == {"seq": 2, "amount": eur(7500), "due_on": "2026-11-26", "status": "scheduled"}


def test_supporting_customers_cases(world_db: Database) -> None:
    assert read(world_db, "C-1007", "get_order", {"order_id": "O-7001"})["outstanding"] == eur(0)
    assert read(world_db, "C-1008", "get_order", {"order_id": "O-8002"})["purchased_on"] == "2026-04-01"
    o8003 = read(world_db, "C-1008", "get_order", {"order_id": "O-8003"})
    assert D(o8003["next_payment"]["due_on"]) < date(2026, 11, 20)
    assert o8003["outstanding"]["minor"] >= 4200
    assert read(world_db, "C-1009", "list_cards")["cards"] == [
        {"card_id": "K-9001", "last4": "2210", "status": "frozen"}
    ]
    assert read(world_db, "C-1010", "get_card_transactions", {"card_id": "K-1010"})["last4"] == "7781"


SPEC_MERCHANTS = [
    "Nordic Shoes",
    "Bokhandeln",
    "TechHaus",
    "ModeWelt",
    "Gadgetly",
    "CityStyle",
    "HomeNest",
    "Maison Belle",
    "Deportes Sol",
    "Librería Luz",
    "ElectroMart",
    "XYZ Games Ltd",
    # docs/demo-world-extras.md
    "Stile Milano",
    "Sklep Polna",
    "Fietsplaats",
    "Kirjakauppa Aalto",
]


def test_spec_merchants_have_support_email_and_return_policy(world_db: Database) -> None:
    with world_db.session() as session:
        merchants = {m.name: m for m in AccountsRepository(session).merchants()}
    for name in SPEC_MERCHANTS:
        m = merchants[name]
        assert "@" in m.support_email
        assert m.return_days > 0
        assert m.return_postage_paid_by in ("customer", "merchant")
    policies = {(merchants[n].return_days, merchants[n].return_postage_paid_by) for n in SPEC_MERCHANTS}
    assert len(policies) > 1, "each merchant has a return policy of its own"


def test_order_shows_the_merchant_return_policy(world_db: Database) -> None:
    order = read(world_db, "C-1001", "get_order", {"order_id": "O-1001"})
    assert order["merchant_return_days"] > 0
    assert order["merchant_return_postage_paid_by"] in ("customer", "merchant")
