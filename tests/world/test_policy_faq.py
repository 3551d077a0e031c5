"""The help centre's policy FAQ (`policy-faq.md`) says the same thing, with the same figures, in all 35 languages.

English is the reference: every language version has the same `##` sections in the same order,
and section i of every version carries the same numbers as English section i, however the
language writes them ("7 €" / "€7", "19,99 %" / "19.99 %", "1 000" / "1,000").
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

HELPCENTRE = Path(__file__).resolve().parents[2] / "src" / "klarsvar" / "world" / "helpcentre"
FAQ = "policy-faq.md"
LANGUAGES = set(
    [
        "en",
        "sv",
        "da",
        "nb",
        "fi",
        "de",
        "nl",
        "fr",
        "es",
        "it",
        "pt",
        "pl",
        "cs",
        "sk",
        "hu",
        "ro",
        "bg",
        "el",
        "hr",
        "sl",
        "et",
        "lv",
        "lt",
        "ga",
        "tr",
        "ru",
        "uk",
        "ar",
        "he",
        "zh",
        "ja",
        "ko",
        "hi",
        "vi",
        "id",
    ]
)
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
# A number: digits, optionally grouped in threes (by space, no-break space, thin space, "." or ","),
# optionally with a decimal part ("," or ".").
NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f\u2009.,']\d{3}(?!\d))*(?:[.,]\d+)?")


def _ascii_digits(text: str) -> str:
    """Any script's decimal digits (Arabic-Indic, Devanagari, full-width, …) as ASCII digits."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def numbers(text: str) -> set[str]:
    """The numbers in `text`, normalised: "7,00", "7.00" and "7" are "7"; "19,99" is "19.99"; "1 000" is "1000"."""
    found = set()
    for match in NUMBER.finditer(_ascii_digits(text)):
        raw = match.group(0)
        groups = re.split(r"[ \u00a0\u202f\u2009.,']", raw)
        if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and not re.search(r"[.,]\d{1,2}$", raw):
            # "1,000" / "1.000" / "1 000": thousands separators, no decimal part.
            # (Ambiguous "1.500" is read as 1500; the FAQ has no such figures.)
            value = "".join(groups)
        else:
            whole, _, frac = re.sub(r"[ \u00a0\u202f\u2009']", "", raw).replace(",", ".").rpartition(".")
            if not whole:
                whole, frac = frac, ""
            value = whole.replace(".", "")
            frac = frac.rstrip("0")
            if frac:
                value = f"{value}.{frac}"
        found.add(value.lstrip("0") or "0")
    return found


def parse(path: Path) -> tuple[dict[str, object], list[str]]:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    assert match, f"{path} has no YAML front matter"
    meta = yaml.safe_load(match.group(1))
    body = text[match.end() :]
    sections = re.split(r"^## ", body, flags=re.M)[1:]
    return meta, sections


FILES = sorted(HELPCENTRE.glob(f"*/{FAQ}"))
ENGLISH = HELPCENTRE / "en" / FAQ


def test_numbers_are_normalised() -> None:
    assert numbers("7,00 € or €7.00 or 7 €") == {"7"}
    assert numbers("19,99 % / 19.99 %") == {"19.99"}
    assert numbers("6–36 months, 1 000 or 1,000 or 1.000 or 1\u00a0000") == {"6", "36", "1000"}
    assert numbers("٣٠ يومًا / ३० दिन / ３０日") == {"30"}


def test_english_faq_exists_and_has_figures() -> None:
    meta, sections = parse(ENGLISH)
    assert meta["id"] == "policy-faq"
    assert len(sections) >= 20
    figures = set().union(*(numbers(s) for s in sections))
    # Every figure of the demo world's policy facts and payment products.
    assert {"4", "5", "6", "7", "10", "14", "19.99", "21", "30", "36", "180", "2"} <= figures


@pytest.mark.parametrize("path", FILES, ids=[p.parent.name for p in FILES])
def test_front_matter(path: Path) -> None:
    meta, _ = parse(path)
    assert set(meta) == {"id", "title", "lang", "audience"}
    assert meta["id"] == "policy-faq"
    assert meta["lang"] == path.parent.name
    assert meta["audience"] == "customer"
    assert str(meta["title"]).strip()
    assert f"\n# {meta['title']}\n" in path.read_text(encoding="utf-8"), "the # heading repeats the title"


@pytest.mark.parametrize("path", FILES, ids=[p.parent.name for p in FILES])
def test_same_sections_and_figures_as_english(path: Path) -> None:
    _, english = parse(ENGLISH)
    _, sections = parse(path)
    assert len(sections) == len(english)
    for i, (theirs, ours) in enumerate(zip(sections, english, strict=True), start=1):
        heading = theirs.partition("\n")[0]
        assert numbers(theirs) == numbers(ours), f"section {i} ({heading!r}): {ours.partition(chr(10))[0]!r}"
        assert theirs.partition("\n")[2].strip(), f"section {i} ({heading!r}) has no answer"


def test_faq_exists_in_all_35_languages() -> None:
    assert {p.parent.name for p in FILES} == LANGUAGES
