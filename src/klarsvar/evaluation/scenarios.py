"""The scenario runner of ../shared/spec/scenarios.md.

Each scenario runs on a fresh copy of the demo world, with the demo clock at
2026-11-20T12:00:00Z, through the same Engine that serves the chat API.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from klarsvar.conversation.engine import Engine
from klarsvar.conversation.models import TurnResult
from klarsvar.conversation.ports import Answerer
from klarsvar.core.clock import DEMO_NOW, FixedClock
from klarsvar.storage.database import Database
from klarsvar.understanding.base import Understander
from klarsvar.world.reset import reset_world

TURN_KEYS = {"language", "author", "handoff", "contains_any", "contains_all", "contains_none", "max_words",
             "actions", "sources_any", "abstain"}
_SPACES = re.compile(r"[\u00a0\u202f\u2009]")


class ScenarioError(ValueError):
    """A scenario file that cannot be run: named, with the reason."""


@dataclass
class Scenario:
    id: str
    turns: list[dict[str, Any]]
    customer: str | None = None
    final: dict[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass
class ScenarioResult:
    id: str
    passed: bool
    failures: list[str]
    turns: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    handoff: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "passed": self.passed, "failures": self.failures, "turns": self.turns,
                "actions": self.actions, "handoff": self.handoff}


def load_scenarios(paths: Iterable[Path]) -> list[Scenario]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif path.exists():
            files.append(path)
        else:
            raise ScenarioError(f"{path}: no such file or folder")
    scenarios: list[Scenario] = []
    seen: set[str] = set()
    for file in files:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"{file}: not valid YAML ({exc.__class__.__name__}: {exc})") from exc
        if data is None:
            continue
        if not isinstance(data, list):
            raise ScenarioError(f"{file}: a scenario file is a YAML list of scenarios")
        for i, item in enumerate(data):
            if not isinstance(item, dict) or "id" not in item or "turns" not in item:
                raise ScenarioError(f"{file}: entry {i + 1} needs `id` and `turns`")
            sid = str(item["id"])
            if sid in seen:
                raise ScenarioError(f"{file}: duplicate scenario id {sid!r}")
            seen.add(sid)
            turns = item["turns"]
            if not isinstance(turns, list) or not all(isinstance(t, dict) and "user" in t for t in turns):
                raise ScenarioError(f"{file}: scenario {sid!r}: every turn needs `user`")
            for t in turns:
                unknown = set(t.get("expect") or {}) - TURN_KEYS
                if unknown:
                    raise ScenarioError(f"{file}: scenario {sid!r}: unknown expect keys {sorted(unknown)}")
            scenarios.append(Scenario(sid, turns, item.get("customer"), item.get("final") or {}, str(file)))
    return scenarios


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).casefold()


def _words(text: str) -> int:
    return len(text.split())


def _args_match(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    return all(str(actual.get(k)) == str(v) for k, v in (expected or {}).items())


def check_turn(expect: dict[str, Any], turn: TurnResult) -> list[str]:
    failures: list[str] = []
    reply = turn.replies[-1] if turn.replies else None
    text = " ".join(m.text for m in turn.replies)
    ntext = _norm(text)
    if "language" in expect and (reply is None or reply.language != expect["language"]):
        failures.append(f"language: expected {expect['language']}, got {reply.language if reply else None}")
    if "author" in expect:
        author = reply.author.value if reply else None
        if author != expect["author"]:
            failures.append(f"author: expected {expect['author']}, got {author}")
    if "handoff" in expect:
        want = expect["handoff"]
        got = turn.handoff
        if (want is True and not got) or (want is False and got) or (isinstance(want, str) and got != want):
            failures.append(f"handoff: expected {want}, got {got or False}")
    if "contains_any" in expect and not any(_norm(str(s)) in ntext for s in expect["contains_any"]):
        failures.append(f"contains_any: none of {expect['contains_any']} in reply")
    for s in expect.get("contains_all") or []:
        if _norm(str(s)) not in ntext:
            failures.append(f"contains_all: {s!r} not in reply")
    for s in expect.get("contains_none") or []:
        if _norm(str(s)) in ntext:
            failures.append(f"contains_none: {s!r} is in reply")
    if "max_words" in expect and _words(text) > int(expect["max_words"]):
        failures.append(f"max_words: {_words(text)} > {expect['max_words']}")
    if "actions" in expect:
        done = [a.name for a in turn.actions if a.ok]
        if done != list(expect["actions"] or []):
            failures.append(f"actions: expected {expect['actions']}, got {done}")
    if "sources_any" in expect:
        cited = {s["id"] for m in turn.replies for s in m.meta.get("sources", [])}
        if not cited & {str(s) for s in expect["sources_any"]}:
            failures.append(f"sources_any: cited {sorted(cited)}, expected one of {expect['sources_any']}")
    if "abstain" in expect:
        abstained = bool(reply and reply.meta.get("abstained") and reply.meta.get("grounded") is False)
        if abstained != bool(expect["abstain"]):
            failures.append(f"abstain: expected {expect['abstain']}, got {abstained}")
    return failures


def check_final(final: dict[str, Any], actions: list[dict[str, Any]], handoff: str | None) -> list[str]:
    failures: list[str] = []
    if "actions" in final:
        expected = [a if isinstance(a, dict) else {"name": a} for a in (final["actions"] or [])]
        only = bool(final.get("only_these_writes"))
        if only:
            if len(expected) != len(actions) or not all(
                e["name"] == a["name"] and _args_match(e.get("args", {}), a["args"])
                for e, a in zip(expected, actions, strict=False)
            ):
                failures.append(f"final actions: expected exactly {expected}, got "
                                f"{[{'name': a['name'], 'args': a['args']} for a in actions]}")
        else:
            position = 0
            for e in expected:
                while position < len(actions) and not (
                    actions[position]["name"] == e["name"] and _args_match(e.get("args", {}), actions[position]["args"])
                ):
                    position += 1
                if position >= len(actions):
                    failures.append(f"final actions: {e} not found in order")
                    break
                position += 1
    elif final.get("only_these_writes") and actions:
        failures.append(f"final: no writes expected, got {[a['name'] for a in actions]}")
    if "handoff" in final:
        want = final["handoff"]
        if isinstance(want, dict):
            want = want.get("reason", True)
        if (want is True and not handoff) or (want is False and handoff) or (isinstance(want, str) and handoff != want):
            failures.append(f"final handoff: expected {want}, got {handoff or False}")
    return failures


class WorldTemplate:
    """A demo world built once into a file; every scenario gets a copy of it."""

    def __init__(self, prepare: Callable[[Database], None] | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="klarsvar-eval-"))
        self.path = self.dir / "template.db"
        db = Database(f"sqlite:///{self.path}")
        db.migrate()
        with db.session() as session:
            reset_world(session)
        if prepare:
            prepare(db)
        db.checkpoint()
        self._n = 0

    def fresh(self) -> Database:
        self._n += 1
        target = self.dir / f"run-{self._n}.db"
        shutil.copyfile(self.path, target)
        return Database(f"sqlite:///{target}")

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class ScenarioRunner:
    def __init__(self, understander: Understander, template: WorldTemplate,
                 knowledge_factory: Callable[[Database], Answerer] | None = None) -> None:
        self.understander = understander
        self.template = template
        self.knowledge_factory = knowledge_factory

    def run(self, scenario: Scenario) -> ScenarioResult:
        db = self.template.fresh()
        try:
            return self._run(scenario, db)
        finally:
            db.dispose()

    def _run(self, scenario: Scenario, db: Database) -> ScenarioResult:
        engine = Engine(db, self.understander, clock=FixedClock(DEMO_NOW),
                        knowledge=self.knowledge_factory(db) if self.knowledge_factory else None, demo_mode=True)
        failures: list[str] = []
        customer_id = None
        if scenario.customer:
            from klarsvar.accounts.repository import AccountsRepository

            with db.session() as session:
                customer = AccountsRepository(session).customer_by_email(scenario.customer)
            if customer is None:
                return ScenarioResult(scenario.id, False, [f"unknown customer {scenario.customer}"], [], [], None)
            customer_id = customer.id
        conversation = engine.start(customer_id=customer_id, channel="eval")
        turns: list[dict[str, Any]] = []
        actions: list[dict[str, Any]] = []
        handoff: str | None = None
        last_code: str | None = None
        for n, turn in enumerate(scenario.turns, start=1):
            text = str(turn["user"])
            if "{otp}" in text:
                text = text.replace("{otp}", last_code or "000000")
            result = engine.handle(conversation.id, text)
            if result.demo_code:
                last_code = result.demo_code
            if result.handoff:
                handoff = result.handoff
            for action in result.actions:
                if action.ok:
                    actions.append({"name": action.name, "args": action.args, "result": action.result})
            reply = result.replies[-1] if result.replies else None
            turns.append({
                "user": text,
                "reply": " ".join(m.text for m in result.replies),
                "language": reply.language if reply else None,
                "author": reply.author.value if reply else None,
                "sources": [s["id"] for m in result.replies for s in m.meta.get("sources", [])],
                "latency_ms": result.latency_ms,
            })
            for failure in check_turn(turn.get("expect") or {}, result):
                failures.append(f"turn {n}: {failure}")
        failures.extend(check_final(scenario.final, actions, handoff))
        return ScenarioResult(scenario.id, not failures, failures, turns, actions, handoff)


def build_runner(kb_dir: Path | None = None, cache_dir: Path | None = None,
                 report: Callable[[str], None] | None = None) -> ScenarioRunner:
    """The runner as `klarsvar eval scenarios` uses it: the demo world plus a knowledge
    base (Lumo's help centre, or `kb_dir`), the embedded understander."""
    from klarsvar.knowledge.base import KnowledgeBase
    from klarsvar.runtime import HELPCENTRE, embedded_understander, knowledge_for

    def prepare(db: Database) -> None:
        result = KnowledgeBase(db).ingest_dir(kb_dir or HELPCENTRE)
        for broken in result.broken:
            if report:
                report(f"kb: skipped {broken.path}: {broken.reason}")

    template = WorldTemplate(prepare)
    understander = embedded_understander(str(cache_dir) if cache_dir else None)
    return ScenarioRunner(understander, template, knowledge_for)
