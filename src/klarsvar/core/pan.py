"""Card numbers (PANs) never leave this module unmasked.

A PAN is 13–19 digits that pass the Luhn check, written with or without spaces
or dashes. `mask_pans` replaces each one with a masked form that keeps only the
last four digits; everything that stores, logs or echoes text calls it first.
"""

from __future__ import annotations

import re
from typing import Any

from stdnum import luhn

# 13-19 digits, optionally grouped by single spaces or dashes.
_CANDIDATE = re.compile(r"(?<![\d])(?:\d[ \-]?){12,18}\d(?![\d])")


def _is_pan(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits)


def find_pans(text: str) -> list[str]:
    found: list[str] = []
    for match in _CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if _is_pan(digits):
            found.append(digits)
    return found


def mask_pans(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if _is_pan(digits):
            return f"[card •••• {digits[-4:]}]"
        return match.group(0)

    return _CANDIDATE.sub(replace, text)


def contains_pan(text: str) -> bool:
    return bool(find_pans(text))


def mask_in(value: Any) -> Any:
    """Mask PANs in every string of a JSON-like structure."""
    if isinstance(value, str):
        return mask_pans(value)
    if isinstance(value, dict):
        return {k: mask_in(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_in(v) for v in value]
    return value
