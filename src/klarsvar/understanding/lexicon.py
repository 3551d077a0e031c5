"""Multilingual cue words. Rules here are signals the policy may trust a lot
(a request for a person always wins), so they are kept explicit and tested."""

from __future__ import annotations

import re
import unicodedata

from klarsvar.understanding import person_cues

# Letters that are not "letter + accent" in Unicode, so NFKD leaves them as they are.
_PLAIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i"})


def fold(text: str) -> str:
    """Lowercase and strip accents (so 'människa' matches 'manniska', 'człowiek' 'czlowiek')."""
    norm = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    return "".join(c for c in norm if not unicodedata.combining(c))


def _words(*items: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(fold(i) for i in items) + r")(?!\w)")


def _substrings(*items: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(fold(i)) for i in items))


# A request for a person, in the 35 languages (the tables are in person_cues.py).


class _Cue:
    """One kind of cue over all languages: whole words, and running text for Chinese, Japanese, Korean."""

    def __init__(self, bounded: list[str], unbounded: list[str]) -> None:
        self.patterns = [p for p in (_words(*bounded) if bounded else None,
                                     re.compile("|".join(fold(i) for i in unbounded)) if unbounded else None) if p]

    def search(self, folded: str) -> bool:
        return any(p.search(folded) for p in self.patterns)

    def sub(self, folded: str) -> str:
        """Blank the matches out, keeping every other character where it was."""
        for p in self.patterns:
            folded = p.sub(lambda m: " " * len(m.group(0)), folded)
        return folded

    def spans(self, folded: str) -> list[tuple[int, int]]:
        return [m.span() for p in self.patterns for m in p.finditer(folded) if m.end() > m.start()]


def _cue(kind: str, *extra: str) -> _Cue:
    bounded: list[str] = list(extra)
    unbounded: list[str] = []
    for lang, cues in person_cues.CUES.items():
        (unbounded if lang in person_cues.UNBOUNDED else bounded).extend(getattr(cues, kind))
    return _Cue(bounded, unbounded)


_BOT = "(?:" + "|".join(person_cues.BOT_WORDS) + ")"
_NEG = "(?:" + "|".join(person_cues.NEGATIONS) + ")"
PERSON_EXPLICIT = _cue("explicit", rf"{_NEG} (?:\w+ ){{0,4}}(?:(?:a|an|the|un|une|um|uma|una|uno|ein|einen|einem|en|ett|et|een|o) )?{_BOT}", rf"{_BOT} (?:\w+ ){{0,2}}{_NEG}")
PERSON_NOUNS = _cue("nouns")
PERSON_SOMEONE = _cue("someone")
PERSON_ASKS = _cue("asks")
PERSON_TALK = _cue("talk")
PERSON_FILLERS = _cue("fillers")
PERSON_ALONE = _cue("alone")
PERSON_MENTIONS = _cue("mentions")
# A shop's or someone's own staff ("the shop's customer service", "ein Mitarbeiter des Händlers"):
# a person word this close to one of these is not Lumo's.
SHOP_WORDS = _Cue(
    ["shop", "shops", "store", "merchant", "seller", "retailer", "vendor", "webshop", "butik", "butiken", "butikens",
     "handlare", "handlaren", "handlarens", "butikken", "butikkens", "forhandler", "forhandleren", "forhandlerens",
     "kauppa", "kaupan", "myyja", "myyjan", "verkkokaupan", "handler", "handlers", "haendlers", "ladens", "laden",
     "verkaufer", "verkaufers", "winkel", "verkoper", "marchand", "magasin", "boutique", "vendeur", "commercant",
     "tienda", "comercio", "vendedor", "negozio", "venditore", "commerciante", "loja", "comerciante", r"sklep\w*",
     r"sprzedawc\w*", r"obchod\w*", r"prodejc\w*", r"eshop\w*", r"predajc\w*", r"bolt\w*", r"uzlet\w*",
     r"kereskedo\w*", r"magazin\w*", r"comerciant\w*", r"vanzator\w*", r"магазин\w*", r"търговец\w*",
     r"продав\w*", r"καταστημ\w*", r"εμπορ\w*", r"trgovin\w*", r"trgov\w*", r"prodava\w*", r"prodajal\w*",
     "poe", "kaupmehe", "muuja", r"veikal\w*", r"tirgotaj\w*", r"parduotuv\w*", r"pardavej\w*", "siopa",
     "tsiopa", "ceannai", r"magaza\w*", r"satici\w*", "متجر", "المتجر", "التاجر", "تاجر", "البائع", "المحل",
     "חנות", "החנות", "המוכר", r"दुकान\w*", "विक्रेता", "cua hang", "nguoi ban", "toko", "penjual", r"merchant\w*"],
    ["商家", "店铺", "卖家", "お店", "ショップ", "販売店", "店舗", "가게", "쇼핑몰", "판매자", "매장"],
)
# Not a request for one: someone else ("for another person"), or a complaint about staff
# ("a Mitarbeiter was rude": a complaint, handed over as one).
NOT_A_REQUEST = _cue(
    "not_a_request",
    "another person", "other person", "someone else", "annan person", "anden person", "andre person",
    "toisen ihmisen", "toiselle ihmiselle", "toinen ihminen", "toiselle henkilolle", "andere person",
    "anderen person", "anderen menschen", "ander persoon", "andere persoon", "autre personne", "otra persona",
    "altra persona", "outra pessoa", "innej osoby", "inna osoba", "innej osobie",
    # someone else's (an order mixed up with someone else's)
    "someone else's", "jonkun toisen", "nagon annans", "nogen andens", "de quelqu'un d'autre",
    "di qualcun altro", "de alguien mas", "de outra pessoa", "von jemand anderem", "van iemand anders",
    "complain", "complaint", "plaindre", "klaga", "klagomal", "klage", "klager", "valitus", "valittaa", "beschwerde",
    "beschweren", "plainte", "reclamation", "queja", "reclamacion", "reclamo", "reclamar", "klacht", "skarga",
    "skarge", "reclamacao", "unhoflich", "uhoflig", "rude", "melde",
)
# "Worst customer service ever": a verdict on the service (a complaint), not a request for it.
SERVICE_VERDICT = _words(
    r"(?:worst|terrible|awful|horrible|horrendous|bad|poor|useless|pathetic|rubbish|appalling|shocking|lousy|crap)"
    r" (?:customer )?(?:service|support|care)",
    r"(?:customer )?(?:service|support) (?:is|was|has been|here is) (?:the worst|terrible|awful|horrible|useless|"
    r"pathetic|rubbish|appalling|a joke|a disgrace|shocking|so bad|really bad)",
    r"(?:peor|pesima|pesimo|fatal|horrible) (?:atencion al cliente|servicio(?: al cliente)?|atencion)",
    r"(?:peggior|pessimo|pessima|peggiore) (?:servizio(?: clienti)?|assistenza(?: clienti)?)",
    r"(?:pior|pessimo|pessima|horrivel) (?:atendimento|servico(?: de clientes| ao cliente)?|apoio ao cliente)",
    r"(?:slechtste|slechte|waardeloze|belabberde) (?:klantenservice|klantendienst|service)",
    r"(?:schlechteste[rn]?|schlechte[rn]?|miserable[rn]?) (?:kundenservice|kundendienst|service)",
    r"(?:pire|pitoyable|lamentable) service(?: client)?", r"service client (?:nul|lamentable|pitoyable)",
    r"(?:samsta|daligaste|dalig|usel|uselt|elendig|elendige|darlig|darligste|darligt) (?:kundtjanst\w*|kundeservice\w*|service)",
    r"(?:najgorsza|najgorszy|fatalna|fatalny|beznadziejna|beznadziejny) (?:obsluga(?: klienta)?|serwis)",
    r"(?:surkein|huonoin|kurja|huono) asiakaspalvelu",
)
YES_WORDS = _words(
    "yes", "yeah", "yep", "yup", "sure", "ok", "okay", "go ahead", "do it", "please do", "correct", "confirm",
    "ja", "jo", "japp", "gor det", "ja tack", "kor", "absolut", "javisst", "ja bitte", "gerne", "mach das",
    "jawohl", "genau", "bitte", "oui", "d'accord", "allez-y", "vas-y", "si", "claro", "vale", "de acuerdo",
    "adelante", "hazlo", "certo", "va bene", "procedi", "sì", "sim", "pode", "claro que sim", "tak", "jasne",
    "prosze", "zgoda", "kylla", "joo", "selva", "tee se", "ja tak", "gor det", "gjor det", "ja takk", "prima",
    "doe maar", "graag", "akkoord", "да", "давай", "так", "evet", "ναι", "jah", "jā", "taip",
    "tá", "kyllä",
)
# Yes words that are also ordinary words elsewhere (Swedish/Danish "igen" = again, Spanish
# "año" folds to "ano"): they say yes only as the whole message.
YES_ALONE = re.compile(r"^\W*(?:igen|ano)\W*$")
# Spanish/Italian "si" is yes, French "si" is "if" ("si je paie demain ?").
_SI_IF = re.compile(r"(?<!\w)si\W+(?:je|j|tu|il|elle|on|nous|vous|ils|elles|c|ca)(?!\w)")
# A yes word next to a negation or a "but"/"wait" is not an explicit yes ("I'm not sure",
# "not ok", "ok but what does it cost?").
NOT_YES = _words(
    "not", r"\w+n['’]t", "nicht", "kein", "pas", "inte", "ikke", "niet", "but", "wait", "hold on", "unsure", "men", "vanta",
    "aber", "warte", "moment", "mais", "attends", "attendez", "pero", "espera", "aspetta", "wacht",
    "ale", "czekaj", "vent", "mutta", "odota", "mas", "espere", "niks", "niets",
    # Dutch "maar" softens a yes ("meld het maar"), but "ja, maar wat kost het?" is a question
    "maar (?:wat|hoe|waarom|wanneer|hoeveel|is|kan|moet|eerst|dan)",
    # Italian "ma" (but); Danish/Norwegian "må" folds to the same letters
    "ma (?:quanto|come|perche|quando|prima|cosa|che|se|non)",
)
# Negations that agree ("why not", "no problem"): they do not take a yes back.
AGREEING_NEGATIONS = _words(
    "why not", "no problem", "not a problem", "pourquoi pas", "pas de probleme", "pas de souci", "warum nicht",
    "kein problem", "varfor inte", "inga problem", "hvorfor ikke", "ingen problem", "waarom niet", "geen probleem",
    "por que no", "no hay problema", "perche no", "nessun problema", "porque nao", "sem problema", "czemu nie",
    "dlaczego nie", "nie ma problemu", "miksi ei", "ei ongelmaa",
)
NOT_YES_SUBSTRINGS = _substrings("但是", "等等", "不过", "不确定")
YES_SUBSTRINGS = _substrings("是的", "好的", "可以", "确认", "行", "好", "はい", "네", "예", "نعم", "כן", "हाँ", "đồng ý")
NO_WORDS = _words(
    "no", "nope", "nah", "don't", "do not", "nej", "nein", "non", "nee", "nie", "ei", "nei", "não", "nao",
    "нет", "ні", "hayır", "ne", "nem", "όχι", "ochi", "lai", "не", "inte",
)
NO_SUBSTRINGS = _substrings("不要", "不用", "不是", "不行", "不可以", "不好", "いいえ", "아니요", "아니", "لا", "לא", "नहीं")
CANCEL_WORDS = _words(
    "never ?mind", "nevermind", "cancel", "forget it", "stop", "skip it", "strunt i det", "glom det", "avbryt",
    "vergiss es", "egal", "abbrechen", "laisse tomber", "annule", "oublie", "olvidalo", "déjalo", "dejalo",
    "cancela", "lascia perdere", "annulla", "laat maar", "annuleer", "nevermind", "niewazne", "anuluj",
    "unohda", "peru", "glem det", "annuller", "esqueça", "esqueca", "deixa", "算了", "取消", "不用了",
)
FRUSTRATION_WORDS = _words(
    "useless", "ridiculous", "terrible", "awful", "scam", "angry", "furious", "fed up", "wtf", r"(?<!tell me a )(?<!tell us a )(?<!know a )(?<!hear a )(?<!good )(?<!funny )joke", "pathetic",
    "worst", "unacceptable", "disgusting", "hopeless", "incompetent", "stupid", "annoyed", "frustrated", "fuming",
    "sick of", "what the hell", "rubbish", "upset", "outrageous", "livid", "disgrace", "appalling", "unbelievable",
    "so angry", "really angry", "joke of a",
    "vardelos", "vardelost", "vardelosa", "oacceptabelt", "skandal", "arg", "trott pa", "bedrovligt", "herregud",
    "nutzlos", "lacherlich", "unverschamt", "katastrophe", "sauer", "wutend", "frechheit", "unmoglich", "schon wieder",
    "ne servez a rien", "sert a rien", "m'enerve", "m enerve", "n'importe quoi", "enerve", "enervee", "furieux",
    "furieuse", "naurettava", "naurettavaa", "turhautunut", "turhauttavaa", "ei toimi", "todella vihainen",
    "ridicule", "inadmissible", "inacceptable", "nul", "honteux", "en colere", "marre", "scandaleux", "arnaque",
    "inutil", "vergonzoso", "harto", "harta", "estafa", "indignante", "fatal", "ridiculo", "inaceptable",
    "inutile", "vergognoso", "assurdo", "arrabbiato", "arrabbiata", "schifo", "belachelijk", "waardeloos",
    "schandalig", "boos", "oplichting", "beznadziejny", "skandaliczne", "wkurzony", "zenujace", "kamala",
    "raivostuttaa", "hyodyton", "hyodytonta", "vihainen", "ubrugelig", "latterligt", "uakzeptabelt", "elendig", "surt",
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
# Thanks and praise: "Thanks!!" is not an angry "!!".
POSITIVE_WORDS = _words(
    "thanks", "thank you", "thx", "great", "perfect", "awesome", "brilliant", "wonderful", "amazing", "tack",
    "tusen tack", "toppen", "danke", "super", "toll", "merci", "genial", "gracias", "grazie", "perfetto", "bedankt",
    "dank", "dankjewel", "dziekuje", "kiitos", "tak", "takk", "obrigado", "obrigada", "perfekt", "parfait",
    "perfecto",
)
POSITIVE_SUBSTRINGS = _substrings("谢谢", "太好了", "感谢")
# Instructions to the assistant inside a customer message. Matched on folded text, so
# "instruções" is "instrucoes"; the verb and its object are at most a few words apart.
_IGNORE = (r"(?:\w*ignor\w*|disregard|forget|negeer|vergeet|vergiss|glom|glem|oublie|olvida|dimentica|esquece|"
           r"zapomnij|ohita|unohda)")
_RULES = (r"(?:instructions?|rules|prompts?|guidelines|anweisungen|regeln|instrucciones|reglas|istruzioni|regole|"
          r"instructies|regels|instruktion\w*|regler\w*|instrukser|instrukcje|instrukcji|zasady|ohjee\w*|"
          r"saannot|instrucoes|regras)")
INJECTION = re.compile(
    rf"{_IGNORE}\W+(?:\w+\W+){{0,4}}?{_RULES}(?!\w)|(?:system\w*|systeme|sistema|systeem)\s*:|developer mode|"
    r"jailbreak|admin(?:istrator)? (?:mode|override)|override (?:the )?polic|prompt injection|refund approved|"
    r"remboursement approuve|reembolso aprobado|rimborso approvato|erstattung genehmigt|terugbetaling goedgekeurd|"
    r"(?:agora|ahora|now|jetzt|maintenant|teraz|nyt) (?:es|eres|sei|bist|are|jestes|olet) (?:an? |un |una |el |o )?"
    r"(?:admin\w*|administra\w*|amministratore)|"
    r"approved by (?:a |the )?(?:manager|admin|supervisor)|"
    r"(?:you are|you're|du ar|du er|du bist|tu es|vous etes|eres|sei|je bent|jestes|olet) (?:now |nu |jetzt |"
    r"maintenant |desormais |ahora |ora |teraz |nyt )?(?:an? |en |ein |un |una |een )?"
    r"(?:admin\w*|administra\w*|amministratore|developer|system|root|supervisor|manager|dan|unrestricted|"
    r"in (?:developer|admin) mode)(?!\w)|"
    r"act as (?:an? |the |my )?(?:admin\w*|manager|supervisor|developer|system|root|employee|lumo)|"
    r"pretend (?:to be|you are|you're)|(?:忽略|无视|忘记).{0,12}(?:指令|指示|规则|设定)"
)
_DAN = re.compile(r"\bDAN\b")  # the jailbreak's name, in capitals (Dutch and Indonesian "dan" are ordinary words)
DETAIL_WORDS = _words(
    "in detail", "details", "explain", "more detail", "tell me more", "utförligt", "utforligt", "genauer",
    "ausführlich", "ausfuhrlich", "en détail", "en detail", "detalle", "en detalle", "dettagli", "详细",
)


def matches(pattern: re.Pattern[str], folded: str) -> bool:
    return bool(pattern.search(folded))


_LETTER = re.compile(r"[^\W\d_]")
_CLAUSE_END = re.compile(r"[,.;:!?¿¡،؟。！？、]")


def _person_fold(text: str) -> str:
    return fold(text).replace("’", "'").replace("`", "'")


def _near_a_shop(folded: str, start: int, end: int) -> bool:
    """A person word within a couple of words of a shop or merchant in the same clause: their staff."""
    left = _CLAUSE_END.split(folded[max(0, start - 40):start])[-1]
    right = _CLAUSE_END.split(folded[end:end + 40])[0]
    near = " ".join(left.split()[-3:]) + " | " + " ".join(right.split()[:3])
    return SHOP_WORDS.search(near)


def _lumo_people(folded: str, blanked: str) -> list[tuple[int, int]]:
    """Where the message names someone at Lumo: person words outside mentions (`blanked` is `folded`
    with the mentions blanked out), and not a shop's staff."""
    return [(a, b) for a, b in PERSON_NOUNS.spans(blanked) if not _near_a_shop(folded, a, b)]


# Filing a complaint, in so many words (word starts; Chinese, Japanese, Korean as running text).
_COMPLAINT_STEMS = (
    "complain",
    "complaint",
    "plainte",
    "plaindre",
    "reclamation",
    "reclamacion",
    "reclamo",
    "reclamacao",
    "reclamatie",
    "queja",
    "queixa",
    "beschwer",
    "klag",
    "klacht",
    "reklamation",
    "valitu",
    "valitta",
    "skarg",
    "stiznost",
    "staznost",
    "panasz",
    "plang",
    "оплакван",
    "жалоб",
    "скарг",
    "sikayet",
    "gearan",
    "kaebus",
    "kaeba",
    "sudzib",
    "skund",
    "pritozb",
    "zalb",
    "prigovor",
    "καταγγελ",
    "παραπον",
    "keluhan",
    "pengaduan",
    "khieu nai",
    "शिकायत",
    "شكو",
    "شكاو",
    "תלונ",
)
COMPLAINT_WORDS = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(fold(w)) for w in _COMPLAINT_STEMS) + r")")
COMPLAINT_SUBSTRINGS = _substrings("投诉", "投訴", "苦情", "クレーム", "불만", "민원", "항의")


def files_complaint(text: str) -> bool:
    """The message files a complaint in so many words ("I want to file a complaint", "Beschwerde")."""
    folded = fold(text)
    return bool(COMPLAINT_WORDS.search(folded) or COMPLAINT_SUBSTRINGS.search(folded))


def wants_person(text: str) -> bool:
    """A request for a person: an explicit phrase; someone at Lumo asked for (a noun with an ask or
    a talk verb) or typed alone; or "someone" with a talk verb. See person_cues.py."""
    f = _person_fold(text)
    if PERSON_EXPLICIT.search(f):
        return True
    if person_not_meant(text, f):
        return False
    g = PERSON_MENTIONS.sub(f)
    people = _lumo_people(f, g)
    talk = PERSON_TALK.search(g)
    if people and (talk or PERSON_ASKS.search(g)):
        return True
    if talk and PERSON_SOMEONE.search(g):
        return True
    alone = PERSON_ALONE.spans(g)
    if not (people or alone):
        return False
    # Typed alone, with nothing but fillers around it ("agent", "a person please", "人工", "orang").
    rest = list(g)
    for a, b in people + alone:
        rest[a:b] = " " * (b - a)
    return not _LETTER.search(PERSON_FILLERS.sub("".join(rest)))


def person_not_meant(text: str, folded: str | None = None) -> bool:
    """The message mentions a person or the service without asking for one: someone else ("the
    parcel was for another person"), a verdict on the service ("worst customer service ever"), or
    only in a phrase that is not about Lumo's people ("personal data", "the shop's customer
    service"). An explicit request ("talk to a real person") is never vetoed."""
    f = _person_fold(text) if folded is None else folded
    if PERSON_EXPLICIT.search(f):
        return False
    if NOT_A_REQUEST.search(f) or SERVICE_VERDICT.search(f):
        return True
    return PERSON_NOUNS.search(f) and not _lumo_people(f, PERSON_MENTIONS.sub(f))


def is_yes(text: str) -> bool:
    f = AGREEING_NEGATIONS.sub(" ", fold(text))
    # A question is not an explicit yes ("Si può pagare in anticipo?", "Pode-se pagar?"): answer it first.
    if "?" in text or "？" in text:
        return False
    if is_no(text) or is_cancel(text) or matches(NOT_YES, f) or matches(NOT_YES_SUBSTRINGS, f) or _SI_IF.search(f):
        return False
    return matches(YES_WORDS, f) or matches(YES_SUBSTRINGS, f) or bool(YES_ALONE.match(f))


def is_no(text: str) -> bool:
    f = AGREEING_NEGATIONS.sub(" ", fold(text))
    return matches(NO_WORDS, f) or matches(NO_SUBSTRINGS, f)


def is_cancel(text: str) -> bool:
    f = fold(text)
    return matches(CANCEL_WORDS, f)


def frustrated(text: str) -> bool:
    f = fold(text)
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7
    exclaiming = "!!" in text and not (matches(POSITIVE_WORDS, f) or matches(POSITIVE_SUBSTRINGS, f))
    return shouting or exclaiming or matches(FRUSTRATION_WORDS, f) or matches(FRUSTRATION_SUBSTRINGS, f)


def distressed(text: str) -> bool:
    f = fold(text)
    return matches(DISTRESS_WORDS, f) or matches(DISTRESS_SUBSTRINGS, f)


def injection(text: str) -> bool:
    return bool(INJECTION.search(fold(text)) or _DAN.search(text))


def asks_detail(text: str) -> bool:
    return matches(DETAIL_WORDS, fold(text))


# Words that back up a reading of "a purchase I don't recognise" before a card is frozen.
FRAUD_WORDS = _words(
    "fraud", "fraudulent", "scam", "unauthori[sz]ed", "don't recogni[sz]e", "do not recogni[sz]e",
    "didn't make", "did not make", "not me", "wasn't me", "never made", "stolen", "hacked", "unknown charge",
    "bedrageri", "bedrägeri", "kanner inte igen", "inte jag", "har inte gjort", "okand",
    "betrug", "nicht erkannt", "erkenne .{0,20}nicht", "nicht ich", "nie gemacht", "unbekannt", "gehackt",
    "fraude", "reconnais pas", "pas moi", "jamais fait", "inconnu", "pirate",
    "no reconozco", "no fui yo", "no he hecho", "desconocid[oa]", "no autorizad[oa]",
    "non riconosco", "non sono stato", "non autorizzat[oa]", "sconosciut[oa]", "truffa",
    "herken .{0,20}niet", "niet herken", "niet ik", "onbekend", "oplichting",
    "nie rozpoznaje", "nie ja", "nieautoryzowan", "oszustwo", "nieznan",
    "kenkender ikke", "genkender ikke", "ikke mig", "svindel", "ukendt",
    "en tunnista", "en ole tehnyt", "tuntematon", "huijaus", "petos",
    "nao reconheco", "nao fui eu", "desconhecid[oa]", "nao autorizad[oa]",
)
FRAUD_SUBSTRINGS = _substrings("盗刷", "不是我", "没有买", "不认识", "陌生", "诈骗", "未授权")


def fraud_words(text: str) -> bool:
    f = fold(text)
    return matches(FRAUD_WORDS, f) or matches(FRAUD_SUBSTRINGS, f)
