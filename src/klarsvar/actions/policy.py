"""Lumo's policy facts as pure functions: each returns a refusal or None.

These run in code on every call; nothing a customer or a model says can skip them.
The numbers are the demo world's policy facts (see docs/demo-world-extras.md).
"""

from __future__ import annotations

from datetime import date, timedelta

from klarsvar.accounts.models import Card, Order, Product
from klarsvar.actions.base import Refusal, RefusalCode

RETURN_PAUSE_DAYS = 21  # policy 1
REFUND_PROCESSING_BUSINESS_DAYS = 5  # policy 2
REFUND_TO_CARD_BUSINESS_DAYS = 10  # policy 2
EXTENSION_DAYS = 10  # policy 3
RETRY_AFTER_DAYS = 2  # policy 4
LATE_FEE_MINOR = 700  # policy 4
MISSED_PAYMENTS_BEFORE_PAUSE = 2  # policy 4
DISPUTE_OPENS_AFTER_DAYS = 14  # policy 5
DISPUTE_WINDOW_DAYS = 180  # policy 5
MERCHANT_RESPONSE_DAYS = 14  # policy 5
REPLACEMENT_CARD_BUSINESS_DAYS = (5, 7)  # policy 7
DATA_EXPORT_DAYS = 30  # policy 9
RECORDS_KEPT_YEARS = 7  # policy 9


def check_extension(order: Order, today: date) -> Refusal | None:
    """Policy 3: Pay in 30 days, once per order, by 10 days, before the due date has passed."""
    if order.product is not Product.PAY_IN_30:
        return Refusal(
            RefusalCode.NOT_PAY_IN_30,
            "Only Pay in 30 days due dates can be extended.",
            {"product": order.product.value},
        )
    due = order.due_on
    if order.status != "active" or due is None or order.next_open_instalment() is None:
        return Refusal(RefusalCode.ORDER_CLOSED, "This order has nothing left to pay.")
    if order.due_date_extended:
        return Refusal(
            RefusalCode.ALREADY_EXTENDED,
            "The due date of this order has already been extended once.",
            {"due_on": due.isoformat()},
        )
    if today > due:
        return Refusal(
            RefusalCode.DUE_DATE_PASSED,
            "The due date has already passed, so it can no longer be extended.",
            {"due_on": due.isoformat()},
        )
    return None


def extended_due_date(order: Order) -> date:
    assert order.due_on is not None
    return order.due_on + timedelta(days=EXTENSION_DAYS)


def check_return(order: Order) -> Refusal | None:
    """Policy 1: a return can be reported once for a shipped, not yet closed order."""
    existing = order.open_return()
    if existing is not None:
        return Refusal(
            RefusalCode.RETURN_ALREADY_REPORTED,
            "A return is already reported for this order.",
            {"paused_until": existing.payments_paused_until.isoformat()},
        )
    if order.status in ("returned", "refunded", "cancelled"):
        return Refusal(RefusalCode.ORDER_CLOSED, "This order is already closed.", {"status": order.status})
    return None


def check_pay_instalment(order: Order) -> Refusal | None:
    """Policy 6: the assistant may pay the next instalment early with the method on file."""
    if order.next_open_instalment() is None:
        return Refusal(RefusalCode.NOTHING_DUE, "Nothing is left to pay on this order.")
    return None


def check_dispute(order: Order, today: date) -> Refusal | None:
    """Policy 5: from 14 days after the purchase and within 180 days; one open dispute."""
    if order.open_dispute() is not None:
        return Refusal(RefusalCode.DISPUTE_ALREADY_OPEN, "A dispute is already open for this order.")
    age = (today - order.purchased_on).days
    if age < DISPUTE_OPENS_AFTER_DAYS:
        opens_on = order.purchased_on + timedelta(days=DISPUTE_OPENS_AFTER_DAYS)
        return Refusal(
            RefusalCode.DISPUTE_TOO_EARLY,
            "A dispute can be opened from 14 days after the purchase.",
            {"opens_on": opens_on.isoformat(), "purchased_on": order.purchased_on.isoformat()},
        )
    if age > DISPUTE_WINDOW_DAYS:
        return Refusal(
            RefusalCode.DISPUTE_TOO_LATE,
            "A dispute can only be opened within 180 days of the purchase.",
            {"purchased_on": order.purchased_on.isoformat()},
        )
    return None


def check_freeze(card: Card) -> Refusal | None:
    if card.status == "frozen":
        return Refusal(RefusalCode.CARD_ALREADY_FROZEN, "The card is already frozen.")
    return None


def check_unfreeze(card: Card) -> Refusal | None:
    if card.status != "frozen":
        return Refusal(RefusalCode.CARD_NOT_FROZEN, "The card is not frozen.")
    return None


def check_deletion(orders: list[Order]) -> Refusal | None:
    """Policy 9: deletion only with no outstanding balance."""
    outstanding = sum(o.outstanding().minor for o in orders if o.status == "active")
    if outstanding > 0:
        currency = orders[0].amount.currency if orders else "EUR"
        return Refusal(
            RefusalCode.OUTSTANDING_BALANCE,
            "The account can only be deleted when nothing is outstanding.",
            {"outstanding": {"minor": outstanding, "currency": currency}},
        )
    return None


def check_step_up(step_up_verified: bool) -> Refusal | None:
    """Policy 6: payment-method changes need step-up verification."""
    if not step_up_verified:
        return Refusal(
            RefusalCode.STEP_UP_REQUIRED,
            "Changing a payment method needs step-up verification with a one-time code.",
        )
    return None
