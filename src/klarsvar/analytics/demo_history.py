"""Demo data for the console and the dashboard, deterministic and written through repositories:

- `seed_history`: a realistic month of finished conversations (messages, turn traces, handovers,
  survey answers) before the demo's "today", so the dashboard has something to show;
- `seed_live_queue`: a few chats handed over to people minutes ago, waiting in the console.

Everything seeded has an id starting with `demo-`; seeding again replaces it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.actions.base import ActionContext, Actor, ActorKind
from klarsvar.actions.service import ActionService, ToolRegistry
from klarsvar.analytics.repository import AnalyticsRepository
from klarsvar.conversation.models import Author
from klarsvar.conversation.repository import ConversationRepository
from klarsvar.core.clock import FixedClock
from klarsvar.handoff.repository import HandoffRepository
from klarsvar.i18n.catalog import render
from klarsvar.storage.database import Database

HISTORY_PREFIX = "demo-h-"
QUEUE_PREFIX = "demo-q-"
SEED = 20261120
AGENTS = ("agent", "supervisor")

LANGUAGES = [("en", 30), ("de", 16), ("sv", 14), ("fr", 9), ("es", 8), ("it", 5), ("nl", 4), ("pl", 4), ("ar", 4),
             ("he", 2), ("fi", 2), ("zh", 2)]

# intent: (weight, topic, chance of a handover and its reason, chance the AI abstains at the end)
INTENTS: dict[str, tuple[float, str, float, str, float]] = {
    "payment_schedule": (17, "payment", 0.03, "customer_request", 0.0),
    "order_status": (9, "order", 0.05, "customer_request", 0.02),
    "refund_status": (10, "refund", 0.10, "frustration", 0.03),
    "extend_due_date": (7, "payment", 0.04, "customer_request", 0.0),
    "report_return": (6, "order", 0.05, "customer_request", 0.0),
    "pay_instalment": (4, "payment", 0.02, "customer_request", 0.0),
    "freeze_card": (3, "card", 0.05, "customer_request", 0.0),
    "card_status": (3, "card", 0.04, "customer_request", 0.0),
    "unrecognised_purchase": (2, "card", 0.95, "fraud", 0.0),
    "dispute_not_received": (4, "order", 0.9, "dispute", 0.0),
    "dispute_faulty": (2, "order", 0.9, "dispute", 0.0),
    "update_contact_details": (3, "account", 0.02, "customer_request", 0.0),
    "change_payment_method": (2, "account", 0.75, "policy", 0.0),
    "data_export": (1, "account", 0.02, "customer_request", 0.0),
    "account_deletion": (1, "account", 0.10, "customer_request", 0.0),
    "amount_change_or_waiver": (3, "payment", 0.45, "customer_request", 0.05),
    "complaint": (2, "other", 0.85, "complaint", 0.0),
    "human_request": (6, "person", 1.0, "customer_request", 0.0),
    "general_question": (14, "other", 0.08, "unresolved", 0.16),
    "out_of_scope": (2, "other", 0.05, "unresolved", 0.6),
}

FIRST: dict[str, dict[str, str]] = {
    "payment": {"en": "When is my next payment due?", "de": "Wann ist meine nächste Zahlung fällig?",
                "sv": "När ska nästa betalning vara gjord?", "fr": "Quand dois-je payer la prochaine échéance ?",
                "es": "¿Cuándo vence mi próximo pago?", "it": "Quando scade il prossimo pagamento?",
                "nl": "Wanneer moet ik de volgende betaling doen?", "pl": "Kiedy mam zapłacić następną ratę?",
                "ar": "متى موعد دفعتي القادمة؟", "he": "מתי התשלום הבא שלי?", "fi": "Milloin seuraava maksu erääntyy?",
                "zh": "我的下一笔付款什么时候到期？"},
    "order": {"en": "Where is my order from Nordic Shoes?", "de": "Wo ist meine Bestellung von TechHaus?",
              "sv": "Var är min beställning från Bokhandeln?", "fr": "Où en est ma commande chez Maison Belle ?",
              "es": "¿Dónde está mi pedido de Deportes Sol?", "it": "Dov'è il mio ordine da Stile Milano?",
              "nl": "Waar is mijn bestelling van Fietsplaats?", "pl": "Gdzie jest moje zamówienie ze Sklep Polna?",
              "ar": "أين طلبي؟", "he": "איפה ההזמנה שלי?", "fi": "Missä tilaukseni on?", "zh": "我的订单在哪里？"},
    "refund": {"en": "I returned my shoes two weeks ago, where is my refund?",
               "de": "Ich habe vor zwei Wochen retourniert, wo bleibt meine Erstattung?",
               "sv": "Jag skickade tillbaka varan, när kommer återbetalningen?",
               "fr": "J'ai renvoyé l'article, quand serai-je remboursée ?",
               "es": "Devolví el pedido, ¿cuándo llega el reembolso?", "it": "Quando arriva il mio rimborso?",
               "nl": "Wanneer krijg ik mijn terugbetaling?", "pl": "Kiedy dostanę zwrot pieniędzy?",
               "ar": "متى سأحصل على استرداد أموالي؟", "he": "מתי אקבל את ההחזר?", "fi": "Milloin saan hyvityksen?",
               "zh": "我的退款什么时候到账？"},
    "card": {"en": "Is my Lumo Card active?", "de": "Ist meine Lumo Card gesperrt?", "sv": "Är mitt Lumo-kort aktivt?",
             "fr": "Ma carte Lumo est-elle active ?", "es": "¿Mi tarjeta Lumo está activa?",
             "it": "La mia carta Lumo è attiva?", "nl": "Is mijn Lumo Card actief?", "pl": "Czy moja karta Lumo działa?",
             "ar": "هل بطاقة لومو الخاصة بي نشطة؟", "he": "האם כרטיס לומו שלי פעיל?", "fi": "Onko Lumo-korttini käytössä?",
             "zh": "我的 Lumo 卡还能用吗？"},
    "account": {"en": "I need to change my email address.", "de": "Ich möchte meine Adresse ändern.",
                "sv": "Jag vill byta telefonnummer.", "fr": "Je veux changer mon adresse e-mail.",
                "es": "Quiero cambiar mi dirección.", "it": "Vorrei cambiare il mio indirizzo email.",
                "nl": "Ik wil mijn adres wijzigen.", "pl": "Chcę zmienić numer telefonu.",
                "ar": "أريد تغيير بريدي الإلكتروني.", "he": "אני רוצה לשנות את הכתובת שלי.",
                "fi": "Haluan vaihtaa osoitteeni.", "zh": "我想修改我的邮箱。"},
    "person": {"en": "Can I talk to a human please?", "de": "Ich möchte mit einem Menschen sprechen.",
               "sv": "Kan jag få prata med en människa?", "fr": "Je voudrais parler à un conseiller.",
               "es": "Quiero hablar con una persona.", "it": "Vorrei parlare con una persona.",
               "nl": "Ik wil een medewerker spreken.", "pl": "Chcę porozmawiać z konsultantem.",
               "ar": "أريد التحدث إلى موظف.", "he": "אני רוצה לדבר עם נציג.", "fi": "Haluan puhua ihmisen kanssa.",
               "zh": "我要人工客服。"},
    "other": {"en": "How does Pay in 4 work?", "de": "Wie funktioniert Ratenzahlung?", "sv": "Hur fungerar delbetalning?",
              "fr": "Comment fonctionne le paiement en 4 fois ?", "es": "¿Cómo funciona pagar en 4 plazos?",
              "it": "Come funziona il pagamento in 4 rate?", "nl": "Hoe werkt betalen in 4 delen?",
              "pl": "Jak działa płatność w 4 ratach?", "ar": "كيف يعمل الدفع على 4 دفعات؟", "he": "איך עובד תשלום ב-4?",
              "fi": "Miten neljän erän maksu toimii?", "zh": "分四期付款是怎么回事？"},
}
ANSWER = {"en": "Here is what I found on your account.", "de": "Das habe ich zu Ihrem Konto gefunden.",
          "sv": "Det här hittade jag på ditt konto.", "fr": "Voici ce que j'ai trouvé sur votre compte.",
          "es": "Esto es lo que encontré en su cuenta.", "it": "Ecco cosa ho trovato sul suo conto.",
          "nl": "Dit heb ik op uw account gevonden.", "pl": "Oto, co znalazłem na Twoim koncie.",
          "ar": "هذا ما وجدته في حسابك.", "he": "זה מה שמצאתי בחשבון שלך.", "fi": "Löysin tilitäsi tämän.",
          "zh": "这是我在您账户中找到的信息。"}
FOLLOW_UP = {"en": "Thanks, that helps.", "de": "Danke, das hilft.", "sv": "Tack, det hjälper.", "fr": "Merci !",
             "es": "¡Gracias!", "it": "Grazie!", "nl": "Dank je!", "pl": "Dziękuję!", "ar": "شكرا لك.",
             "he": "תודה רבה.", "fi": "Kiitos!", "zh": "谢谢！"}
HUMAN_REPLY = {"en": "Hi, this is the Lumo team. I've looked into it and sorted it out for you.",
               "de": "Hallo, hier ist das Lumo-Team. Ich habe mich darum gekümmert.",
               "sv": "Hej, det här är Lumo-teamet. Jag har ordnat det åt dig.",
               "fr": "Bonjour, ici l'équipe Lumo. C'est réglé pour vous.",
               "es": "Hola, soy del equipo de Lumo. Ya está solucionado.",
               "it": "Buongiorno, sono del team Lumo. Ho risolto per lei.",
               "nl": "Hallo, met het Lumo-team. Ik heb het voor u geregeld.",
               "pl": "Dzień dobry, tu zespół Lumo. Sprawa załatwiona.", "ar": "مرحبا، معك فريق لومو. لقد حللت المشكلة.",
               "he": "שלום, כאן צוות לומו. טיפלתי בזה עבורך.", "fi": "Hei, täällä Lumo-tiimi. Hoidin asian.",
               "zh": "您好，这里是 Lumo 团队，已为您处理好。"}
COMMENTS = {
    "good": {"en": "Quick and clear, thanks!", "de": "Schnell und freundlich.", "sv": "Snabbt och smidigt!",
             "fr": "Rapide et efficace.", "es": "Muy rápido, gracias."},
    "bad": {"en": "Took too long to reach a person.", "de": "Die Antwort hat mir nicht geholfen.",
            "sv": "Fick inget svar på min fråga.", "fr": "Pas de réponse claire.", "es": "No resolvió mi problema."},
}


@dataclass(frozen=True)
class SeedStats:
    conversations: int
    messages: int
    handoffs: int
    csat: int

    def to_json(self) -> dict[str, int]:
        return dict(vars(self))


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _latency(rng: random.Random, slow: bool) -> int:
    ms = math.exp(rng.gauss(math.log(48), 0.45))
    if rng.random() < 0.03:
        ms *= rng.uniform(2.5, 5)  # the occasional cold start
    return int(ms * (2.6 if slow else 1.0))


def _start_of_chat(rng: random.Random, day: datetime) -> datetime:
    hour = _pick(rng, [(str(h), w) for h, w in enumerate(
        [1, 1, 0.5, 0.5, 0.5, 1, 2, 4, 6, 8, 9, 9, 10, 9, 8, 7, 7, 7, 8, 9, 8, 6, 4, 2])])
    return day + timedelta(hours=int(hour), minutes=rng.randrange(60), seconds=rng.randrange(60))


def seed_history(db: Database, now: datetime, days: int = 30, seed: int = SEED) -> SeedStats:
    """Write `days` days of finished conversations before `now` (replacing earlier demo history)."""
    rng = random.Random(seed)
    # The demo world's customers, and a wider (made-up) customer base behind them for a month of traffic.
    customers = [f"C-{1001 + i}" for i in range(10)] + [f"C-{20001 + i}" for i in range(190)] + \
        [f"C-{50001 + i}" for i in range(2600)]
    popularity = [1.0 / (i + 1) ** 0.45 for i in range(len(customers))]
    intents = [(name, spec[0]) for name, spec in INTENTS.items()]
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    slow_day = rng.randrange(5, max(6, days - 5))  # one day with a slow first reply (a bad deploy, say)
    conversations = messages = handoffs = rated = 0
    with db.session() as session:
        AnalyticsRepository(session).delete_conversations(HISTORY_PREFIX)
        convs = ConversationRepository(session)
        handoff_repo = HandoffRepository(session)
        for d in range(days - 1, -1, -1):  # the last `days` days, today (until now) included
            day = today - timedelta(days=d)
            weekday = [1.2, 1.1, 1.0, 1.0, 0.95, 0.7, 0.65][day.weekday()]
            trend = 1 + 0.25 * (days - d) / days  # the assistant gets used more over the month
            count = max(5, int(rng.gauss(34 * weekday * trend, 4)))
            improving = (days - d) / days  # handovers fall a little as the month goes on
            for n in range(count):
                at = _start_of_chat(rng, day)
                if at >= now:
                    continue
                lang = _pick(rng, [(k, float(w)) for k, w in LANGUAGES])
                intent = _pick(rng, [(k, float(w)) for k, w in intents])
                _, topic, p_handoff, reason, p_abstain = INTENTS[intent]
                signed_in = rng.random() < 0.6
                customer = rng.choices(customers, weights=popularity)[0] if signed_in else None
                conv_id = f"{HISTORY_PREFIX}{day:%Y%m%d}-{n:03d}"
                convs.create(conv_id, customer, "web", at, lang)
                t = at + timedelta(seconds=rng.randint(2, 20))
                handed = rng.random() < p_handoff * (1.1 - 0.3 * improving)
                abstain = not handed and rng.random() < p_abstain
                first = convs.add_message(conv_id, Author.CUSTOMER, FIRST[topic].get(lang, FIRST[topic]["en"]),
                                          lang, t)
                ms = _latency(rng, d == slow_day)
                convs.add_trace(conv_id, first.seq, {"steps": [{"step": "total", "ms": ms}], "synthetic": True},
                                ms, t)
                t += timedelta(milliseconds=ms)
                reply_lang = lang if lang in ANSWER else "en"
                if handed:
                    text = render("disclosure", reply_lang) + " " + render(f"handoff.{reason}", reply_lang)
                    convs.add_message(conv_id, Author.AI, text, reply_lang, t,
                                      {"handoff": reason, "abstained": False}, author_id="klarsvar")
                    handoff = handoff_repo.create(conv_id, reason, {"reason": reason, "language": lang,
                                                                    "mood": "neutral", "actions": []}, t)
                    handoffs += 1
                    wait = timedelta(seconds=int(rng.expovariate(1 / 240)) + 20)
                    taken = t + wait
                    agent = rng.choice(AGENTS)
                    handoff_repo.take(handoff.id, agent, taken)
                    t = taken + timedelta(seconds=rng.randint(20, 90))
                    convs.add_message(conv_id, Author.HUMAN, HUMAN_REPLY.get(lang, HUMAN_REPLY["en"]), lang, t,
                                      author_id=agent)
                    t += timedelta(seconds=rng.randint(30, 400))
                    convs.add_message(conv_id, Author.CUSTOMER, FOLLOW_UP.get(lang, FOLLOW_UP["en"]), lang, t)
                    t += timedelta(seconds=rng.randint(20, 200))
                    handoff_repo.end(handoff.id, "closed", t)
                    messages += 5
                else:
                    meta: dict[str, Any] = {"abstained": abstain, "handoff": None, "grounded": not abstain}
                    text = render("disclosure", reply_lang) + " " + ANSWER.get(lang, ANSWER["en"])
                    convs.add_message(conv_id, Author.AI, text, reply_lang, t, meta, author_id="klarsvar")
                    messages += 2
                    for _turn in range(rng.choice([0, 0, 1, 1, 2])):
                        t += timedelta(seconds=rng.randint(10, 120))
                        follow = convs.add_message(conv_id, Author.CUSTOMER, FOLLOW_UP.get(lang, FOLLOW_UP["en"]),
                                                   lang, t)
                        ms = _latency(rng, d == slow_day)
                        convs.add_trace(conv_id, follow.seq, {"steps": [{"step": "total", "ms": ms}],
                                                              "synthetic": True}, ms, t)
                        t += timedelta(milliseconds=ms)
                        convs.add_message(conv_id, Author.AI, ANSWER.get(lang, ANSWER["en"]), reply_lang, t,
                                          {"abstained": abstain, "handoff": None}, author_id="klarsvar")
                        messages += 2
                closed = rng.random() < 0.7
                updates: dict[str, Any] = {"intent": intent, "language": lang}
                if handed:
                    updates.update(mode="human", handoff_reason=reason)
                if closed or handed:
                    updates.update(status="closed", closed_at=t + timedelta(seconds=rng.randint(5, 90)))
                    if rng.random() < 0.3:
                        mood = 4.35 if not handed and not abstain else (3.9 if handed else 2.4)
                        score = min(5, max(1, round(rng.gauss(mood, 0.9))))
                        updates["csat_score"] = score
                        if rng.random() < 0.35 and lang in COMMENTS["good"]:
                            updates["csat_comment"] = COMMENTS["good" if score >= 4 else "bad"][lang]
                        rated += 1
                convs.update(conv_id, t, **updates)
                conversations += 1
    return SeedStats(conversations, messages, handoffs, rated)


@dataclass(frozen=True)
class _Waiting:
    key: str
    customer_email: str | None
    language: str
    reason: str
    minutes_ago: int
    turns: tuple[str, ...]
    intent: str = "human_request"
    mood: str = "neutral"
    freeze_card: bool = False


QUEUE = (
    _Waiting("fraud", "emma.johnson@example.com", "en", "fraud", 4,
             ("I don't recognise a €499 purchase on my Lumo Card from yesterday!",), "unrecognised_purchase",
             "worried", freeze_card=True),
    _Waiting("person", "anna.svensson@example.se", "sv", "customer_request", 9,
             ("Hej! Min betalning till Bokhandeln ser fel ut.", "Jag vill prata med en människa, tack.")),
    _Waiting("complaint", "lukas.meyer@example.de", "de", "complaint", 14,
             ("Ich möchte mich offiziell beschweren: Die Mahnung kam, obwohl ich retourniert habe.",), "complaint",
             "upset"),
    _Waiting("rtl", None, "ar", "customer_request", 21, ("مرحبا، أريد التحدث إلى موظف من فضلك.",)),
    _Waiting("frustration", "javier.garcia@example.es", "es", "frustration", 26,
             ("¿Dónde está mi reembolso?", "¡Esto es ridículo, llevo semanas esperando!",
              "¡No me sirve de nada, estoy harto!"), "refund_status", "frustrated"),
)


def seed_live_queue(db: Database, registry: ToolRegistry, now: datetime) -> int:
    """A few chats handed over to people minutes before `now`, as the engine leaves them."""
    with db.session() as session:
        AnalyticsRepository(session).delete_conversations(QUEUE_PREFIX)
    seeded = 0
    for item in QUEUE:
        at = now - timedelta(minutes=item.minutes_ago)
        clock = FixedClock(at)
        conv_id = f"{QUEUE_PREFIX}{item.key}"
        with db.session() as session:
            accounts = AccountsRepository(session)
            customer = accounts.customer_by_email(item.customer_email) if item.customer_email else None
            convs = ConversationRepository(session)
            convs.create(conv_id, customer.id if customer else None, "web", at, item.language)
            ctx = ActionContext(Actor(ActorKind.AI, "klarsvar"), customer.id if customer else None, clock,
                                conversation_id=conv_id)
            service = ActionService(session, registry)
            actions: list[str] = []
            for i, text in enumerate(item.turns):
                t = at + timedelta(seconds=40 * i)
                clock.at = t
                msg = convs.add_message(conv_id, Author.CUSTOMER, text, item.language, t)
                convs.add_trace(conv_id, msg.seq, {"steps": [{"step": "total", "ms": 41 + 7 * i}], "synthetic": True},
                                41 + 7 * i, t)
                if i < len(item.turns) - 1:
                    convs.add_message(conv_id, Author.AI, ANSWER.get(item.language, ANSWER["en"]), item.language,
                                      t + timedelta(seconds=1), {"abstained": False}, author_id="klarsvar")
            reply = []
            if item.freeze_card and customer is not None:
                cards = accounts.cards_of(customer.id)
                if cards:
                    result = service.run("freeze_card", {"card_id": cards[0].id}, ctx)
                    if result.ok:
                        actions.append("freeze_card")
                        reply.append(render("fraud", item.language, last4=cards[0].last4))
            # The summary the engine's dialogue writes with a handover (conversation/dialogue.py).
            summary = {"reason": item.reason, "wants": item.intent, "customer_said": item.turns[-1][:500],
                       "facts": {"order": None, "verified": customer is not None, "pending": None},
                       "actions": [{"name": a, "ok": True} for a in actions], "earlier_actions": [],
                       "mood": item.mood, "language": item.language}
            result = service.run("handoff", {"reason": item.reason, "summary": summary}, ctx)
            if not result.ok:
                continue
            text = " ".join(p for p in [render("disclosure", item.language) if len(item.turns) == 1 else "", *reply,
                                        render(f"handoff.{item.reason}", item.language)] if p)
            convs.add_message(conv_id, Author.AI, text, item.language, clock.now() + timedelta(seconds=1),
                              {"handoff": item.reason, "abstained": False,
                               "actions": [{"name": a, "ok": True} for a in [*actions, "handoff"]]},
                              author_id="klarsvar")
            convs.update(conv_id, clock.now() + timedelta(seconds=1), mode="human", handoff_reason=item.reason,
                         intent=item.intent)
            seeded += 1
    return seeded

