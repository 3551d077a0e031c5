"""The outside-data loaders of bench/outside read each dataset's format correctly (no embedding)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is a top-level package of the repository, not installed
    sys.path.insert(0, str(ROOT))

from bench.outside import data  # noqa: E402

pytestmark = pytest.mark.skipif(not (data.DATA / "banking77").exists(), reason="outside data not present")


def test_banking77() -> None:
    train, test = data.banking77("train"), data.banking77("test")
    assert (len(train), len(test)) == (10003, 3080)
    assert len({e.intent for e in train}) == len({e.intent for e in test}) == 77
    assert train[0].text == "I am still waiting on my card?" and train[0].intent == "card_arrival"


def test_few_shot_gives_ten_per_intent_deterministically() -> None:
    train = data.banking77("train")
    a, b = data.few_shot(train, 10, seed=0), data.few_shot(train, 10, seed=0)
    assert a == b
    counts = Counter(e.intent for e in a)
    assert len(counts) == 77 and set(counts.values()) == {10}
    assert set(a) <= set(train)
    assert data.few_shot(train, 10, seed=1) != a
    with pytest.raises(ValueError):
        data.few_shot(train[:5], 10)


def test_banking77_oos() -> None:
    sizes = {(p, s): len(data.banking77_oos(p, s)) for p, s in (("in", "train"), ("in", "valid"), ("in", "test"))}
    assert sizes == {("in", "train"): 5905, ("in", "valid"): 1506, ("in", "test"): 2000}
    assert len({e.intent for e in data.banking77_oos("in", "train")}) == 50
    assert len(data.banking77_oos("id-oos", "test")) == 1080
    assert len(data.banking77_oos("id-oos", "valid")) == 530
    assert len(data.banking77_oos("ood-oos", "test")) == 1000
    assert len(data.banking77_oos("ood-oos", "valid")) == 200
    assert {e.intent for e in data.banking77_oos("ood-oos", "test")} == {data.OOS}
    in_scope = {e.intent for e in data.banking77_oos("in", "test")}
    assert data.OOS not in in_scope and len(in_scope) == 50


def test_bitext() -> None:
    train, test = data.bitext("train"), data.bitext("test")
    assert (len(train), len(test), len(data.bitext("valid"))) == (6480, 810, 810)
    assert len({e.intent for e in train}) == len({e.intent for e in test}) == 27
    assert "contact_human_agent" in {e.intent for e in train}


def test_arbanking77_train_mixes_msa_and_palestinian() -> None:
    train = data.arbanking("train")
    msa, pal = data.arbanking("train", "MSA"), data.arbanking("train", "PAL")
    assert (len(train), len(msa), len(pal)) == (21559, 10733, 10826)
    assert [e.text for e in msa + pal] == [e.text for e in train]
    # Palestinian marker words: absent from the MSA part and the MSA test, common in the rest
    assert data.pal_marker_rate(msa) < 0.01 and data.pal_marker_rate(data.arbanking("MSA")) < 0.01
    assert data.pal_marker_rate(pal) > 0.5 and data.pal_marker_rate(data.arbanking("PAL")) > 0.5
    labels = {e.intent for e in train}
    assert len(labels) == 77 and labels == {e.intent for e in data.banking77("train")}


def test_arbanking77_tests() -> None:
    msa, pal = data.arbanking("MSA"), data.arbanking("PAL")
    assert (len(msa), len(pal)) == (3574, 3807)
    assert len({e.intent for e in msa}) == len({e.intent for e in pal}) == 77


def test_all_texts_unique_by_embedding_key() -> None:
    from klarsvar.understanding.embeddings import text_key

    texts = data.all_texts()
    keys = [text_key(t) for t in texts]
    assert len(keys) == len(set(keys)) > 45000
    assert texts[0] == data.banking77("train")[0].text
