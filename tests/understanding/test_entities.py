"""Rule-based entities: exact, so the policy can trust them (ids, emails, phones,
amounts, one-time codes, contact details, masked card references)."""

from __future__ import annotations

import pytest

from klarsvar.core.pan import mask_pans
from klarsvar.understanding.entities import address_from_reply, extract

# --- order and card ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where is O-1001?", ["O-1001"]),
        ("where is o-1001?", ["O-1001"]),
        ("orders O-1001 and O-1002", ["O-1001", "O-1002"]),
        ("O-1001, O-1002", ["O-1001", "O-1002"]),
        ("my order o1001", ["O-1001"]),
        ("Bestellung O-2003 ist nie angekommen", ["O-2003"]),
        ("订单O-6001的下一期", ["O-6001"]),
    ],
)
def test_order_ids_in_any_case_become_canonical(text: str, expected: list[str]) -> None:
    assert extract(text).order_ids == expected


def test_ids_inside_other_tokens_are_not_order_ids() -> None:
    assert extract("the promo code XO-1234 did not work").order_ids == []
    assert extract("O-12 is too short").order_ids == []


def test_card_ids() -> None:
    ents = extract("freeze K-2001 and k-3001 please")
    assert ents.card_ids == ["K-2001", "K-3001"]
    assert ents.order_ids == []


def test_card_last_four_digits() -> None:
    assert extract("my card ending 4417 is lost").last4 == ["4417"]


def test_a_year_is_not_a_card_ending() -> None:
    assert extract("in 2026 I paid twice").last4 == []


def test_masked_card_reference_is_recognised_and_gives_last_four() -> None:
    masked = mask_pans("my card 4539 1488 0343 6467 was stolen")
    ents = extract(masked)
    assert ents.card_number_masked is True
    assert ents.last4 == ["6467"]
    # The masked reference is not read as a phone, an amount or a code.
    assert ents.phones == []
    assert ents.amounts_minor == []
    assert ents.otp is None


def test_no_card_reference_means_not_masked() -> None:
    assert extract("freeze my card").card_number_masked is False


# --- emails and phones ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("anna.svensson@example.se", "anna.svensson@example.se"),
        ("My email is Anna.Svensson@Example.SE.", "anna.svensson@example.se"),
        ("email: JOHN.DOE+tag@Example.co.uk", "john.doe+tag@example.co.uk"),
        ("邮箱是wei.zhang@example.com", "wei.zhang@example.com"),
    ],
)
def test_emails_are_found_and_lowercased(text: str, email: str) -> None:
    assert extract(text).emails == [email]


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("new phone +46 70 123 45 67", "SE", "+46701234567"),
        ("ny nummer: 070-123 45 67", "SE", "+46701234567"),
        ("0701234567", "SE", "+46701234567"),
        ("Meine neue Nummer ist 0151 23456789", "DE", "+4915123456789"),
        ("+44 7700 900123", "GB", "+447700900123"),
        ("Update my phone number to +46701112233", "GB", "+46701112233"),
    ],
)
def test_phones_are_normalised_to_e164(text: str, region: str, e164: str) -> None:
    assert extract(text, region).phones == [e164]


def test_a_date_is_not_a_phone_number() -> None:
    ents = extract("it was delivered 2026-11-15")
    assert ents.phones == []
    assert ents.dates == ["2026-11-15"]


# --- one-time codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["123456", "482913", "Koden är 654321", "code: 482913 thanks", " 000000 "])
def test_a_six_digit_code_is_a_one_time_code_not_a_phone(text: str) -> None:
    ents = extract(text, "SE")
    assert ents.otp is not None
    assert ents.otp in text
    assert ents.phones == []


def test_code_and_phone_in_one_message_are_told_apart() -> None:
    ents = extract("my new number is +46 70 111 22 33 and the code is 123456", "SE")
    assert ents.phones == ["+46701112233"]
    assert ents.otp == "123456"


def test_a_phone_number_is_not_a_code() -> None:
    assert extract("+46 70 123 45 67", "SE").otp is None
    assert extract("0701234567", "SE").otp is None


def test_two_codes_are_ambiguous() -> None:
    assert extract("123456 or 654321?").otp is None


def test_an_order_id_is_not_a_code() -> None:
    assert extract("O-100100").otp is None


# --- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("I was charged €57.50", 5750),
        ("€ 57.50", 5750),
        ("57,50 €", 5750),
        ("57.50€", 5750),
        ("it cost 499 EUR", 49900),
        ("EUR 57.50", 5750),
        ("57,50 EUR", 5750),
        ("499 euros", 49900),
        ("€7", 700),
        ("I don't recognise this €499 purchase", 49900),
        ("€1,234.56", 123456),
        ("1.234,56 €", 123456),
        ("1 234,56 €", 123456),
    ],
)
def test_amounts_in_euro_with_comma_or_dot(text: str, minor: int) -> None:
    assert extract(text).amounts_minor == [minor]


def test_several_amounts_in_order() -> None:
    assert extract("instalments of 37.50€ and a 7 € fee").amounts_minor == [3750, 700]


def test_numbers_without_a_currency_are_not_amounts() -> None:
    assert extract("I have 3 orders").amounts_minor == []
    assert extract("O-1001").amounts_minor == []


# --- contact details --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("I want to change my email", "email"),
        ("ändra min e-postadress till anna.ny@example.se", "email"),
        ("Update my phone number", "phone"),
        ("Ich möchte meine Handynummer ändern", "phone"),
        ("change my address", "address"),
        ("Je veux changer mon adresse", "address"),
        ("修改我的地址", "address"),
    ],
)
def test_contact_field(text: str, field: str) -> None:
    assert extract(text).contact_field == field


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("change my address to Storgatan 12, 111 22 Stockholm", "Storgatan 12, 111 22 Stockholm"),
        ("ändra adressen till Storgatan 12, 111 22 Stockholm", "Storgatan 12, 111 22 Stockholm"),
        ("Ich möchte meine Adresse auf Hauptstraße 5, 10115 Berlin ändern", "Hauptstraße 5, 10115 Berlin"),
        ("Nouvelle adresse : 12 rue de la Paix, 75002 Paris", "12 rue de la Paix, 75002 Paris"),
        ("Mi nueva dirección es Calle Mayor 3, 28013 Madrid", "Calle Mayor 3, 28013 Madrid"),
        ("新地址是北京市朝阳区建国路88号", "北京市朝阳区建国路88号"),
    ],
)
def test_address_after_the_field_word(text: str, address: str) -> None:
    ents = extract(text)
    assert ents.contact_field == "address"
    assert ents.address == address


def test_no_address_without_a_street_number() -> None:
    assert extract("change my address please").address is None


def test_address_from_a_reply() -> None:
    assert address_from_reply("Storgatan 12, 111 22 Stockholm.") == "Storgatan 12, 111 22 Stockholm"
    assert address_from_reply("yes") is None
    assert address_from_reply("123456") is None


def test_to_json_lists_only_what_was_found() -> None:
    assert extract("hello there").to_json() == {}
    assert extract("O-1001 for €30").to_json() == {"order_ids": ["O-1001"], "amounts_minor": [3000]}
