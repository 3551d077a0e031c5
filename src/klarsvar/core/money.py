"""Money is integer minor units with an ISO currency; never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str = "EUR"

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-2)

    def plain(self) -> str:
        """`57.50 EUR`: for logs and JSON, not for customers (see i18n formatting)."""
        return f"{self.decimal:.2f} {self.currency}"

    def to_json(self) -> dict[str, object]:
        return {"minor": self.minor, "currency": self.currency, "text": f"{self.decimal:.2f}"}


def split_evenly(total: int, parts: int) -> list[int]:
    """Split minor units into `parts` amounts that add up exactly (remainder on the last)."""
    base = total // parts
    amounts = [base] * parts
    amounts[-1] += total - base * parts
    return amounts


def annuity_payment(principal_minor: int, apr_basis_points: int, months: int) -> int:
    """Monthly payment of a loan at a nominal APR, rounded to the cent."""
    rate = Decimal(apr_basis_points) / Decimal(10000) / Decimal(12)
    principal = Decimal(principal_minor)
    factor = (1 + rate) ** months
    payment = principal * rate * factor / (factor - 1)
    return int(payment.quantize(Decimal(1)))
