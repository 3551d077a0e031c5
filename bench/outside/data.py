"""Loaders for the outside intent datasets in `../shared/data` (read-only; see its README.md).

Every loader returns `klarsvar.understanding.classifier.Example`s (text, intent, language), the
type the product's training code takes, so the product's own `train_models` is what is measured.
"""

from __future__ import annotations

import csv
import os
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from klarsvar.understanding.classifier import Example
from klarsvar.understanding.embeddings import text_key

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("KLARSVAR_OUTSIDE_DATA", ROOT.parent / "shared" / "data"))
OOS = "oos"  # the label given to out-of-scope test messages (never a training label)

# Words that mark Palestinian Arabic (absent from Modern Standard Arabic): used only to check
# where the MSA part of ArBanking77's mixed training file ends (see `arbanking_train`).
PAL_MARKERS = re.compile(
    r"(?:^|\s)(?:بدي|بدك|شو|ليش|هسا|لهسا|مش|هاد|هاي|هيك|كمان|بقدر|بدنا|عشان|منشان|وين|ايش|إيش|اشي|إشي|لسا|لسه|ليه|زي|بس)"
    r"(?=\s|$|[؟?.,،])"
)


@dataclass(frozen=True)
class Split:
    """A dataset ready to train and test on."""

    name: str
    train: list[Example]
    test: list[Example]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- Banking77 (PolyAI, CC-BY-4.0) ------------------------------------------------------------
def banking77(split: str, data: Path = DATA) -> list[Example]:
    """`train` (10,003) or `test` (3,080): text,category."""
    return [Example(r["text"], r["category"], "en") for r in _csv(data / "banking77" / f"{split}.csv")]


def few_shot(examples: Sequence[Example], shots: int = 10, seed: int = 0) -> list[Example]:
    """`shots` examples per intent drawn from `examples` with a fixed seed (every intent needs that many).

    Deterministic: the same examples, seed and shots give the same sample in the same order.
    """
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for e in examples:
        by_intent[e.intent].append(e)
    rng = random.Random(seed)
    out: list[Example] = []
    for intent in sorted(by_intent):
        pool = by_intent[intent]
        if len(pool) < shots:
            raise ValueError(f"intent {intent} has {len(pool)} examples, fewer than {shots}")
        out.extend(rng.sample(pool, shots))
    return out


# --- BANKING77-OOS (Zhang et al. 2022, from jianguoz/Few-Shot-Intent-Detection) ----------------
def _seq(directory: Path, label: str | None = None) -> list[Example]:
    texts = (directory / "seq.in").read_text(encoding="utf-8").splitlines()
    if label is not None:
        return [Example(t.strip(), label, "en") for t in texts]
    labels = (directory / "label").read_text(encoding="utf-8").splitlines()
    if len(texts) != len(labels):
        raise ValueError(f"{directory}: {len(texts)} texts but {len(labels)} labels")
    return [Example(t.strip(), lab.strip(), "en") for t, lab in zip(texts, labels, strict=True)]


def banking77_oos(part: str, split: str, data: Path = DATA) -> list[Example]:
    """BANKING77-OOS: `part` is `in` (50 in-scope intents: train/valid/test), `id-oos` (in-domain
    out-of-scope, from the 27 held-out Banking77 intents: train/valid/test) or `ood-oos`
    (out-of-domain, from CLINC150: valid/test). Out-of-scope messages are labelled `OOS`."""
    root = data / "oos_banking" / "BANKING77-OOS"
    if part == "in":
        return _seq(root / split)
    if part in ("id-oos", "ood-oos"):
        return _seq(root / part / split, label=OOS)
    raise ValueError(part)


# --- Bitext customer service (CDLA-Sharing-1.0) -----------------------------------------------
BITEXT_FILES = {"train": "Training", "valid": "Validation", "test": "Testing"}


def bitext(split: str, data: Path = DATA) -> list[Example]:
    """27 intents; train 6,480 / valid 810 / test 810 (the 8,100 utterances split 80/10/10)."""
    path = data / "bitext_customer_service" / f"Bitext_Sample_Customer_Service_{BITEXT_FILES[split]}_Dataset.csv"
    return [Example(r["utterance"], r["intent"], "en") for r in _csv(path)]


# --- ArBanking77 (SinaLab, CC BY-SA 4.0) ------------------------------------------------------
def _arabic_intents(data: Path) -> dict[str, str]:
    """Arabic label -> Banking77's English intent name (card_arrival ...), so that every dataset
    shares Banking77's label names."""
    return {
        r["label_ar"]: r["label_en"].replace(" ", "_") for r in _csv(data / "arbanking77" / "Banking77_intents.csv")
    }


def arbanking_blocks(rows: Sequence[dict[str, str]]) -> list[tuple[int, int]]:
    """The file's blocks: each runs once through the intents in the same order (a new block starts
    where the first intent starts again). The mixed files hold four: MSA, MSA (second versions),
    Palestinian, Palestinian (second versions) -- as the marker words show (`PAL_MARKERS`)."""
    first = rows[0]["label"]
    starts = [i for i in range(len(rows)) if rows[i]["label"] == first and (i == 0 or rows[i - 1]["label"] != first)]
    return list(zip(starts, [*starts[1:], len(rows)], strict=True))


def arbanking(name: str, dialect: str | None = None, data: Path = DATA) -> list[Example]:
    """`train`/`val` (the mixed MSA + Palestinian files) or a test file (`MSA`, `PAL`, `Saudi`,
    `Moroccan`, `Tunisian`). With `dialect` (`MSA` or `PAL`) only that part of a mixed file."""
    intents = _arabic_intents(data)
    if name in ("train", "val"):
        path = data / "arbanking77" / f"Banking77_Arabized_MSA_PAL_{name}.csv"
    else:
        path = data / "arbanking77" / f"Banking77_Arabized_{name}_test.csv"
    rows = _csv(path)
    language = {"MSA": "ar", "PAL": "ar-ps"}
    if dialect is not None:
        blocks = arbanking_blocks(rows)
        if len(blocks) != 4:
            raise ValueError(f"{path.name}: expected 4 blocks (MSA, MSA, PAL, PAL), found {len(blocks)}")
        if dialect == "MSA":
            rows = rows[blocks[0][0] : blocks[1][1]]
        elif dialect == "PAL":
            rows = rows[blocks[2][0] : blocks[3][1]]
        else:
            raise ValueError(dialect)
        lang = language[dialect]
        return [Example(r["text"], intents[r["label"]], lang) for r in rows]
    if name in ("train", "val"):
        blocks = arbanking_blocks(rows)
        cut = blocks[2][0] if len(blocks) == 4 else len(rows)
        return [Example(r["text"], intents[r["label"]], "ar" if i < cut else "ar-ps") for i, r in enumerate(rows)]
    return [Example(r["text"], intents[r["label"]], language.get(name, "ar-" + name.lower())) for r in rows]


def pal_marker_rate(examples: Sequence[Example]) -> float:
    return sum(bool(PAL_MARKERS.search(e.text)) for e in examples) / max(len(examples), 1)


# --- everything the benchmark embeds ----------------------------------------------------------
def all_texts(data: Path = DATA) -> list[str]:
    """Every text the benchmark reads, once per embedding key (texts that differ only in case or
    spacing share one vector), Banking77 first (so a partial cache is useful early)."""
    groups: list[list[Example]] = [
        banking77("train", data),
        banking77("test", data),
        *(banking77_oos(p, s, data) for p, s in (("in", "train"), ("in", "valid"), ("in", "test"))),
        *(banking77_oos(p, s, data) for p in ("id-oos", "ood-oos") for s in ("valid", "test")),
        bitext("train", data),
        bitext("test", data),
        arbanking("train", data=data),
        arbanking("MSA", data=data),
        arbanking("PAL", data=data),
    ]
    seen: set[str] = set()
    out: list[str] = []
    for group in groups:
        for e in group:
            key = text_key(e.text)
            if key not in seen:
                seen.add(key)
                out.append(e.text)
    return out
