"""Build the demo world into a database: `klarsvar world reset`."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from klarsvar.storage import tables as backend_tables
from klarsvar.storage.tables import (
    Base,
    CardRow,
    CardTransactionRow,
    CustomerRow,
    InstalmentRow,
    MerchantRow,
    OrderRow,
    RefundRow,
    ReturnRow,
    WorldMetaRow,
)
from klarsvar.world.fixed import fixed_world
from klarsvar.world.generator import SEED, WORLD_TODAY, generate
from klarsvar.world.spec import World

CREATED_AT = "2026-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class WorldStats:
    customers: int
    merchants: int
    orders: int
    instalments: int
    cards: int
    card_transactions: int

    def to_json(self) -> dict[str, int]:
        return dict(vars(self))


def build_world(seed: int = SEED) -> World:
    return generate(fixed_world(), seed=seed)


def _world_tables() -> set[str]:
    """The backend tables and the action records (`klarsvar.storage.tables`).

    Other modules register their tables (conversations, the knowledge base) on the
    same metadata; a world reset leaves those alone.
    """
    return {str(m.class_.__tablename__) for m in Base.registry.mappers if m.class_.__module__ == backend_tables.__name__}


def clear(session: Session) -> None:
    """Delete every row of the world's tables (children first), keeping the schema."""
    names = _world_tables()
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in names:
            session.execute(delete(table))


def load(session: Session, world: World) -> WorldStats:
    from datetime import datetime

    created = datetime.fromisoformat(CREATED_AT)
    merchant_ids = {m.name: m.id for m in world.merchants}
    session.add_all(
        MerchantRow(id=m.id, name=m.name, support_email=m.support_email, country=m.country,
                    return_days=m.return_days, return_postage_paid_by=m.return_postage_paid_by)
        for m in world.merchants
    )
    session.add_all(
        CustomerRow(id=c.id, email=c.email, name=c.name, language=c.language, country=c.country, phone=c.phone,
                    address=c.address, purchases_paused=c.purchases_paused, created_at=created)
        for c in world.customers
    )
    session.flush()
    session.add_all(
        OrderRow(id=o.id, customer_id=o.customer_id, merchant_id=merchant_ids[o.merchant],
                 amount_minor=o.amount_minor, currency=o.currency, product=o.product,
                 financing_months=o.financing_months, apr_basis_points=o.apr_basis_points,
                 payment_method=o.payment_method, purchased_on=o.purchased_on, shipped_on=o.shipped_on,
                 delivered_on=o.delivered_on, status=o.status, due_date_extended=o.due_date_extended,
                 payments_paused_until=o.payments_paused_until, carrier_note=o.carrier_note)
        for o in world.orders
    )
    session.flush()
    instalments = 0
    for o in world.orders:
        for i in o.instalments:
            instalments += 1
            session.add(InstalmentRow(order_id=o.id, seq=i.seq, amount_minor=i.amount_minor, due_on=i.due_on,
                                      status=i.status, paid_on=i.paid_on, late_fee_minor=i.late_fee_minor,
                                      retry_on=i.retry_on))
    txs = 0
    for card in world.cards:
        session.add(CardRow(id=card.id, customer_id=card.customer_id, last4=card.last4, status=card.status,
                            frozen_at=None))
    session.flush()
    for card in world.cards:
        for tx_id, merchant, minor, at, status in card.transactions:
            txs += 1
            session.add(CardTransactionRow(id=tx_id, card_id=card.id, merchant_name=merchant, amount_minor=minor,
                                           currency="EUR", occurred_at=at, status=status))
    for r in world.returns:
        session.add(ReturnRow(id=r.id, order_id=r.order_id, reported_on=r.reported_on,
                              payments_paused_until=r.paused_until, status=r.status))
    for rf in world.refunds:
        session.add(RefundRow(id=rf.id, order_id=rf.order_id, amount_minor=rf.amount_minor, currency="EUR",
                              registered_on=rf.registered_on, destination=rf.destination, status=rf.status))
    stats = WorldStats(
        customers=len(world.customers), merchants=len(world.merchants), orders=len(world.orders),
        instalments=instalments, cards=len(world.cards), card_transactions=txs,
    )
    session.add(WorldMetaRow(key="world", value=json.dumps({"today": WORLD_TODAY.isoformat(), **stats.to_json()})))
    session.flush()
    return stats


def reset_world(session: Session, seed: int = SEED) -> WorldStats:
    """Wipe the backend tables and the action records, then load the demo world."""
    clear(session)
    session.flush()
    return load(session, build_world(seed))

