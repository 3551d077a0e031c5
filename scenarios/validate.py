"""Static checks for the scenario suite (no engine needed).

    python3 scenarios/validate.py [--markdown]

Checks every scenarios/<lang>.yaml: parses with PyYAML, is a list, every scenario
has `id` and `turns`, ids are unique and start with `<lang>-`, only the expect keys
of ../shared/spec/scenarios.md are used, every AI turn sets `language: <lang>`,
`max_words` is at most 70 on a first turn and 60 on later turns, nothing follows a
handoff turn, the per-turn `actions` add up to `final.actions`, every scenario has
`final.actions` and `only_these_writes: true`, card numbers typed by the user are
Luhn-valid and listed in `contains_none` (spaced, unspaced, last 8 digits).
Prints counts per language, per write action, per handoff reason.
"""

from __future__ import annotations

import collections
import pathlib
import re
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
LANGS = ["en", "sv", "de", "fr", "es", "it", "nl", "pl", "da", "fi", "zh", "pt", "nb"]
EXPECT_KEYS = {
    "language", "author", "handoff", "contains_any", "contains_all", "contains_none",
    "max_words", "actions", "sources_any", "abstain",
}
SCENARIO_KEYS = {"id", "customer", "turns", "final"}
FINAL_KEYS = {"actions", "only_these_writes", "handoff"}
ACTIONS = {
    "report_return", "extend_due_date", "pay_instalment", "open_dispute", "freeze_card",
    "unfreeze_card", "update_contact_details", "request_data_export",
    "request_account_deletion", "handoff",
}
HANDOFF_REASONS = {
    "customer_request", "fraud", "dispute", "complaint", "frustration", "unresolved", "policy",
}
DISPUTE_REASONS = {"not_received", "faulty", "wrong_item", "cancelled_but_charged"}
CARD_RE = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def check_file(path: pathlib.Path, errors: list[str]) -> list[dict]:
    lang = path.stem
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        errors.append(f"{path.name}: not a YAML list")
        return []
    for sc in data:
        sid = sc.get("id") if isinstance(sc, dict) else None
        where = f"{path.name}:{sid}"
        if not isinstance(sc, dict) or "id" not in sc or "turns" not in sc:
            errors.append(f"{where}: scenario without id or turns")
            continue
        if set(sc) - SCENARIO_KEYS:
            errors.append(f"{where}: unknown keys {set(sc) - SCENARIO_KEYS}")
        if not str(sid).startswith(f"{lang}-"):
            errors.append(f"{where}: id does not start with {lang}-")
        turns = sc["turns"]
        if not isinstance(turns, list) or not turns:
            errors.append(f"{where}: turns must be a non-empty list")
            continue
        turn_actions: list[str] = []
        handed_over = None
        for i, turn in enumerate(turns):
            tw = f"{where} turn {i + 1}"
            if handed_over is not None:
                errors.append(f"{tw}: turn after a handoff")
            if not isinstance(turn.get("user"), str) or not turn["user"].strip():
                errors.append(f"{tw}: user text missing or not a string")
                continue
            exp = turn.get("expect") or {}
            if set(exp) - EXPECT_KEYS:
                errors.append(f"{tw}: unknown expect keys {set(exp) - EXPECT_KEYS}")
            if exp.get("author", "ai") == "ai" and exp.get("language") != lang:
                errors.append(f"{tw}: language must be {lang}, is {exp.get('language')}")
            mw = exp.get("max_words")
            if mw is not None and mw > (70 if i == 0 else 60):
                errors.append(f"{tw}: max_words {mw} too high")
            if "actions" not in exp:
                errors.append(f"{tw}: no actions expectation")
            acts = exp.get("actions") or []
            for a in acts:
                if a not in ACTIONS:
                    errors.append(f"{tw}: unknown action {a}")
            turn_actions += acts
            h = exp.get("handoff", False)
            if h not in (False, True) and h not in HANDOFF_REASONS:
                errors.append(f"{tw}: unknown handoff value {h}")
            if ("handoff" in acts) != (h not in (False, None)):
                errors.append(f"{tw}: handoff expectation and actions disagree")
            if h not in (False, None):
                handed_over = h
            # card numbers typed by the user must never come back
            for m in CARD_RE.finditer(turn["user"]):
                digits = re.sub(r"\D", "", m.group())
                if not luhn_ok(digits):
                    errors.append(f"{tw}: card number {m.group()} is not Luhn-valid")
                none = exp.get("contains_none") or []
                spaced = " ".join(digits[k:k + 4] for k in range(0, len(digits), 4))
                for form in (digits, spaced, digits[-8:]):
                    if form not in none:
                        errors.append(f"{tw}: contains_none lacks {form!r}")
        final = sc.get("final")
        if not isinstance(final, dict) or "actions" not in final:
            errors.append(f"{where}: no final.actions")
            continue
        if set(final) - FINAL_KEYS:
            errors.append(f"{where}: unknown final keys {set(final) - FINAL_KEYS}")
        if final.get("only_these_writes") is not True:
            errors.append(f"{where}: only_these_writes must be true")
        names = [a["name"] for a in final["actions"] or []]
        if names != turn_actions:
            errors.append(f"{where}: turn actions {turn_actions} != final {names}")
        for a in final["actions"] or []:
            args = a.get("args") or {}
            if a["name"] == "open_dispute" and args.get("reason") not in DISPUTE_REASONS:
                errors.append(f"{where}: bad dispute reason")
            if a["name"] == "handoff" and args.get("reason") not in HANDOFF_REASONS:
                errors.append(f"{where}: bad handoff reason")
        fh = final.get("handoff", False)
        want = {"reason": handed_over} if handed_over else False
        if "handoff" in final and fh != want:
            errors.append(f"{where}: final.handoff {fh} != {want}")
    return data


def main() -> int:
    errors: list[str] = []
    ids: collections.Counter[str] = collections.Counter()
    per_lang: dict[str, int] = {}
    per_action: collections.Counter[str] = collections.Counter()
    per_action_langs: dict[str, set[str]] = collections.defaultdict(set)
    per_reason: collections.Counter[str] = collections.Counter()
    dispute_reasons: collections.Counter[str] = collections.Counter()
    contact_fields: collections.Counter[str] = collections.Counter()
    abstain = 0
    no_write = 0
    files = sorted(p for p in HERE.glob("*.yaml") if p.stem in LANGS)
    for path in files:
        data = check_file(path, errors)
        per_lang[path.stem] = len(data)
        for sc in data:
            ids[sc.get("id")] += 1
            acts = (sc.get("final") or {}).get("actions") or []
            if not acts:
                no_write += 1
            for a in acts:
                per_action[a["name"]] += 1
                per_action_langs[a["name"]].add(path.stem)
                args = a.get("args") or {}
                if a["name"] == "handoff":
                    per_reason[args.get("reason")] += 1
                if a["name"] == "open_dispute":
                    dispute_reasons[args.get("reason")] += 1
                if a["name"] == "update_contact_details":
                    contact_fields[next(iter(args), "address (value not matched)")] += 1
            abstain += sum(1 for t in sc["turns"] if (t.get("expect") or {}).get("abstain"))
    for sid, n in ids.items():
        if n > 1:
            errors.append(f"duplicate id {sid}")
    total = sum(per_lang.values())
    md = "--markdown" in sys.argv
    if md:
        print("| language | scenarios |\n|---|---:|")
        for lang, n in per_lang.items():
            print(f"| {lang} | {n} |")
        print(f"| **total** | **{total}** |\n")
        print("| write action | scenarios | languages |\n|---|---:|---|")
        for a in sorted(ACTIONS):
            print(f"| `{a}` | {per_action[a]} | {', '.join(sorted(per_action_langs[a]))} |")
        print("\n| handoff reason | scenarios |\n|---|---:|")
        for r in sorted(HANDOFF_REASONS):
            print(f"| `{r}` | {per_reason[r]} |")
        print("\n| dispute reason | scenarios |\n|---|---:|")
        for r in sorted(DISPUTE_REASONS):
            print(f"| `{r}` | {dispute_reasons[r]} |")
    else:
        print(f"{total} scenarios in {len(per_lang)} languages: {per_lang}")
        print(f"write actions (scenarios): {dict(sorted(per_action.items()))}")
        print(f"handoff reasons: {dict(sorted(per_reason.items()))}")
        print(f"dispute reasons: {dict(sorted(dispute_reasons.items()))}")
        print(f"contact fields: {dict(contact_fields)}")
        print(f"scenarios with no write: {no_write}; abstain turns: {abstain}")
    for e in errors:
        print("ERROR", e, file=sys.stderr)
    missing = [a for a in ACTIONS if not per_action[a]] + [
        r for r in HANDOFF_REASONS | DISPUTE_REASONS if not (per_reason[r] or dispute_reasons[r])
    ]
    for m in missing:
        print("ERROR not covered:", m, file=sys.stderr)
    return 1 if errors or missing else 0


if __name__ == "__main__":
    sys.exit(main())
