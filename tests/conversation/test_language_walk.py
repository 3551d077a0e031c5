"""A walk through the product in each of the 35 languages, with the real embedded understander,
the real Engine and the demo world with Lumo's help centre:

1. an anonymous visitor asks to extend the due date of their order O-1002 (Anna's Bokhandeln
   order, Pay in 30 days), is asked for the email, gets a one-time code and types it;
2. verified, the assistant asks to confirm the extension; the visitor says yes in their language
   and the due date moves;
3. they ask something the help centre cannot answer (a mortgage): the assistant abstains;
4. they ask for a person: handed over.

Every reply the product composes is checked to be in the visitor's language by a language
identifier (py3langid over the 35 languages, on the reply without order ids, amounts, dates,
emails and names), never by comparing strings. The messages are written as a customer would
write them in that language.

The understander and the world template are built once for the module (the models load from the
cache in var/cache); each language gets a fresh copy of the world.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import py3langid.langid as langid
import pytest

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.conversation.engine import Engine
from klarsvar.conversation.models import Message, TurnResult
from klarsvar.core.clock import DEMO_NOW, FixedClock
from klarsvar.evaluation.scenarios import WorldTemplate
from klarsvar.knowledge.base import KnowledgeBase
from klarsvar.runtime import HELPCENTRE, knowledge_for
from klarsvar.understanding.embedded import EmbeddedUnderstander
from klarsvar.understanding.language import SUPPORTED

EMAIL = "anna.svensson@example.se"
ORDER = "O-1002"
DUE_BEFORE = date(2026, 12, 5)


@dataclass(frozen=True)
class Walk:
    extend: str  # ask for more time on O-1002 (anonymous: verification comes first)
    email: str
    code: str  # with {otp}
    yes: str
    mortgage: str  # outside the help centre, about money
    person: str


WALKS: dict[str, Walk] = {
    "en": Walk("Hi, could I get a bit more time to pay for order O-1002?", f"It's {EMAIL}", "{otp}",
               "Yes please, go ahead", "Can I get a mortgage from you?", "I'd like to speak to a real person, please"),
    "sv": Walk("Hej! Kan jag få skjuta upp betalningen för order O-1002?", f"Min mejl är {EMAIL}", "Koden är {otp}",
               "Ja, gör det", "Kan jag få ett bolån hos er?", "Jag vill prata med en människa"),
    "da": Walk("Hej, kan jeg få udskudt betalingen på ordre O-1002?", f"Min e-mail er {EMAIL}", "Koden er {otp}",
               "Ja tak, gør det", "Kan jeg få et boliglån hos jer?", "Jeg vil gerne tale med en medarbejder"),
    "nb": Walk("Hei, kan jeg få utsatt betalingen for ordre O-1002?", f"E-posten min er {EMAIL}", "Koden er {otp}",
               "Ja takk, gjør det", "Kan jeg få boliglån hos dere?", "Jeg vil snakke med et menneske"),
    "fi": Walk("Hei, voisinko saada lisää maksuaikaa tilaukselle O-1002?", f"Sähköpostini on {EMAIL}",
               "Koodi on {otp}", "Kyllä, tehkää niin", "Saisinko teiltä asuntolainan?",
               "Haluan puhua ihmisen kanssa"),
    "de": Walk("Hallo, kann ich für die Bestellung O-1002 einen Zahlungsaufschub bekommen?",
               f"Meine E-Mail ist {EMAIL}", "Der Code lautet {otp}", "Ja, bitte machen Sie das",
               "Kann ich bei Ihnen eine Hypothek bekommen?", "Ich möchte bitte mit einem Mitarbeiter sprechen"),
    "nl": Walk("Hallo, kan ik uitstel van betaling krijgen voor bestelling O-1002?", f"Mijn e-mailadres is {EMAIL}",
               "De code is {otp}", "Ja, graag", "Kan ik bij jullie een hypotheek afsluiten?",
               "Ik wil graag met een medewerker praten"),
    "fr": Walk("Bonjour, est-ce que je peux avoir un délai de paiement pour la commande O-1002 ?",
               f"Mon adresse e-mail est {EMAIL}", "Le code est {otp}", "Oui, allez-y",
               "Est-ce que je peux obtenir un prêt immobilier chez vous ?",
               "Je voudrais parler à un conseiller, s'il vous plaît"),
    "es": Walk("Hola, ¿puedo aplazar el pago del pedido O-1002?", f"Mi correo es {EMAIL}", "El código es {otp}",
               "Sí, hazlo por favor", "¿Me podéis dar una hipoteca?", "Quiero hablar con una persona, por favor"),
    "it": Walk("Ciao, posso avere più tempo per pagare l'ordine O-1002?", f"La mia email è {EMAIL}",
               "Il codice è {otp}", "Sì, procedi pure", "Posso avere un mutuo da voi?",
               "Vorrei parlare con un operatore, per favore"),
    "pt": Walk("Olá, posso adiar o pagamento da encomenda O-1002?", f"O meu email é {EMAIL}", "O código é {otp}",
               "Sim, pode avançar", "Posso pedir-vos um crédito à habitação?",
               "Quero falar com uma pessoa, por favor"),
    "pl": Walk("Dzień dobry, czy mogę przesunąć termin płatności za zamówienie O-1002?", f"Mój e-mail to {EMAIL}",
               "Kod to {otp}", "Tak, proszę", "Czy mogę u was dostać kredyt hipoteczny?",
               "Chcę porozmawiać z konsultantem"),
    "cs": Walk("Dobrý den, můžu si odložit splatnost objednávky O-1002?", f"Můj e-mail je {EMAIL}",
               "Kód je {otp}", "Ano, prosím", "Můžu si u vás vzít hypotéku?", "Chci mluvit s živým člověkem"),
    "sk": Walk("Dobrý deň, môžem si posunúť splatnosť objednávky O-1002?", f"Môj e-mail je {EMAIL}",
               "Kód je {otp}", "Áno, prosím", "Môžem si u vás zobrať hypotéku?", "Chcem hovoriť s operátorom"),
    "hu": Walk("Jó napot, kaphatnék haladékot az O-1002 rendelés kifizetésére?", f"Az e-mail címem {EMAIL}",
               "A kód {otp}", "Igen, kérem", "Fel tudok venni önöknél lakáshitelt?",
               "Szeretnék egy ügyintézővel beszélni"),
    "ro": Walk("Bună ziua, pot amâna plata pentru comanda O-1002?", f"Adresa mea de e-mail este {EMAIL}",
               "Codul este {otp}", "Da, vă rog", "Pot lua un credit ipotecar de la voi?",
               "Aș vrea să vorbesc cu un operator"),
    "bg": Walk("Здравейте, може ли да отложа плащането за поръчка O-1002?", f"Имейлът ми е {EMAIL}",
               "Кодът е {otp}", "Да, моля", "Мога ли да взема ипотечен кредит от вас?", "Искам да говоря с човек"),
    "el": Walk("Γεια σας, μπορώ να πάρω παράταση πληρωμής για την παραγγελία O-1002;", f"Το email μου είναι {EMAIL}",
               "Ο κωδικός είναι {otp}", "Ναι, προχωρήστε", "Μπορώ να πάρω στεγαστικό δάνειο από εσάς;",
               "Θέλω να μιλήσω με έναν εκπρόσωπο"),
    "hr": Walk("Dobar dan, mogu li odgoditi plaćanje za narudžbu O-1002?", f"Moj e-mail je {EMAIL}", "Kod je {otp}",
               "Da, molim", "Mogu li kod vas dobiti stambeni kredit?", "Želim razgovarati s operaterom"),
    "sl": Walk("Pozdravljeni, ali lahko odložim plačilo za naročilo O-1002?", f"Moj e-naslov je {EMAIL}",
               "Koda je {otp}", "Da, prosim", "Ali lahko pri vas dobim stanovanjski kredit?",
               "Želim govoriti z operaterjem"),
    "et": Walk("Tere, kas ma saaksin tellimuse O-1002 maksetähtaega pikendada?", f"Minu e-post on {EMAIL}",
               "Kood on {otp}", "Jah, palun", "Kas ma saan teilt kodulaenu?", "Tahan rääkida klienditeenindajaga"),
    "lv": Walk("Labdien, vai varu pagarināt pasūtījuma O-1002 apmaksas termiņu?", f"Mans e-pasts ir {EMAIL}",
               "Kods ir {otp}", "Jā, lūdzu", "Vai varu pie jums saņemt hipotekāro kredītu?",
               "Gribu runāt ar konsultantu"),
    "lt": Walk("Laba diena, ar galiu atidėti užsakymo O-1002 mokėjimo terminą?", f"Mano el. paštas yra {EMAIL}",
               "Kodas yra {otp}", "Taip, prašau", "Ar galiu iš jūsų gauti būsto paskolą?",
               "Noriu kalbėti su konsultantu"),
    "ga": Walk("Dia duit, an féidir liom níos mó ama a fháil chun íoc as ordú O-1002?",
               f"Is é mo ríomhphost {EMAIL}", "Is é an cód {otp}", "Tá, le do thoil",
               "An féidir liom morgáiste a fháil uaibh?", "Ba mhaith liom labhairt le duine daonna"),
    "tr": Walk("Merhaba, O-1002 numaralı siparişin ödemesini erteleyebilir miyim?", f"E-posta adresim {EMAIL}",
               "Kod {otp}", "Evet, lütfen", "Sizden konut kredisi alabilir miyim?",
               "Bir müşteri temsilcisiyle görüşmek istiyorum"),
    "ru": Walk("Здравствуйте, можно отсрочить оплату заказа O-1002?", f"Моя почта {EMAIL}", "Код {otp}",
               "Да, пожалуйста", "Можно у вас взять ипотеку?", "Я хочу поговорить с оператором"),
    "uk": Walk("Добрий день, чи можна відстрочити оплату замовлення O-1002?", f"Моя пошта {EMAIL}", "Код {otp}",
               "Так, будь ласка", "Чи можу я взяти у вас іпотеку?", "Я хочу поговорити з оператором"),
    "ar": Walk("مرحبا، هل يمكنني تأجيل موعد دفع الطلب O-1002؟", f"بريدي الإلكتروني هو {EMAIL}", "الرمز هو {otp}",
               "نعم، تفضل", "هل يمكنني الحصول على قرض عقاري منكم؟", "أريد التحدث مع موظف من فضلك"),
    "he": Walk("שלום, אפשר לדחות את מועד התשלום של הזמנה O-1002?", f"המייל שלי הוא {EMAIL}", "הקוד הוא {otp}",
               "כן, בבקשה", "אפשר לקבל אצלכם משכנתא?", "אני רוצה לדבר עם נציג"),
    "zh": Walk("你好，订单O-1002可以延期付款吗？", f"我的邮箱是{EMAIL}", "验证码是{otp}", "好的，请办理",
               "我可以在你们这里办房贷吗？", "我要转人工客服"),
    "ja": Walk("こんにちは、注文O-1002の支払いを延期できますか？", f"メールアドレスは{EMAIL}です", "コードは{otp}です",
               "はい、お願いします", "そちらで住宅ローンを組むことはできますか？", "オペレーターと話したいです"),
    "ko": Walk("안녕하세요, 주문 O-1002 결제를 미룰 수 있을까요?", f"제 이메일은 {EMAIL} 입니다", "코드는 {otp}입니다",
               "네, 그렇게 해 주세요", "거기서 주택담보대출을 받을 수 있나요?", "상담원이랑 통화하고 싶어요"),
    "hi": Walk("नमस्ते, क्या मैं ऑर्डर O-1002 का भुगतान आगे बढ़ा सकता हूँ?", f"मेरा ईमेल {EMAIL} है", "कोड {otp} है",
               "हाँ, कर दीजिए", "क्या मुझे आपसे होम लोन मिल सकता है?", "मुझे किसी इंसान से बात करनी है"),
    "vi": Walk("Chào bạn, mình có thể gia hạn thanh toán cho đơn O-1002 không?", f"Email của mình là {EMAIL}",
               "Mã là {otp}", "Có, làm giúp mình nhé", "Mình có thể vay mua nhà bên bạn không?",
               "Cho mình nói chuyện với nhân viên"),
    "id": Walk("Halo, bisakah saya menunda pembayaran pesanan O-1002?", f"Email saya {EMAIL}", "Kodenya {otp}",
               "Ya, silakan", "Bisakah saya mengajukan KPR di sini?", "Saya mau bicara dengan petugas"),
}

# --- the language of a reply --------------------------------------------------------------------

# What says nothing about a reply's language: ids, emails, numbers, amounts, dates, names.
_NOISE = re.compile(
    r"[OoKk]-\d+|\S+@\S+|\d+(?:[.,:/\-]\d+)*|[€$£%()\[\]•]|Bokhandeln|Nordic Shoes|Lumo|Pay in 30 days|"
    r"Pay in 4|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)
_CODES = {"nb": "no"}


@lru_cache(maxsize=1)
def _identifier() -> langid.LanguageIdentifier:
    ident = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    ident.set_languages([_CODES.get(code, code) for code in SUPPORTED])
    return ident


def identify(text: str) -> list[tuple[str, float]]:
    """The 35 languages ranked for a reply, best first (without what says nothing of the language)."""
    clean = " ".join(_NOISE.sub(" ", text).split())
    inverse = {v: k for k, v in _CODES.items()}
    return [(inverse.get(code, code), p) for code, p in _identifier().rank(clean)]


def in_language(message: Message, lang: str) -> str | None:
    """None when the reply reads as `lang`, else what it reads as."""
    if message.language != lang:
        return f"stored as {message.language}"
    ranked = identify(message.text)
    return None if ranked[0][0] == lang else f"reads as {ranked[0][0]} ({ranked[0][1]:.2f}): {message.text!r}"


# --- the walk ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    lang: str
    failures: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    def fail(self, step: str, why: str) -> None:
        self.failures.append(f"{step}: {why}")


@pytest.fixture(scope="module")
def understander(models_cache_dir: Path) -> EmbeddedUnderstander:
    built = EmbeddedUnderstander(cache_dir=models_cache_dir)
    built.warm_up()
    return built


@pytest.fixture(scope="module")
def world() -> Iterator[WorldTemplate]:
    template = WorldTemplate(lambda db: KnowledgeBase(db).ingest_dir(HELPCENTRE))
    yield template
    template.cleanup()


def walk(lang: str, understander: EmbeddedUnderstander, world: WorldTemplate) -> Outcome:
    steps = WALKS[lang]
    out = Outcome(lang)
    db = world.fresh()
    try:
        engine = Engine(db, understander, clock=FixedClock(DEMO_NOW), knowledge=knowledge_for(db), demo_mode=True)
        conv = engine.start(channel="walk")
        code: str | None = None

        def say(step: str, text: str) -> TurnResult:
            nonlocal code
            result = engine.handle(conv.id, text.replace("{otp}", code or "000000"))
            code = result.demo_code or code
            u = result.trace.get("understanding", {})
            top = (u.get("intents") or [{}])[0]
            out.transcript.append(f"[{step}] {text}  ({u.get('language')}, {top.get('intent')} "
                                  f"{top.get('score')}, {u.get('signals')})")
            for m in result.replies:
                out.transcript.append(f"    -> {m.text}")
                wrong = in_language(m, lang)
                if wrong:
                    out.fail(step, f"reply not in {lang}: {wrong}")
            return result

        # 1. a write asked anonymously: verification first
        asked = say("ask", steps.extend)
        if code is None:
            sent = say("email", steps.email)
            if not sent.demo_code:
                out.fail("email", "no one-time code was sent")
                return out
        elif asked.handoff:
            out.fail("ask", f"handed over ({asked.handoff})")
            return out
        verified = say("code", steps.code)
        if engine.get(conv.id).customer_id is None:  # type: ignore[union-attr]
            out.fail("code", "not verified")
            return out
        # 2. verified, the extension is proposed; a yes in the language does it
        state = engine.get(conv.id).state  # type: ignore[union-attr]
        if (state.get("pending") or {}).get("action") != "extend_due_date":
            out.fail("confirm", f"no confirmation of the extension asked (actions {verified.actions}, "
                                f"awaiting {state.get('awaiting')})")
            return out
        done = say("yes", steps.yes)
        if [a.name for a in done.actions if a.ok] != ["extend_due_date"]:
            out.fail("yes", f"the yes did not extend: {[a.name for a in done.actions]}")
            return out
        with db.session() as session:
            order = AccountsRepository(session).order(ORDER)
        assert order is not None
        if not order.due_date_extended:
            out.fail("yes", "the due date did not move")
        # 3. outside the help centre: the assistant abstains
        mortgage = say("abstain", steps.mortgage)
        last = mortgage.replies[-1] if mortgage.replies else None
        if mortgage.handoff or last is None or not (last.meta.get("abstained") and last.meta.get("grounded") is False):
            out.fail("abstain", f"no abstention (handoff {mortgage.handoff}, "
                                f"meta {last.meta if last else None}, actions {[a.name for a in mortgage.actions]})")
        # 4. a person
        person = say("person", steps.person)
        if person.handoff != "customer_request":
            out.fail("person", f"not handed over (handoff {person.handoff})")
    finally:
        db.dispose()
    return out


# Steps the product does not get right yet, found by this walk and left to the intent examples (the
# classifier is retrained with more examples): each is re-checked on every run, and an xpass says
# the entry can go.
# (Korean step 1, "주문 O-1002 결제를 미룰 수 있을까요?", was read as order_status until the examples grew.)
KNOWN: dict[str, str] = {}


def test_every_language_has_a_walk() -> None:
    assert set(WALKS) == set(SUPPORTED)
    assert set(KNOWN) <= set(SUPPORTED)


@pytest.mark.parametrize(
    "lang",
    [pytest.param(lang, marks=pytest.mark.xfail(reason=KNOWN[lang], strict=False)) if lang in KNOWN else lang
     for lang in SUPPORTED],
)
def test_language_walk(lang: str, understander: EmbeddedUnderstander, world: WorldTemplate) -> None:
    outcome = walk(lang, understander, world)
    assert not outcome.failures, "\n".join([*outcome.failures, "", *outcome.transcript])


def test_the_identifier_tells_the_languages_apart() -> None:
    # The check itself: a reply in one language is not read as another.
    assert identify("Thanks, you're verified. Shall I do that?")[0][0] == "en"
    assert identify("Tack, du är verifierad. Ska jag göra det?")[0][0] == "sv"
    assert identify("Danke, Sie sind verifiziert. Soll ich das tun?")[0][0] == "de"
