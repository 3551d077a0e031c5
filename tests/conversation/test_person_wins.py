"""Policy 10 end to end: a request for a person hands over at once, in every language, whatever
the conversation is in the middle of: a confirmation awaited, verification (email, code, locked),
a slot asked for, after an abstention, after an upset turn. A yes to a person the assistant has
just offered hands over too.

The real Engine on a fresh demo world; the request is read by the real cue lexicon only (the
test's understander proposes a weak `general_question` for it, as if the classifier had missed
it), so what is checked is the lexicon and the dialogue together, in all 35 languages.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from klarsvar.conversation.engine import Engine
from klarsvar.conversation.models import TurnResult
from klarsvar.core.clock import FixedClock
from klarsvar.storage.database import Database
from klarsvar.understanding import lexicon
from klarsvar.understanding.base import Signals
from klarsvar.understanding.language import SUPPORTED
from klarsvar.understanding.testing import Scripted, ScriptedUnderstander
from understanding.test_person_requests import REQUESTS

ANNA, LUKAS = "C-1001", "C-1002"
EMAIL = "emma.johnson@example.com"
SETUP: dict[str, Scripted] = {
    "extend": Scripted("extend_due_date"),  # Anna: Bokhandeln O-1002, one order fits -> confirmation
    "next payment": Scripted("payment_schedule"),  # anonymous -> email, then code
    "pay early": Scripted("pay_instalment"),  # Lukas: several orders fit -> which one?
    "furious": Scripted("payment_schedule", signals=Signals(frustration=True)),
    "no thanks": Scripted("deny"),
}


def understander(lang: str) -> ScriptedUnderstander:
    def read(text: str) -> Scripted:
        # What the classifier would propose if it missed the request: a weak guess. The lexicon decides.
        return Scripted("general_question", 0.2, language=lang, signals=Signals(wants_person=lexicon.wants_person(text)))

    script = {k: Scripted(v.intent, v.score, lang, v.signals) for k, v in SETUP.items()}
    return ScriptedUnderstander(script, fallback=read)


class Chat:
    def __init__(self, db: Database, lang: str, customer: str | None) -> None:
        self.engine = Engine(db, understander(lang), clock=FixedClock())
        self.id = self.engine.start(customer_id=customer).id
        self.code: str | None = None

    def say(self, text: str) -> TurnResult:
        result = self.engine.handle(self.id, text)
        self.code = result.demo_code or self.code
        return result


def _confirmation(chat: Chat) -> None:
    assert chat.say("extend").actions == []
    conv = chat.engine.get(chat.id)
    assert conv is not None and conv.state["pending"]["action"] == "extend_due_date"


def _email(chat: Chat) -> None:
    chat.say("next payment")


def _code(chat: Chat) -> None:
    chat.say("next payment")
    chat.say(EMAIL)
    assert chat.code


def _locked(chat: Chat) -> None:
    chat.say("next payment")
    chat.say(EMAIL)
    for wrong in ("000001", "000002", "000003"):
        chat.say(wrong)
    conv = chat.engine.get(chat.id)
    assert conv is not None and conv.state["verification_locked"]


def _slot(chat: Chat) -> None:
    chat.say("pay early")
    conv = chat.engine.get(chat.id)
    assert conv is not None and conv.state["awaiting"]["slot"] == "order"


def _abstained(chat: Chat) -> None:
    result = chat.say("zxqv wobble frump")
    assert result.replies[-1].meta["abstained"]


def _upset(chat: Chat) -> None:
    chat.say("furious")


STATES: dict[str, tuple[str | None, Callable[[Chat], None]]] = {
    "awaiting a confirmation": (ANNA, _confirmation),
    "awaiting the email": (None, _email),
    "awaiting the code": (None, _code),
    "verification locked": (None, _locked),
    "awaiting which order": (LUKAS, _slot),
    "after an abstention": (None, _abstained),
    "after an upset turn": (ANNA, _upset),
}


@pytest.mark.parametrize("lang", SUPPORTED)
def test_a_request_for_a_person_wins_at_every_point(sqlite_db: Database, lang: str) -> None:
    requests = REQUESTS[lang]
    failures = []
    for n, (state, (customer, reach)) in enumerate(STATES.items()):
        chat = Chat(sqlite_db, lang, customer)
        reach(chat)
        text = requests[n % len(requests)]
        result = chat.say(text)
        if result.handoff != "customer_request" or [a.name for a in result.actions if a.ok] != ["handoff"]:
            failures.append((state, text, result.handoff, [a.name for a in result.actions]))
            continue
        assert result.mode == "human"
        assert result.replies and result.replies[-1].language == lang
    assert not failures, failures


YES = {"en": "yes please", "sv": "ja tack", "de": "Ja, bitte", "fr": "oui", "es": "sí", "it": "sì", "pl": "tak",
       "fi": "kyllä", "pt": "sim", "nl": "ja graag", "zh": "好的", "ru": "да", "tr": "evet", "el": "ναι", "ar": "نعم",
       "he": "כן", "ja": "はい", "ko": "네"}


@pytest.mark.parametrize(("lang", "yes"), YES.items())
def test_a_yes_to_a_person_offered_hands_over(sqlite_db: Database, lang: str, yes: str) -> None:
    chat = Chat(sqlite_db, lang, None)
    _abstained(chat)  # "…Shall I connect you with a person?"
    result = chat.say(yes)
    assert result.handoff == "customer_request"


def test_a_yes_after_the_confirmation_was_asked_again_confirms_instead(sqlite_db: Database) -> None:
    chat = Chat(sqlite_db, "en", ANNA)
    _confirmation(chat)
    digression = chat.say("zxqv wobble frump")  # not understood: abstains, then asks the confirmation again
    assert digression.replies[-1].meta["abstained"]
    result = chat.say("yes")
    assert result.handoff is None
    assert [a.name for a in result.actions] == ["extend_due_date"]


def test_no_to_a_person_offered_does_not_hand_over(sqlite_db: Database) -> None:
    chat = Chat(sqlite_db, "en", None)
    _abstained(chat)
    assert chat.say("no thanks").handoff is None


def test_a_code_typed_with_a_request_for_a_person_hands_over(sqlite_db: Database) -> None:
    chat = Chat(sqlite_db, "en", None)
    _code(chat)
    assert chat.say(f"{chat.code} and please get me a human agent").handoff == "customer_request"
