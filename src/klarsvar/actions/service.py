"""Runs tools: validation, authorization, idempotency, audit. Never raises to the user."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from klarsvar.accounts.repository import AccountsRepository
from klarsvar.actions.base import ActionContext, ActionResult, ActorKind, RefusalCode, Tool, refused
from klarsvar.actions.repository import ActionRecordsRepository
from klarsvar.actions.tools import BACKEND_TOOLS
from klarsvar.core.pan import mask_in

log = logging.getLogger("klarsvar.actions")


class ToolRegistry:
    """The tools the product knows; plugins (handoff, …) register more."""

    def __init__(self, tools: list[Tool] | None = None) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools or []:
            self.register(tool)

    def register(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"tool {tool.name!r} registered twice")
        self._tools[tool.name] = tool

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def names(self, *, writes: bool | None = None) -> list[str]:
        return [t.name for t in self._tools.values() if writes is None or t.write == writes]

    def schemas(self, actor: ActorKind = ActorKind.AI) -> list[dict[str, Any]]:
        """JSON schemas of the tools this kind of actor may call (what an LLM is offered)."""
        return [
            t.json_schema()
            for t in self._tools.values()
            if not (t.people_only and actor not in (ActorKind.HUMAN, ActorKind.SYSTEM))
        ]


def default_registry() -> ToolRegistry:
    return ToolRegistry(list(BACKEND_TOOLS))


def _args_hash(args: dict[str, Any], customer_id: str | None) -> str:
    payload = {"customer_id": customer_id, "arguments": args}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class ActionService:
    """The only way anything reads or writes the backend."""

    def __init__(self, session: Session, registry: ToolRegistry | None = None) -> None:
        self.session = session
        self.registry = registry or default_registry()
        self.accounts = AccountsRepository(session)
        self.records = ActionRecordsRepository(session)

    def run(
        self,
        name: str,
        args: dict[str, Any] | None,
        ctx: ActionContext,
        *,
        idempotency_key: str | None = None,
        dry_run: bool = False,
    ) -> ActionResult:
        """Run a tool. With `dry_run`, the tool runs inside a savepoint that is rolled
        back and nothing is audited: the policy's verdict without its effect."""
        given: Any = args
        # Arguments come from a model or a client: anything that is not an object is refused below.
        args = dict(given) if isinstance(given, dict) else {} if given is None else {"arguments": repr(given)[:2000]}
        tool = self.registry.get(name)
        if tool is None:
            return refused(name, RefusalCode.UNKNOWN_ACTION, f"There is no action called {name!r}.")
        if tool.people_only and ctx.actor.kind not in (ActorKind.HUMAN, ActorKind.SYSTEM):
            result = refused(name, RefusalCode.NOT_ALLOWED_FOR_ASSISTANT,
                             "Only a person at Lumo may do this; the assistant never does.")
            self._audit(tool, ctx, args, result, idempotency_key)
            return result
        if tool.needs_customer and not ctx.customer_id:
            result = refused(name, RefusalCode.NOT_VERIFIED, "The customer is not verified yet.")
            if tool.write:
                self._audit(tool, ctx, args, result, idempotency_key)
            return result
        try:
            if not isinstance(given, dict | None):
                raise ValueError("arguments: must be a JSON object")
            parsed = tool.args_model.model_validate(args)
        except (ValidationError, ValueError) as exc:
            problems = (
                "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors())
                if isinstance(exc, ValidationError)
                else str(exc)
            )
            result = refused(name, RefusalCode.INVALID_ARGUMENT, problems)
            if tool.write:
                self._audit(tool, ctx, args, result, idempotency_key)
            return result
        clean_args = parsed.model_dump(exclude_none=True)

        if dry_run:
            savepoint = self.session.begin_nested()
            try:
                return tool.handler(self.accounts, ctx, parsed)
            finally:
                savepoint.rollback()

        if tool.write and idempotency_key:
            stored = self.records.stored_result(idempotency_key)
            if stored is not None:
                action, args_hash, payload = stored
                # The key is bound to the action, its arguments and the customer it ran for:
                # another customer's key never replays (and so never shows) their result.
                if action != name or args_hash != _args_hash(clean_args, ctx.customer_id):
                    result = refused(name, RefusalCode.IDEMPOTENCY_CONFLICT,
                                     "This idempotency key was already used for a different action.")
                    self._audit(tool, ctx, clean_args, result, idempotency_key)
                    return result
                return ActionResult.from_json(payload, replayed=True)

        with self.session.begin_nested():
            result = tool.handler(self.accounts, ctx, parsed)
            if tool.write:
                if idempotency_key:
                    self.records.store_result(
                        idempotency_key, name, _args_hash(clean_args, ctx.customer_id), mask_in(result.to_json()),
                        ctx.clock.now(),
                    )
                self._audit(tool, ctx, clean_args, result, idempotency_key)
        if tool.write:
            log.info(
                "action",
                extra={"action": name, "ok": result.ok, "actor": ctx.actor.kind.value,
                       "refusal": result.refusal.code.value if result.refusal else None},
            )
        return result

    def _audit(
        self, tool: Tool, ctx: ActionContext, args: dict[str, Any], result: ActionResult, key: str | None
    ) -> None:
        self.records.audit(
            at=ctx.clock.now(),
            actor_kind=ctx.actor.kind.value,
            actor_id=ctx.actor.id,
            customer_id=ctx.customer_id,
            conversation_id=ctx.conversation_id,
            action=tool.name,
            arguments=mask_in(args),
            ok=result.ok,
            result=mask_in(result.to_json()),
            idempotency_key=key,
        )
