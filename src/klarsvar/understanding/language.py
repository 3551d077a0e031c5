"""Language identification (py3langid) tuned for short chat messages."""

from __future__ import annotations

import re
from functools import lru_cache

import py3langid.langid as langid

# The 35 languages klarsvar speaks (ISO 639-1).
SUPPORTED: tuple[str, ...] = (
    "en", "sv", "da", "nb", "fi", "de", "nl", "fr", "es", "it", "pt", "pl", "cs", "sk", "hu", "ro",
    "bg", "el", "hr", "sl", "et", "lv", "lt", "ga", "tr", "ru", "uk", "ar", "he", "zh", "ja", "ko",
    "hi", "vi", "id",
)
_LANGID_CODE = {"nb": "no"}
_FROM_LANGID = {"no": "nb", "nn": "nb"}

# Short words that settle the language on their own when nothing else does.
_SHORT_WORDS: dict[str, str] = {
    "yes": "en", "no": "en", "ok": "", "okay": "", "thanks": "en", "thank you": "en", "please": "en",
    "ja": "", "nej": "", "tack": "sv", "ja tack": "sv", "nein": "de", "danke": "de", "bitte": "de",
    "oui": "fr", "non": "fr", "merci": "fr", "sí": "es", "si": "", "gracias": "es", "vale": "es",
    "grazie": "it", "nee": "nl", "dank je": "nl", "bedankt": "nl", "tak": "", "nie": "pl", "dziękuję": "pl",
    "kyllä": "fi", "ei": "fi", "kiitos": "fi", "nei": "nb", "takk": "nb", "sim": "pt", "não": "pt",
    "obrigado": "pt", "obrigada": "pt", "是": "zh", "是的": "zh", "好": "zh", "好的": "zh", "谢谢": "zh",
    "不": "zh", "不是": "zh", "はい": "ja", "いいえ": "ja", "네": "ko", "아니요": "ko", "да": "ru", "нет": "ru",
    "evet": "tr", "hayır": "tr", "ano": "cs", "áno": "sk", "igen": "hu", "nem": "hu", "da.": "ro",
    "ναι": "el", "όχι": "el", "jah": "et", "jā": "lv", "taip": "lt", "tá": "ga", "כן": "he", "نعم": "ar",
    "हाँ": "hi", "có": "vi", "ya": "id", "так": "uk", "ні": "uk",
}
_SCRIPT_LANG = [
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
]
# Neighbours py3langid confuses on a few words ("Koodi on 123456" reads as Estonian, "Так, будь ласка"
# as Russian, "Kan jeg få boliglån hos dere?" as Danish): a conversation moves from one to its neighbour
# only when the message is clearly more the other (by NEIGHBOUR_MARGIN, or SHORT_NEIGHBOUR_MARGIN for
# up to three words). Customers switch between English and their language; rarely between neighbours.
_NEIGHBOURS = ({"da", "nb", "sv"}, {"cs", "sk"}, {"hr", "sl"}, {"ru", "uk", "bg"}, {"fi", "et"}, {"lv", "lt"},
               {"es", "pt"})
NEIGHBOUR_MARGIN = 1.5
SHORT_NEIGHBOUR_MARGIN = 10.0
_NOISE = re.compile(r"\[card •+ \d{4}\]|[OoKk]-\d+|\S+@\S+|\+?\d[\d\s\-]{5,}\d|\d+([.,]\d+)?|[€$£%]")


@lru_cache(maxsize=1)
def _identifier() -> langid.LanguageIdentifier:
    ident = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    ident.set_languages([_LANGID_CODE.get(code, code) for code in SUPPORTED])
    return ident


def detect(text: str, previous: str | None = None) -> tuple[str, float]:
    """The language of a message, and a confidence in [0, 1].

    Very short or ambiguous messages keep the previous language; the conversation's
    language is a prior that a confident reading of the message overrides.
    """
    stripped = _NOISE.sub(" ", text).strip().lower().strip(".!?,;: ")
    fallback = previous or "en"
    if not stripped:
        return fallback, 0.0
    if stripped in _SHORT_WORDS:
        lang = _SHORT_WORDS[stripped]
        if not lang:  # ambiguous ("ok", "ja", "tak"): keep the conversation's language
            return fallback, 0.5
        if previous and previous != lang and len(stripped) <= 3:
            return previous, 0.5
        return lang, 0.9
    for pattern, lang in _SCRIPT_LANG:
        if pattern.search(stripped):
            if lang == "zh" and re.search(r"[\u3040-\u30ff]", stripped):
                return "ja", 0.95
            return lang, 0.95
    ranked = _identifier().rank(stripped)
    words = len(stripped.split())
    raw_top = ranked[0][1] if ranked else 0.0
    if previous and words <= 3 and raw_top < 0.6:
        return previous, raw_top  # gibberish or too little text: keep the conversation's language
    prior_weight = 3.0 if words <= 2 else 1.6 if words <= 5 else 1.0
    scored = []
    for code, prob in ranked[:8]:
        code = _FROM_LANGID.get(code, code)
        weight = prior_weight if previous and code == previous else 1.0
        scored.append((code, prob * weight))
    total = sum(s for _, s in scored) or 1.0
    best, best_score = max(scored, key=lambda x: x[1])
    if previous and best != previous and any(best in group and previous in group for group in _NEIGHBOURS):
        kept = next((s for code, s in scored if code == previous), 0.0)
        margin = SHORT_NEIGHBOUR_MARGIN if words <= 3 else NEIGHBOUR_MARGIN
        if best_score < margin * kept:
            best, best_score = previous, kept
    confidence = best_score / total
    if words <= 1 and len(stripped) < 6 and previous:
        return previous, confidence
    if confidence < 0.4 and previous:
        return previous, confidence
    return best, confidence
