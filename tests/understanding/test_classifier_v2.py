"""The intent classifiers, the embedding cache and the cascade of the embedded understander."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from klarsvar.understanding import classifier as clf
from klarsvar.understanding import embeddings as emb
from klarsvar.understanding import lexicon
from klarsvar.understanding.base import INTENTS, UnderstandingContext
from klarsvar.understanding.embedded import EmbeddedUnderstander

LANGUAGES = tuple(sorted(p.stem for p in clf.EXAMPLES_DIR.glob("*.yaml")))


# --- the examples --------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_intent_with_15_train_and_20_test(lang: str) -> None:
    data = yaml.safe_load((clf.EXAMPLES_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert data["language"] == lang
    intents = data["intents"]
    assert set(intents) == set(INTENTS)
    for intent in INTENTS:
        train, test = intents[intent]["train"], intents[intent]["test"]
        assert (len(train), len(test)) == (15, 20), (lang, intent)
        assert not set(train) & set(test), (lang, intent, set(train) & set(test))


def test_out_of_scope_is_an_intent() -> None:
    assert "out_of_scope" in INTENTS
    assert Counter(e.language for e in clf.load_examples("test") if e.intent == "out_of_scope") == dict.fromkeys(
        LANGUAGES, 20
    )


# --- the embedding cache -------------------------------------------------------------
def test_the_shipped_embedding_cache_covers_every_example_and_nothing_else() -> None:
    """Edited the examples? Run `python -m klarsvar.understanding.embeddings`."""
    assert emb.main(["--check"]) == 0


def test_cache_keys_are_sha1_of_the_query_form() -> None:
    assert emb.query_form("  HUMAN   NOW ") == "human now"
    assert emb.text_key("HUMAN NOW") == emb.text_key("human now")
    assert len(emb.text_key("hej")) == 40
    assert emb.text_key("hej") != emb.text_key("hej då")


def _fake_embed(texts: list[str] | tuple[str, ...], batch_size: int = 32) -> np.ndarray:
    rng = np.random.default_rng(abs(hash(tuple(texts))) % 2**32)
    out = rng.normal(size=(len(texts), emb.DIM)).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _write_examples(directory: Path, texts: list[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    data = {"language": "en", "intents": {"greeting": {"train": texts[:2], "test": texts[2:]}}}
    (directory / "en.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_update_embeds_only_missing_texts_and_drops_stale_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake(texts: list[str], batch_size: int = 32) -> np.ndarray:
        calls.append(list(texts))
        return _fake_embed(texts)

    monkeypatch.setattr(emb, "embed_queries", fake)
    examples, path = tmp_path / "examples", tmp_path / "examples" / "embeddings.npz"
    _write_examples(examples, ["hello", "hi", "hey there"])
    assert emb.update(examples, path, verbose=False) == (0, 3, 0)
    first = emb.EmbeddingCache.load(path)
    assert len(first) == 3 and first.vectors.dtype == np.float16

    _write_examples(examples, ["hello", "hi", "good morning"])  # one new, one stale
    calls.clear()
    assert emb.update(examples, path, verbose=False) == (2, 1, 1)
    assert calls == [["good morning"]]
    second = emb.EmbeddingCache.load(path)
    assert "hey there" not in second and "good morning" in second
    np.testing.assert_array_equal(second.get(["hello"])[0], first.get(["hello"])[0])
    assert emb.main(["--check", "--examples", str(examples), "--cache", str(path)]) == 0


def test_training_does_not_embed_when_the_cache_is_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(texts: list[str], batch_size: int = 32) -> np.ndarray:
        raise AssertionError(f"embedded {len(texts)} texts at training time")

    monkeypatch.setattr(emb, "embed_queries", refuse)
    examples = clf.load_examples("train")
    vectors = clf.example_vectors(examples)
    assert vectors.shape == (len(examples), emb.DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-2)


def test_missing_embeddings_are_computed_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(emb, "embed_queries", _fake_embed)
    examples = [clf.Example("a text no example file has, 8a7f", "greeting", "en")]
    vectors = clf.example_vectors(examples, emb.EmbeddingCache())
    assert vectors.shape == (1, emb.DIM) and np.linalg.norm(vectors[0]) > 0.99
    assert "lacks 1 of 1" in caplog.text


# --- the cascade ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def understander(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedUnderstander:
    return EmbeddedUnderstander(cache_dir=tmp_path_factory.mktemp("models"), use_embeddings=True)


def _u(understander: EmbeddedUnderstander, text: str) -> tuple[str, float, dict[str, object], bool]:
    u = understander.understand(text, UnderstandingContext())
    return u.intent, u.confidence, u.extras, u.signals.wants_person


def test_a_clear_message_stays_on_the_cheap_path(understander: EmbeddedUnderstander) -> None:
    intent, score, extras, _ = _u(understander, "When is my next payment?")
    assert intent == "payment_schedule" and score >= understander.threshold
    assert "embedding" not in extras and extras["model"] == "tfidf"


def test_an_unsure_message_is_embedded_and_the_embedding_passed_on(understander: EmbeddedUnderstander) -> None:
    text = "hmm so what about that thing from before with the money"
    assert understander.models.tfidf.predict(text)[0][1] < understander.threshold
    _, _, extras, _ = _u(understander, text)
    vector = extras["embedding"]
    assert isinstance(vector, np.ndarray) and vector.shape == (emb.DIM,) and vector.dtype == np.float32
    assert extras["model"] == "combined"
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


@pytest.mark.parametrize(
    "text",
    [
        "What's the weather like in Paris tomorrow?",
        "Who won the Champions League final?",
        "Wie backe ich einen Apfelkuchen?",
        "Kan ni ge mig ett bolån?",
        "Raconte-moi une blague sur les chats",
        "帮我写一段 Python 代码",
    ],
)
def test_out_of_scope_messages(understander: EmbeddedUnderstander, text: str) -> None:
    intent, _, _, wants_person = _u(understander, text)
    assert intent == "out_of_scope" and not wants_person


@pytest.mark.parametrize(
    "text",
    [
        "the parcel was for another person",
        "I bought it for another person",
        "El paquete era para otra persona",
        "L'ho comprato per un'altra persona",
        "Comprei para outra pessoa",
        "worst customer service ever",
        "This is the worst customer service ever, I want a refund",
    ],
)
def test_a_person_mentioned_is_not_a_person_requested(understander: EmbeddedUnderstander, text: str) -> None:
    u = understander.understand(text, UnderstandingContext())
    assert not u.signals.wants_person
    assert u.intent != "human_request" or u.confidence < 0.3, u.intents[:3]


@pytest.mark.parametrize(
    "text",
    [
        "Quiero hablar con atención al cliente",
        "Pásame con un teleoperador",
        "Quiero hablar con un empleado",
        "¿Me pasas con alguien de verdad?",
        "Quiero una persona de carne y hueso",
        "Voglio parlare con il servizio clienti",
        "Mi passi l'assistenza clienti per favore",
        "Vorrei parlare con un addetto",
        "Voglio parlare con un dipendente",
        "Voglio qualcuno di vero",
        "C'è qualcuno di reale?",
        "Una persona in carne e ossa, per favore",
        "Ik wil een echt mens",
        "Is daar echt iemand?",
        "Iemand van vlees en bloed graag",
        "Verbind me met de klantendienst",
        "Ik wil een menselijke medewerker",
        "Quero falar com o apoio ao cliente",
        "Quero o serviço de clientes",
        "Quero alguém de verdade",
        "Quero falar com um funcionário",
        "Passe-me a um colaborador",
        "Quiero hablar con otra persona, no con un bot",
        "I want to talk to another person",
    ],
)
def test_reported_person_requests(text: str) -> None:
    assert lexicon.wants_person(text), text


def test_jokes_asked_for_are_not_frustration() -> None:
    assert not lexicon.frustrated("Tell me a joke")
    assert lexicon.frustrated("This is a joke, fix it")
    assert lexicon.frustrated("what a joke")
