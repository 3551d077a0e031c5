"""The message catalogues: every language has every message the product shows (the assistant's
replies and the chat widget's own labels), with the same placeholders as English."""

from __future__ import annotations

import re

import pytest

from klarsvar.i18n.catalog import LOCALES_DIR, _catalogue, available_languages, messages, supported_language
from klarsvar.understanding import lexicon
from klarsvar.understanding.language import SUPPORTED

_PLACEHOLDER = re.compile(r"\{\w+\}")
WIDGET_KEYS = {key for key in _catalogue("en") if key.startswith("widget.")}


def test_every_supported_language_has_a_catalogue() -> None:
    assert set(available_languages()) == set(SUPPORTED)


def test_the_template_lists_the_widget_labels() -> None:
    pot = (LOCALES_DIR / "klarsvar.pot").read_text(encoding="utf-8")
    assert len(WIDGET_KEYS) >= 30
    assert all(f'msgid "{key}"' in pot for key in WIDGET_KEYS)


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_widget_label_is_translated_with_its_placeholders(lang: str) -> None:
    own = _catalogue(lang)
    missing = WIDGET_KEYS - set(own)
    assert not missing, missing
    english = _catalogue("en")
    for key in WIDGET_KEYS:
        assert set(_PLACEHOLDER.findall(own[key])) == set(_PLACEHOLDER.findall(english[key])), (lang, key)


@pytest.mark.parametrize("lang", [lang for lang in SUPPORTED if lang != "en"])
def test_the_widget_speaks_the_language_not_english(lang: str) -> None:
    # Short labels may be the same word ("AI", "Chat"); the sentences are not.
    labels, english = messages("widget.", lang), messages("widget.", "en")
    same = [key for key in ("intro", "placeholder", "talk_to_person", "person_request", "survey_title", "send_failed")
            if labels[key] == english[key]]
    assert not same, same


@pytest.mark.parametrize("lang", SUPPORTED)
def test_the_talk_to_a_person_button_is_understood_as_a_request_for_a_person(lang: str) -> None:
    # The button sends this text in the widget's language; the lexicon alone must hand over on it.
    assert lexicon.wants_person(messages("widget.", lang)["person_request"]), lang


@pytest.mark.parametrize(("raw", "lang"), [("ar", "ar"), ("pt-BR", "pt"), ("nn-NO", "nb"), ("no", "nb"), ("zh_CN", "zh"),
                                           ("EN-gb", "en"), ("xx", "en"), ("", "en"), (None, "en")])
def test_a_browser_language_tag_becomes_a_supported_language(raw: str | None, lang: str) -> None:
    assert supported_language(raw) == lang
