"""The scenario runner: file loading, expectation checks, and the CLI's verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from klarsvar.conversation.models import Author, ExecutedAction, Message, TurnResult
from klarsvar.evaluation.scenarios import ScenarioError, check_final, check_turn, load_scenarios

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _turn(text: str, *, language: str = "en", actions: list[str] | None = None, handoff: str | None = None,
          meta: dict[str, object] | None = None, author: Author = Author.AI) -> TurnResult:
    customer = Message("c1", 1, Author.CUSTOMER, "hi", language, NOW)
    reply = Message("c1", 2, author, text, language, NOW, meta=dict(meta or {}))
    executed = [ExecutedAction(name, {}, True, {}) for name in actions or []]
    return TurnResult("c1", customer, [reply], executed, handoff, "ai", 12.0)


def test_load_rejects_bad_files_with_their_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  turns: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.yaml"):
        load_scenarios([bad])
    missing = tmp_path / "missing.yaml"
    missing.write_text("- id: x\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="needs `id` and `turns`"):
        load_scenarios([missing])
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("- id: x\n  turns:\n    - user: hi\n      expect: {colour: red}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="unknown expect keys"):
        load_scenarios([unknown])
    dup = tmp_path / "dup.yaml"
    dup.write_text("- id: x\n  turns: [{user: hi}]\n- id: x\n  turns: [{user: hi}]\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="duplicate"):
        load_scenarios([dup])
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenarios([tmp_path / "nope.yaml"])


def test_load_reads_folders_and_the_public_examples() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
    scenarios = load_scenarios([shared])
    assert {s.id for s in scenarios} >= {"en-payment-schedule", "anon-needs-verification"}


def test_turn_checks_each_key() -> None:
    turn = _turn("Your next payment of \u20ac57.50 is due on 27\u00a0Nov 2026.", actions=["pay_instalment"],
                 meta={"sources": [{"id": "refunds"}], "grounded": True})
    assert check_turn({"language": "en", "author": "ai", "handoff": False, "contains_all": ["57.50", "27 nov"],
                       "contains_none": ["http"], "max_words": 12, "actions": ["pay_instalment"],
                       "sources_any": ["refunds"], "abstain": False}, turn) == []
    failures = check_turn({"language": "de", "author": "human", "handoff": True, "contains_any": ["99"],
                           "contains_none": ["57.50"], "max_words": 3, "actions": [], "sources_any": ["fees"],
                           "abstain": True}, turn)
    assert len(failures) == 9


def test_abstain_needs_the_metadata_not_just_words() -> None:
    words_only = _turn("I don't know that.", meta={"grounded": None})
    assert check_turn({"abstain": True}, words_only)
    marked = _turn("I don't know that.", meta={"grounded": False, "abstained": True})
    assert check_turn({"abstain": True}, marked) == []


def test_final_checks_order_subset_args_and_only_these_writes() -> None:
    actions = [{"name": "freeze_card", "args": {"card_id": "K-2001"}},
               {"name": "handoff", "args": {"reason": "fraud", "summary": {}}}]
    assert check_final({"actions": [{"name": "freeze_card"}, {"name": "handoff", "args": {"reason": "fraud"}}],
                        "only_these_writes": True, "handoff": {"reason": "fraud"}}, actions, "fraud") == []
    assert check_final({"actions": [{"name": "handoff"}], "only_these_writes": True}, actions, "fraud")
    assert check_final({"actions": [{"name": "handoff"}]}, actions, "fraud") == []
    assert check_final({"actions": [{"name": "handoff"}, {"name": "freeze_card"}]}, actions, "fraud")
    assert check_final({"handoff": False}, actions, "fraud")
    assert check_final({"only_these_writes": True}, [], None) == []


def test_cli_runs_scenarios_and_reports_verdicts(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        """
- id: passes
  customer: emma.johnson@example.com
  turns:
    - user: "I want to talk to a human, please."
      expect: {handoff: customer_request, actions: [handoff]}
  final: {handoff: {reason: customer_request}}
- id: fails-on-purpose
  customer: emma.johnson@example.com
  turns:
    - user: "I want to talk to a human, please."
      expect: {handoff: false}
""",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "klarsvar", "eval", "scenarios", str(suite), "--json", str(out)],
        capture_output=True, text=True, timeout=600, env={"KLARSVAR_DATA_DIR": str(tmp_path / "var"),
                                                           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "1 passed, 1 failed" in proc.stdout
    assert "PASS passes" in proc.stdout and "FAIL fails-on-purpose" in proc.stdout
    results = {r["id"]: r for r in json.loads(out.read_text())}
    assert results["passes"]["passed"] and results["passes"]["handoff"] == "customer_request"
    assert results["fails-on-purpose"]["failures"]
    turn = results["passes"]["turns"][0]
    assert set(turn) >= {"user", "reply", "language", "author", "sources", "latency_ms"}
    assert results["passes"]["actions"][0]["name"] == "handoff"


def test_cli_reports_a_broken_file_without_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("{{{", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "klarsvar", "eval", "scenarios", str(broken)],
                          capture_output=True, text=True, timeout=120,
                          env={"KLARSVAR_DATA_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2
    assert "broken.yaml" in proc.stderr and "Traceback" not in proc.stderr
