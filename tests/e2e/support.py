"""What the browser tests share: a fast keyword understander (also loadable by `klarsvar serve`
through KLARSVAR_UNDERSTANDER=e2e.support:keyword_understander with tests/ on PYTHONPATH)."""

from __future__ import annotations

import re

from klarsvar.understanding import lexicon
from klarsvar.understanding.base import Signals
from klarsvar.understanding.testing import Scripted, ScriptedUnderstander

ARABIC = re.compile(r"[\u0600-\u06FF]")
HEBREW = re.compile(r"[\u0590-\u05FF]")


def _language(text: str) -> str:
    if ARABIC.search(text):
        return "ar"
    if HEBREW.search(text):
        return "he"
    return "en"


def _guess(text: str) -> Scripted:
    t = text.lower()
    lang = _language(text)
    if lexicon.wants_person(text) or any(w in t for w in ("human", "person", "agent", "شخص", "אדם", "נציג")):
        return Scripted("human_request", signals=Signals(wants_person=True), language=lang)
    if "payment" in t or "pay " in t:
        return Scripted("payment_schedule", language=lang)
    if "freeze" in t or "stolen" in t:
        return Scripted("freeze_card", language=lang)
    if "card" in t:
        return Scripted("card_status", language=lang)
    if t.strip() in ("yes", "ja"):
        return Scripted("affirm", language=lang)
    if t.strip() in ("thanks", "thank you", "bye"):
        return Scripted("thanks_goodbye", language=lang)
    return Scripted("general_question", 0.2, language=lang)


def keyword_understander() -> ScriptedUnderstander:
    return ScriptedUnderstander(fallback=_guess)
