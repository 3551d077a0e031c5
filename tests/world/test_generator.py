"""The generated demo world: big enough, varied, deterministic and consistent."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import asdict
from datetime import date, timedelta
from functools import cache

import pytest
from sqlalchemy import func, select

from conftest import ai_context
from klarsvar.actions.service import ActionService
from klarsvar.core.clock import FixedClock
from klarsvar.core.money import annuity_payment
from klarsvar.storage.database import Database
from klarsvar.storage.tables import (
    AuditRow,
    CardRow,
    CardTransactionRow,
    CustomerRow,
    InstalmentRow,
    MerchantRow,
    OrderRow,
    WorldMetaRow,
)
from klarsvar.world.fixed import FIXED_CARDS, FIXED_CUSTOMERS, FIXED_MERCHANTS, FIXED_ORDERS
from klarsvar.world.generator import SEED, WORLD_TODAY
from klarsvar.world.reset import build_world, reset_world
from klarsvar.world.spec import OrderSpec, World

TODAY = date(2026, 11, 20)


@cache
def world() -> World:
    return build_world()


def test_seed_and_today_are_the_documented_ones() -> None:
    assert SEED == 20261120
    assert WORLD_TODAY == TODAY


def test_world_is_big_enough() -> None:
    w = world()
    assert len(w.customers) >= 200
    assert len(w.merchants) >= 40
    assert len(w.orders) >= 1000
    assert len(w.cards) >= 50
    assert sum(len(c.transactions) for c in w.cards) >= 200


def test_world_is_varied() -> None:
    w = world()
    assert len({c.country for c in w.customers}) >= 10
    assert len({c.language for c in w.customers}) >= 10
    assert {o.product for o in w.orders} == {"pay_in_30", "pay_in_4", "financing"}
    assert {o.status for o in w.orders} >= {"active", "paid"}
    statuses = Counter(i.status for o in w.orders for i in o.instalments)
    assert statuses["paid"] > 0 and statuses["scheduled"] > 0 and statuses["missed"] > 0
    assert {c.status for c in w.cards} == {"active", "frozen"}
    assert len({o.merchant for o in w.orders}) >= 30
    # most generated customers have orders
    with_orders = {o.customer_id for o in w.orders}
    assert len(with_orders) >= 200


def test_the_fixed_entities_are_part_of_the_world() -> None:
    w = world()
    assert w.customers[: len(FIXED_CUSTOMERS)] == FIXED_CUSTOMERS
    assert w.merchants[: len(FIXED_MERCHANTS)] == FIXED_MERCHANTS
    assert w.orders[: len(FIXED_ORDERS)] == FIXED_ORDERS
    assert w.cards[: len(FIXED_CARDS)] == FIXED_CARDS


def test_generated_data_never_touches_the_fixed_customers() -> None:
    fixed_ids = {c.id for c in FIXED_CUSTOMERS}
    fixed_orders = {o.id for o in FIXED_ORDERS}
    fixed_cards = {c.id for c in FIXED_CARDS}
    w = world()
    for o in w.orders:
        if o.customer_id in fixed_ids:
            assert o.id in fixed_orders, o.id
    for c in w.cards:
        if c.customer_id in fixed_ids:
            assert c.id in fixed_cards, c.id
    # XYZ Games Ltd only appears as the fraudulent card purchase
    assert all(o.merchant != "XYZ Games Ltd" for o in w.orders)


def _dump(w: World) -> str:
    return json.dumps(asdict(w), default=str, sort_keys=True)


def test_deterministic() -> None:
    first, second = build_world(), build_world()
    assert first == second
    assert _dump(first) == _dump(second)
    assert _dump(build_world(SEED)) == _dump(first)


def test_a_different_seed_gives_a_different_world() -> None:
    base, other = build_world(), build_world(seed=SEED + 1)
    assert _dump(base) != _dump(other)
    generated = slice(len(FIXED_ORDERS), None)
    assert [o.amount_minor for o in base.orders[generated]] != [o.amount_minor for o in other.orders[generated]]
    assert [c.email for c in base.customers] != [c.email for c in other.customers]
    # the fixed entities stay exactly as specified
    assert other.orders[: len(FIXED_ORDERS)] == FIXED_ORDERS
    assert other.customers[: len(FIXED_CUSTOMERS)] == FIXED_CUSTOMERS


@pytest.mark.parametrize("seed", [SEED, 1, 7])
def test_ids_and_keys_are_unique(seed: int) -> None:
    w = build_world(seed)

    def unique(values: list[str]) -> bool:
        return len(values) == len(set(values))

    assert unique([c.id for c in w.customers])
    assert unique([c.email.lower() for c in w.customers])
    assert unique([m.id for m in w.merchants])
    assert unique([m.name for m in w.merchants])
    assert unique([o.id for o in w.orders])
    assert unique([c.id for c in w.cards])
    assert unique([t[0] for c in w.cards for t in c.transactions])
    assert all(c.id.startswith("C-") for c in w.customers)
    assert all(o.id.startswith("O-") for o in w.orders)
    assert all(c.id.startswith("K-") for c in w.cards)
    customers = {c.id for c in w.customers}
    merchants = {m.name for m in w.merchants}
    assert all(o.customer_id in customers and o.merchant in merchants for o in w.orders)
    assert all(c.customer_id in customers for c in w.cards)
    for o in w.orders:
        assert [i.seq for i in o.instalments] == list(range(1, len(o.instalments) + 1)), o.id


def _check_instalments(o: OrderSpec) -> None:
    insts = o.instalments
    amounts = [i.amount_minor for i in insts]
    assert all(a > 0 for a in amounts), o.id
    if o.product == "pay_in_4":
        assert len(insts) == 4, o.id
        assert sum(amounts) == o.amount_minor, o.id
        assert max(amounts) - min(amounts) < 4, o.id  # equal up to the remainder cents
        assert insts[0].due_on == o.purchased_on, o.id  # the first at purchase
        for a, b in itertools.pairwise(insts):
            assert (b.due_on - a.due_on).days == 14, o.id
    elif o.product == "pay_in_30":
        assert len(insts) == 1, o.id
        assert amounts == [o.amount_minor], o.id
    else:
        assert o.financing_months is not None and 6 <= o.financing_months <= 36, o.id
        assert o.apr_basis_points == 1999, o.id
        assert len(insts) == o.financing_months, o.id
        assert set(amounts) == {annuity_payment(o.amount_minor, 1999, o.financing_months)}, o.id
        assert o.amount_minor < sum(amounts) < o.amount_minor * 1.4, o.id
        dues = [i.due_on for i in insts]
        assert dues == sorted(dues) and len(set(dues)) == len(dues), o.id
    for i in insts:
        if i.status == "paid":
            assert i.paid_on is not None and i.paid_on <= TODAY, (o.id, i.seq)
        else:
            assert i.paid_on is None, (o.id, i.seq)
        if i.status == "missed":
            assert i.due_on < TODAY, (o.id, i.seq)
            assert i.retry_on == i.due_on + timedelta(days=2), (o.id, i.seq)
        if i.late_fee_minor:
            assert i.status == "missed" and i.late_fee_minor == 700, (o.id, i.seq)
    if o.status == "paid":
        assert all(i.status == "paid" for i in insts), o.id
    if o.status == "active":
        assert any(i.status != "paid" for i in insts), o.id


def test_every_order_adds_up() -> None:
    w = world()
    for o in w.orders:
        _check_instalments(o)


def test_generated_orders_are_consistent_with_today() -> None:
    generated = world().orders[len(FIXED_ORDERS) :]
    for o in generated:
        assert o.purchased_on <= TODAY, o.id
        assert o.purchased_on >= TODAY - timedelta(days=200), o.id
        if o.shipped_on:
            assert o.purchased_on <= o.shipped_on <= TODAY, o.id
        if o.delivered_on:
            assert o.shipped_on is not None and o.shipped_on <= o.delivered_on <= TODAY, o.id
        for i in o.instalments:
            if i.due_on >= TODAY and i.due_on != o.purchased_on:
                assert i.status == "scheduled", (o.id, i.seq)
        if o.product == "pay_in_30":
            assert o.instalments[0].due_on == (o.shipped_on or o.purchased_on) + timedelta(days=30), o.id
        assert o.currency == "EUR"
        assert o.payment_method in ("bank_card", "bank_account")


def test_card_transactions_are_in_the_past() -> None:
    for card in world().cards:
        assert len(card.last4) == 4 and card.last4.isdigit()
        for _tx_id, merchant, minor, at, status in card.transactions:
            assert merchant
            assert minor > 0
            assert at.tzinfo is not None
            assert at.date() <= TODAY
            assert status in ("settled", "pending", "disputed")


def test_reset_world_loads_everything(sqlite_db: Database) -> None:
    w = world()
    with sqlite_db.session() as session:
        counts = {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in (CustomerRow, MerchantRow, OrderRow, InstalmentRow, CardRow, CardTransactionRow)
        }
        meta = json.loads(session.get_one(WorldMetaRow, "world").value)
    assert counts == {
        "customers": len(w.customers),
        "merchants": len(w.merchants),
        "orders": len(w.orders),
        "instalments": sum(len(o.instalments) for o in w.orders),
        "cards": len(w.cards),
        "card_transactions": sum(len(c.transactions) for c in w.cards),
    }
    assert meta["today"] == "2026-11-20"
    assert meta["orders"] == len(w.orders)


def test_reset_world_undoes_writes_and_clears_action_records(db: Database) -> None:
    clock = FixedClock()
    with db.session() as session:
        service = ActionService(session)
        assert service.run("freeze_card", {"card_id": "K-2001"}, ai_context("C-1002", clock)).ok
        assert service.run(
            "pay_instalment", {"order_id": "O-1001"}, ai_context("C-1001", clock), idempotency_key="k-1"
        ).ok
    with db.session() as session:
        stats = reset_world(session)
    assert stats.customers == len(world().customers)
    with db.session() as session:
        service = ActionService(session)
        assert session.scalar(select(func.count()).select_from(AuditRow)) == 0
        cards = service.run("list_cards", {}, ai_context("C-1002", clock)).data["cards"]
        assert cards == [{"card_id": "K-2001", "last4": "4417", "status": "active"}]
        nxt = service.run("get_order", {"order_id": "O-1001"}, ai_context("C-1001", clock)).data["next_payment"]
        assert nxt["seq"] == 3
        # the old idempotency key is gone too: the same call runs again
        again = service.run(
            "pay_instalment", {"order_id": "O-1001"}, ai_context("C-1001", clock), idempotency_key="k-1"
        )
        assert again.ok and not again.replayed
