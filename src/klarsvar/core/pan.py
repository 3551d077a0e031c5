"""Card numbers (PANs) never leave this module unmasked.

A PAN is 13–19 digits that pass the Luhn check, written with or without spaces
or dashes. `mask_pans` replaces each one with a masked form that keeps only the
last four digits; everything that stores, logs or echoes text calls it first.

A PAN is often written next to other digit groups ("4111 1111 1111 1111 12/28",
"… 1111 123" with the CVV), so the whole run of digit groups is taken first and
every span of whole groups in it that is a PAN is masked. Within a span every
group but the last has at least three digits, so runs of dates are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from stdnum import luhn

# A run of digit groups separated by single spaces or dashes.
_RUN = re.compile(r"(?<!\d)\d+(?:[ \-]\d+)*(?!\d)")
_GROUP = re.compile(r"\d+")


def _is_pan(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits)


def _pan_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of every span of whole digit groups that is a PAN, by position."""
    spans: list[tuple[int, int, str]] = []
    for run in _RUN.finditer(text):
        groups = list(_GROUP.finditer(run.group(0)))
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                # Card numbers are grouped in threes to sixes (4-4-4-4, 4-6-5); only the last
                # group may be shorter. Dates and times (2026-11-20 12 00) are not card numbers.
                if j > i and len(groups[j - 1].group(0)) < 3:
                    break
                digits += groups[j].group(0)
                if len(digits) > 19:
                    break
                if _is_pan(digits):
                    spans.append((run.start() + groups[i].start(), run.start() + groups[j].end(), digits))
    spans.sort(key=lambda s: (s[0], -s[1]))
    return spans


def _regions(text: str) -> list[tuple[int, int, str]]:
    """Overlapping PAN spans merged into one region each, with the longest PAN in it."""
    regions: list[tuple[int, int, str]] = []
    for start, end, digits in _pan_spans(text):
        if regions and start < regions[-1][1]:
            r_start, r_end, r_digits = regions[-1]
            regions[-1] = (r_start, max(r_end, end), max(r_digits, digits, key=len))
        else:
            regions.append((start, end, digits))
    return regions


def find_pans(text: str) -> list[str]:
    return [digits for _, _, digits in _regions(text)]


def mask_pans(text: str) -> str:
    # Overlapping candidates are masked together, so no digit of any of them survives.
    out: list[str] = []
    pos = 0
    for start, end, _ in _regions(text):
        digits = re.sub(r"\D", "", text[start:end])
        out.append(text[pos:start])
        out.append(f"[card •••• {digits[-4:]}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def contains_pan(text: str) -> bool:
    return bool(_pan_spans(text))


def mask_in(value: Any) -> Any:
    """Mask PANs in every string of a JSON-like structure."""
    if isinstance(value, str):
        return mask_pans(value)
    if isinstance(value, dict):
        return {k: mask_in(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_in(v) for v in value]
    return value
