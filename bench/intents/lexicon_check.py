"""The cue lexicon's request-for-a-person rule on the intent examples, per language.

    python -m bench.intents.lexicon_check              # table: recall and false positives per language
    python -m bench.intents.lexicon_check --show 10    # also up to 10 misses and false positives per language
    python -m bench.intents.lexicon_check --lang ar he # only these languages

Recall is over every `human_request` example (train + test) of a language; the false-positive
rate is over every example of every other intent of that language (train + test, the
out_of_scope extras included). Only `lexicon.wants_person` is measured: no model is loaded.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from klarsvar.understanding import lexicon
from klarsvar.understanding.classifier import Example, load_examples
from klarsvar.understanding.language import SUPPORTED


def measure(examples: list[Example]) -> dict[str, dict[str, list[str]]]:
    """Per language: the person requests caught and missed, and the other messages that fired."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"hit": [], "miss": [], "fp": [], "tn": []})
    for e in examples:
        fired = lexicon.wants_person(e.text)
        if e.intent == "human_request":
            out[e.language]["hit" if fired else "miss"].append(e.text)
        else:
            out[e.language]["fp" if fired else "tn"].append(f"{e.intent}: {e.text}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=0, help="show up to N misses and false positives per language")
    parser.add_argument("--lang", nargs="*", default=None, help="only these languages")
    args = parser.parse_args(argv)
    examples = load_examples("train") + load_examples("test")
    started = time.perf_counter()
    results = measure(examples)
    elapsed = time.perf_counter() - started
    langs = [lang for lang in SUPPORTED if lang in results and (not args.lang or lang in args.lang)]
    print(f"{'lang':<6}{'recall':>16}{'false positives':>24}")
    hits = misses = fps = negatives = 0
    for lang in langs:
        r = results[lang]
        h, m, f, t = len(r["hit"]), len(r["miss"]), len(r["fp"]), len(r["tn"])
        hits, misses, fps, negatives = hits + h, misses + m, fps + f, negatives + f + t
        recall = h / max(h + m, 1)
        rate = f / max(f + t, 1)
        print(f"{lang:<6}{h:>5}/{h + m:<4} {recall:6.1%}{f:>10}/{f + t:<6} {rate:6.2%}")
        if args.show:
            for text in r["miss"][: args.show]:
                print(f"    miss  {text}")
            for text in r["fp"][: args.show]:
                print(f"    fp    {text}")
    recall = hits / max(hits + misses, 1)
    rate = fps / max(negatives, 1)
    print(f"{'all':<6}{hits:>5}/{hits + misses:<4} {recall:6.1%}{fps:>10}/{negatives:<6} {rate:6.2%}")
    print(f"{len(examples)} messages in {elapsed:.2f} s ({elapsed / max(len(examples), 1) * 1e6:.0f} µs each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
