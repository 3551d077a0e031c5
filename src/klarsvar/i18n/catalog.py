"""Render message keys in a language, with money and dates in its locale."""

from __future__ import annotations

import string
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency

from klarsvar.core.money import Money

LOCALES_DIR = Path(__file__).parent / "locales"

# Language -> the locale whose number and date conventions a customer expects.
LOCALE_FOR = {
    "en": "en_IE", "sv": "sv_SE", "da": "da_DK", "nb": "nb_NO", "fi": "fi_FI", "de": "de_DE", "nl": "nl_NL",
    "fr": "fr_FR", "es": "es_ES", "it": "it_IT", "pt": "pt_PT", "pl": "pl_PL", "cs": "cs_CZ", "sk": "sk_SK",
    "hu": "hu_HU", "ro": "ro_RO", "bg": "bg_BG", "el": "el_GR", "hr": "hr_HR", "sl": "sl_SI", "et": "et_EE",
    "lv": "lv_LV", "lt": "lt_LT", "ga": "ga_IE", "tr": "tr_TR", "ru": "ru_RU", "uk": "uk_UA", "ar": "ar_SA",
    "he": "he_IL", "zh": "zh_Hans_CN", "ja": "ja_JP", "ko": "ko_KR", "hi": "hi_IN", "vi": "vi_VN", "id": "id_ID",
}
RTL = {"ar", "he"}


def locale_for(language: str) -> str:
    return LOCALE_FOR.get(language, "en_IE")


def format_money(money: Money, language: str) -> str:
    return str(format_currency(money.decimal, money.currency, locale=locale_for(language)))


def format_day(day: date, language: str) -> str:
    """`27 Nov 2026` (en), `27.11.2026` (de), `27 nov. 2026` (sv) …"""
    loc = locale_for(language)
    if language == "en":
        return f"{day.day} {format_date(day, 'MMM yyyy', locale=loc)}"
    return str(format_date(day, format="medium", locale=loc))


class _Formatter(string.Formatter):
    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Money):
            return format_money(value, self.language)
        if isinstance(value, date):
            return format_day(value, self.language)
        return str(super().format_field(value, format_spec))


@lru_cache(maxsize=64)
def _catalogue(language: str) -> dict[str, str]:
    path = LOCALES_DIR / f"{language}.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=None)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def available_languages() -> list[str]:
    return sorted(p.stem for p in LOCALES_DIR.glob("*.po"))


def has_language(language: str) -> bool:
    return bool(_catalogue(language))


def supported_language(raw: str | None) -> str:
    """A language tag as a browser sends it ("ar", "pt-BR", "nn-NO") as one of ours, or English."""
    code = (raw or "").strip().lower().replace("_", "-").split("-")[0]
    code = {"no": "nb", "nn": "nb"}.get(code, code)
    return code if has_language(code) else "en"


def messages(prefix: str, language: str) -> dict[str, str]:
    """Every message whose key starts with `prefix` (keys without it) in `language`, in English where
    the language has none: the labels a client shows (the chat widget's are `widget.*`)."""
    own = _catalogue(language)
    return {key[len(prefix):]: own.get(key) or text for key, text in _catalogue("en").items() if key.startswith(prefix)}


def template(key: str, language: str) -> tuple[str, str]:
    """The text of `key` in `language`, falling back to English; and the language used."""
    text = _catalogue(language).get(key)
    if text:
        return text, language
    english = _catalogue("en").get(key)
    if english is None:
        raise KeyError(f"no message {key!r}")
    return english, "en"


def render(key: str, language: str, **params: Any) -> str:
    text, used = template(key, language)
    return _Formatter(used).format(text, **params)


def valid_locale(language: str) -> bool:
    try:
        Locale.parse(locale_for(language))
    except (UnknownLocaleError, ValueError):
        return False
    return True
