"""Money: integer minor units with a currency; never floats."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from klarsvar.core.money import Money, annuity_payment, split_evenly


def test_default_currency_is_euro_and_minor_units_are_integers() -> None:
    m = Money(12000)
    assert m.currency == "EUR"
    assert m.minor == 12000
    assert isinstance(m.minor, int)


def test_addition_and_subtraction_keep_currency() -> None:
    assert Money(3000) + Money(3000) == Money(6000)
    assert Money(12000) - Money(3000) == Money(9000, "EUR")
    assert Money(100, "SEK") + Money(1, "SEK") == Money(101, "SEK")


@pytest.mark.parametrize("op", ["add", "sub"])
def test_mixing_currencies_is_an_error(op: str) -> None:
    eur, sek = Money(100, "EUR"), Money(100, "SEK")
    with pytest.raises(ValueError, match="currency mismatch"):
        _ = eur + sek if op == "add" else eur - sek


def test_money_is_immutable() -> None:
    m = Money(700)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.minor = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("minor", "decimal", "plain"),
    [
        (5750, Decimal("57.50"), "57.50 EUR"),
        (8327, Decimal("83.27"), "83.27 EUR"),
        (49900, Decimal("499.00"), "499.00 EUR"),
        (5, Decimal("0.05"), "0.05 EUR"),
        (0, Decimal("0.00"), "0.00 EUR"),
        (-700, Decimal("-7.00"), "-7.00 EUR"),
    ],
)
def test_decimal_and_plain_text_are_exact(minor: int, decimal: Decimal, plain: str) -> None:
    m = Money(minor)
    assert m.decimal == decimal
    assert isinstance(m.decimal, Decimal)
    assert m.plain() == plain


def test_to_json_carries_minor_units_currency_and_text() -> None:
    assert Money(4590).to_json() == {"minor": 4590, "currency": "EUR", "text": "45.90"}
    assert Money(1850, "SEK").to_json() == {"minor": 1850, "currency": "SEK", "text": "18.50"}


@pytest.mark.parametrize(
    ("total", "parts", "expected"),
    [
        (12000, 4, [3000, 3000, 3000, 3000]),
        (15000, 4, [3750, 3750, 3750, 3750]),
        (23000, 4, [5750, 5750, 5750, 5750]),
        (24900, 4, [6225, 6225, 6225, 6225]),
        (10099, 4, [2524, 2524, 2524, 2527]),
        (100, 3, [33, 33, 34]),
        (7, 1, [7]),
    ],
)
def test_split_evenly_adds_up_with_remainder_on_last(total: int, parts: int, expected: list[int]) -> None:
    amounts = split_evenly(total, parts)
    assert amounts == expected
    assert sum(amounts) == total


@pytest.mark.parametrize("total", range(1000, 1400, 7))
def test_split_evenly_always_sums_exactly(total: int) -> None:
    amounts = split_evenly(total, 4)
    assert len(amounts) == 4
    assert sum(amounts) == total
    assert max(amounts) - min(amounts) < 4


def test_annuity_of_the_fixed_financing_order() -> None:
    # O-2001: €899.00 over 12 months at 19.99 % APR is €83.27 a month.
    assert annuity_payment(89900, 1999, 12) == 8327


@pytest.mark.parametrize("months", [6, 12, 24, 36])
def test_annuity_costs_more_than_the_principal_and_shrinks_with_term(months: int) -> None:
    monthly = annuity_payment(100000, 1999, months)
    assert isinstance(monthly, int)
    assert monthly * months > 100000
    assert monthly > 100000 // months
    if months > 6:
        assert monthly < annuity_payment(100000, 1999, 6)
