"""Entity extraction: order and card ids, card references, emails, phones,
amounts, one-time codes and contact fields. Rules, not models: they are exact."""

from __future__ import annotations

import re
from decimal import Decimal

import phonenumbers

from klarsvar.understanding.base import Entities
from klarsvar.understanding.lexicon import fold

# Chinese and Japanese write ids right after a word ("订单O-6001的"): only Latin letters and digits bind.
ORDER_ID = re.compile(r"(?<![A-Za-z0-9_-])[Oo][-‐ ]?(\d{3,7})(?!\d)")
CARD_ID = re.compile(r"(?<![A-Za-z0-9_-])[Kk]-(\d{3,7})(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
OTP = re.compile(r"(?<![\d\-])(\d{6})(?![\d\-])")
LAST4 = re.compile(r"(?<![\d\-])(\d{4})(?![\d\-.,])")
MASKED_CARD = re.compile(r"\[card •+ (\d{4})\]")
# 57.50, 57,50, 1,234.56, 1.234,56, 1 234,56 (thousands grouped by , . or a space).
_NUMBER = r"\d{1,3}(?:[ \u00a0.,]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d{1,7}(?:[.,]\d{1,2})?(?!\d)"
AMOUNT = re.compile(
    rf"(?:(?:€|\beur\b)\s?({_NUMBER}))|(?:(?<![\d.,])({_NUMBER})\s?(?:€|eur\b|euro|euros|evro|eura))",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")
PHONE_HINT = re.compile(r"\+?\d[\d\s\-()]{6,}\d")

CONTACT_FIELDS = {
    "email": ["email", "e-mail", "e-post", "epost", "mail", "correo", "courriel", "sähköposti", "sahkoposti",
              "邮箱", "电子邮件", "adres e-mail", "indirizzo email", "e-mailadres", "e-mailadresse"],
    "phone": ["phone", "mobile", "number", "telefon", "telefonnummer", "mobilnummer", "handynummer", "telephone",
              "téléphone", "numéro", "portable", "teléfono", "móvil", "telefono", "cellulare", "telefoonnummer",
              "numer telefonu", "puhelin", "puhelinnumero", "电话", "手机", "telefone", "telemóvel", "nummer"],
    "address": ["address", "adress", "adresse", "dirección", "direccion", "indirizzo", "adres", "osoite", "地址",
                "endereço", "endereco", "adresa", "cím", "cim"],
}
_ADDRESS_LEAD = re.compile(
    r"(?:(?:address|adress|adres|direcci[oó]n|indirizzo|osoite|endere[cç]o)\w*|地址)\s*"
    r"(?:to|till|auf|zu|à|a|en|naar|na|in|på|ist|is|:|är|est|es|è|=|nach|改为|改成|是|为)?\s*[:\-]?\s*(.+)$",
    re.IGNORECASE,
)


_TRAILING_VERB = re.compile(r"\s+(?:ändern|aendern|andern|wechseln|aktualisieren|änder|ändra)\W*$", re.IGNORECASE)


def _amount_minor(raw: str) -> int:
    # The last separator followed by one or two digits is the decimal one; the others group thousands.
    match = re.fullmatch(r"(.*?)(?:[.,](\d{1,2}))?", raw.strip())
    assert match is not None
    whole = re.sub(r"\D", "", match.group(1)) or "0"
    return int((Decimal(f"{whole}.{match.group(2) or '0'}") * 100).quantize(Decimal(1)))


def _contact_field(folded: str) -> str | None:
    for field, words in CONTACT_FIELDS.items():
        for word in words:
            if fold(word) in folded:
                return field
    return None


def extract(text: str, region: str | None = None) -> Entities:
    ents = Entities()
    ents.card_number_masked = bool(MASKED_CARD.search(text))
    ents.last4 = MASKED_CARD.findall(text)
    clean = MASKED_CARD.sub(" ", text)
    ents.order_ids = [f"O-{m}" for m in ORDER_ID.findall(clean)]
    ents.card_ids = [f"K-{m}" for m in CARD_ID.findall(clean)]
    ents.emails = [e.lower() for e in EMAIL.findall(clean)]
    without_ids = CARD_ID.sub(" ", ORDER_ID.sub(" ", EMAIL.sub(" ", clean)))
    ents.amounts_minor = [_amount_minor(a or b) for a, b in AMOUNT.findall(without_ids)]
    ents.dates = ISO_DATE.findall(without_ids)
    without_ids = ISO_DATE.sub(" ", without_ids)  # a date is not a phone number
    for hint in PHONE_HINT.findall(without_ids):
        digits = re.sub(r"\D", "", hint)
        if len(digits) < 7:
            continue
        try:
            parsed = phonenumbers.parse(hint, region or "SE")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(parsed):
            ents.phones.append(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    without_phones = PHONE_HINT.sub(" ", without_ids)
    otp = OTP.findall(without_phones)
    if len(otp) == 1:
        ents.otp = otp[0]
    ents.last4 += [m for m in LAST4.findall(without_phones) if not (m.startswith("20") and len(m) == 4 and m[2] in "12")]
    folded = fold(text)
    ents.contact_field = _contact_field(folded)
    if ents.contact_field == "address":
        match = _ADDRESS_LEAD.search(clean)
        if match and re.search(r"\d", match.group(1)) and len(match.group(1).strip()) >= 6:
            # German puts the verb last ("… auf Hauptstraße 5, 10115 Berlin ändern").
            ents.address = _TRAILING_VERB.sub("", match.group(1).strip().rstrip("."))
    return ents


def address_from_reply(text: str) -> str | None:
    """When the assistant asked for the new address, the whole reply is it."""
    value = text.strip().rstrip(".")
    if len(value) >= 6 and re.search(r"\d", value) and re.search(r"[^\W\d_]", value):
        return value
    return None
