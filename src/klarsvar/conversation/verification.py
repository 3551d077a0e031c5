"""One-time codes for anonymous visitors (email + code before any account data)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.conversation.repository import ConversationRepository
from klarsvar.core.clock import Clock

log = logging.getLogger("klarsvar.verification")
MAX_ATTEMPTS = 3
CODE_TTL = timedelta(minutes=10)


def _hash(conversation_id: str, code: str) -> str:
    return hmac.new(conversation_id.encode(), code.encode(), hashlib.sha256).hexdigest()


class CodeVerifier:
    """Issues and checks codes. The email's existence is never revealed: an unknown
    email gets the same answer, and no code that could ever match."""

    def __init__(self, conversations: ConversationRepository, accounts: AccountsRepository, clock: Clock,
                 conversation_id: str, demo_mode: bool, attempts_used: int = 0) -> None:
        self.conversations = conversations
        self.accounts = accounts
        self.clock = clock
        self.conversation_id = conversation_id
        self.demo_mode = demo_mode
        self.attempts_used = attempts_used

    def issue(self, email: str) -> str | None:
        customer = self.accounts.customer_by_email(email)
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = self.clock.now()
        self.conversations.add_code(
            self.conversation_id, customer.id if customer else None, "verify",
            _hash(self.conversation_id, code), now, now + CODE_TTL,
        )
        if customer is None:
            return None
        if self.demo_mode:
            # The demo has no mail server: the code goes to the log and the API's demo field.
            log.info("demo one-time code issued", extra={"conversation": self.conversation_id, "demo_code": code})
            return code
        return None

    def verify(self, code: str) -> tuple[str | None, int]:
        latest = self.conversations.latest_code(self.conversation_id, "verify")
        left = MAX_ATTEMPTS - self.attempts_used - 1
        if latest is None:
            return None, left
        code_id, customer_id, code_hash, expires_at, _attempts, used = latest
        self.conversations.mark_code(code_id, attempt=True)
        now = self.clock.now()
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=now.tzinfo)
        if used or now > expires_at or customer_id is None:
            return None, left
        if not hmac.compare_digest(code_hash, _hash(self.conversation_id, code.strip())):
            return None, left
        self.conversations.mark_code(code_id, used_at=now)
        return customer_id, MAX_ATTEMPTS
