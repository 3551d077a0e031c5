"""The dialogue policy: decides what to do with what the understander proposed.

Models propose, policy disposes: identity, ownership, limits and confirmations
are enforced here and in the action layer, whatever the message says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from klarsvar.accounts.models import PRODUCT_NAMES, Product
from klarsvar.actions.base import ActionResult
from klarsvar.actions.policy import EXTENSION_DAYS
from klarsvar.conversation.models import ExecutedAction, Source
from klarsvar.conversation.ports import Answerer, Backend, Verifier
from klarsvar.conversation.reply import Reply
from klarsvar.conversation.state import Awaiting, ConversationState, Pending
from klarsvar.core.money import Money
from klarsvar.i18n.catalog import format_money
from klarsvar.understanding import lexicon
from klarsvar.understanding.base import Understanding
from klarsvar.understanding.entities import address_from_reply

# Intents that need a verified customer.
ACCOUNT_INTENTS = {
    "payment_schedule",
    "order_status",
    "report_return",
    "extend_due_date",
    "pay_instalment",
    "dispute_not_received",
    "dispute_faulty",
    "dispute_wrong_item",
    "dispute_cancelled_charged",
    "freeze_card",
    "unfreeze_card",
    "unrecognised_purchase",
    "refund_status",
    "update_contact_details",
    "data_export",
    "account_deletion",
    "card_status",
    "change_payment_method",
}
DISPUTE_REASONS = {
    "dispute_not_received": "not_received",
    "dispute_faulty": "faulty",
    "dispute_wrong_item": "wrong_item",
    "dispute_cancelled_charged": "cancelled_but_charged",
}
QUESTION_START = re.compile(
    r"^(?:hi,? |hello,? |hej,? |hallo,? |bonjour,? |hola,? )?(?:how|what|when|why|can i|can you|do you|is it|are|does|"
    r"hur|vad|nar|kan man|wie|was|wann|warum|kann man|comment|quand|combien|est-ce|peut-on|como|cuando|cuanto|"
    r"que|puedo|come|quando|quanto|hoe|wat|wanneer|jak|kiedy|ile|miten|milloin|kuinka|hvordan|hvad|hvornar|"
    r"quanto tempo|posso)\b"
)
# Cosine similarity to the nearest training example below which a short message is noise.
NOVELTY = 0.905
# Below this the classifier's guess is not acted on: knowledge gets a try, then "not understood".
MIN_CONFIDENCE = 0.30
# A greeting with a question: the question's intent is taken when it scores at least this.
GREETING_AND_MORE = 0.25
# Knowledge confidence below which the help centre has nothing near the question.
FAR_OFF = 0.05
# ... when the classifier reads an account request with less confidence than this.
FAR_OFF_INTENT = 0.7
# A signed-in customer's question goes to the knowledge base first when general_question scores this.
GENERAL_QUESTION_MIN = 0.2
LOST_WORDS = lexicon._words(
    "lost",
    "stolen",
    "missing",
    "tappat",
    "tappade",
    "stulen",
    "stulits",
    "borta",
    "verloren",
    "gestohlen",
    "perdu",
    "perdue",
    "vole",
    "volee",
    "perdido",
    "perdida",
    "robado",
    "robada",
    "perso",
    "persa",
    "rubato",
    "rubata",
    "kwijt",
    "gestolen",
    "zgubilem",
    "zgubilam",
    "skradziona",
    "kadonnut",
    "varastettu",
    "mistet",
    "stjaalet",
    "stjalet",
    "roubado",
    "丢",
    "被偷",
)
# Question marks: Latin, full-width (Chinese, Japanese), Arabic; Greek ends a question with ";".
QUESTION_MARKS = "?？؟"
GREEK_QUESTION_MARK = ";"


_GREETING_CLAUSE = re.compile(r"^\W*\w+(?:\s+\w+){0,2}\s*[,!.:;，！。]\s*(?P<rest>\S.*)$", re.DOTALL)


def after_greeting(text: str) -> str | None:
    """The question after a short opening clause ("Hola, ¿cuánto…?" → "¿cuánto…?"), if any."""
    m = _GREETING_CLAUSE.match(text)
    return m.group("rest") if m and is_question(m.group("rest")) else None


def is_question(text: str) -> bool:
    return (
        any(m in text for m in QUESTION_MARKS)
        or text.rstrip().endswith(GREEK_QUESTION_MARK)
        or bool(QUESTION_START.match(lexicon.fold(text)))
    )


@dataclass
class Outcome:
    """What one turn decided and did."""

    reply: Reply
    actions: list[ExecutedAction] = field(default_factory=list)
    handoff: str | None = None
    decisions: list[dict[str, Any]] = field(default_factory=list)
    knowledge: list[dict[str, Any]] = field(default_factory=list)
    demo_code: str | None = None
    verified_customer: str | None = None
    resume_text: str | None = None


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _m(data: dict[str, Any] | None) -> Money | None:
    return Money(int(data["minor"]), str(data["currency"])) if data else None


class Dialogue:
    """One turn of policy. Holds no state of its own beyond the turn."""

    def __init__(
        self,
        *,
        state: ConversationState,
        customer_id: str | None,
        backend: Backend,
        knowledge: Answerer,
        verifier: Verifier,
        conversation_id: str,
        language: str,
    ) -> None:
        self.state = state
        self.customer_id = customer_id
        self.backend = backend
        self.knowledge = knowledge
        self.verifier = verifier
        self.conversation_id = conversation_id
        self.out = Outcome(reply=Reply(language))
        self._understanding: Understanding | None = None
        self._misses_before = state.not_understood_streak
        self._question: str | None = None  # the question to ask the knowledge base, when not the whole text

    # --- helpers ---------------------------------------------------------------------
    @property
    def reply(self) -> Reply:
        return self.out.reply

    def note(self, step: str, **info: Any) -> None:
        self.out.decisions.append({"step": step, **info})

    def write(self, name: str, args: dict[str, Any]) -> ActionResult:
        result = self.backend.write(name, args)
        self.out.actions.append(ExecutedAction(name, args, result.ok, result.to_json()))
        self.note("write", action=name, ok=result.ok, refusal=result.refusal.code.value if result.refusal else None)
        return result

    def hand_over(self, reason: str, *, say: bool = True) -> None:
        if self.out.handoff:
            return
        u = self._understanding
        summary: dict[str, Any] = {
            "reason": reason,
            "wants": u.intent if u else None,
            "customer_said": u.text[:500] if u else None,
            "facts": {
                "order": self.state.last_order_id,
                "verified": bool(self.customer_id),
                "pending": self.state.pending.action if self.state.pending else None,
            },
            "actions": [{"name": a.name, "ok": a.ok} for a in self.out.actions],
            "earlier_actions": list(self.state.resolved_intents),
            "mood": self._mood(),
            "language": self.reply.language,
        }
        result = self.write("handoff", {"reason": reason, "summary": summary})
        if result.ok:
            self.out.handoff = reason
            self.state.pending = None
            self.state.awaiting = None
            if say:
                self.reply.say(f"handoff.{reason}")

    def _mood(self) -> str:
        u = self._understanding
        if self.state.frustrated_streak or (u and u.signals.frustration):
            return "frustrated"
        if u and u.signals.distress:
            return "worried"
        return "neutral"

    # --- the turn --------------------------------------------------------------------
    def run(self, u: Understanding) -> Outcome:
        self._understanding = u
        s = self.state
        s.turns += 1
        # "Two turns in a row not understood": a turn that is understood breaks the run.
        self._misses_before = s.not_understood_streak
        s.not_understood_streak = 0
        upset = u.signals.frustration
        s.frustrated_streak = s.frustrated_streak + 1 if upset else 0
        self.note("understood", intent=u.intent, score=round(u.confidence, 3), language=u.language)

        if u.entities.card_number_masked:
            self.reply.say("pan_warning")

        # 1. A request for a person always wins (policy 10); so does a yes to a person just offered
        # ("…Shall I connect you with a person?" "Yes please"). A one-time code is not read as a
        # request on the model's word alone, only when the message asks for a person in so many words.
        typing_code = bool(s.awaiting and s.awaiting.slot == "otp" and u.entities.otp)
        asked = u.signals.wants_person or (u.intent == "human_request" and u.confidence >= 0.5)
        if typing_code:
            asked = lexicon.wants_person(u.text)
        offered, s.person_offered = s.person_offered, False
        accepted = offered and s.pending is None and self._says_yes(u)
        if asked or accepted:
            self.note("handoff_rule", why="customer asked for a person" if asked else "customer accepted a person")
            self.hand_over("customer_request")
            return self.out

        # 2. Two frustrated turns in a row: a person takes over.
        if s.frustrated_streak >= 2:
            self.note("handoff_rule", why="two frustrated turns")
            self.hand_over("frustration")
            return self.out
        if upset:
            self.reply.say("ack_upset")
        elif u.signals.distress:
            self.reply.say("ack_distress")

        # 3. Verification in progress.
        if s.awaiting and s.awaiting.slot in ("email", "otp") and self._verification_step(u):
            return self.out

        # 4. A confirmation is pending (policy 11).
        if s.pending is not None and self._confirmation_step(u):
            return self.out

        # 5. A slot the assistant asked for.
        if s.awaiting is not None and s.awaiting.slot not in ("email", "otp") and self._slot_step(u):
            return self.out

        self._intent(u)
        self._reask_pending_after_digression()
        return self.out

    @staticmethod
    def _says_yes(u: Understanding) -> bool:
        if lexicon.is_no(u.text) or lexicon.is_cancel(u.text):
            return False
        return (lexicon.is_yes(u.text) and len(u.text.split()) <= 8) or (u.intent == "affirm" and u.confidence >= 0.5)

    def _offer_person(self, key: str) -> None:
        """Say something that offers a person: a yes to it next turn hands over."""
        self.reply.say(key)
        self.state.person_offered = True

    def continue_with(self, u: Understanding) -> Outcome:
        """After verification: carry on with the request that verification interrupted."""
        self._intent(u)
        self._reask_pending_after_digression()
        return self.out

    def _venting(self, u: Understanding) -> bool:
        """An upset first turn the model reads as a complaint, but that does not say "complaint"
        in any language ("I'm so angry, why is my bill such a mess!"): a mood, not a filing."""
        if not (u.signals.frustration and self.state.frustrated_streak == 1):
            return False
        return not lexicon.files_complaint(u.text)

    # --- verification ----------------------------------------------------------------
    def _needs_verification(self, u: Understanding) -> bool:
        if self.customer_id:
            return False
        if self.state.verification_locked:
            self._offer_person("otp_locked")
            self.note("verification", result="locked")
            return True
        self.state.resume = {"text": u.text}
        self.state.awaiting = Awaiting("email", u.intent)
        self.state.pending = None
        if u.entities.emails:
            self._issue_code(u.entities.emails[0])
        else:
            self.reply.say("ask_email")
            self.note("verification", result="asked for email")
        return True

    def _issue_code(self, email: str) -> None:
        self.state.verify_email = email
        self.out.demo_code = self.verifier.issue(email)
        self.state.awaiting = Awaiting("otp", self.state.awaiting.intent if self.state.awaiting else "")
        self.reply.say("otp_sent")
        self.note("verification", result="code issued")

    def _verification_step(self, u: Understanding) -> bool:
        s = self.state
        assert s.awaiting is not None
        if lexicon.is_cancel(u.text) and not u.entities.otp and not u.entities.emails:
            s.awaiting = None
            s.resume = None
            self.reply.say("cancelled")
            return True
        if s.awaiting.slot == "email":
            if u.entities.emails:
                self._issue_code(u.entities.emails[0])
                return True
            if u.intent in ("general_question", "greeting", "thanks_goodbye") and u.confidence >= 0.5:
                return False  # a question in between: answered below, verification waits
            if self._not_understood_again():
                return True
            self.reply.say("email_invalid")
            return True
        # awaiting a code
        if u.entities.emails:
            self._issue_code(u.entities.emails[0])
            return True
        if not u.entities.otp:
            if u.intent in ("general_question",) and u.confidence >= 0.5:
                return False
            if self._not_understood_again():
                return True
            self.reply.say("otp_wrong")
            return True
        customer_id, left = self.verifier.verify(u.entities.otp)
        if customer_id is None:
            s.verify_attempts += 1
            self.note("verification", result="wrong code", attempts_left=left)
            if left <= 0:
                s.verification_locked = True
                s.awaiting = None
                s.resume = None
                self._offer_person("otp_locked")
            else:
                self.reply.say("otp_wrong")
            return True
        self.note("verification", result="verified")
        self.customer_id = customer_id
        self.out.verified_customer = customer_id
        s.awaiting = None
        self.reply.say("verified")
        resume = s.resume or {}
        s.resume = None
        if resume.get("text"):
            self.out.resume_text = str(resume["text"])
        return True

    def _not_understood_again(self) -> bool:
        """Count a turn that did not answer what was asked; the second in a row hands over."""
        self.state.not_understood_streak = self._misses_before + 1
        if self.state.not_understood_streak >= 2:
            self.hand_over("unresolved")
            return True
        return False

    # --- confirmation ----------------------------------------------------------------
    def _confirmation_step(self, u: Understanding) -> bool:
        s = self.state
        pending = s.pending
        assert pending is not None
        words = len(u.text.split())
        says_no = (
            lexicon.is_cancel(u.text)
            or (lexicon.is_no(u.text) and words <= 6)
            or (u.intent in ("deny", "cancel") and u.confidence >= 0.5)
        )
        says_yes = not says_no and (
            (lexicon.is_yes(u.text) and words <= 8) or (u.intent == "affirm" and u.confidence >= 0.5)
        )
        if says_no:
            s.pending = None
            self.note("confirmation", result="declined", action=pending.action)
            if pending.action == "handoff":
                self.reply.say("refused.step_up_declined")
            else:
                self.reply.say("cancelled")
            return True
        if says_yes:
            s.pending = None
            self.note("confirmation", result="confirmed", action=pending.action)
            self._execute(pending)
            return True
        self.note("confirmation", result="digression", action=pending.action)
        return False

    def _reask_pending_after_digression(self) -> None:
        pending = self.state.pending
        if pending is None or self.out.handoff or pending.confirm_key in self.reply.keys:
            return
        self.state.person_offered = False  # the question asked last is the confirmation
        self.reply.say(pending.confirm_key, **self._params(pending.params))

    def _params(self, raw: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, dict) and "minor" in value:
                out[key] = _m(value)
            elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                out[key] = date.fromisoformat(value)
            elif isinstance(value, str) and value.startswith("@"):
                out[key] = self.reply.fragment(value[1:])
            else:
                out[key] = value
        return out

    def _propose(
        self,
        action: str,
        args: dict[str, Any],
        params: dict[str, Any],
        *,
        then_handoff: str | None = None,
        confirm_key: str | None = None,
    ) -> None:
        key = confirm_key or f"confirm.{action}"
        if action != "handoff":
            check = self.backend.check(action, args)
            self.note(
                "precheck", action=action, ok=check.ok, refusal=check.refusal.code.value if check.refusal else None
            )
            if not check.ok:
                self._explain_refusal(check, params)
                return
        self.state.pending = Pending(action, args, params, then_handoff, key)
        self.reply.say(key, **self._params(params))
        self.note("confirm", action=action)

    def _execute(self, pending: Pending) -> None:
        if pending.action == "handoff":
            self.hand_over(str(pending.args.get("reason", "policy")))
            return
        result = self.write(pending.action, pending.args)
        if not result.ok:
            self._explain_refusal(result, pending.params)
            return
        self._say_done(pending.action, result, pending.params)
        self.state.resolved_intents.append(pending.action)
        if pending.then_handoff:
            self.hand_over(pending.then_handoff)

    def _say_done(self, action: str, result: ActionResult, params: dict[str, Any]) -> None:
        data = result.data
        p = self._params(params)
        if action == "report_return":
            self.reply.say("done.report_return", merchant=data["merchant"], date=_d(data["payments_paused_until"]))
        elif action == "extend_due_date":
            self.reply.say(
                "done.extend_due_date", merchant=data["merchant"], order=data["order_id"], date=_d(data["new_due_on"])
            )
        elif action == "pay_instalment":
            self.reply.say(
                "done.pay_instalment",
                merchant=data["merchant"],
                order=data["order_id"],
                amount=_m(data.get("total") or data["amount"]),
            )
        elif action == "open_dispute":
            self.reply.say("done.open_dispute", merchant=data["merchant"], ref=data["dispute_id"])
        elif action == "unfreeze_card":
            self.reply.say("done.unfreeze_card", last4=data["last4"])
        elif action == "update_contact_details":
            self.reply.say("done.update_contact_details", field=p.get("field", data["field"]), value=data["value"])
        elif action == "request_data_export":
            self.reply.say("done.request_data_export", date=_d(data["due_by"]))
        elif action == "request_account_deletion":
            self.reply.say("done.request_account_deletion")

    def _explain_refusal(self, result: ActionResult, params: dict[str, Any]) -> None:
        refusal = result.refusal
        assert refusal is not None
        code = refusal.code.value
        p = self._params(params)
        details = refusal.details
        self.note("refused", action=result.action, code=code)
        if code in ("already_extended", "due_date_passed", "return_already_reported"):
            when = details.get("due_on") or details.get("paused_until")
            self.reply.say(f"refused.{code}", merchant=p.get("merchant", ""), order=p.get("order", ""), date=_d(when))
        elif code == "not_pay_in_30":
            product = PRODUCT_NAMES.get(Product(details.get("product", "pay_in_30")), "")
            self.reply.say(
                "refused.not_pay_in_30", merchant=p.get("merchant", ""), order=p.get("order", ""), product=product
            )
        elif code == "dispute_too_early":
            self.reply.say(
                "refused.dispute_too_early",
                merchant=p.get("merchant", ""),
                order=p.get("order", ""),
                date=_d(details.get("opens_on")),
            )
        elif code == "dispute_too_late":
            self.reply.say(
                "refused.dispute_too_late",
                merchant=p.get("merchant", ""),
                order=p.get("order", ""),
                date=_d(details.get("purchased_on")),
            )
        elif code in ("dispute_already_open", "order_closed", "nothing_due"):
            self.reply.say(f"refused.{code}", merchant=p.get("merchant", ""), order=p.get("order", ""))
        elif code in ("card_already_frozen", "card_not_frozen"):
            self.reply.say(f"refused.{code}", last4=details.get("last4", p.get("last4", "")))
        elif code == "outstanding_balance":
            self.reply.say("refused.outstanding_balance", amount=_m(details.get("outstanding")))
        elif code in ("request_already_open", "email_taken", "invalid_argument", "not_found"):
            self.reply.say(f"refused.{code}")
        elif code == "not_allowed_for_assistant":
            self._offer_person("refused.amount_change")
        else:
            self._offer_person("refused.generic")

    # --- slots -----------------------------------------------------------------------
    def _slot_step(self, u: Understanding) -> bool:
        s = self.state
        awaiting = s.awaiting
        assert awaiting is not None
        if lexicon.is_cancel(u.text) and u.intent not in ACCOUNT_INTENTS - {awaiting.intent}:
            s.awaiting = None
            self.reply.say("cancelled")
            return True
        new_request = u.intent in ACCOUNT_INTENTS and u.intent != awaiting.intent and u.confidence >= 0.5
        if awaiting.slot == "order" and not new_request:
            order = self._order_from_message(u, awaiting.intent)
            if order is not None:
                s.awaiting = None
                self._order_intent(awaiting.intent, order, u)
                return True
            if u.intent in ("affirm", "deny") and awaiting.data.get("options"):
                self.reply.say("which_order", options=awaiting.data["options"])
                return True
        elif awaiting.slot == "card":
            card = self._card_from_message(u)
            if card is not None:
                s.awaiting = None
                self._card_intent(awaiting.intent, card)
                return True
        elif awaiting.slot == "contact_field":
            fieldname = u.entities.contact_field or (
                "email" if u.entities.emails else "phone" if u.entities.phones else None
            )
            if fieldname:
                s.awaiting = None
                self._contact(u, fieldname)
                return True
        elif awaiting.slot == "contact_value":
            fieldname = str(awaiting.data.get("field"))
            value = self._contact_value(u, fieldname, whole_message=True)
            if value:
                s.awaiting = None
                self._propose_contact(fieldname, value)
                return True
        elif awaiting.slot == "dispute_reason":
            reason = DISPUTE_REASONS.get(u.intent) if u.confidence >= 0.25 else None
            if reason:
                s.awaiting = None
                self._propose_dispute(awaiting.data["order"], reason)
                return True
        # Not an answer to the question: treat it as a new request (the slot is dropped
        # when that request is something else).
        if u.intent in ACCOUNT_INTENTS and u.intent != awaiting.intent and u.confidence >= MIN_CONFIDENCE:
            s.awaiting = None
        return False

    # --- intents ---------------------------------------------------------------------
    def _intent(self, u: Understanding) -> None:
        intent = u.intent
        confident = u.confidence >= MIN_CONFIDENCE
        words = len(u.text.split())
        has_entities = bool(u.entities.order_ids or u.entities.card_ids or u.entities.emails or u.entities.phones)
        if confident and words <= 3 and not has_entities and u.confidence < 0.45:
            confident = False  # a couple of words the model is unsure about: don't act on a guess
        nearest = u.extras.get("nearest")
        if isinstance(nearest, float) and nearest < NOVELTY and words <= 4 and not has_entities:
            self.note("novel", nearest=nearest)
            self._abstain(u)  # unlike anything customers write (gibberish): not understood
            return
        if (
            intent == "greeting"
            and words > 3
            and is_question(u.text)
            and len(u.intents) > 1
            and u.intents[1][1] >= GREETING_AND_MORE
        ):
            # "Hi, how much do you charge if I pay late?": the hello is not what the message is about
            intent = u.intents[1][0]
            confident = True
            self._question = after_greeting(u.text)
            self.note("greeting_and_question", intent=intent)
        if (
            intent in ("affirm", "deny")
            and not (lexicon.is_yes(u.text) or lexicon.is_no(u.text))
            and u.confidence < 0.6
        ):
            confident = False  # "yes" that contains no yes word: likely noise
        if intent == "complaint" and u.confidence < 0.5:
            confident = False
        if (
            intent == "unrecognised_purchase"
            and u.confidence < 0.7
            and not (lexicon.fraud_words(u.text) or u.entities.amounts_minor)
        ):
            # Freezing a card is not done on a guess: a weak reading needs a word or an amount behind it.
            self.note("guardrail", why="fraud reading without evidence")
            u.signals.suspected_fraud = False
            confident = False
        if intent == "out_of_scope" and u.confidence >= 0.5:
            self._abstain(u)
            return
        if u.signals.prompt_injection and intent not in (
            "general_question",
            "payment_schedule",
            "order_status",
            "refund_status",
            "card_status",
            "greeting",
        ):
            self.note("guardrail", why="instructions in the message are not followed")
            intent = "amount_change_or_waiver"
        elif u.signals.suspected_fraud:
            intent = "unrecognised_purchase"

        if intent in ACCOUNT_INTENTS and self._general_question(u, signed_in=bool(self.customer_id)):
            if self._answer_from_knowledge(u):
                if not self.customer_id and confident and u.confidence >= FAR_OFF_INTENT:
                    # the policy answered; the question is clearly about their own account as well:
                    # go on to it (verification first) rather than leave them with the general rule
                    self.note("knowledge_then_account", intent=intent)
                    self._needs_verification(u)
                return
            if not self.customer_id and (
                u.confidence < 0.5 or (u.confidence < FAR_OFF_INTENT and self._knowledge_far_off())
            ):
                # neither a policy question we can answer nor clearly about their account
                self._abstain(u)
                return
        if confident and intent in ACCOUNT_INTENTS and self._needs_verification(u):
            return

        if not confident:
            self._knowledge_or_not_understood(u)
            return
        if intent == "greeting":
            self.reply.say("greeting")
        elif intent == "thanks_goodbye":
            self.reply.say("thanks_reply")
        elif intent in ("affirm", "deny", "cancel"):
            if intent == "cancel" and (self.state.awaiting or self.state.pending):
                self.state.awaiting = None
                self.state.pending = None
                self.reply.say("cancelled")
            else:
                self.reply.say("anything_else")
        elif intent == "human_request":
            self.hand_over("customer_request")
        elif intent == "complaint" and self._venting(u):
            # Anger at a first upset turn reads like a complaint to the model; it is a mood, not a
            # formal complaint: acknowledged above, then answered or offered a person. A second
            # upset turn hands over (frustration).
            self.note("complaint_as_mood")
            self._knowledge_or_not_understood(u)
        elif intent == "complaint":
            self.hand_over("complaint")
        elif intent == "amount_change_or_waiver":
            self._offer_person("refused.amount_change")
        elif intent in ("general_question", "out_of_scope"):
            self._knowledge_or_not_understood(u)
        elif intent in ("freeze_card", "unfreeze_card", "card_status", "unrecognised_purchase"):
            self._cards(intent, u)
        elif intent in ("data_export", "account_deletion"):
            action = "request_data_export" if intent == "data_export" else "request_account_deletion"
            self._propose(action, {}, {})
        elif intent == "update_contact_details":
            field_name = (
                u.entities.contact_field
                or ("email" if u.entities.emails else None)
                or ("phone" if u.entities.phones else None)
            )
            if field_name is None:
                self.state.awaiting = Awaiting("contact_field", intent)
                self.reply.say("ask_contact_field")
            else:
                self._contact(u, field_name)
        elif intent == "change_payment_method":
            self._propose("handoff", {"reason": "policy"}, {}, confirm_key="confirm.handoff_policy")
        else:
            self._orders(intent, u)

    @staticmethod
    def _general_question(u: Understanding, signed_in: bool) -> bool:
        """A policy question phrased like an account request ("how long are payments paused
        after a return?"): asked as a question, naming no order or card of the customer's, and
        the classifier either gives general_question real weight or is unsure of the rest."""
        mine = bool(u.entities.order_ids or u.entities.card_ids or u.entities.last4)
        if not is_question(u.text) or mine:
            return False
        if not signed_in:
            return True  # an anonymous visitor's question: general help first, verification if it needs their data
        return u.score("general_question") >= GENERAL_QUESTION_MIN or u.confidence < 0.5

    def _answer_from_knowledge(self, u: Understanding) -> bool:
        question = self._question or u.text  # without a leading "Hello," when there is one
        answer = self.knowledge.answer(
            question,
            lang=self.reply.language,
            detail=u.signals.asks_detail,
            query_vector=None if self._question else u.extras.get("embedding"),
        )
        self.out.knowledge.append(
            {
                "grounded": answer.grounded,
                "confidence": round(answer.confidence, 3),
                "sources": [s.doc_id for s in answer.sources],
                "hits": answer.hits[:5],
            }
        )
        if not (answer.grounded and answer.text):
            return False
        self.state.not_understood_streak = 0
        self.reply.add_text(answer.text)
        self.reply.sources.extend(answer.sources)
        self.reply.grounded = True
        titles = ", ".join(dict.fromkeys(s.title for s in answer.sources))
        self.reply.say("source_line", titles=titles)
        self.note("knowledge", sources=[s.doc_id for s in answer.sources])
        return True

    def _knowledge_far_off(self) -> bool:
        """The help centre had nothing near the question (not a near miss): an anonymous
        visitor asking about something Lumo does not do, not about their account."""
        last = self.out.knowledge[-1] if self.out.knowledge else None
        return last is not None and not last["grounded"] and float(last["confidence"]) < FAR_OFF

    def _knowledge_or_not_understood(self, u: Understanding) -> None:
        if self._answer_from_knowledge(u):
            return
        self._abstain(u)

    def _abstain(self, u: Understanding) -> None:
        """Say plainly that the knowledge base does not support an answer, and offer a person."""
        self.state.not_understood_streak = self._misses_before + 1
        self.note("abstain", streak=self.state.not_understood_streak, intent=u.intent)
        if self.state.not_understood_streak >= 2:
            self.hand_over("unresolved")
            return
        self.reply.grounded = False
        self.reply.abstained = True
        self._offer_person("abstain")

    # --- orders ----------------------------------------------------------------------
    def _orders_list(self) -> list[dict[str, Any]]:
        result = self.backend.read("list_orders")
        return list(result.data.get("orders", [])) if result.ok else []

    def _order_from_message(self, u: Understanding, intent: str) -> dict[str, Any] | None:
        if u.entities.order_ids:
            return self._order_by_id(u.entities.order_ids[0])
        orders = self._orders_list()
        folded = lexicon.fold(u.text)
        matched = [o for o in orders if self._merchant_mentioned(o["merchant"], folded)]
        if len(matched) >= 1:
            chosen = self._eligible(intent, matched) or matched
            return chosen[0]
        return None

    def _order_by_id(self, order_id: str) -> dict[str, Any] | None:
        result = self.backend.read("get_order", {"order_id": order_id})
        if not result.ok:
            self.reply.say("order_not_found", order=order_id)
            self.note("order", found=False)
            return {}
        return result.data

    @staticmethod
    def _merchant_mentioned(merchant: str, folded: str) -> bool:
        name = lexicon.fold(merchant)
        if name in folded or name.replace(" ", "") in folded.replace(" ", ""):
            return True
        tokens = [t for t in re.split(r"\W+", name) if len(t) >= 5 and t not in ("games", "store", "shop")]
        return any(re.search(rf"(?<!\w){re.escape(t)}", folded) for t in tokens)

    @staticmethod
    def _eligible(intent: str, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
        active = [o for o in orders if o["status"] == "active"]
        if intent == "extend_due_date":
            return [o for o in active if o["product"] == "pay_in_30" and o["next_payment"]]
        if intent in ("pay_instalment", "payment_schedule"):
            return [o for o in active if o["next_payment"]]
        if intent == "report_return":
            return active
        if intent == "refund_status":
            return [o for o in orders if o["status"] in ("returned", "refunded")] or active
        if intent.startswith("dispute_"):
            return active
        return orders

    def _orders(self, intent: str, u: Understanding) -> None:
        order: dict[str, Any] | None = None
        if u.entities.order_ids:
            order = self._order_by_id(u.entities.order_ids[0])
            if order == {}:
                return
        else:
            order = self._order_from_message(u, intent)
        if order is None:
            orders = self._orders_list()
            candidates = self._eligible(intent, orders)
            if (
                intent == "refund_status"
                and not any(o["status"] in ("returned", "refunded") for o in orders)
                and self._answer_from_knowledge(u)
            ):
                return  # nothing of theirs is being refunded: the policy answers the question
            if not candidates:
                if intent in ("payment_schedule", "pay_instalment") and orders:
                    self.reply.say("nothing_due", merchant=orders[0]["merchant"], order=orders[0]["order_id"])
                elif orders:
                    self._list_orders(orders)
                else:
                    self.reply.say("no_orders")
                return
            recent = [o for o in candidates if o["order_id"] == self.state.last_order_id]
            if len(candidates) == 1 or recent:
                # One order fits, or the customer is still talking about the one just discussed.
                order = self._order_by_id((recent or candidates)[0]["order_id"])
            elif intent in ("payment_schedule", "order_status"):
                for o in candidates[:4]:
                    if intent == "payment_schedule":
                        self._say_next_payment(o)
                    else:
                        self._say_order_line(o)
                self.state.resolved_intents.append(intent)
                return
            else:
                options = ", ".join(f"{o['merchant']} ({o['order_id']})" for o in candidates[:5])
                self.state.awaiting = Awaiting("order", intent, {"options": options})
                self.reply.say("which_order", options=options)
                self.note("slot", asked="order", candidates=len(candidates))
                return
        if not order:
            return
        self._order_intent(intent, order, u)  # it fetches the full order when given a summary

    def _order_intent(self, intent: str, order: dict[str, Any], u: Understanding | None) -> None:
        if not order:
            return
        if "instalments" not in order:
            full = self._order_by_id(order["order_id"])
            if not full:
                return
            order = full
        self.state.last_order_id = order["order_id"]
        base = {"merchant": order["merchant"], "order": order["order_id"]}
        if intent == "payment_schedule":
            self._say_next_payment(order, detail=True)
            self.state.resolved_intents.append(intent)
        elif intent == "order_status":
            self._say_order_line(order)
            self._say_delivery(order)
            self.state.resolved_intents.append(intent)
        elif intent == "refund_status":
            self._say_refund(order)
            self.state.resolved_intents.append(intent)
        elif intent == "report_return":
            self._propose("report_return", {"order_id": order["order_id"]}, base)
        elif intent == "extend_due_date":
            nxt = order.get("next_payment") or {}
            old = _d(nxt.get("due_on"))
            params = dict(base)
            if old:
                params.update(old=old.isoformat(), new=(old + timedelta(days=EXTENSION_DAYS)).isoformat())
            self._propose("extend_due_date", {"order_id": order["order_id"]}, params)
        elif intent == "pay_instalment":
            nxt = order.get("next_payment") or {}
            amount = nxt.get("amount")
            inst = next((i for i in order.get("instalments", []) if i["seq"] == nxt.get("seq")), None)
            shown: Any = amount
            fee = _m(inst.get("late_fee")) if inst and inst["status"] != "paid" else None
            if amount and fee:
                # A missed instalment is paid together with its late fee: show both.
                lang = self.reply.language
                shown = f"{format_money(Money(amount['minor'], amount['currency']), lang)} + {format_money(fee, lang)}"
            params = dict(base, amount=shown)
            self._propose("pay_instalment", {"order_id": order["order_id"]}, params)
        elif intent in DISPUTE_REASONS:
            self._propose_dispute(order, DISPUTE_REASONS[intent])

    def _propose_dispute(self, order: dict[str, Any], reason: str) -> None:
        params = {"merchant": order["merchant"], "order": order["order_id"], "reason": f"@reason.{reason}"}
        self._propose("open_dispute", {"order_id": order["order_id"], "reason": reason}, params, then_handoff="dispute")

    def _say_next_payment(self, order: dict[str, Any], detail: bool = False) -> None:
        nxt = order.get("next_payment")
        if not nxt:
            self.reply.say("nothing_due", merchant=order["merchant"], order=order["order_id"])
            return
        if nxt["status"] == "missed":
            self.reply.say(
                "next_payment_missed",
                merchant=order["merchant"],
                order=order["order_id"],
                amount=_m(nxt["amount"]),
                date=_d(nxt["due_on"]),
            )
            fee = next(
                (
                    i.get("late_fee")
                    for i in order.get("instalments", [])
                    if i.get("late_fee") and i["status"] != "paid"
                ),
                None,
            )
            if fee:
                self.reply.say("late_fee_charged", fee=_m(fee))
        else:
            self.reply.say(
                "next_payment",
                merchant=order["merchant"],
                order=order["order_id"],
                amount=_m(nxt["amount"]),
                date=_d(nxt["due_on"]),
            )
        paused = order.get("payments_paused_until")
        if detail and paused and _d(paused) and _d(paused) >= _d(nxt["due_on"]):  # type: ignore[operator]
            self.reply.say("payments_paused", merchant=order["merchant"], order=order["order_id"], date=_d(paused))

    def _say_order_line(self, order: dict[str, Any]) -> None:
        product = PRODUCT_NAMES.get(Product(order["product"]), order["product"])
        self.reply.say(
            "order_line",
            merchant=order["merchant"],
            order=order["order_id"],
            amount=_m(order["amount"]),
            product=product,
            status=self.reply.fragment(f"status_{order['status']}"),
        )

    def _say_delivery(self, order: dict[str, Any]) -> None:
        if order.get("carrier_note") and order.get("delivered_on"):
            self.reply.say("carrier_delivered_not_received", date=_d(order["delivered_on"]))
        elif order.get("delivered_on"):
            self.reply.say("delivered_on", date=_d(order["delivered_on"]))
        elif order.get("shipped_on"):
            self.reply.say("shipped_on", date=_d(order["shipped_on"]))
        else:
            self.reply.say("not_shipped")

    def _say_refund(self, order: dict[str, Any]) -> None:
        result = self.backend.read("get_refund_status", {"order_id": order["order_id"]})
        refunds = result.data.get("refunds", []) if result.ok else []
        if not refunds:
            self.reply.say("no_refund", merchant=order["merchant"], order=order["order_id"])
            return
        r = refunds[-1]
        if r.get("on_card_by"):
            self.reply.say(
                "refund_status",
                merchant=order["merchant"],
                amount=_m(r["amount"]),
                registered=_d(r["registered_on"]),
                processed=_d(r["processed_by"]),
                on_card=_d(r["on_card_by"]),
            )
        else:
            self.reply.say(
                "refund_status_account",
                merchant=order["merchant"],
                amount=_m(r["amount"]),
                registered=_d(r["registered_on"]),
                processed=_d(r["processed_by"]),
            )

    def _list_orders(self, orders: list[dict[str, Any]]) -> None:
        self.reply.say("orders_intro")
        for o in orders[:5]:
            self._say_order_line(o)

    # --- cards -----------------------------------------------------------------------
    def _cards_list(self) -> list[dict[str, Any]]:
        result = self.backend.read("list_cards")
        return list(result.data.get("cards", [])) if result.ok else []

    def _card_from_message(self, u: Understanding) -> dict[str, Any] | None:
        cards = self._cards_list()
        if u.entities.card_ids:
            wanted = u.entities.card_ids[0]
            found = [c for c in cards if c["card_id"] == wanted]
            if not found:
                self.reply.say("refused.not_found")
                return {}
            return found[0]
        for last4 in u.entities.last4:
            found = [c for c in cards if c["last4"] == last4]
            if found:
                return found[0]
        return None

    def _cards(self, intent: str, u: Understanding) -> None:
        card = self._card_from_message(u)
        if card == {}:
            return
        if card is None:
            cards = self._cards_list()
            if intent == "unfreeze_card":
                cards = [c for c in cards if c["status"] == "frozen"] or cards
            elif intent in ("freeze_card", "unrecognised_purchase"):
                cards = [c for c in cards if c["status"] == "active"] or cards
            if not cards:
                if intent == "unrecognised_purchase":
                    self.hand_over("fraud")
                else:
                    self.reply.say("no_cards")
                return
            if len(cards) > 1 and intent != "card_status":
                self.state.awaiting = Awaiting("card", intent)
                self.reply.say("which_card", options=", ".join(f"•••• {c['last4']}" for c in cards))
                return
            if intent == "card_status":
                for c in cards:
                    self.reply.say("card_line", last4=c["last4"], status=self.reply.fragment(f"card_{c['status']}"))
                return
            card = cards[0]
        self._card_intent(intent, card, lost=bool(LOST_WORDS.search(lexicon.fold(u.text))))

    def _card_intent(self, intent: str, card: dict[str, Any], lost: bool = False) -> None:
        if intent == "card_status":
            self.reply.say("card_line", last4=card["last4"], status=self.reply.fragment(f"card_{card['status']}"))
        elif intent == "freeze_card":
            # Policy 11's one exception: freezing protects, so it happens at once.
            result = self.write("freeze_card", {"card_id": card["card_id"]})
            if result.ok:
                self.reply.say("done.freeze_card", last4=card["last4"])
                if lost:
                    self.reply.say("done.freeze_card.lost")
            else:
                self._explain_refusal(result, {"last4": card["last4"]})
        elif intent == "unfreeze_card":
            self._propose("unfreeze_card", {"card_id": card["card_id"]}, {"last4": card["last4"]})
        elif intent == "unrecognised_purchase":
            # Policy 8: freeze at once and hand over to the fraud team in the same turn.
            if card["status"] == "active":
                result = self.write("freeze_card", {"card_id": card["card_id"]})
                if result.ok:
                    self.reply.say("fraud", last4=card["last4"])
            self.hand_over("fraud")

    # --- contact details -------------------------------------------------------------
    def _contact_value(self, u: Understanding, field_name: str, whole_message: bool = False) -> str | None:
        if field_name == "email":
            return u.entities.emails[0] if u.entities.emails else None
        if field_name == "phone":
            return u.entities.phones[0] if u.entities.phones else None
        if u.entities.address:
            return u.entities.address
        return address_from_reply(u.text) if whole_message else None

    def _contact(self, u: Understanding, field_name: str) -> None:
        value = self._contact_value(u, field_name)
        if value is None:
            self.state.awaiting = Awaiting("contact_value", "update_contact_details", {"field": field_name})
            self.reply.say(f"ask_contact_value.{field_name}")
            return
        self._propose_contact(field_name, value)

    def _propose_contact(self, field_name: str, value: str) -> None:
        self._propose("update_contact_details", {field_name: value}, {"field": f"@field.{field_name}", "value": value})


__all__ = ["Dialogue", "Outcome", "Source"]
