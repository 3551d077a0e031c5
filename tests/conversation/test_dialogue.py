"""The dialogue policy end to end: the real Engine on a fresh SQLite demo world, driven by
the ScriptedUnderstander (no models), with the demo clock fixed at 2026-11-20T12:00Z.

Each test follows a rule of docs/conversation-behaviour.md and checks what was written
to the database, not only what the assistant said."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest

from klarsvar.accounts.models import Card, Order
from klarsvar.accounts.repository import AccountsRepository
from klarsvar.conversation.engine import Engine, EngineError
from klarsvar.conversation.models import Author, Conversation, Source, TurnResult
from klarsvar.conversation.ports import Answerer, KnowledgeAnswer
from klarsvar.core.clock import FixedClock
from klarsvar.core.pan import mask_pans
from klarsvar.handoff.repository import Handoff, HandoffRepository
from klarsvar.storage.database import Database
from klarsvar.understanding.base import Signals
from klarsvar.understanding.testing import Scripted, ScriptedUnderstander

ANNA, LUKAS, EMMA, JAVIER, WEI = "C-1001", "C-1002", "C-1003", "C-1005", "C-1006"
PAN = "4539148803436467"
PAN_SPACED = "4539 1488 0343 6467"

# What each message means, as an understander would propose it.
SCRIPT: dict[str, Scripted] = {
    # reads
    "When is my next payment due?": Scripted("payment_schedule"),
    "When is the next payment on O-3002 due?": Scripted("payment_schedule"),
    "When is my next payment due? I'm emma.johnson@example.com": Scripted("payment_schedule"),
    "What's the status of O-2002?": Scripted("order_status"),
    # writes that need a yes
    "Can I get more time to pay Bokhandeln?": Scripted("extend_due_date"),
    "Please extend the due date of O-5002": Scripted("extend_due_date"),
    "Extend the due date of O-2002": Scripted("extend_due_date"),
    "I never got my Gadgetly order O-2003": Scripted("dispute_not_received"),
    "The ElectroMart blender O-6001 is broken, I want to open a dispute": Scripted("dispute_faulty"),
    # immediate
    "Freeze my card please": Scripted("freeze_card"),
    # The engine masks card numbers before the understander sees the message.
    mask_pans(f"My card {PAN_SPACED} was stolen, freeze it"): Scripted("freeze_card"),
    mask_pans(f"Is {PAN} my card number?"): Scripted("card_status"),
    "I don't recognise a €499 purchase at XYZ Games Ltd": Scripted(
        "unrecognised_purchase", signals=Signals(suspected_fraud=True)
    ),
    # answers
    "yes": Scripted("affirm"),
    "Ja, gör det": Scripted("affirm", language="sv"),
    "no": Scripted("deny"),
    "never mind": Scripted("cancel"),
    "How many times can a due date be extended?": Scripted("general_question", 0.9),
    "Can I extend the due date of my order?": Scripted("extend_due_date", 0.9),
    "Could a due date be extended, in general?": Scripted("extend_due_date", 0.45),
    # people
    "I want to talk to a human": Scripted("human_request", signals=Signals(wants_person=True)),
    "Yes, no wait, get me a real person": Scripted("affirm", signals=Signals(wants_person=True)),
    "This is useless, when do I pay?!": Scripted("payment_schedule", signals=Signals(frustration=True)),
    "Still nothing, this is ridiculous!": Scripted("payment_schedule", signals=Signals(frustration=True)),
    # anger the model reads as a complaint, and a complaint filed in so many words
    "I'm so angry, why is my bill such a mess!": Scripted("complaint", 0.85, signals=Signals(frustration=True)),
    "I'm furious and I want to file a complaint!": Scripted("complaint", 0.85, signals=Signals(frustration=True)),
    "Ich möchte mich offiziell beschweren.": Scripted("complaint", 0.8, language="de"),
}
NOT_UNDERSTOOD = Scripted("general_question", 0.2)


class FakeAnswerer:
    """A help centre that knows one thing: how often a due date can be extended."""

    TEXT = "A Pay in 30 days due date can be extended once per order, by 10 days, before it has passed."

    def __init__(self) -> None:
        self.questions: list[str] = []

    def answer(self, question: str, *, lang: str, detail: bool = False, query_vector: object = None) -> KnowledgeAnswer:
        self.questions.append(question)
        if "extend" not in question.lower():
            return KnowledgeAnswer("", [], False, 0.0, lang)
        return KnowledgeAnswer(self.TEXT, [Source("kb-extend", "Extending a due date", "en")], True, 0.9, lang)


@dataclass
class Chat:
    """One conversation with the engine."""

    engine: Engine
    understander: ScriptedUnderstander
    db: Database
    conversation: Conversation
    results: list[TurnResult] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.conversation.id

    def say(self, text: str) -> TurnResult:
        result = self.engine.handle(self.id, text)
        self.results.append(result)
        return result

    def reply(self, text: str) -> str:
        result = self.say(text)
        return " ".join(m.text for m in result.replies)

    def state(self) -> Conversation:
        conv = self.engine.get(self.id)
        assert conv is not None
        return conv

    def written(self) -> list[str]:
        return [a.name for r in self.results for a in r.actions if a.ok]


def _engine(db: Database, knowledge: Answerer | None = None) -> tuple[Engine, ScriptedUnderstander]:
    understander = ScriptedUnderstander(SCRIPT, fallback=lambda _text: NOT_UNDERSTOOD)
    return Engine(db, understander, clock=FixedClock(), knowledge=knowledge), understander


def open_chat(db: Database, customer_id: str | None, knowledge: Answerer | None = None) -> Chat:
    engine, understander = _engine(db, knowledge)
    return Chat(engine, understander, db, engine.start(customer_id=customer_id))


def order(db: Database, order_id: str) -> Order:
    with db.session() as session:
        found = AccountsRepository(session).order(order_id)
    assert found is not None
    return found


def card(db: Database, card_id: str) -> Card:
    with db.session() as session:
        found = AccountsRepository(session).card(card_id)
    assert found is not None
    return found


def handoffs(db: Database, conversation_id: str) -> list[Handoff]:
    with db.session() as session:
        return HandoffRepository(session).all_for(conversation_id)


def due(o: Order) -> date:
    return next(i.due_on for i in o.instalments if i.status != "paid")


def words(text: str) -> int:
    return len(text.split())


# --- every conversation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("customer", "text"),
    [
        (EMMA, "When is my next payment due?"),
        (ANNA, "Can I get more time to pay Bokhandeln?"),
        (LUKAS, "Freeze my card please"),
        (None, "When is my next payment due?"),
        (EMMA, "gibberish xq"),
    ],
)
def test_the_first_reply_discloses_the_ai_and_a_person(sqlite_db: Database, customer: str | None, text: str) -> None:
    chat = open_chat(sqlite_db, customer)
    first = chat.say(text).replies[0]
    assert first.author is Author.AI
    assert "AI" in first.text
    assert "person" in first.text
    assert words(first.text) < 70


def test_the_disclosure_is_said_once(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, EMMA)
    chat.say("When is my next payment due?")
    again = chat.reply("When is my next payment due?")
    assert "AI" not in again
    assert "57" in again


# --- writes need an explicit yes (policy 11) ----------------------------------------------------------


def test_no_write_until_yes(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, ANNA)
    before = order(sqlite_db, "O-1002")
    assert due(before) == date(2026, 12, 5)

    proposal = chat.say("Can I get more time to pay Bokhandeln?")
    text = proposal.replies[0].text
    assert proposal.actions == []
    assert "Bokhandeln" in text or "O-1002" in text  # says exactly what it will do
    assert "15" in text  # the new due date
    assert not order(sqlite_db, "O-1002").due_date_extended

    done = chat.say("yes")
    assert [a.name for a in done.actions] == ["extend_due_date"]
    assert all(a.ok for a in done.actions)
    after = order(sqlite_db, "O-1002")
    assert after.due_date_extended
    assert due(after) == date(2026, 12, 15)


def test_yes_in_another_language_executes(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, ANNA)
    chat.say("Can I get more time to pay Bokhandeln?")
    assert [a.name for a in chat.say("Ja, gör det").actions] == ["extend_due_date"]


@pytest.mark.parametrize("refusal", ["no", "never mind"])
def test_no_cancels_and_nothing_happens(sqlite_db: Database, refusal: str) -> None:
    chat = open_chat(sqlite_db, ANNA)
    chat.say("Can I get more time to pay Bokhandeln?")
    answer = chat.say(refusal)
    assert answer.actions == []
    assert answer.replies  # the assistant says nothing was done
    # The proposal is gone: a later yes does not execute it.
    late = chat.say("yes")
    assert late.actions == []
    assert chat.written() == []
    assert not order(sqlite_db, "O-1002").due_date_extended


def test_the_pending_confirmation_survives_between_turns(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, ANNA)
    chat.say("Can I get more time to pay Bokhandeln?")
    pending = chat.state().state.get("pending")
    assert pending is not None
    assert pending["action"] == "extend_due_date"
    assert pending["args"] == {"order_id": "O-1002"}
    # A new engine (another process) carries on with the stored state.
    engine, _ = _engine(sqlite_db)
    assert [a.name for a in engine.handle(chat.id, "yes").actions] == ["extend_due_date"]


# --- freeze, fraud, disputes --------------------------------------------------------------------------


def test_freezing_a_card_is_immediate(sqlite_db: Database) -> None:
    assert card(sqlite_db, "K-2001").status == "active"
    chat = open_chat(sqlite_db, LUKAS)
    result = chat.say("Freeze my card please")
    assert [a.name for a in result.actions] == ["freeze_card"]
    assert result.handoff is None
    assert card(sqlite_db, "K-2001").status == "frozen"
    assert "4417" in result.replies[0].text


def test_fraud_freezes_and_hands_over_in_one_turn(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, LUKAS)
    result = chat.say("I don't recognise a €499 purchase at XYZ Games Ltd")
    assert [a.name for a in result.actions] == ["freeze_card", "handoff"]
    assert all(a.ok for a in result.actions)
    assert result.handoff == "fraud"
    assert result.mode == "human"
    assert card(sqlite_db, "K-2001").status == "frozen"
    assert [h.reason for h in handoffs(sqlite_db, chat.id)] == ["fraud"]
    conv = chat.state()
    assert conv.mode == "human"
    assert conv.handoff_reason == "fraud"


def test_dispute_is_confirmed_then_opened_and_handed_over(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, LUKAS)
    proposal = chat.say("I never got my Gadgetly order O-2003")
    assert proposal.actions == []
    assert proposal.handoff is None
    assert "Gadgetly" in proposal.replies[0].text or "O-2003" in proposal.replies[0].text
    assert order(sqlite_db, "O-2003").disputes == ()

    done = chat.say("yes")
    assert [a.name for a in done.actions] == ["open_dispute", "handoff"]
    assert done.handoff == "dispute"
    disputes = order(sqlite_db, "O-2003").disputes
    assert len(disputes) == 1
    assert disputes[0].reason.value == "not_received"
    assert [h.reason for h in handoffs(sqlite_db, chat.id)] == ["dispute"]


# --- refusals by policy -----------------------------------------------------------------------------


def test_already_extended_is_refused_with_the_reason_and_no_write(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, JAVIER)
    result = chat.say("Please extend the due date of O-5002")
    text = result.replies[0].text
    assert result.actions == []
    assert result.handoff is None
    assert "already" in text.lower()
    assert "30" in text  # still due on 30 Nov
    assert chat.state().state.get("pending") is None
    # Nothing is waiting for a yes.
    assert chat.say("yes").actions == []
    assert due(order(sqlite_db, "O-5002")) == date(2026, 11, 30)
    assert handoffs(sqlite_db, chat.id) == []


def test_dispute_too_early_is_refused_with_the_date(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, WEI)
    result = chat.say("The ElectroMart blender O-6001 is broken, I want to open a dispute")
    text = result.replies[0].text
    assert result.actions == []
    assert result.handoff is None
    assert "14" in text
    assert "26" in text  # bought 12 Nov: a dispute can be opened from 26 Nov
    assert chat.say("yes").actions == []
    assert order(sqlite_db, "O-6001").disputes == ()


# --- digressions and priorities -----------------------------------------------------------------------


def test_a_question_mid_flow_is_answered_then_yes_executes(sqlite_db: Database) -> None:
    knowledge = FakeAnswerer()
    chat = open_chat(sqlite_db, ANNA, knowledge)
    chat.say("Can I get more time to pay Bokhandeln?")

    digression = chat.say("How many times can a due date be extended?")
    text = digression.replies[0].text
    assert digression.actions == []
    assert FakeAnswerer.TEXT in text
    assert "Extending a due date" in text  # the source line
    assert digression.replies[0].meta["sources"][0]["id"] == "kb-extend"
    # … then the pending confirmation is asked again.
    assert text.index(FakeAnswerer.TEXT) < text.rindex("Bokhandeln")
    assert chat.state().state["pending"]["action"] == "extend_due_date"

    assert [a.name for a in chat.say("yes").actions] == ["extend_due_date"]
    assert order(sqlite_db, "O-1002").due_date_extended


@pytest.mark.parametrize("request_text", ["I want to talk to a human", "Yes, no wait, get me a real person"])
def test_a_person_request_wins_over_a_pending_confirmation(sqlite_db: Database, request_text: str) -> None:
    chat = open_chat(sqlite_db, ANNA)
    chat.say("Can I get more time to pay Bokhandeln?")
    result = chat.say(request_text)
    assert [a.name for a in result.actions] == ["handoff"]
    assert result.handoff == "customer_request"
    assert not order(sqlite_db, "O-1002").due_date_extended
    assert chat.state().state.get("pending") is None


def test_two_frustrated_turns_in_a_row_hand_over(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, EMMA)
    first = chat.say("This is useless, when do I pay?!")
    assert first.handoff is None
    assert "sorry" in first.replies[0].text.lower()  # the feeling first …
    assert "57" in first.replies[0].text  # … then the facts
    second = chat.say("Still nothing, this is ridiculous!")
    assert second.handoff == "frustration"
    assert [h.reason for h in handoffs(sqlite_db, chat.id)] == ["frustration"]


def test_anger_read_as_a_complaint_is_a_mood_until_it_repeats(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, EMMA)
    first = chat.say("I'm so angry, why is my bill such a mess!")
    assert first.handoff is None
    assert "sorry" in first.replies[0].text.lower()
    assert "person" in " ".join(r.text for r in first.replies)  # offered, not forced
    second = chat.say("Still nothing, this is ridiculous!")
    assert second.handoff == "frustration"
    assert [h.reason for h in handoffs(sqlite_db, chat.id)] == ["frustration"]


@pytest.mark.parametrize("text", ["I'm furious and I want to file a complaint!", "Ich möchte mich offiziell beschweren."])
def test_a_complaint_filed_in_so_many_words_hands_over_at_once(sqlite_db: Database, text: str) -> None:
    chat = open_chat(sqlite_db, EMMA)
    result = chat.say(text)
    assert result.handoff == "complaint"
    assert [h.reason for h in handoffs(sqlite_db, chat.id)] == ["complaint"]


def test_frustration_must_be_in_a_row(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, EMMA)
    chat.say("This is useless, when do I pay?!")
    chat.say("When is my next payment due?")
    assert chat.say("Still nothing, this is ridiculous!").handoff is None


def test_two_turns_not_understood_hand_over(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, EMMA)
    first = chat.say("flibber wobble")
    assert first.handoff is None
    assert first.replies[0].meta.get("abstained") is True or "person" in first.replies[0].text
    second = chat.say("wobble flibber")
    assert second.handoff == "unresolved"
    assert [a.name for a in second.actions] == ["handoff"]


def test_not_understood_must_be_in_a_row(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, EMMA)
    chat.say("flibber wobble")
    chat.say("When is my next payment due?")  # understood and answered: the run is broken
    assert chat.say("wobble flibber").handoff is None
    assert chat.say("flob").handoff == "unresolved"


def test_after_a_handoff_the_ai_stays_silent(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, EMMA)
    handed = chat.say("I want to talk to a human")
    assert handed.handoff == "customer_request"
    assert [m.author for m in handed.replies] == [Author.AI]  # the handover reply itself

    for text in ["hello?", "When is my next payment due?", "Can I get more time to pay Bokhandeln?", "yes"]:
        later = chat.say(text)
        assert later.replies == []
        assert later.actions == []
        assert later.mode == "human"
    messages = chat.engine.messages(chat.id)
    assert [m.author for m in messages[-4:]] == [Author.CUSTOMER] * 4
    assert len(handoffs(sqlite_db, chat.id)) == 1


# --- anonymous visitors -------------------------------------------------------------------------------


EMMA_SECRETS = ["HomeNest", "CityStyle", "57", "230", "O-3002", "O-3001", "9054", "Emma"]


def _assert_reveals_nothing(text: str) -> None:
    for secret in EMMA_SECRETS:
        assert secret not in text, secret


def test_anonymous_account_question_verifies_then_answers_it(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, None)
    ask = chat.say("When is my next payment due?")
    _assert_reveals_nothing(ask.replies[0].text)
    assert "email" in ask.replies[0].text.lower()
    assert ask.demo_code is None

    sent = chat.say("emma.johnson@example.com")
    assert sent.demo_code is not None
    assert re.fullmatch(r"\d{6}", sent.demo_code)
    _assert_reveals_nothing(sent.replies[0].text)
    assert sent.demo_code not in sent.replies[0].text  # the code goes out of band, never in the chat
    assert chat.state().customer_id is None

    verified = chat.say(sent.demo_code)
    text = verified.replies[0].text
    assert "57" in text and "27" in text  # the original question, answered: €57.50 due 27 Nov
    assert chat.state().customer_id == EMMA
    # Then the chat goes on as a signed-in one.
    assert "57" in chat.reply("When is my next payment due?")


def test_anonymous_email_in_the_first_message_goes_straight_to_the_code(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, None)
    result = chat.say("When is my next payment due? I'm emma.johnson@example.com")
    assert result.demo_code is not None
    assert chat.state().customer_id is None


def test_an_unknown_email_gets_the_same_answer(sqlite_db: Database) -> None:
    known = open_chat(sqlite_db, None)
    unknown = open_chat(sqlite_db, None)
    known.say("When is my next payment due?")
    unknown.say("When is my next payment due?")
    a = known.say("emma.johnson@example.com")
    b = unknown.say("nobody.here@example.org")
    # Whether the email exists is not revealed in the chat (the demo code is a demo-mode side channel).
    assert [m.text for m in a.replies] == [m.text for m in b.replies]
    assert b.demo_code is None
    refused = unknown.say("123456")
    assert unknown.state().customer_id is None
    assert refused.actions == []


def test_three_wrong_codes_lock_verification(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, None)
    chat.say("When is my next payment due?")
    code = chat.say("emma.johnson@example.com").demo_code
    assert code is not None
    wrong = "000000" if code != "000000" else "111111"
    texts = [chat.reply(wrong) for _ in range(3)]
    assert texts[0] == texts[1]  # "that code doesn't match"
    assert texts[2] != texts[0]  # locked, a person is offered
    assert "person" in texts[2]
    state = chat.state()
    assert state.state["verification_locked"] is True

    # Even the right code no longer verifies, and the account stays closed.
    late = chat.say(code)
    assert chat.state().customer_id is None
    _assert_reveals_nothing(" ".join(m.text for m in late.replies))
    again = chat.say("When is my next payment due?")
    _assert_reveals_nothing(" ".join(m.text for m in again.replies))
    assert again.demo_code is None
    assert chat.state().customer_id is None


def test_anonymous_actions_do_nothing_before_verification(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, None)
    result = chat.say("Freeze my card please")
    assert result.actions == []
    assert "email" in result.replies[0].text.lower()
    chat.say("lukas.meyer@example.de")
    assert card(sqlite_db, "K-2001").status == "active"


def test_anonymous_visitor_asking_about_an_order_id_learns_nothing(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, None)
    result = chat.say("When is the next payment on O-3002 due?")
    _assert_reveals_nothing(" ".join(m.text for m in result.replies).replace("O-3002", "") + " ")
    assert result.actions == []


# --- one customer per chat ----------------------------------------------------------------------------


def test_another_customers_order_is_not_found_and_nothing_shown(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, ANNA)
    text = chat.reply("When is the next payment on O-3002 due?")  # Emma's order
    for secret in ["HomeNest", "57", "230", "Emma", "27 Nov"]:
        assert secret not in text
    assert "O-3002" in text  # "I can't find O-3002 on your account"


def test_another_customers_order_cannot_be_changed(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, ANNA)
    result = chat.say("Extend the due date of O-2002")  # Lukas's ModeWelt order
    assert result.actions == []
    assert "ModeWelt" not in result.replies[0].text
    assert "79" not in result.replies[0].text
    assert chat.say("yes").actions == []
    assert not order(sqlite_db, "O-2002").due_date_extended


# --- card numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [f"My card {PAN_SPACED} was stolen, freeze it", f"Is {PAN} my card number?"])
def test_a_card_number_is_masked_in_the_stored_message_and_not_echoed(sqlite_db: Database, text: str) -> None:
    chat = open_chat(sqlite_db, LUKAS)
    result = chat.say(text)
    stored = [m for m in chat.engine.messages(chat.id) if m.author is Author.CUSTOMER]
    assert len(stored) == 1
    assert "6467" in stored[0].text
    for message in [*stored, *result.replies, result.customer_message]:
        digits = re.sub(r"\D", "", message.text)
        assert PAN not in digits
        assert PAN_SPACED not in message.text
        assert "45391488" not in digits
    assert "[card" in stored[0].text
    reply = " ".join(m.text for m in result.replies)
    assert "card number" in reply.lower()  # a reminder never to share card numbers
    # The understander never saw the number either.
    assert all(PAN not in re.sub(r"\D", "", seen) for seen, _ in chat.understander.seen)


def test_a_stolen_card_typed_in_full_is_still_frozen(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, LUKAS)
    result = chat.say(f"My card {PAN_SPACED} was stolen, freeze it")
    assert [a.name for a in result.actions] == ["freeze_card"]
    assert card(sqlite_db, "K-2001").status == "frozen"


# --- input the engine refuses ----------------------------------------------------------------------------


def test_empty_and_oversized_messages_are_refused(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, EMMA)
    with pytest.raises(EngineError) as empty:
        chat.say("   ")
    assert empty.value.code == "empty_message"
    with pytest.raises(EngineError) as long:
        chat.say("x" * 20_000)
    assert long.value.code == "message_too_long"
    with pytest.raises(EngineError) as missing:
        chat.engine.handle("no-such-conversation", "hello")
    assert missing.value.code == "not_found"
    assert chat.engine.messages(chat.id) == []


def test_an_unknown_customer_cannot_start_a_chat(sqlite_db: Database) -> None:
    engine, _ = _engine(sqlite_db)
    with pytest.raises(EngineError) as err:
        engine.start(customer_id="C-9999999")
    assert err.value.code == "unknown_customer"


def test_an_anonymous_policy_question_about_their_own_order_is_answered_then_verification_begins(
    sqlite_db: Database,
) -> None:
    chat = open_chat(sqlite_db, None, knowledge=FakeAnswerer())
    text = chat.reply("Can I extend the due date of my order?")
    assert FakeAnswerer.TEXT in text  # the rule first ...
    assert "email" in text.lower()  # ... then on to their own order, verification first
    _assert_reveals_nothing(text)
    sent = chat.say("emma.johnson@example.com")
    assert sent.demo_code is not None  # the email is the verification's, not a change of contact details
    assert not chat.written()


def test_an_anonymous_general_question_is_only_answered(sqlite_db: Database) -> None:
    chat = open_chat(sqlite_db, None, knowledge=FakeAnswerer())
    text = chat.reply("Could a due date be extended, in general?")
    assert FakeAnswerer.TEXT in text
    assert "email" not in text.lower()
