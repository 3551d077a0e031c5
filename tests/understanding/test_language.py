"""Language identification on chat messages: the customer's language, and very short
messages keep the conversation's language (docs/conversation-behaviour.md)."""

from __future__ import annotations

import pytest

from klarsvar.understanding.language import SUPPORTED, detect

SENTENCES: dict[str, list[str]] = {
    "sv": [
        "Hej, när ska jag betala nästa delbetalning?",
        "Jag har inte fått mitt paket från Nordic Shoes",
        "Kan du frysa mitt kort, jag har tappat det",
    ],
    "de": [
        "Wann ist meine nächste Rate fällig?",
        "Ich habe mein Paket nie bekommen",
        "Bitte sperren Sie meine Karte, sie wurde gestohlen",
    ],
    "fr": [
        "Quand dois-je payer ma prochaine échéance ?",
        "Je n'ai jamais reçu mon colis",
        "Pouvez-vous bloquer ma carte, je l'ai perdue",
    ],
    "es": [
        "¿Cuándo tengo que pagar el próximo plazo?",
        "Nunca recibí mi paquete",
        "¿Puedes congelar mi tarjeta? La he perdido",
    ],
    "en": [
        "When is my next payment due?",
        "I never received my parcel",
        "Can you freeze my card, I lost it",
    ],
    "zh": [
        "我的下一笔付款是什么时候？",
        "我一直没有收到包裹",
        "请冻结我的卡，我把它弄丢了",
    ],
    "fi": [
        "Milloin seuraava maksuni erääntyy?",
        "En ole koskaan saanut pakettiani",
        "Voitko jäädyttää korttini, kadotin sen",
    ],
    "da": [
        "Hvornår skal jeg betale min næste rate?",
        "Jeg har aldrig modtaget min pakke",
        "Kan du spærre mit kort, jeg har mistet det",
    ],
}
CASES = [(lang, text) for lang, texts in SENTENCES.items() for text in texts]


@pytest.mark.parametrize(("lang", "text"), CASES)
def test_a_sentence_is_read_in_its_language(lang: str, text: str) -> None:
    detected, confidence = detect(text)
    assert detected == lang
    assert 0.0 <= confidence <= 1.0


@pytest.mark.parametrize(("lang", "text"), CASES)
@pytest.mark.parametrize("previous", ["en", "sv", "de", "da", "nb", "fi"])
def test_a_full_sentence_overrides_the_conversation_language(lang: str, text: str, previous: str) -> None:
    # Replies follow the language the customer writes in, not the earlier one.
    assert detect(text, previous)[0] == lang


@pytest.mark.parametrize("short", ["ok", "OK", "ok.", "Ok!", "ja", "Ja", "Ja."])
@pytest.mark.parametrize("previous", ["sv", "de", "da", "fr", "zh", "fi", "pl"])
def test_very_short_messages_keep_the_previous_language(short: str, previous: str) -> None:
    assert detect(short, previous)[0] == previous


@pytest.mark.parametrize("order", ["O-1001", "o-1001", "O-1001?", "K-2001", "O-1001, O-1002"])
@pytest.mark.parametrize("previous", ["sv", "de", "es", "zh", "da"])
def test_an_order_or_card_id_alone_keeps_the_previous_language(order: str, previous: str) -> None:
    assert detect(order, previous)[0] == previous


def test_without_a_previous_language_a_short_message_falls_back_to_english() -> None:
    assert detect("ok")[0] == "en"
    assert detect("O-1001")[0] == "en"
    assert detect("   ")[0] == "en"


def test_an_id_inside_a_sentence_does_not_hide_the_sentence_language() -> None:
    assert detect("Wann ist die nächste Rate für O-2001 fällig?", "en")[0] == "de"
    assert detect("Kan du frysa kortet K-2001 direkt?", "en")[0] == "sv"


def test_detected_languages_are_supported_ones() -> None:
    for lang, text in CASES:
        assert detect(text)[0] in SUPPORTED, (lang, text)


@pytest.mark.parametrize(
    ("text", "previous"),
    [("Kan jeg få boliglån hos dere?", "nb"), ("Koodi on 123456", "fi"), ("Так, будь ласка", "uk"),
     ("Áno, prosím", "sk"), ("Da, molim", "hr"), ("Jā, lūdzu", "lv")],
)
def test_a_few_words_do_not_move_the_conversation_to_a_neighbouring_language(text: str, previous: str) -> None:
    # py3langid confuses neighbours (nb/da, fi/et, uk/ru…) on a few words: the conversation keeps its language.
    assert detect(text, previous)[0] == previous


def test_a_clear_sentence_still_moves_to_the_neighbour() -> None:
    assert detect("Kan du spærre mit kort, jeg har mistet det", "nb")[0] == "da"
    assert detect("Jag har inte fått mitt paket från Nordic Shoes", "nb")[0] == "sv"
    assert detect("Я хочу поговорить с оператором, пожалуйста", "uk")[0] == "ru"
