"""Text helpers: tokens for BM25, sentences, numbers, Markdown clean-up, language."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

PLACEHOLDER = "[value not available]"

# Function words and question words of the help-centre languages. They carry no
# topic: dropping them keeps BM25 and the coverage score on the words that matter.
_STOPWORDS_TEXT = """
a an the and or but if then else of to in on at by for with from into onto about as is are was were be been being
am do does did done doing have has had having i me my mine you your yours we our us they them their it its this that
these those there here what which who whom whose when where why how can could may might must shall should will would
not no yes so than too very just also only any some all each every both either neither other such own same more most
much many few lot get got getting one ones per via up out over under again once off s t don isn aren doesn didn
please tell know want need like let
der die das den dem des ein eine einen einem einer eines und oder aber wenn dann sonst von zu im in an am auf bei
für mit aus nach über um ist sind war waren sein bin bist hat haben hatte ich mich mir mein meine meinen meiner du
dich dir dein deine sie ihr ihre ihren ihm ihn er es wir uns unser unsere was welche welcher welches wer wen wem wann
wo warum wie kann können könnte muss müssen soll sollte wird werden würde nicht kein keine keinen ja so auch nur noch
schon mal man sich doch denn dass wieviel viele viel lange bitte gibt gilt
och eller men om så av till i på vid för med från är var vara har hade jag mig min mitt mina du dig din ditt dina
ni er ert era vi oss vår vårt våra de dem deras den det denna detta dessa vad vilken vilket vilka vem när var varför
hur kan kunna måste ska skulle vill inte ingen inget inga ja nej också bara redan man sig att länge mycket många
le la les un une des et ou mais si alors de du au aux en dans sur par pour avec sans est sont était être ai as avons
avez ont je me moi mon ma mes tu te toi ton ta tes il elle nous vous ils elles leur leurs son sa ses ce cet cette ces
que qui quoi quel quelle quels quelles quand où pourquoi comment combien peut peux pouvez puis dois doit faut ne pas
plus non oui aussi très y se sʼ lʼ dʼ qu est-ce
el los las uno una unos unas y o pero si entonces del al en sobre por para con sin es son era ser estar está están
he ha han hay yo mi mis tú te ti tu tus él ella nosotros vosotros ellos ellas su sus lo le les este esta estos estas
ese esa que quién cuál cuáles cuándo dónde cómo cuánto cuánta cuántos cuántas puedo puede pueden debo debe no sí
también muy se me qué tengo tiene tienen
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# A run of letters and digits, but a CJK character is a word of its own ("Elite卡" → "elite", "卡").
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
STEM_LENGTH = 6


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def stem(token: str) -> str:
    """A crude but language-neutral stem: the first six characters."""
    return token if token.isdigit() else token[:STEM_LENGTH]


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def without_words(text: str, drop: frozenset[str] | set[str]) -> str:
    """`text` without the words whose token is in `drop` (to ask a question without a product's name)."""
    text = unicodedata.normalize("NFKC", text)
    out = _WORD.sub(lambda m: " " if stem(m.group(0).lower()) in drop else m.group(0), text)
    return re.sub(r"\s+", " ", out).strip()


def tokens(text: str) -> list[str]:
    """Content tokens for BM25 and coverage: lower-cased, no function words, stemmed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def numbers(text: str) -> list[str]:
    """The numbers in `text`, normalised (`1,000` → `1000`; `19.99` stays)."""
    out = []
    for match in _NUMBER.findall(text):
        value = match.rstrip(".,")
        if "," in value and "." in value:  # 1,250.50 / 1.250,50: the last separator is the decimal one
            decimal = max(value.rfind(","), value.rfind("."))
            value = re.sub(r"[.,]", "", value[:decimal]) + "." + value[decimal + 1 :]
        elif re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", value):  # thousands: 1,000 / 1.000 / 10,000,000
            value = re.sub(r"[.,]", "", value)
        out.append(value.replace(",", "."))
    return out


def unsupported_numbers(answer: str, evidence: str) -> list[str]:
    """Numbers in `answer` that `evidence` does not contain."""
    known = set(numbers(evidence))
    return [n for n in numbers(answer) if n not in known]


_MD_INLINE = [
    (re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    (re.compile(r"__(.+?)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
]


def clean_inline(text: str) -> str:
    """Markdown emphasis, code and links → plain text; whitespace collapsed."""
    for pattern, repl in _MD_INLINE:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text).strip()


_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "z.b",
        "bzw",
        "ca",
        "nr",
        "inkl",
        "ggf",
        "usw",
        "d.h",
        "s.a",
        "bspw",
        "p.ex",
        "ej",
        "dr",
        "mr",
        "mrs",
        "ms",
        "st",
        "no",
        "approx",
        "incl",
        "min",
        "max",
    ]
)
# A sentence ends at . ! ? (and the Arabic and Devanagari marks) before a space and a
# capital, a digit or a letter of a script without case (Arabic, Hebrew, Devanagari…); at the
# Chinese/Japanese full stops with or without a space.
_SENTENCE_END = re.compile(r"(?<=[.!?؟।])\s+(?=[\"'„«(¿¡]?(\w|[€$£]))|(?<=[。！？])\s*(?=\S)")
_OPENERS = "\"'„«(¿¡"
_LATIN_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜÅÉÈÀÁÓÚÑ")


def _starts_sentence(text: str) -> bool:
    ch = text.lstrip(_OPENERS)[:1]
    if not ch:
        return False
    return ch.isdigit() or ch in "€$£" or ch in _LATIN_CAPITALS


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (abbreviations and decimals are not ends)."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()]
        if text[match.start() - 1 : match.start()] in "。！？" and match.start() > 0:
            if len(candidate.strip()) < 2:
                continue
        else:
            last = candidate.rsplit(" ", 1)[-1].rstrip(".").lower()
            if (
                not _starts_sentence(text[match.end() :])
                or last in _ABBREVIATIONS
                or re.fullmatch(r"[a-z]", last)
                or len(candidate.split()) < 2
            ):
                continue
        parts.append(candidate.strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of `text` (py3langid, offline); `default` when there is too little text."""
    if len(words(text)) < 3:
        return default
    lang, _prob = _identifier().classify(text[:5000])
    return str(lang)


def word_count(text: str) -> int:
    return len(text.split())


_QUANTITY = re.compile(
    r"\b(how (many|much|long|soon|often|quickly|fast|big|large|high)|what (is|are) the (\w+ ){0,4}"
    r"(fee|fees|rate|apr|apy|limit|cap|cost|price|amount|minimum|maximum|threshold|bonus|discount)|which \w* ?rate|"
    r"within how|what (does|do) (\w+ ){1,5}cost|wie (viel|viele|lange|hoch|oft|schnell|bald)|wann|um wie|"
    r"hur (många|mycket|länge|lång|ofta|snabbt|hög|högt|stor)|när|med hur|"
    r"combien|quel(le)?s? (est|sont) (le|la|les) (\w+ ){0,2}(frais|taux|plafond|montant|délai|taeg|limite|prix)|dans quel délai|"
    r"cu[aá]nt[oa]s?|cu[aá]l es (el|la) (\w+ ){0,2}(comisi[oó]n|tasa|l[ií]mite|apy|tae|recargo|precio|importe)|en cu[aá]nto|"
    # da, nl, fi, it, pt, pl
    r"hvor (mange|meget|længe|lang|ofte|hurtigt|høj|stor)|hvornår|med hvor|"
    r"hoe(veel| lang| vaak| snel| hoog| groot)|wanneer|binnen hoeveel|"
    r"kuinka (monta|monella|moneen|paljon|kauan|pitkään|usein|nopeasti|suuri|korkea)|montako|paljonko|milloin|"
    r"mik[äa] on (\w+ ){0,3}(maksu|korko|vuosikorko|raja|hinta|summa)\w*|"
    r"quant[oaie]|ogni quanto|entro quando|qual è (il|la|l') ?(\w+ ){0,2}(commissione|tasso|limite|costo|importo|taeg|tan)|"
    r"quant[oa]s?|com que frequência|em quanto|qual (é|e) (o|a) (\w+ ){0,2}(taxa|limite|tarifa|custo|juros|comissão|valor)|"
    r"ile|jak (długo|często|szybko|wysok\w*|duż\w*)|kiedy|jak\w* jest (\w+ ){0,2}(opłata|oprocentowanie|limit|prowizja|kwota))\b"
    # zh (no word boundaries)
    r"|多少|多久|多长|几天|几个|几次|什么时候|多快|多高|费用是|利率",
    re.IGNORECASE,
)


def asks_for_quantity(question: str) -> bool:
    """Does the question ask for a number (an amount, a duration, a count, a rate)?"""
    return bool(_QUANTITY.search(question))


_MEASURE = re.compile(
    r"([€$£]\s?\d)|(\d\s?(%|€|\$|£))|(\d+(?:[.,]\d+)?[\s\u00a0–-]*(?:\d+\s*)?"
    r"(business |working )?(days?|weeks?|months?|years?|hours?|minutes?|seconds?|points?|"
    r"werktage?n?|tage?n?|wochen?|monate?n?|jahre?n?|stunden?|minuten?|sekunden?|"
    r"bankdagar|arbetsdagar|dagar|dag|veckor|månader|år|timmar|minuter|sekunder|"
    r"jours?|semaines?|mois|ans|années?|heures?|secondes?|"
    r"días|dias|semanas|meses|años|horas|minutos|segundos)\b)",
    re.IGNORECASE,
)


def states_quantity(text: str) -> bool:
    """Does the text state an amount, a rate or a duration (not just a name such as "Pay in 4")?"""
    return bool(_MEASURE.search(text))


# What kind of number a question asks for, and what kinds a passage states. Question words
# of the help centre's languages and of the other languages customers write in.
_ASKS: dict[str, re.Pattern[str]] = {
    "money": re.compile(
        r"\b(fees?|costs?|price|charged?|charges|how much (is|does|do|are|will)|amount|bonus|credits?|deposit|"
        r"gebühr\w*|kost\w*|preis|betrag|avgift\w*|kostar|pris|belopp|frais|coût\w*|prix|montant|"
        r"comisi[oó]n|cuesta|cuestan|precio|importe|recargo|tarifa|commission\w*|costa|costo|prezzo|quota|"
        r"gebyr\w*|koster|pris|beløb|maksu\w*|hinta|summa|opłat\w*|koszt\w*|cena|kwot\w*|taxa|custo|valor|"
        r"kosten|tarief|bedrag|deponer\w*|einzahl\w*|depositar)\b|费|价|钱|金",
        re.IGNORECASE,
    ),
    "percent": re.compile(
        r"\b(rate|apr|apy|interest|percent\w*|cash ?back|discount|share|zins\w*|jahreszins|ränta|taux|taeg|"
        r"tasa|tae|inter[eé]s|tasso|interess\w*|rente|korko\w*|vuosikorko|oprocentowani\w*|juros|"
        r"rabatt|remise|descuento|sconto|korting|alennus|zniżk\w*|desconto)\b|利率|利息|%",
        re.IGNORECASE,
    ),
    "duration": re.compile(
        r"\b(how (long|soon|quickly|fast)|when|within how|how many (days|weeks|months|years|hours|minutes)|"
        r"wie (lange|schnell|bald)|wann|hur (länge|lång tid|snabbt)|när|combien de (temps|jours)|"
        r"en combien de temps|dans quel délai|cu[aá]nto (tarda|tiempo)|cu[aá]ntos d[ií]as|en cu[aá]ntos|"
        r"quanto tempo|quanti giorni|entro quando|hvor (længe|lang tid|hurtigt)|hvornår|hoe (lang|snel)|wanneer|"
        r"kuinka (kauan|pitkään|nopeasti|monella päivällä)|milloin|jak (długo|szybko)|kiedy|ile dni|"
        r"quanto tempo|quantos dias|em quanto tempo|how often|wie oft|hur ofta|à quelle fréquence|"
        r"con qu[eé] frecuencia|cada cu[aá]nto|ogni quanto|con quale frequenza|hvor ofte|hoe vaak|kuinka usein|"
        r"jak często|com que frequência)\b|多久|多长时间|什么时候|几天|多频繁",
        re.IGNORECASE,
    ),
    "count": re.compile(
        r"\b(how many|wie viele|hur många|combien de|cu[aá]nt[oa]s|quant[ie]|hvor mange|hoeveel|"
        r"kuinka (monta|moneen)|montako|ile|quant[oa]s)\b|几个|几次|多少个|多少张",
        re.IGNORECASE,
    ),
}
_STATES: dict[str, re.Pattern[str]] = {
    "money": re.compile(r"[€$£]\s?\d|\d\s?(€|\$|£|euros?|dollars?|kr|sek)\b", re.IGNORECASE),
    "percent": re.compile(r"\d\s?(%|percent|prozent|procent|pour ?cent|por ?ciento)", re.IGNORECASE),
    "duration": re.compile(
        r"\d+(?:[.,]\d+)?[\s\u00a0–-]*(?:\d+\s*)?(business |working |calendar )?(days?|weeks?|months?|years?|hours?|"
        r"minutes?|seconds?|werktage?n?|tage?n?|wochen?|monate?n?|jahre?n?|stunden?|minuten?|bankdagar|"
        r"arbetsdagar|dagar|dag|veckor|månader|år|timmar|minuter|jours?|semaines?|mois|ans|années?|heures?|"
        r"días|dias|semanas|meses|años|horas|minutos)\b",
        re.IGNORECASE,
    ),
}
_COUNTED = re.compile(r"(?<![\d.,$€£])\b\d+\b(?![.,]\d)(?!\s?(%|€|\$|£))")


def asked_kinds(question: str) -> frozenset[str]:
    """The kinds of number a question asks for: money, percent, duration, count (possibly none)."""
    return frozenset(kind for kind, pattern in _ASKS.items() if pattern.search(question))


def stated_kinds(text: str) -> frozenset[str]:
    """The kinds of number a passage states; `count` is a plain number that is neither of the others."""
    kinds = {kind for kind, pattern in _STATES.items() if pattern.search(text)}
    if _COUNTED.search(_STATES["duration"].sub(" ", text)):
        kinds.add("count")
    return frozenset(kinds)


_YES_NO = re.compile(
    r"^\s*(can|could|will|would|is|are|am|do|does|did|may|might|should|shall|has|have|was|were|"
    r"kann|kannst|können|könnte|ist|sind|gibt|gilt|darf|dürfen|muss|müssen|wird|werden|hat|haben|"
    r"kan|får|är|finns|måste|ska|skall|har|blir|"
    r"puis|peut|peux|pouvez|est-ce|est|sont|dois|doit|faut-il|y a-t-il|"
    r"puedo|puede|pueden|es|son|hay|tengo|tiene|debo|"
    r"posso|pu[oò]|è|sono|devo|c'è|"
    r"kan|må|skal|er|bliver|findes|"
    r"kan|mag|moet|is|zijn|wordt|heb|heeft|"
    r"voinko|voiko|onko|saako|pitääkö|"
    r"czy|"
    r"posso|pode|podem|é|são|há|tenho|tem|devo)\b",
    re.IGNORECASE,
)


def yes_no_question(question: str) -> bool:
    """Does the question ask yes or no ("Can the assistant waive my late fee?"), not for a value?"""
    return bool(_YES_NO.match(question)) or question.rstrip().endswith("吗？") or question.rstrip().endswith("吗?")
