"""Multilingual cue words. Rules here are signals the policy may trust a lot
(a request for a person always wins), so they are kept explicit and tested."""

from __future__ import annotations

import re
import unicodedata

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


# A person, in 35 languages and several phrasings.
# Explicit requests ("real person", "talk to a human", "转人工") count wherever they appear.
HUMAN_WORDS = _words(
    # en
    "real person", "live person", "someone real", "human being", "customer service rep", "real human", "live agent",
    "human agent", "not a bot", "no bots?", "talk to (?:a |an |some|a real |a live )?(?:one|body|person|human|agent|operator|representative)",
    r"speak (?:to|with) (?:a |an |some|a real |a live )?(?:one|body|person|human|agent|operator|representative|manager)",
    r"(?:transfer|connect|put) me (?:to|with|through to) (?:a |an |some)?(?:one|body|person|human|agent|operator)",
    # sv
    "en manniska", "riktig person", "prata med nagon", "prata med en manniska", "prata med en person",
    # da / nb
    "et menneske", "rigtig person", "ekte person", "tale med en", "snakke med en",
    # fi
    "oikea ihminen", "oikean ihmisen", "ihmisen kanssa", "lihaa ja verta",
    r"joku (?:teidan )?(?:tiimista|tiimistanne|henkilokunnasta|henkilokunnastanne)",
    # de
    "echte person", "echten person", "echten menschen", "echter mensch", "einem menschen",
    # nl
    "echt mens", "echte mens", "echt persoon", "echte persoon", "met een persoon", "echt iemand", "iemand echt",
    "vlees en bloed", "menselijk contact",
    # fr
    "un humain", "vraie personne", "agent humain", "une vraie personne", "un etre humain", "quelqu'un de vrai",
    "quelqu'un de reel", "jemand echten", "jemand echtes", "alguien de verdad",
    # es / pt / it
    "un humano", "persona real", "humano de verdade", "persona vera", "un operatore", "persona de verdad",
    "pessoa real", "uma pessoa de verdade", "alguem de verdade", "qualcuno di vero", "qualcuno in carne e ossa",
    "alguien de verdad", "alguien real", "carne y hueso", "qualcuno di reale", "qualcuno reale", "carne e ossa",
    "carne e osso",
    r"(?:hablar|comunicarme|hablo) con otra persona", r"parlare con (?:un'?|un )?altra persona",
    r"falar com outra pessoa", r"(?:talk|speak) (?:to|with) (?:another|a different) (?:person|human|agent)",
    # pl / cs / sk
    "zywy czlowiek", "prawdziwa osoba", "prawdziwym czlowiekiem", "kogos prawdziwego",
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
    "人工", "真人", "转人工", "人工客服", "オペレーター", "担当者", "人間", "상담원", "사람", "직원",
)
# Words that name a person to talk to, but also turn up in ordinary sentences ("the parcel
# was for another person", "the shop's customer service", "a Mitarbeiter of the shop said").
# Typed alone (policy 10: "agent", "human") or with a request in the message, they count.
HUMAN_NOUNS = _words(
    # en
    "agent", "human", "person", "operator", "representative", "supervisor", "manager",
    # sv / da / nb
    "manniska", "manniskor", "handlaggare", "handlaggaren", "kundtjanst", "kundtjansten", "menneske", "medarbejder",
    "kundeservice", "saksbehandler", "radgiver",
    # fi
    "ihminen", "ihmisen", "asiakaspalvelija", "asiakaspalvelijan", "asiakaspalvelijalle", "asiakaspalvelijaa",
    "virkailija", "virkailijalle", "asiakaspalvelu", "asiakaspalveluun", "henkilo", "henkilolle", "neuvojan",
    "neuvojalle", "ihmiselle",
    # de
    "mensch", "menschen", "mitarbeiter", "mitarbeiterin", "berater", "beraterin", "sachbearbeiter", "kundendienst",
    "kundenservice", "vorgesetzten",
    # nl
    "medewerker", "een mens", "met een mens", "persoon", "klantenservice", "klantendienst",
    # fr
    "conseiller", "conseillere", "humain", "personne", "operateur", "service client",
    # es / pt / it
    "persona", "humano", "asesor", "asesora", "operador", "operadora", "agente", "pessoa", "atendente",
    "operatore", "umano", "consulente", "servizio clienti",
    # pl
    "konsultant", "konsultanta", "konsultantem", "czlowiek", "czlowiekiem", "pracownik", "pracownika",
    "pracownikiem", "pracownikowi", "osoba", "osoby", "osoba", "doradca", "doradca", "przedstawicielem",
    # colleagues, employees, customer service
    "colleague", "employee", "customer service", "support rep", "kollega", "kollegan", "medarbetare", "chef",
    "kundservice", "kollegen", "angestellten", "servicemitarbeiter", "collega", "leidinggevende", "collaborateur",
    "collaborateurs", "collegue", "employe", "responsable", "teleoperador", "empleado", "atencion al cliente",
    "addetto", "responsabile", "assistenza clienti", "colaborador", "colega", "responsavel", "apoio ao cliente",
    "tyontekija", "tukihenkilolle", "agentille", "agenta",
    "empleada", "atencion al publico", "servicio al cliente", "dipendente", "servizio clienti", "menselijke",
    "menselijk", "klantendienst", "klantenservice", "servico de clientes", "servico ao cliente",
    "atendimento ao cliente", "funcionario", "funcionaria", "colaboradora",
)
HUMAN_NOUN_SUBSTRINGS = _substrings("客服", "工作人员", "找人", "活人")
# Asking for something: with one of these, a person-word above is a request.
REQUEST_CUES = _words(
    "want", "wanna", "need", "talk", "speak", "chat with", "connect", "transfer", "put me", "get me", "give me",
    "let me", "i'd like", "id like", "would like", "can i", "could i", "may i", "please", "pls", "prefer", "rather",
    "vill", "prata", "tala", "snacka", "koppla", "kan jag fa", "behover", "hellre", "snalla",
    "jeg vil", "vil gerne", "vil tale", "tale", "snakke", "stil mig", "sett meg", "kan jeg fa", "ma jeg fa", "har brug for", "trenger", "gerne",
    "helst", "onsker",
    "haluan", "haluaisin", "puhua", "yhdista", "yhdistakaa", "siirra", "voinko", "saanko", "tarvitsen",
    "mieluummin",
    "ich will", "mochte", "sprechen", "reden", "verbinden", "verbinde", "bitte", "brauche", "lieber", "hatte gern",
    "kann ich",
    "wil", "spreken", "praten", "verbind", "graag", "liever", "kan ik", "mag ik", "alsjeblieft", "aub",
    "in contact",
    "veux", "voudrais", "parler", "passez-moi", "passe-moi", "mettre en relation", "s'il vous plait", "svp",
    "puis-je", "besoin", "prefere", "plutot",
    "quiero", "quisiera", "hablar", "pasame", "paseme", "necesito", "por favor", "puedo", "prefiero", "comunicar",
    "voglio", "vorrei", "parlare", "passami", "mi passi", "ho bisogno", "per favore", "posso", "preferisco",
    "quero", "queria", "gostaria", "falar", "passe-me", "preciso", "prefiro",
    "chce", "chcialbym", "chcialabym", "porozmawiac", "rozmawiac", "polacz", "poprosze", "prosze", "potrzebuje",
    "wole", "moge", "przekaz",
    "send me", "send mig", "escalate", "transferer", "transferez", "transferir", "transfira", "transfiera", "ge mig", "geef me", "hol mir", "donnez-moi", "daj mi", "passa-me",
    "transfiereme", "pasas", "weiterleiten", "leiten", "ohjaa", "laheta", "hae", "hent", "draag me over",
    "mettez-moi", "mi metti", "encaminha", "gostava", "j'aimerais", "souhaite", "desidero", "zalezy", "przekazac",
    "chatta", "chatear", "jutella", "me gustaria", "contactar", "atender", "atendiera",
)
REQUEST_CUE_SUBSTRINGS = _substrings("要", "想", "找", "转", "请", "叫")
# Not a request for one: someone else ("for another person"), or a complaint about staff
# ("a Mitarbeiter was rude": a complaint, handed over as one).
NOT_A_REQUEST = _words(
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
NOT_A_REQUEST_SUBSTRINGS = _substrings("别人", "其他人", "投诉", "态度", "是lumo客服", "是客服")
# Phrases where a 'person' word does NOT ask for one ("not a person I know").
HUMAN_NEGATIVE = _words("personal data", "personuppgifter", "persondata", "personnummer", "personlig",
                        "in person", "personally", "human resources")

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


_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def wants_person(text: str) -> bool:
    f = fold(text)
    if matches(HUMAN_WORDS, f) or matches(HUMAN_SUBSTRINGS, f):
        return True
    if person_not_meant(text, f):
        return False
    f = HUMAN_NEGATIVE.sub(" ", f)
    if not (matches(HUMAN_NOUNS, f) or matches(HUMAN_NOUN_SUBSTRINGS, f)):
        return False
    # Alone ("agent", "a person please") or asked for ("I want to speak to a Mitarbeiter").
    cjk = len(_CJK.findall(f))
    short = len(re.findall(r"\w+", _CJK.sub(" ", f))) + (cjk + 1) // 2 <= 3
    return short or matches(REQUEST_CUES, f) or matches(REQUEST_CUE_SUBSTRINGS, f)


def person_not_meant(text: str, folded: str | None = None) -> bool:
    """The message mentions a person or the service without asking for one: someone else ("the
    parcel was for another person") or a verdict on the service ("worst customer service ever").
    An explicit request ("talk to a real person") is never vetoed."""
    f = fold(text) if folded is None else folded
    if matches(HUMAN_WORDS, f) or matches(HUMAN_SUBSTRINGS, f):
        return False
    return matches(NOT_A_REQUEST, f) or matches(NOT_A_REQUEST_SUBSTRINGS, f) or matches(SERVICE_VERDICT, f)


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
