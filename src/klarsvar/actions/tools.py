"""The backend tools: reads and writes, each a typed handler over the repository.

Handlers receive validated arguments and an ActionContext; authorization
(the acting customer owns the object) is checked here, policy in `policy.py`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Literal

import phonenumbers
from pydantic import BaseModel, Field, field_validator

from klarsvar.accounts.models import Card, Order
from klarsvar.accounts.repository import AccountsRepository
from klarsvar.actions import policy
from klarsvar.actions.base import (
    ActionContext,
    ActionResult,
    NoArgs,
    RefusalCode,
    Tool,
    done,
    refused,
)
from klarsvar.core.clock import add_business_days, today
from klarsvar.core.pan import mask_pans
from klarsvar.storage.tables import DataRequestRow, DisputeRow, ReturnRow

ORDER_ID = r"^[Oo]-[0-9A-Za-z]{1,12}$"
CARD_ID = r"^[Kk]-[0-9A-Za-z]{1,12}$"


class OrderArgs(BaseModel):
    model_config = {"extra": "forbid"}
    order_id: str = Field(pattern=ORDER_ID, description="The order id, like O-1001.")


class CardArgs(BaseModel):
    model_config = {"extra": "forbid"}
    card_id: str = Field(pattern=CARD_ID, description="The card id, like K-2001.")


class DisputeArgs(OrderArgs):
    reason: Literal["not_received", "faulty", "wrong_item", "cancelled_but_charged"]
    details: str | None = Field(default=None, max_length=2000)


class ContactArgs(BaseModel):
    model_config = {"extra": "forbid"}
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=400)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", v.strip()):
            raise ValueError("not a valid email address")
        return v.strip().lower() if v else v


class PaymentMethodArgs(OrderArgs):
    method: Literal["bank_card", "bank_account"]


class RefundArgs(OrderArgs):
    amount_minor: int = Field(gt=0)


# --- helpers -------------------------------------------------------------------------


def _own_order(repo: AccountsRepository, ctx: ActionContext, action: str, order_id: str) -> Order | ActionResult:
    order = repo.order(order_id)
    if order is None or order.customer_id != ctx.customer_id:
        # Another customer's order looks exactly like one that does not exist.
        return refused(action, RefusalCode.NOT_FOUND, "No such order on this account.", order_id=order_id.upper())
    return order


def _own_card(repo: AccountsRepository, ctx: ActionContext, action: str, card_id: str) -> Card | ActionResult:
    card = repo.card(card_id)
    if card is None or card.customer_id != ctx.customer_id:
        return refused(action, RefusalCode.NOT_FOUND, "No such card on this account.", card_id=card_id.upper())
    return card


def order_summary(order: Order) -> dict[str, Any]:
    nxt = order.next_open_instalment()
    return {
        "order_id": order.id,
        "merchant": order.merchant.name,
        "amount": order.amount.to_json(),
        "product": order.product.value,
        "status": order.status,
        "purchased_on": order.purchased_on.isoformat(),
        "next_payment": (
            {"seq": nxt.seq, "amount": nxt.amount.to_json(), "due_on": nxt.due_on.isoformat(), "status": nxt.status}
            if nxt
            else None
        ),
    }


def order_detail(order: Order) -> dict[str, Any]:
    out = order_summary(order)
    out.update(
        {
            "payment_method": order.payment_method,
            "shipped_on": order.shipped_on.isoformat() if order.shipped_on else None,
            "delivered_on": order.delivered_on.isoformat() if order.delivered_on else None,
            "carrier_note": order.carrier_note,
            "due_date_extended": order.due_date_extended,
            "payments_paused_until": order.payments_paused_until.isoformat() if order.payments_paused_until else None,
            "financing_months": order.financing_months,
            "apr_percent": order.apr_basis_points / 100 if order.apr_basis_points else None,
            "instalments": [
                {
                    "seq": i.seq,
                    "amount": i.amount.to_json(),
                    "due_on": i.due_on.isoformat(),
                    "status": i.status,
                    "paid_on": i.paid_on.isoformat() if i.paid_on else None,
                    "late_fee": i.late_fee.to_json() if i.late_fee else None,
                }
                for i in order.instalments
            ],
            "outstanding": order.outstanding().to_json(),
            "returns": [
                {"id": r.id, "reported_on": r.reported_on.isoformat(), "paused_until": r.payments_paused_until.isoformat(), "status": r.status}
                for r in order.returns
            ],
            "refunds": [refund_view(order, r.id) for r in order.refunds],
            "disputes": [
                {"id": d.id, "reason": d.reason.value, "opened_on": d.opened_on.isoformat(),
                 "merchant_response_due": d.merchant_response_due.isoformat(), "status": d.status}
                for d in order.disputes
            ],
            "merchant_return_days": order.merchant.return_days,
            "merchant_return_postage_paid_by": order.merchant.return_postage_paid_by,
        }
    )
    return out


def refund_view(order: Order, refund_id: str) -> dict[str, Any]:
    refund = next(r for r in order.refunds if r.id == refund_id)
    processed_by = add_business_days(refund.registered_on, policy.REFUND_PROCESSING_BUSINESS_DAYS)
    view: dict[str, Any] = {
        "id": refund.id,
        "amount": refund.amount.to_json(),
        "registered_on": refund.registered_on.isoformat(),
        "destination": refund.destination,
        "status": refund.status,
        "processed_by": processed_by.isoformat(),
    }
    if refund.destination == "bank_card":
        view["on_card_by"] = add_business_days(refund.registered_on, policy.REFUND_TO_CARD_BUSINESS_DAYS).isoformat()
    return view


def card_view(card: Card, transactions: int = 0) -> dict[str, Any]:
    view: dict[str, Any] = {"card_id": card.id, "last4": card.last4, "status": card.status}
    if transactions:
        view["transactions"] = [
            {"id": t.id, "merchant": t.merchant_name, "amount": t.amount.to_json(),
             "occurred_at": t.occurred_at.isoformat(), "status": t.status}
            for t in card.transactions[:transactions]
        ]
    return view


# --- reads -----------------------------------------------------------------------------


def get_customer_profile(repo: AccountsRepository, ctx: ActionContext, _: NoArgs) -> ActionResult:
    c = repo.customer(ctx.customer_id or "")
    if c is None:
        return refused("get_customer_profile", RefusalCode.NOT_FOUND, "No such customer.")
    return done("get_customer_profile", customer_id=c.id, name=c.name, email=c.email, language=c.language,
                country=c.country, phone=c.phone, address=c.address, purchases_paused=c.purchases_paused)


def list_orders(repo: AccountsRepository, ctx: ActionContext, _: NoArgs) -> ActionResult:
    return done("list_orders", orders=[order_summary(o) for o in repo.orders_of(ctx.customer_id or "")])


def get_order(repo: AccountsRepository, ctx: ActionContext, args: OrderArgs) -> ActionResult:
    order = _own_order(repo, ctx, "get_order", args.order_id)
    if isinstance(order, ActionResult):
        return order
    return done("get_order", **order_detail(order))


def get_payment_schedule(repo: AccountsRepository, ctx: ActionContext, args: OrderArgs) -> ActionResult:
    order = _own_order(repo, ctx, "get_payment_schedule", args.order_id)
    if isinstance(order, ActionResult):
        return order
    detail = order_detail(order)
    return done("get_payment_schedule", order_id=order.id, merchant=order.merchant.name,
                product=order.product.value, instalments=detail["instalments"],
                next_payment=detail["next_payment"], outstanding=detail["outstanding"],
                payments_paused_until=detail["payments_paused_until"])


def get_refund_status(repo: AccountsRepository, ctx: ActionContext, args: OrderArgs) -> ActionResult:
    order = _own_order(repo, ctx, "get_refund_status", args.order_id)
    if isinstance(order, ActionResult):
        return order
    return done("get_refund_status", order_id=order.id, merchant=order.merchant.name,
                refunds=[refund_view(order, r.id) for r in order.refunds],
                returns=order_detail(order)["returns"])


def list_cards(repo: AccountsRepository, ctx: ActionContext, _: NoArgs) -> ActionResult:
    return done("list_cards", cards=[card_view(c) for c in repo.cards_of(ctx.customer_id or "")])


def get_card_transactions(repo: AccountsRepository, ctx: ActionContext, args: CardArgs) -> ActionResult:
    card = _own_card(repo, ctx, "get_card_transactions", args.card_id)
    if isinstance(card, ActionResult):
        return card
    return done("get_card_transactions", **card_view(card, transactions=20))


# --- writes ----------------------------------------------------------------------------


def report_return(repo: AccountsRepository, ctx: ActionContext, args: OrderArgs) -> ActionResult:
    order = _own_order(repo, ctx, "report_return", args.order_id)
    if isinstance(order, ActionResult):
        return order
    if refusal := policy.check_return(order):
        return refused("report_return", refusal.code, refusal.message, **refusal.details)
    day = today(ctx.clock)
    until = day + timedelta(days=policy.RETURN_PAUSE_DAYS)
    rid = repo.next_id("R", ReturnRow)
    repo.add_return(rid, order.id, day, until)
    repo.pause_payments(order.id, until)
    return done("report_return", order_id=order.id, merchant=order.merchant.name, return_id=rid,
                payments_paused_until=until.isoformat(), pause_days=policy.RETURN_PAUSE_DAYS)


def extend_due_date(repo: AccountsRepository, ctx: ActionContext, args: OrderArgs) -> ActionResult:
    order = _own_order(repo, ctx, "extend_due_date", args.order_id)
    if isinstance(order, ActionResult):
        return order
    if refusal := policy.check_extension(order, today(ctx.clock)):
        return refused("extend_due_date", refusal.code, refusal.message, **refusal.details)
    new_due = policy.extended_due_date(order)
    old_due = order.due_on
    repo.extend_due_date(order.id, new_due)
    return done("extend_due_date", order_id=order.id, merchant=order.merchant.name,
                old_due_on=old_due.isoformat() if old_due else None, new_due_on=new_due.isoformat(),
                extension_days=policy.EXTENSION_DAYS)


def pay_instalment(repo: AccountsRepository, ctx: ActionContext, args: OrderArgs) -> ActionResult:
    order = _own_order(repo, ctx, "pay_instalment", args.order_id)
    if isinstance(order, ActionResult):
        return order
    if refusal := policy.check_pay_instalment(order):
        return refused("pay_instalment", refusal.code, refusal.message, **refusal.details)
    inst = order.next_open_instalment()
    assert inst is not None
    repo.pay_instalment(order.id, inst.seq, today(ctx.clock))
    # A missed instalment is paid together with its late fee (policy 4): say so, never drop it silently.
    fee = inst.late_fee
    total = inst.amount + fee if fee else inst.amount
    return done("pay_instalment", order_id=order.id, merchant=order.merchant.name, seq=inst.seq,
                amount=inst.amount.to_json(), late_fee=fee.to_json() if fee else None, total=total.to_json(),
                due_on=inst.due_on.isoformat(), payment_method=order.payment_method)


def open_dispute(repo: AccountsRepository, ctx: ActionContext, args: DisputeArgs) -> ActionResult:
    order = _own_order(repo, ctx, "open_dispute", args.order_id)
    if isinstance(order, ActionResult):
        return order
    day = today(ctx.clock)
    if refusal := policy.check_dispute(order, day):
        return refused("open_dispute", refusal.code, refusal.message, **refusal.details)
    did = repo.next_id("D", DisputeRow)
    merchant_due = day + timedelta(days=policy.MERCHANT_RESPONSE_DAYS)
    details = mask_pans(args.details) if args.details else None  # free text: never store a card number
    repo.add_dispute(did, order.id, args.reason, day, merchant_due, details)
    repo.pause_payments(order.id, merchant_due)
    return done("open_dispute", order_id=order.id, merchant=order.merchant.name, dispute_id=did,
                reason=args.reason, merchant_response_due=merchant_due.isoformat())


def freeze_card(repo: AccountsRepository, ctx: ActionContext, args: CardArgs) -> ActionResult:
    card = _own_card(repo, ctx, "freeze_card", args.card_id)
    if isinstance(card, ActionResult):
        return card
    if refusal := policy.check_freeze(card):
        return refused("freeze_card", refusal.code, refusal.message, card_id=card.id, last4=card.last4)
    repo.set_card_status(card.id, "frozen", ctx.clock.now())
    return done("freeze_card", card_id=card.id, last4=card.last4, status="frozen")


def unfreeze_card(repo: AccountsRepository, ctx: ActionContext, args: CardArgs) -> ActionResult:
    card = _own_card(repo, ctx, "unfreeze_card", args.card_id)
    if isinstance(card, ActionResult):
        return card
    if refusal := policy.check_unfreeze(card):
        return refused("unfreeze_card", refusal.code, refusal.message, card_id=card.id, last4=card.last4)
    repo.set_card_status(card.id, "active", None)
    return done("unfreeze_card", card_id=card.id, last4=card.last4, status="active")


def update_contact_details(repo: AccountsRepository, ctx: ActionContext, args: ContactArgs) -> ActionResult:
    given = {k: v for k, v in args.model_dump().items() if v is not None}
    if len(given) != 1:
        return refused("update_contact_details", RefusalCode.INVALID_ARGUMENT,
                       "Give exactly one of email, phone or address.")
    field, value = next(iter(given.items()))
    customer = repo.customer(ctx.customer_id or "")
    if customer is None:
        return refused("update_contact_details", RefusalCode.NOT_FOUND, "No such customer.")
    if field == "email" and repo.email_taken(value, customer.id):
        return refused("update_contact_details", RefusalCode.EMAIL_TAKEN, "That email belongs to another account.")
    if field == "phone":
        try:
            parsed = phonenumbers.parse(value, customer.country)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            return refused("update_contact_details", RefusalCode.INVALID_ARGUMENT, "That is not a valid phone number.")
        value = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if field == "address" and len(value.strip()) < 5:
        return refused("update_contact_details", RefusalCode.INVALID_ARGUMENT, "That address is too short.")
    repo.update_contact(customer.id, field, value.strip())
    return done("update_contact_details", field=field, value=value.strip())


def request_data_export(repo: AccountsRepository, ctx: ActionContext, _: NoArgs) -> ActionResult:
    cid = ctx.customer_id or ""
    if existing := repo.open_data_request(cid, "export"):
        return refused("request_data_export", RefusalCode.REQUEST_ALREADY_OPEN,
                       "A data export is already on its way.", due_by=existing.due_by.isoformat())
    day = today(ctx.clock)
    due = day + timedelta(days=policy.DATA_EXPORT_DAYS)
    rid = repo.next_id("DR", DataRequestRow)
    repo.add_data_request(rid, cid, "export", day, due)
    return done("request_data_export", request_id=rid, due_by=due.isoformat(), days=policy.DATA_EXPORT_DAYS)


def request_account_deletion(repo: AccountsRepository, ctx: ActionContext, _: NoArgs) -> ActionResult:
    cid = ctx.customer_id or ""
    if refusal := policy.check_deletion(repo.orders_of(cid)):
        return refused("request_account_deletion", refusal.code, refusal.message, **refusal.details)
    if repo.open_data_request(cid, "deletion"):
        return refused("request_account_deletion", RefusalCode.REQUEST_ALREADY_OPEN, "Deletion is already requested.")
    day = today(ctx.clock)
    rid = repo.next_id("DR", DataRequestRow)
    repo.add_data_request(rid, cid, "deletion", day, day + timedelta(days=policy.DATA_EXPORT_DAYS))
    return done("request_account_deletion", request_id=rid, records_kept_years=policy.RECORDS_KEPT_YEARS)


def change_payment_method(repo: AccountsRepository, ctx: ActionContext, args: PaymentMethodArgs) -> ActionResult:
    order = _own_order(repo, ctx, "change_payment_method", args.order_id)
    if isinstance(order, ActionResult):
        return order
    if refusal := policy.check_step_up(ctx.step_up_verified):
        return refused("change_payment_method", refusal.code, refusal.message)
    old = repo.change_payment_method(order.id, args.method, ctx.clock.now())
    return done("change_payment_method", order_id=order.id, old_method=old, new_method=args.method)


def waive_late_fee(repo: AccountsRepository, ctx: ActionContext, args: OrderArgs) -> ActionResult:
    """People only (supervisor goodwill); the assistant can never call it."""
    order = _own_order(repo, ctx, "waive_late_fee", args.order_id)
    if isinstance(order, ActionResult):
        return order
    fees = [i for i in order.instalments if i.late_fee]
    if not fees:
        return refused("waive_late_fee", RefusalCode.NOTHING_DUE, "There is no late fee on this order.")
    waived = repo.waive_late_fees(order.id)
    return done("waive_late_fee", order_id=order.id, waived=waived)


BACKEND_TOOLS: list[Tool] = [
    Tool("get_customer_profile", "The signed-in customer's profile and contact details.", NoArgs, False, get_customer_profile),
    Tool("list_orders", "The customer's orders with their next payment.", NoArgs, False, list_orders),
    Tool("get_order", "One order of the customer in full.", OrderArgs, False, get_order),
    Tool("get_payment_schedule", "The instalments of one order and the next payment.", OrderArgs, False, get_payment_schedule),
    Tool("get_refund_status", "Refunds and returns of one order, with expected dates.", OrderArgs, False, get_refund_status),
    Tool("list_cards", "The customer's Lumo Cards and their status.", NoArgs, False, list_cards),
    Tool("get_card_transactions", "Recent transactions of one card.", CardArgs, False, get_card_transactions),
    Tool("report_return", "Report a return: pauses the order's payments for 21 days.", OrderArgs, True, report_return),
    Tool("extend_due_date", "Extend a Pay in 30 days due date by 10 days (once per order, before it passes).", OrderArgs, True, extend_due_date),
    Tool("pay_instalment", "Pay the next unpaid instalment now with the payment method on file.", OrderArgs, True, pay_instalment),
    Tool("open_dispute", "Open a dispute (14–180 days after purchase); people decide it.", DisputeArgs, True, open_dispute),
    Tool("freeze_card", "Freeze a Lumo Card at once.", CardArgs, True, freeze_card),
    Tool("unfreeze_card", "Unfreeze a frozen Lumo Card.", CardArgs, True, unfreeze_card),
    Tool("update_contact_details", "Change exactly one of email, phone or address.", ContactArgs, True, update_contact_details),
    Tool("request_data_export", "Request a copy of the customer's data (within 30 days).", NoArgs, True, request_data_export),
    Tool("request_account_deletion", "Request account deletion (only with no outstanding balance).", NoArgs, True, request_account_deletion),
    Tool("change_payment_method", "Change an order's payment method (needs step-up verification).", PaymentMethodArgs, True, change_payment_method),
    Tool("waive_late_fee", "Waive the late fees of an order (people only).", OrderArgs, True, waive_late_fee, people_only=True),
]

