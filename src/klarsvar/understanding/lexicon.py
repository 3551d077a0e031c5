"""Multilingual cue words. Rules here are signals the policy may trust a lot
(a request for a person always wins), so they are kept explicit and tested."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lowercase and strip accents (so 'människa' matches 'manniska')."""
    norm = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in norm if not unicodedata.combining(c))


def _words(*items: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(fold(i) for i in items) + r")(?!\w)")


def _substrings(*items: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(fold(i)) for i in items))


# A person, in 35 languages and several phrasings. Single words ("agent", "human")
# count on their own: typing them is how the help centre tells people to get one.
HUMAN_WORDS = _words(
    # en
    "agent", "human", "a human", "real person", "a person", "live person", "someone real", "representative",
    "human being", "customer service rep", r"talk to (?:a |an |some)?(?:one|body|person|human|agent|operator)",
    r"speak (?:to|with) (?:a |an |some)?(?:one|body|person|human|agent|operator|representative|manager)",
    "operator", "real human", "live agent", "live chat with a person", "not a bot", "no bots?",
    # sv
    "manniska", "en manniska", "handlaggare", "riktig person", "kundtjanst", "prata med nagon",
    # da / nb
    "menneske", "et menneske", "rigtig person", "ekte person", "medarbejder", "kundeservice", "saksbehandler",
    "tale med en", "snakke med en",
    # fi
    "ihminen", "ihmisen", "ihmiselle", "asiakaspalvelija", "oikea ihminen", "virkailija", "asiakaspalvelijan",
    # de
    "mensch", "menschen", "mitarbeiter", "mitarbeiterin", "berater", "beraterin", "echte person", "echten menschen",
    "sachbearbeiter", "kundendienst", "kundenservice",
    # nl
    "medewerker", "een mens", "echt persoon", "een persoon", "klantenservice",
    # fr
    "conseiller", "conseillere", "humain", "un humain", "une personne", "vraie personne", "operateur", "agent humain",
    "service client",
    # es / pt / it
    "persona", "una persona", "humano", "un humano", "asesor", "asesora", "operador", "operadora",
    "agente", "persona real", "pessoa", "uma pessoa", "atendente", "humano de verdade", "persona vera", "operatore",
    "un operatore", "umano", "consulente",
    # pl / cs / sk
    "konsultant", "konsultanta", "czlowiek", "czlowiekiem", "pracownik", "pracownikiem", "operator",
    "clovek", "clovekem", "operatora", "operatorom", "pracovnik", "pracovnikom", "zivy clovek",
    # hu / ro / bg / el / hr / sl
    "ugyintezo", "ugyintezovel", "emberrel", "egy emberrel", "operator uman", "un om real", "cu un om",
    "оператор", "човек", "служител", "άνθρωπο", "ανθρωπο", "εκπρόσωπο", "εκπροσωπο", "υπάλληλο", "υπαλληλο",
    "covjek", "covjekom", "djelatnik", "djelatnikom", "clovekom", "cloveka", "operaterjem",
    # et / lv / lt / ga
    "inimene", "inimesega", "klienditeenindaja", "cilveks", "cilveku", "operatoru", "zmogus", "zmogumi",
    "konsultantu", "operatoriumi", "duine", "duine daonna", "gníomhaire", "gniomhaire",
    # tr / ru / uk
    "insan", "insanla", "temsilci", "temsilciyle", "canli destek", "musteri temsilcisi",
    "человек", "человеком", "оператор", "оператором", "живой человек", "сотрудник", "консультант",
    "людина", "людиною", "оператором", "працівник", "консультантом",
    # ar / he / hi / vi / id
    "موظف", "شخص", "إنسان", "انسان", "ممثل", "خدمة العملاء", "נציג", "אדם", "בן אדם", "נציגה",
    "इंसान", "व्यक्ति", "एजेंट", "प्रतिनिधि", "nguoi that", "nhan vien", "tu van vien",
    "manusia", "orang sungguhan", "petugas", "agen",
)
HUMAN_SUBSTRINGS = _substrings(
    "人工", "真人", "客服", "转人工", "人工客服", "オペレーター", "担当者", "人間", "상담원", "사람", "직원",
)
# Phrases where a 'person' word does NOT ask for one ("not a person I know").
HUMAN_NEGATIVE = _words("personal data", "personuppgifter", "persondata", "personnummer", "personlig")

YES_WORDS = _words(
    "yes", "yeah", "yep", "yup", "sure", "ok", "okay", "go ahead", "do it", "please do", "correct", "confirm",
    "ja", "jo", "japp", "gor det", "ja tack", "kor", "absolut", "javisst", "ja bitte", "gerne", "mach das",
    "jawohl", "genau", "bitte", "oui", "d'accord", "allez-y", "vas-y", "si", "claro", "vale", "de acuerdo",
    "adelante", "hazlo", "certo", "va bene", "procedi", "sì", "sim", "pode", "claro que sim", "tak", "jasne",
    "prosze", "zgoda", "kylla", "joo", "selva", "tee se", "ja tak", "gor det", "gjor det", "ja takk", "prima",
    "doe maar", "graag", "akkoord", "да", "давай", "так", "evet", "ano", "igen", "ναι", "jah", "jā", "taip",
    "tá", "kyllä",
)
YES_SUBSTRINGS = _substrings("是的", "好的", "可以", "确认", "行", "好", "はい", "네", "예", "نعم", "כן", "हाँ", "đồng ý")
NO_WORDS = _words(
    "no", "nope", "nah", "don't", "do not", "nej", "nein", "non", "nee", "nie", "ei", "nei", "não", "nao",
    "нет", "ні", "hayır", "ne", "nem", "όχι", "ochi", "lai", "не", "inte",
)
NO_SUBSTRINGS = _substrings("不要", "不用", "不是", "いいえ", "아니요", "아니", "لا", "לא", "नहीं")
CANCEL_WORDS = _words(
    "never ?mind", "nevermind", "cancel", "forget it", "stop", "skip it", "strunt i det", "glom det", "avbryt",
    "vergiss es", "egal", "abbrechen", "laisse tomber", "annule", "oublie", "olvidalo", "déjalo", "dejalo",
    "cancela", "lascia perdere", "annulla", "laat maar", "annuleer", "nevermind", "niewazne", "anuluj",
    "unohda", "peru", "glem det", "annuller", "esqueça", "esqueca", "deixa", "算了", "取消", "不用了",
)
FRUSTRATION_WORDS = _words(
    "useless", "ridiculous", "terrible", "awful", "scam", "angry", "furious", "fed up", "wtf", "joke", "pathetic",
    "worst", "unacceptable", "disgusting", "hopeless", "incompetent", "stupid", "annoyed", "frustrated", "fuming",
    "sick of", "what the hell", "rubbish", "upset", "outrageous", "livid", "disgrace", "appalling", "unbelievable",
    "so angry", "really angry", "joke of a",
    "vardelos", "oacceptabelt", "skandal", "arg", "trott pa", "bedrovligt", "herregud",
    "nutzlos", "lacherlich", "unverschamt", "katastrophe", "sauer", "wutend", "frechheit", "unmoglich", "schon wieder",
    "ne servez a rien", "sert a rien", "m'enerve", "m enerve", "n'importe quoi", "enerve", "enervee", "furieux",
    "furieuse", "naurettava", "naurettavaa", "turhautunut", "turhauttavaa", "ei toimi", "todella vihainen",
    "ridicule", "inadmissible", "inacceptable", "nul", "honteux", "en colere", "marre", "scandaleux", "arnaque",
    "inutil", "vergonzoso", "harto", "harta", "estafa", "indignante", "fatal", "ridiculo", "inaceptable",
    "inutile", "vergognoso", "assurdo", "arrabbiato", "arrabbiata", "schifo", "belachelijk", "waardeloos",
    "schandalig", "boos", "oplichting", "beznadziejny", "skandaliczne", "wkurzony", "zenujace", "kamala",
    "raivostuttaa", "hyodyton", "vihainen", "ubrugelig", "latterligt", "uakzeptabelt", "elendig", "surt",
    "absurdo", "inaceitavel", "ridiculo", "vergonha",
)
FRUSTRATION_SUBSTRINGS = _substrings("气死", "太差", "垃圾", "什么破", "受够", "生气", "离谱")
DISTRESS_WORDS = _words(
    "worried", "scared", "panic", "panicking", "stressed", "desperate", "anxious", "afraid", "help me", "please help",
    "orolig", "radd", "stressad", "desperat", "angst", "sorgen", "verzweifelt", "panik", "inquiet", "inquiete",
    "peur", "paniquer", "angoisse", "preocupado", "preocupada", "miedo", "asustado", "asustada", "desesperado",
    "preoccupato", "preoccupata", "paura", "bang", "ongerust", "martwie", "boje", "huolissani", "pelottaa",
    "bekymret", "bange", "redd", "preocupado", "medo",
)
DISTRESS_SUBSTRINGS = _substrings("担心", "害怕", "着急", "急死")
INJECTION = re.compile(
    r"ignore (?:all |your |the |previous |prior |above )*(?:instructions|rules|prompts?)|system\s*:|you are now|"
    r"developer mode|jailbreak|admin(?:istrator)? (?:mode|override)|override (?:the )?polic|act as|"
    r"ignoriere|ignorer|ignora|prompt injection|\bDAN\b|refund approved|approved by (?:a )?(?:manager|admin)",
    re.IGNORECASE,
)
DETAIL_WORDS = _words(
    "in detail", "details", "explain", "more detail", "tell me more", "utförligt", "utforligt", "genauer",
    "ausführlich", "ausfuhrlich", "en détail", "en detail", "detalle", "en detalle", "dettagli", "详细",
)


def matches(pattern: re.Pattern[str], folded: str) -> bool:
    return bool(pattern.search(folded))


def wants_person(text: str) -> bool:
    f = fold(text)
    if matches(HUMAN_NEGATIVE, f) and not re.search(r"agent|human|menniske|manniska|mensch", f):
        return False
    return matches(HUMAN_WORDS, f) or matches(HUMAN_SUBSTRINGS, f)


def is_yes(text: str) -> bool:
    f = fold(text)
    return (matches(YES_WORDS, f) or matches(YES_SUBSTRINGS, f)) and not is_no(text)


def is_no(text: str) -> bool:
    f = fold(text)
    return matches(NO_WORDS, f) or matches(NO_SUBSTRINGS, f)


def is_cancel(text: str) -> bool:
    f = fold(text)
    return matches(CANCEL_WORDS, f)


def frustrated(text: str) -> bool:
    f = fold(text)
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7
    return shouting or "!!" in text or matches(FRUSTRATION_WORDS, f) or matches(FRUSTRATION_SUBSTRINGS, f)


def distressed(text: str) -> bool:
    f = fold(text)
    return matches(DISTRESS_WORDS, f) or matches(DISTRESS_SUBSTRINGS, f)


def injection(text: str) -> bool:
    return bool(INJECTION.search(text))


def asks_detail(text: str) -> bool:
    return matches(DETAIL_WORDS, fold(text))
