"""Check the knowledge-base questions against the documents they cite.

    python -m bench.kb.check_questions            # every questions_*.yaml (also run by `bench.kb.split --check`)
    python -m bench.kb.check_questions --strict   # the strict checks are errors for every question

Errors, for every question:
- ids are unique over all question files; `same_as` names a question of the same file;
- an unanswerable question has no docs, figures or words; an answerable one has docs and
  figures or words (its own or those of the question it repeats);
- every `docs` id is a document of the question's corpus;
- every figure is stated in at least one of the listed documents (in one of its languages).

Strict checks, errors for the `holdout2` questions (written with them) and warnings for the others:
- every listed document states every figure (the docs are the documents that give the answer);
- a customer question lists only documents a customer may see (never an internal one);
- the words of a question not in English (its `contains_any_local` words, if any) are in a listed
  document in the question's language, or its `contains_any` words in English when the corpus
  has none in that language (the grader looks for them in the answer);
- no question text is asked twice in a corpus.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bench.kb.runner import CORPORA, figure_found, load_questions
from bench.kb.split import load_split
from klarsvar.knowledge.loaders import load_dir

STRICT_PARTS = ("holdout2", "holdout3", "holdout4")


@dataclass
class Corpus:
    """The documents of one corpus: id → language → text, and id → audience."""

    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    audience: dict[str, str] = field(default_factory=dict)

    def text(self, doc_id: str, lang: str | None = None) -> str:
        versions = self.texts.get(doc_id, {})
        if lang is not None:
            return versions.get(lang, "")
        return "\n".join(versions.values())


def load_corpus(name: str) -> Corpus:
    documents, _, _ = load_dir(CORPORA[name])
    corpus = Corpus()
    for doc in documents:
        corpus.texts.setdefault(doc.doc_id, {})[doc.lang] = f"{doc.title}\n{doc.content}"
        # a document is internal when any of its language versions is
        if corpus.audience.get(doc.doc_id) != "internal":
            corpus.audience[doc.doc_id] = doc.audience
    return corpus


def check(
    questions: list[dict[str, Any]], corpora: dict[str, Corpus], strict_ids: set[str]
) -> tuple[list[str], list[str]]:
    """(errors, warnings) for `questions` (as `load_questions(resolve=False)` gives them)."""
    errors: list[str] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    by_corpus_id = {(q["corpus"], q["id"]): q for q in questions}
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for q in questions:
        qid = q["id"]
        if qid in seen:
            errors.append(f"{qid}: id used twice ({seen[qid]} and {q['corpus']})")
        seen[qid] = q["corpus"]
        texts[(q["corpus"], " ".join(str(q.get("q", "")).lower().split()))].append(qid)

        def strict(problem: str, qid: str = qid) -> None:
            (errors if qid in strict_ids else warnings).append(f"{qid}: {problem}")

        if not q.get("q") or not q.get("lang"):
            errors.append(f"{qid}: needs q and lang")
        original: dict[str, Any] | None = q
        if q.get("same_as"):
            original = by_corpus_id.get((q["corpus"], q["same_as"]))
        if original is None:
            errors.append(f"{qid}: same_as {q['same_as']} is not a question of the {q['corpus']} file")
            continue
        resolved = {**original, **{k: v for k, v in q.items() if k != "same_as"}}
        docs = list(resolved.get("docs") or [])
        figures = [str(f) for f in resolved.get("figures") or []]
        words = list(resolved.get("contains_any") or [])
        corpus = corpora[q["corpus"]]
        if resolved.get("unanswerable"):
            if docs or figures or words:
                errors.append(f"{qid}: unanswerable but has docs, figures or words")
            continue
        if not docs:
            errors.append(f"{qid}: answerable but lists no docs")
            continue
        if not figures and not words:
            errors.append(f"{qid}: answerable but has neither figures nor contains_any")
        unknown = [d for d in docs if d not in corpus.texts]
        if unknown:
            errors.append(f"{qid}: docs not in the {q['corpus']} corpus: {unknown}")
        known = [d for d in docs if d in corpus.texts]
        for figure in figures:
            stating = [d for d in known if figure_found(figure, corpus.text(d))]
            if known and not stating:
                errors.append(f"{qid}: figure {figure} is in none of its docs")
            elif len(stating) < len(known):
                strict(f"figure {figure} is not in {sorted(set(known) - set(stating))}")
        audience = resolved.get("audience", "customer")
        hidden = [d for d in known if audience == "customer" and corpus.audience[d] != "customer"]
        if hidden:
            strict(f"a customer question lists internal documents {hidden}")
        if words and q["lang"] != "en" and known:
            in_lang = [corpus.text(d, q["lang"]) for d in known if corpus.text(d, q["lang"])]
            pool = "\n".join(in_lang or [corpus.text(d, "en") for d in known]).lower()
            graded = (resolved.get("contains_any_local") or words) if in_lang else words
            if not any(w.lower() in pool for w in graded):
                where = q["lang"] if in_lang else "en"
                strict(f"none of {graded} is in its docs in {where} (the answer is graded on them)")
    for (corpus_name, _), ids in texts.items():
        if len(ids) > 1:
            for qid in ids:
                (errors if qid in strict_ids else warnings).append(f"{qid}: the same question as {ids} ({corpus_name})")
    return errors, warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kb.check_questions", description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="the strict checks are errors for every question")
    parser.add_argument("--quiet", action="store_true", help="print only errors and a count of warnings")
    args = parser.parse_args(argv)
    questions = load_questions(resolve=False)
    corpora = {name: load_corpus(name) for name in sorted({q["corpus"] for q in questions})}
    split = load_split()
    strict_ids = {q["id"] for q in questions} if args.strict else {i for i, p in split.items() if p in STRICT_PARTS}
    errors, warnings = check(questions, corpora, strict_ids)
    for w in warnings if not args.quiet else []:
        print(f"warning: {w}", file=sys.stderr)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    print(
        f"{len(questions)} questions checked against {sum(len(c.texts) for c in corpora.values())} documents: "
        f"{len(errors)} errors, {len(warnings)} warnings"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
