"""All queries on the company's backend tables. Returns domain records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from klarsvar.accounts.models import (
    Card,
    CardTransaction,
    Customer,
    DataRequest,
    Dispute,
    DisputeReason,
    Instalment,
    Merchant,
    Order,
    Product,
    Refund,
    Return,
)
from klarsvar.core.money import Money
from klarsvar.storage.tables import (
    CardRow,
    CardTransactionRow,
    CustomerRow,
    DataRequestRow,
    DisputeRow,
    InstalmentRow,
    MerchantRow,
    OrderRow,
    PaymentMethodChangeRow,
    RefundRow,
    ReturnRow,
)


def _customer(row: CustomerRow) -> Customer:
    return Customer(
        id=row.id,
        email=row.email,
        name=row.name,
        language=row.language,
        country=row.country,
        phone=row.phone,
        address=row.address,
        purchases_paused=row.purchases_paused,
    )


def _merchant(row: MerchantRow) -> Merchant:
    return Merchant(
        id=row.id,
        name=row.name,
        support_email=row.support_email,
        country=row.country,
        return_days=row.return_days,
        return_postage_paid_by=row.return_postage_paid_by,
    )


class AccountsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- customers -------------------------------------------------------------
    def customer(self, customer_id: str) -> Customer | None:
        row = self.session.get(CustomerRow, customer_id)
        return _customer(row) if row else None

    def customer_by_email(self, email: str) -> Customer | None:
        row = self.session.scalars(
            select(CustomerRow).where(func.lower(CustomerRow.email) == email.strip().lower())
        ).first()
        return _customer(row) if row else None

    def email_taken(self, email: str, except_customer: str) -> bool:
        found = self.customer_by_email(email)
        return found is not None and found.id != except_customer

    def update_contact(self, customer_id: str, field: str, value: str) -> None:
        row = self.session.get_one(CustomerRow, customer_id)
        setattr(row, field, value)

    def count_customers(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(CustomerRow)) or 0)

    # --- merchants -------------------------------------------------------------
    def merchants(self) -> list[Merchant]:
        return [_merchant(r) for r in self.session.scalars(select(MerchantRow).order_by(MerchantRow.id))]

    # --- orders ----------------------------------------------------------------
    def order(self, order_id: str) -> Order | None:
        row = self.session.get(OrderRow, order_id.strip().upper())
        return self._order(row) if row else None

    def orders_of(self, customer_id: str) -> list[Order]:
        rows = self.session.scalars(
            select(OrderRow)
            .where(OrderRow.customer_id == customer_id)
            .order_by(OrderRow.purchased_on.desc(), OrderRow.id)
        ).all()
        return [self._order(r) for r in rows]

    def _order(self, row: OrderRow) -> Order:
        merchant = _merchant(self.session.get_one(MerchantRow, row.merchant_id))
        cur = row.currency
        insts = self.session.scalars(
            select(InstalmentRow).where(InstalmentRow.order_id == row.id).order_by(InstalmentRow.seq)
        ).all()
        returns = self.session.scalars(select(ReturnRow).where(ReturnRow.order_id == row.id)).all()
        refunds = self.session.scalars(select(RefundRow).where(RefundRow.order_id == row.id)).all()
        disputes = self.session.scalars(select(DisputeRow).where(DisputeRow.order_id == row.id)).all()
        return Order(
            id=row.id,
            customer_id=row.customer_id,
            merchant=merchant,
            amount=Money(row.amount_minor, cur),
            product=Product(row.product),
            payment_method=row.payment_method,
            purchased_on=row.purchased_on,
            shipped_on=row.shipped_on,
            delivered_on=row.delivered_on,
            status=row.status,
            due_date_extended=row.due_date_extended,
            payments_paused_until=row.payments_paused_until,
            financing_months=row.financing_months,
            apr_basis_points=row.apr_basis_points,
            carrier_note=row.carrier_note,
            instalments=tuple(
                Instalment(
                    seq=i.seq,
                    amount=Money(i.amount_minor, cur),
                    due_on=i.due_on,
                    status=i.status,
                    paid_on=i.paid_on,
                    late_fee=Money(i.late_fee_minor, cur) if i.late_fee_minor else None,
                    retry_on=i.retry_on,
                )
                for i in insts
            ),
            returns=tuple(
                Return(r.id, r.reported_on, r.payments_paused_until, r.status) for r in returns
            ),
            refunds=tuple(
                Refund(r.id, Money(r.amount_minor, r.currency), r.registered_on, r.destination, r.status)
                for r in refunds
            ),
            disputes=tuple(
                Dispute(d.id, DisputeReason(d.reason), d.opened_on, d.merchant_response_due, d.status)
                for d in disputes
            ),
        )

    def extend_due_date(self, order_id: str, new_due: date) -> None:
        order = self.session.get_one(OrderRow, order_id)
        inst = self.session.scalars(
            select(InstalmentRow).where(InstalmentRow.order_id == order_id, InstalmentRow.seq == 1)
        ).one()
        inst.due_on = new_due
        order.due_date_extended = True

    def pay_instalment(self, order_id: str, seq: int, on: date) -> None:
        inst = self.session.scalars(
            select(InstalmentRow).where(InstalmentRow.order_id == order_id, InstalmentRow.seq == seq)
        ).one()
        inst.status = "paid"
        inst.paid_on = on
        inst.retry_on = None
        remaining = self.session.scalar(
            select(func.count())
            .select_from(InstalmentRow)
            .where(InstalmentRow.order_id == order_id, InstalmentRow.status != "paid")
        )
        if not remaining:
            self.session.get_one(OrderRow, order_id).status = "paid"

    def waive_late_fees(self, order_id: str) -> int:
        total = 0
        for row in self.session.scalars(select(InstalmentRow).where(InstalmentRow.order_id == order_id)):
            total += row.late_fee_minor
            row.late_fee_minor = 0
        return total

    def pause_payments(self, order_id: str, until: date) -> None:
        order = self.session.get_one(OrderRow, order_id)
        if order.payments_paused_until is None or order.payments_paused_until < until:
            order.payments_paused_until = until

    def add_return(self, return_id: str, order_id: str, on: date, paused_until: date) -> None:
        self.session.add(
            ReturnRow(
                id=return_id,
                order_id=order_id,
                reported_on=on,
                payments_paused_until=paused_until,
                status="reported",
            )
        )

    def add_dispute(
        self, dispute_id: str, order_id: str, reason: str, on: date, merchant_due: date, details: str | None
    ) -> None:
        self.session.add(
            DisputeRow(
                id=dispute_id,
                order_id=order_id,
                reason=reason,
                opened_on=on,
                merchant_response_due=merchant_due,
                status="open",
                details=details,
            )
        )

    def change_payment_method(self, order_id: str, new_method: str, at: datetime) -> str:
        order = self.session.get_one(OrderRow, order_id)
        old = order.payment_method
        order.payment_method = new_method
        self.session.add(
            PaymentMethodChangeRow(order_id=order_id, old_method=old, new_method=new_method, changed_at=at)
        )
        return old

    def next_id(self, prefix: str, table: type[ReturnRow] | type[DisputeRow] | type[DataRequestRow]) -> str:
        # On PostgreSQL two turns run side by side: both would count the same rows and take the same
        # id (a duplicate key, found by bench/load). The table's id lock, held until commit, makes the
        # second one count after the first has committed. (SQLite has one writer at a time.)
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"klarsvar.next_id.{table.__tablename__}"}
            )
        count = int(self.session.scalar(select(func.count()).select_from(table)) or 0)
        return f"{prefix}-{count + 1:05d}"

    # --- cards -----------------------------------------------------------------
    def card(self, card_id: str) -> Card | None:
        row = self.session.get(CardRow, card_id.strip().upper())
        return self._card(row) if row else None

    def cards_of(self, customer_id: str) -> list[Card]:
        rows = self.session.scalars(
            select(CardRow).where(CardRow.customer_id == customer_id).order_by(CardRow.id)
        ).all()
        return [self._card(r) for r in rows]

    def _card(self, row: CardRow) -> Card:
        txs = self.session.scalars(
            select(CardTransactionRow)
            .where(CardTransactionRow.card_id == row.id)
            .order_by(CardTransactionRow.occurred_at.desc())
        ).all()
        return Card(
            id=row.id,
            customer_id=row.customer_id,
            last4=row.last4,
            status=row.status,
            transactions=tuple(
                CardTransaction(t.id, t.merchant_name, Money(t.amount_minor, t.currency), t.occurred_at, t.status)
                for t in txs
            ),
        )

    def set_card_status(self, card_id: str, status: str, at: datetime | None) -> None:
        row = self.session.get_one(CardRow, card_id)
        row.status = status
        row.frozen_at = at if status == "frozen" else None

    # --- data requests -----------------------------------------------------------
    def add_data_request(self, request_id: str, customer_id: str, kind: str, on: date, due: date) -> None:
        self.session.add(
            DataRequestRow(
                id=request_id, customer_id=customer_id, kind=kind, requested_on=on, due_by=due, status="received"
            )
        )

    def open_data_request(self, customer_id: str, kind: str) -> DataRequest | None:
        row = self.session.scalars(
            select(DataRequestRow).where(
                DataRequestRow.customer_id == customer_id,
                DataRequestRow.kind == kind,
                DataRequestRow.status == "received",
            )
        ).first()
        return DataRequest(row.id, row.kind, row.requested_on, row.due_by, row.status) if row else None
