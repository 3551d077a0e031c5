"""The fixed entities of ../shared/spec/demo-world.md, exactly as written there,
plus the supporting customers of docs/demo-world-extras.md."""

from __future__ import annotations

from datetime import UTC, date, datetime

from klarsvar.world.spec import (
    CardSpec,
    CustomerSpec,
    InstalmentSpec,
    MerchantSpec,
    OrderSpec,
    RefundSpec,
    ReturnSpec,
    World,
)

D = date


def _pay4(total: int, first: date, paid: int, step: int = 14) -> list[InstalmentSpec]:
    from datetime import timedelta

    each = total // 4
    out = []
    for seq in range(1, 5):
        due = first + timedelta(days=step * (seq - 1))
        amount = each if seq < 4 else total - each * 3
        if seq <= paid:
            out.append(InstalmentSpec(seq, amount, due, "paid", paid_on=due))
        else:
            out.append(InstalmentSpec(seq, amount, due))
    return out


FIXED_MERCHANTS = [
    MerchantSpec("M-001", "Nordic Shoes", "support@nordicshoes.example", "SE", 30, "merchant"),
    MerchantSpec("M-002", "Bokhandeln", "kundtjanst@bokhandeln.example", "SE", 14, "customer"),
    MerchantSpec("M-003", "TechHaus", "service@techhaus.example", "DE", 14, "merchant"),
    MerchantSpec("M-004", "ModeWelt", "hilfe@modewelt.example", "DE", 30, "merchant"),
    MerchantSpec("M-005", "Gadgetly", "help@gadgetly.example", "GB", 14, "customer"),
    MerchantSpec("M-006", "CityStyle", "care@citystyle.example", "GB", 28, "merchant"),
    MerchantSpec("M-007", "HomeNest", "hello@homenest.example", "GB", 30, "customer"),
    MerchantSpec("M-008", "Maison Belle", "contact@maisonbelle.example", "FR", 14, "customer"),
    MerchantSpec("M-009", "Deportes Sol", "ayuda@deportessol.example", "ES", 30, "merchant"),
    MerchantSpec("M-010", "Librería Luz", "hola@librerialuz.example", "ES", 14, "customer"),
    MerchantSpec("M-011", "ElectroMart", "support@electromart.example", "DE", 14, "customer"),
    MerchantSpec("M-012", "XYZ Games Ltd", "support@xyzgames.example", "GB", 14, "customer"),
    MerchantSpec("M-013", "Stile Milano", "assistenza@stilemilano.example", "IT", 30, "merchant"),
    MerchantSpec("M-014", "Sklep Polna", "pomoc@sklep-polna.example", "PL", 14, "customer"),
    MerchantSpec("M-015", "Fietsplaats", "klantenservice@fietsplaats.example", "NL", 30, "merchant"),
    MerchantSpec("M-016", "Kirjakauppa Aalto", "asiakaspalvelu@aalto-kirjat.example", "FI", 14, "customer"),
]

FIXED_CUSTOMERS = [
    CustomerSpec("C-1001", "anna.svensson@example.se", "Anna Svensson", "sv", "SE", "+46701234567",
                 "Storgatan 12, 114 51 Stockholm"),
    CustomerSpec("C-1002", "lukas.meyer@example.de", "Lukas Meyer", "de", "DE", "+4915112345678",
                 "Lindenstraße 5, 10969 Berlin"),
    CustomerSpec("C-1003", "emma.johnson@example.com", "Emma Johnson", "en", "GB", "+447700900123",
                 "14 Rose Lane, Leeds LS1 4AB"),
    CustomerSpec("C-1004", "camille.dubois@example.fr", "Camille Dubois", "fr", "FR", "+33612345678",
                 "8 rue des Lilas, 69003 Lyon"),
    CustomerSpec("C-1005", "javier.garcia@example.es", "Javier García", "es", "ES", "+34612345678",
                 "Calle Mayor 21, 28013 Madrid"),
    CustomerSpec("C-1006", "wei.zhang@example.com", "Wei Zhang", "zh", "DE", "+4917612345678",
                 "Goethestraße 9, 80336 München"),
    CustomerSpec("C-1007", "sofia.rossi@example.it", "Sofia Rossi", "it", "IT", "+393401234567",
                 "Via Roma 3, 20121 Milano"),
    CustomerSpec("C-1008", "jan.kowalski@example.pl", "Jan Kowalski", "pl", "PL", "+48601234567",
                 "ul. Polna 7, 00-625 Warszawa"),
    CustomerSpec("C-1009", "sanne.devries@example.nl", "Sanne de Vries", "nl", "NL", "+31612345678",
                 "Keizersgracht 100, 1015 CV Amsterdam"),
    CustomerSpec("C-1010", "mikko.virtanen@example.fi", "Mikko Virtanen", "fi", "FI", "+358401234567",
                 "Mannerheimintie 10, 00100 Helsinki"),
]


def _financing_o2001() -> list[InstalmentSpec]:
    out = []
    for seq in range(1, 13):
        month = 8 + seq  # first due 2026-09-05
        year = 2026 + (month - 1) // 12
        due = D(year, (month - 1) % 12 + 1, 5)
        if seq <= 3:
            out.append(InstalmentSpec(seq, 8327, due, "paid", paid_on=due))
        else:
            out.append(InstalmentSpec(seq, 8327, due))
    return out


FIXED_ORDERS = [
    # Anna
    OrderSpec("O-1001", "C-1001", "Nordic Shoes", 12000, "pay_in_4", D(2026, 11, 1), D(2026, 11, 1), D(2026, 11, 3),
              "active", _pay4(12000, D(2026, 11, 1), paid=2)),
    OrderSpec("O-1002", "C-1001", "Bokhandeln", 4590, "pay_in_30", D(2026, 11, 4), D(2026, 11, 5), None, "active",
              [InstalmentSpec(1, 4590, D(2026, 12, 5))]),
    # Lukas
    OrderSpec("O-2001", "C-1002", "TechHaus", 89900, "financing", D(2026, 8, 5), D(2026, 8, 6), D(2026, 8, 8),
              "active", _financing_o2001(), payment_method="bank_account", financing_months=12,
              apr_basis_points=1999),
    OrderSpec("O-2002", "C-1002", "ModeWelt", 7995, "pay_in_30", D(2026, 11, 8), D(2026, 11, 10), D(2026, 11, 10),
              "active", [InstalmentSpec(1, 7995, D(2026, 12, 10))]),
    OrderSpec("O-2003", "C-1002", "Gadgetly", 24900, "pay_in_4", D(2026, 10, 25), D(2026, 10, 26), D(2026, 10, 30),
              "active", _pay4(24900, D(2026, 10, 25), paid=2),
              carrier_note="Carrier reports delivered on 2026-10-30; the customer says it never arrived."),
    # Emma
    OrderSpec("O-3001", "C-1003", "CityStyle", 6000, "pay_in_30", D(2026, 10, 20), D(2026, 10, 21), D(2026, 10, 23),
              "returned", [InstalmentSpec(1, 6000, D(2026, 11, 20), "paid", paid_on=D(2026, 10, 25))]),
    OrderSpec("O-3002", "C-1003", "HomeNest", 23000, "pay_in_4", D(2026, 10, 16), D(2026, 10, 17), D(2026, 10, 20),
              "active", _pay4(23000, D(2026, 10, 16), paid=3)),
    # Camille
    OrderSpec("O-4001", "C-1004", "Maison Belle", 15000, "pay_in_4", D(2026, 11, 1), D(2026, 11, 2), D(2026, 11, 5),
              "active", [
                  InstalmentSpec(1, 3750, D(2026, 11, 1), "paid", paid_on=D(2026, 11, 1)),
                  InstalmentSpec(2, 3750, D(2026, 11, 15), "missed", late_fee_minor=700, retry_on=D(2026, 11, 17)),
                  InstalmentSpec(3, 3750, D(2026, 11, 29)),
                  InstalmentSpec(4, 3750, D(2026, 12, 13)),
              ]),
    # Javier
    OrderSpec("O-5001", "C-1005", "Deportes Sol", 3500, "pay_in_30", D(2026, 10, 21), D(2026, 10, 23), D(2026, 10, 25),
              "active", [InstalmentSpec(1, 3500, D(2026, 11, 22))]),
    OrderSpec("O-5002", "C-1005", "Librería Luz", 1850, "pay_in_30", D(2026, 10, 19), D(2026, 10, 21), D(2026, 10, 24),
              "active", [InstalmentSpec(1, 1850, D(2026, 11, 30))], due_date_extended=True),
    # Wei
    OrderSpec("O-6001", "C-1006", "ElectroMart", 30000, "pay_in_4", D(2026, 11, 12), D(2026, 11, 12), D(2026, 11, 14),
              "active", _pay4(30000, D(2026, 11, 12), paid=1)),
    # Supporting customers (docs/demo-world-extras.md)
    OrderSpec("O-7001", "C-1007", "Stile Milano", 8900, "pay_in_30", D(2026, 9, 28), D(2026, 9, 30), D(2026, 10, 2),
              "paid", [InstalmentSpec(1, 8900, D(2026, 10, 30), "paid", paid_on=D(2026, 10, 30))]),
    OrderSpec("O-8001", "C-1008", "Sklep Polna", 12000, "pay_in_4", D(2026, 11, 1), D(2026, 11, 2), D(2026, 11, 4),
              "active", _pay4(12000, D(2026, 11, 1), paid=2)),
    OrderSpec("O-8002", "C-1008", "Sklep Polna", 6000, "pay_in_30", D(2026, 4, 1), D(2026, 4, 2), D(2026, 4, 4),
              "paid", [InstalmentSpec(1, 6000, D(2026, 5, 2), "paid", paid_on=D(2026, 4, 30))]),
    OrderSpec("O-8003", "C-1008", "Sklep Polna", 4200, "pay_in_30", D(2026, 10, 17), D(2026, 10, 19), D(2026, 10, 21),
              "active", [InstalmentSpec(1, 4200, D(2026, 11, 18), "missed", retry_on=D(2026, 11, 20))]),
    OrderSpec("O-9001", "C-1009", "Fietsplaats", 6400, "pay_in_30", D(2026, 10, 30), D(2026, 11, 1), D(2026, 11, 3),
              "active", [InstalmentSpec(1, 6400, D(2026, 12, 1))]),
    OrderSpec("O-1010", "C-1010", "Kirjakauppa Aalto", 2500, "pay_in_30", D(2026, 11, 8), D(2026, 11, 10),
              D(2026, 11, 12), "active", [InstalmentSpec(1, 2500, D(2026, 12, 10))]),
]


def _at(y: int, m: int, d: int, h: int = 12, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=UTC)


FIXED_CARDS = [
    CardSpec("K-2001", "C-1002", "4417", "active", [
        ("T-2001-1", "Rewe Markt", 4312, _at(2026, 11, 14, 18, 5), "settled"),
        ("T-2001-2", "Deutsche Bahn", 2990, _at(2026, 11, 17, 8, 12), "settled"),
        ("T-2001-3", "XYZ Games Ltd", 49900, _at(2026, 11, 19, 3, 41), "settled"),
    ]),
    CardSpec("K-3001", "C-1003", "9054", "active", [
        ("T-3001-1", "Pret A Manger", 845, _at(2026, 11, 18, 12, 30), "settled"),
        ("T-3001-2", "Tesco", 3420, _at(2026, 11, 19, 17, 2), "settled"),
    ]),
    CardSpec("K-9001", "C-1009", "2210", "frozen", [
        ("T-9001-1", "Albert Heijn", 2315, _at(2026, 11, 2, 16, 0), "settled"),
    ]),
    CardSpec("K-1010", "C-1010", "7781", "active", [
        ("T-1010-1", "K-Market", 1890, _at(2026, 11, 18, 19, 20), "settled"),
    ]),
]

FIXED_REFUNDS = [RefundSpec("RF-3001", "O-3001", 6000, D(2026, 11, 17), "bank_card", "registered")]
FIXED_RETURNS = [ReturnSpec("R-FIX-3001", "O-3001", D(2026, 11, 6), D(2026, 11, 27), "refunded")]


def fixed_world() -> World:
    return World(
        customers=list(FIXED_CUSTOMERS),
        merchants=list(FIXED_MERCHANTS),
        orders=list(FIXED_ORDERS),
        cards=list(FIXED_CARDS),
        refunds=list(FIXED_REFUNDS),
        returns=list(FIXED_RETURNS),
    )
