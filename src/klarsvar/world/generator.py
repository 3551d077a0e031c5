"""Deterministic generator for the rest of the demo world (seeded; no clock reads).

Everything is derived from the demo "today" (2026-11-20) and a seed, so the same
seed always yields the same customers, merchants, orders, cards and transactions.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, date, datetime, timedelta

from klarsvar.core.money import annuity_payment, split_evenly
from klarsvar.world.spec import CardSpec, CustomerSpec, InstalmentSpec, MerchantSpec, OrderSpec, World

SEED = 20261120
WORLD_TODAY = date(2026, 11, 20)

# country, language, phone prefix, first names, last names, cities
MARKETS: list[tuple[str, str, str, list[str], list[str], list[str]]] = [
    ("SE", "sv", "+4670", ["Erik", "Maja", "Lars", "Elsa", "Oskar", "Ingrid", "Nils", "Saga"],
     ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson"], ["Stockholm", "Göteborg", "Malmö", "Uppsala"]),
    ("DE", "de", "+49151", ["Jonas", "Lea", "Felix", "Mia", "Paul", "Hannah", "Leon", "Marie"],
     ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"], ["Berlin", "Hamburg", "Köln", "Leipzig"]),
    ("GB", "en", "+447700", ["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Grace"],
     ["Smith", "Brown", "Taylor", "Wilson", "Evans", "Walker"], ["London", "Bristol", "Manchester", "Leeds"]),
    ("FR", "fr", "+336", ["Louis", "Chloé", "Hugo", "Léa", "Jules", "Manon", "Arthur", "Inès"],
     ["Martin", "Bernard", "Petit", "Durand", "Moreau", "Laurent"], ["Paris", "Lyon", "Nantes", "Lille"]),
    ("ES", "es", "+346", ["Lucía", "Hugo", "Martina", "Pablo", "Sofía", "Daniel", "Carmen", "Álvaro"],
     ["López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz"], ["Madrid", "Sevilla", "Valencia", "Bilbao"]),
    ("IT", "it", "+39340", ["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo"],
     ["Bianchi", "Romano", "Colombo", "Ricci", "Greco", "Conti"], ["Roma", "Torino", "Bologna", "Napoli"]),
    ("NL", "nl", "+316", ["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess"],
     ["de Jong", "Jansen", "Bakker", "Visser", "Smit", "Meijer"], ["Utrecht", "Rotterdam", "Den Haag", "Groningen"]),
    ("PL", "pl", "+48601", ["Zofia", "Jakub", "Maja", "Antoni", "Hanna", "Szymon"],
     ["Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"], ["Kraków", "Gdańsk", "Wrocław", "Poznań"]),
    ("FI", "fi", "+35840", ["Aino", "Eetu", "Helmi", "Onni", "Venla", "Leevi"],
     ["Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine"], ["Espoo", "Tampere", "Turku", "Oulu"]),
    ("DK", "da", "+4520", ["Freja", "William", "Ida", "Noah", "Clara", "Oscar"],
     ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen"], ["København", "Aarhus", "Odense", "Aalborg"]),
    ("NO", "nb", "+4791", ["Nora", "Jakob", "Emma", "Filip", "Ingrid", "Henrik"],
     ["Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen"], ["Oslo", "Bergen", "Trondheim", "Stavanger"]),
    ("AT", "de", "+43664", ["Lukas", "Anna", "Tobias", "Lena", "Florian", "Sarah"],
     ["Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner"], ["Wien", "Graz", "Linz", "Salzburg"]),
    ("PT", "pt", "+35191", ["Maria", "João", "Beatriz", "Tiago", "Inês", "Rodrigo"],
     ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa"], ["Lisboa", "Porto", "Braga", "Coimbra"]),
    ("CZ", "cs", "+420601", ["Tereza", "Jan", "Eliška", "Tomáš", "Anna", "Petr"],
     ["Novák", "Svoboda", "Novotná", "Dvořák", "Černá", "Procházka"], ["Praha", "Brno", "Ostrava", "Plzeň"]),
    ("GR", "el", "+30691", ["Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Κώστας", "Σοφία"],
     ["Παπαδόπουλος", "Γεωργίου", "Νικολάου", "Ιωάννου"], ["Αθήνα", "Θεσσαλονίκη", "Πάτρα"]),
    ("TR", "tr", "+90532", ["Elif", "Mehmet", "Zeynep", "Emir", "Ayşe", "Can"],
     ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik"], ["İstanbul", "Ankara", "İzmir"]),
]

MERCHANT_STEMS = [
    "Nordlys Outdoor", "Urban Bikes", "Kaffekompaniet", "Maison du Thé", "BabyBoom", "Sportshus",
    "Libreria Sole", "Glas & Co", "PetPalace", "Lumière Beauté", "Zapatería Norte", "Technikwelt",
    "Vintage Vinyl", "Casa Verde", "Berliner Möbel", "Nordic Home", "FotoFabrik", "Spielzeugland",
    "Moda Milano", "Fjällräven Pro", "GreenGarden", "SoundWave", "KitchenCraft", "Trail Runners",
]

STREETS = ["Main Street", "Park Road", "Church Lane", "Station Road", "High Street", "Market Square"]
SHOP_TX = ["Supermarket", "Coffee Bar", "Bakery", "Pharmacy", "Bookshop", "Cinema", "Petrol Station", "Restaurant"]


def _ascii(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if c.isascii() and (c.isalnum() or c in ".-")).lower()


def _merchants(rng: random.Random, start: int) -> list[MerchantSpec]:
    out = []
    countries = [m[0] for m in MARKETS]
    for i, name in enumerate(MERCHANT_STEMS):
        slug = _ascii(name.replace(" ", "").replace("&", "and"))
        out.append(
            MerchantSpec(
                id=f"M-{start + i:03d}",
                name=name,
                support_email=f"support@{slug}.example",
                country=rng.choice(countries),
                return_days=rng.choice([14, 14, 30, 30, 60]),
                return_postage_paid_by=rng.choice(["customer", "merchant"]),
            )
        )
    return out


def _customers(rng: random.Random, count: int) -> list[CustomerSpec]:
    out = []
    seen: set[str] = set()
    for i in range(count):
        country, lang, prefix, firsts, lasts, cities = MARKETS[i % len(MARKETS)]
        first, last = rng.choice(firsts), rng.choice(lasts)
        base = f"{_ascii(first) or 'kund'}.{_ascii(last) or str(i)}"
        email = f"{base}{i}@example.{country.lower()}" if country != "GB" else f"{base}{i}@example.co.uk"
        assert email not in seen
        seen.add(email)
        phone = prefix + "".join(str(rng.randint(0, 9)) for _ in range(12 - len(prefix) + 1))
        out.append(
            CustomerSpec(
                id=f"C-{20001 + i}",
                email=email,
                name=f"{first} {last}",
                language=lang,
                country=country,
                phone=phone,
                address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {rng.choice(cities)}",
            )
        )
    return out


def _instalments(rng: random.Random, product: str, amount: int, purchased: date, shipped: date | None,
                 months: int | None, apr: int | None) -> tuple[list[InstalmentSpec], str]:
    today = WORLD_TODAY
    plan: list[tuple[int, date]]
    if product == "pay_in_30":
        due = (shipped or purchased) + timedelta(days=30)
        plan = [(amount, due)]
    elif product == "pay_in_4":
        plan = [(a, purchased + timedelta(days=14 * k)) for k, a in enumerate(split_evenly(amount, 4))]
    else:
        assert months and apr
        monthly = annuity_payment(amount, apr, months)
        plan = []
        for k in range(months):
            month = purchased.month + k + 1
            year = purchased.year + (month - 1) // 12
            plan.append((monthly, date(year, (month - 1) % 12 + 1, min(purchased.day, 28))))
    out = []
    for seq, (amt, due) in enumerate(plan, start=1):
        if due < today:
            if rng.random() < 0.06:
                out.append(InstalmentSpec(seq, amt, due, "missed", late_fee_minor=700,
                                          retry_on=due + timedelta(days=2)))
            else:
                out.append(InstalmentSpec(seq, amt, due, "paid", paid_on=due - timedelta(days=rng.randint(0, 3))))
        elif due == purchased:
            out.append(InstalmentSpec(seq, amt, due, "paid", paid_on=due))
        else:
            out.append(InstalmentSpec(seq, amt, due))
    status = "paid" if all(i.status == "paid" for i in out) else "active"
    return out, status


def _orders(rng: random.Random, customers: list[CustomerSpec], merchants: list[str], count: int) -> list[OrderSpec]:
    out = []
    for i in range(count):
        customer = customers[i % len(customers)] if i < len(customers) else rng.choice(customers)
        product = rng.choices(["pay_in_30", "pay_in_4", "financing"], weights=[5, 4, 1])[0]
        if product == "financing":
            amount = rng.randint(300, 3000) * 100 + rng.choice([0, 99, 50])
            months = rng.choice([6, 12, 24, 36])
            apr: int | None = 1999
        else:
            amount = rng.randint(10, 400) * 100 + rng.choice([0, 90, 95, 50, 99])
            months, apr = None, None
        purchased = WORLD_TODAY - timedelta(days=rng.randint(0, 200))
        shipped = purchased + timedelta(days=rng.randint(0, 3)) if rng.random() < 0.95 else None
        if shipped and shipped > WORLD_TODAY:
            shipped = None
        delivered = shipped + timedelta(days=rng.randint(1, 5)) if shipped else None
        if delivered and delivered > WORLD_TODAY:
            delivered = None
        insts, status = _instalments(rng, product, amount, purchased, shipped, months, apr)
        out.append(
            OrderSpec(
                id=f"O-{100001 + i}",
                customer_id=customer.id,
                merchant=rng.choice(merchants),
                amount_minor=amount,
                product=product,
                purchased_on=purchased,
                shipped_on=shipped,
                delivered_on=delivered,
                status=status,
                instalments=insts,
                payment_method=rng.choice(["bank_card", "bank_card", "bank_account"]),
                financing_months=months,
                apr_basis_points=apr,
            )
        )
    return out


def _cards(rng: random.Random, customers: list[CustomerSpec]) -> list[CardSpec]:
    out = []
    for i, customer in enumerate(customers):
        if rng.random() > 0.6:
            continue
        card_id = f"K-{50001 + i}"
        txs = []
        for t in range(rng.randint(2, 8)):
            at = datetime(2026, 11, 20, 12, tzinfo=UTC) - timedelta(hours=rng.randint(1, 24 * 60))
            txs.append((f"T-{50001 + i}-{t + 1}", rng.choice(SHOP_TX), rng.randint(150, 12000), at, "settled"))
        status = "frozen" if rng.random() < 0.08 else "active"
        out.append(CardSpec(card_id, customer.id, f"{rng.randint(0, 9999):04d}", status, txs))
    return out


def generate(world: World, *, customers: int = 190, merchants: int = 24, orders: int = 1000,
             seed: int = SEED) -> World:
    """Add generated entities around the fixed ones (in place) and return the world."""
    rng = random.Random(seed)
    gen_merchants = _merchants(rng, start=len(world.merchants) + 1)[:merchants]
    world.merchants.extend(gen_merchants)
    gen_customers = _customers(rng, customers)
    world.customers.extend(gen_customers)
    all_merchant_names = [m.name for m in world.merchants if m.name != "XYZ Games Ltd"]
    world.orders.extend(_orders(rng, gen_customers, all_merchant_names, orders))
    world.cards.extend(_cards(rng, gen_customers))
    return world
