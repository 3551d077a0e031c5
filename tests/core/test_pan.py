"""Card numbers (PANs): found and masked wherever they appear, nothing else touched."""

from __future__ import annotations

import json
from typing import Any

import pytest
from stdnum import luhn

from klarsvar.core.pan import contains_pan, find_pans, mask_in, mask_pans

VISA = "4111111111111111"
MASTERCARD = "5555555555554444"
AMEX = "378282246310005"  # 15 digits
VISA_13 = "4222222222222"  # 13 digits
LONG_17 = "12345678123456784"  # 17 digits
LONG_18 = "411111111111111118"  # 18 digits
UNIONPAY_19 = "6212345678901234569"  # 19 digits

VALID = [VISA, MASTERCARD, AMEX, VISA_13, LONG_17, LONG_18, UNIONPAY_19]


def _grouped(digits: str, sep: str, size: int = 4) -> str:
    return sep.join(digits[i : i + size] for i in range(0, len(digits), size))


def test_the_fixtures_are_what_they_claim() -> None:
    for pan in VALID:
        assert luhn.is_valid(pan), pan
        assert 13 <= len(pan) <= 19
    assert {len(p) for p in VALID} == {13, 15, 16, 17, 18, 19}


@pytest.mark.parametrize("pan", VALID)
@pytest.mark.parametrize("sep", ["", " ", "-"])
def test_luhn_valid_pans_are_found_and_masked(pan: str, sep: str) -> None:
    written = _grouped(pan, sep) if sep else pan
    text = f"My card is {written}, please help."
    assert find_pans(text) == [pan]
    assert contains_pan(text)
    masked = mask_pans(text)
    assert masked == f"My card is [card •••• {pan[-4:]}], please help."
    assert pan not in masked.replace(" ", "").replace("-", "")
    assert not contains_pan(masked)


def test_amex_in_its_own_grouping() -> None:
    assert mask_pans("Amex 3782 822463 10005 here") == "Amex [card •••• 0005] here"


@pytest.mark.parametrize(
    "text",
    [
        f"{VISA}",
        f"({VISA})",
        f"card:{VISA}.",
        f"\n{_grouped(VISA, ' ')}\n",
        f'"{_grouped(VISA, "-")}"',
    ],
)
def test_pans_at_edges_and_in_punctuation(text: str) -> None:
    masked = mask_pans(text)
    assert "[card •••• 1111]" in masked
    assert find_pans(text) == [VISA]


def test_several_pans_in_one_text_are_all_masked() -> None:
    text = f"old {VISA} new {_grouped(MASTERCARD, ' ')} and {VISA} {MASTERCARD}"
    assert find_pans(text) == [VISA, MASTERCARD, VISA, MASTERCARD]
    masked = mask_pans(text)
    assert masked == "old [card •••• 1111] new [card •••• 4444] and [card •••• 1111] [card •••• 4444]"


@pytest.mark.parametrize(
    "text",
    [
        f"card {VISA} 12/28",  # expiry right after the number
        f"{_grouped(VISA, ' ')} 123",  # CVV right after the number
        f"{_grouped(VISA, ' ')} 12 28 123",
        f"ref 12 {_grouped(VISA, ' ')}",  # a short number right before
        f"1234 5678 {_grouped(VISA, ' ')}",  # a longer number right before
        f"{_grouped(VISA, '-')}-123",
    ],
)
def test_a_pan_next_to_other_digit_groups_is_still_masked(text: str) -> None:
    masked = mask_pans(text)
    digits_left = "".join(ch for ch in masked if ch.isdigit())
    assert VISA not in digits_left, masked
    assert "•••• " in masked
    assert find_pans(text)


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111112",  # fails Luhn
        "4111 1111 1111 1112",
        "4111-1111-1111-1112",
        "411111111117",  # Luhn-valid but only 12 digits
        "41111111111111111115",  # Luhn-valid but 20 digits
        "O-1001",
        "O-100001 and O-100002",
        "K-2001 ending 4417",
        "C-1001",
        "Instalment 3 (€30.00) is due 2026-11-29.",
        "+46 70 123 45 67",
        "+46701234567",
        "amount 12000 minor units",
        "2026-11-20T12:00:00Z",
        "2026-12-04 2026-12-18",  # 16 digits that pass Luhn, but two dates
        "due 2026-05-02 2026-05-04 2026-05-06",
        "",
    ],
)
def test_other_digits_are_left_alone(text: str) -> None:
    assert find_pans(text) == []
    assert not contains_pan(text)
    assert mask_pans(text) == text


def test_masking_is_idempotent() -> None:
    once = mask_pans(f"pan {VISA}")
    assert mask_pans(once) == once


def test_mask_in_walks_nested_json() -> None:
    value: dict[str, Any] = {
        "order_id": "O-1001",
        "details": f"charged twice on {VISA}",
        "amount": {"minor": 3000, "currency": "EUR"},
        "notes": [f"card {_grouped(MASTERCARD, ' ')}", {"deep": [f"x {AMEX} y"]}, 42, None, True],
        "pair": ("O-2001", f"{VISA}"),
    }
    masked = mask_in(value)
    dumped = json.dumps(masked, ensure_ascii=False)
    for pan in (VISA, MASTERCARD, AMEX):
        assert pan not in dumped
    assert masked["order_id"] == "O-1001"
    assert masked["details"] == "charged twice on [card •••• 1111]"
    assert masked["amount"] == {"minor": 3000, "currency": "EUR"}
    assert masked["notes"][0] == "card [card •••• 4444]"
    assert masked["notes"][1] == {"deep": ["x [card •••• 0005] y"]}
    assert masked["notes"][2:] == [42, None, True]
    assert masked["pair"] == ["O-2001", "[card •••• 1111]"]
    # the input is not changed in place
    assert value["details"] == f"charged twice on {VISA}"


@pytest.mark.parametrize("value", [None, 1, 2.5, True, "O-1001"])
def test_mask_in_leaves_scalars_without_pans(value: object) -> None:
    assert mask_in(value) == value
