"""Near-duplicate detection: MinHash signatures of script-folded text, LSH bands, clusters.

A story reprinted by another outlet, copied in the other script, or trimmed under a new headline
keeps most of its character sequences. Each article's body is folded to Simplified Chinese with
OpenCC (so 發展 and 发展 are one), stripped of whitespace and punctuation, and cut into
overlapping character shingles; a MinHash signature of those shingles estimates the Jaccard
similarity of two articles. The signature is cut into bands: two articles that agree on a whole
band are candidates, and candidates whose estimated similarity reaches the threshold are
near-duplicates. crawler/store.py keeps the signatures and bands in SQLite, so the index
persists between crawls and a lookup is an indexed query, not a scan.

The signature is a one-permutation MinHash with densification (Li, Owen and Zhang 2012;
Shrivastava 2017): each shingle is hashed once, the hash's top bits choose one of NUM_PERM bins
and each bin keeps its smallest value, so a signature costs one pass over the shingles instead
of one per permutation. It estimates Jaccard similarity as a 128-permutation MinHash does, and
being numpy throughout it is several times faster than datasketch's MinHash (about 1.8 ms for a
2,000-character article here; figures in BENCHMARKS.md).

Reads no settings; the threshold is the ``DEDUP_MIN_SIMILARITY`` setting, passed in by the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from crawler.normalise.script import to_simplified

# 4-character shingles: long enough that two different articles on the same summit share few
# of them (names and set phrases such as 新質生產力 are 2-5 characters), short enough that a
# trimmed or lightly edited copy keeps most of them.
SHINGLE_CHARS = 4
NUM_PERM = 128
# 48 bands of 5 rows, band b taking the 5 values from position 5b on, wrapping round the 128
# (so bands overlap): two articles become candidates with probability about 1-(1-s^5)^48, 0.78
# at s=0.5 and 0.993 at s=0.63 (the lowest reprint pair of scripts/bench_dedup.py's synthetic
# set); the candidates are then checked on the full signature. Measured on 20,000 synthetic
# articles (#21): the 13,524 reprint pairs miss an expected 0.009 pairs (32 bands of 4 rows,
# the banding before: 0.007), while an article meets 1.8 candidates instead of 9.2. Unrelated
# stories on one subject share 5-15% of their shingles, enough to meet in 4-row buckets: with 4
# rows the candidates of each article grew with the archive (figures in BENCHMARKS.md).
BANDS = 48
ROWS = 5
# Reprints and trimmed copies measured on the mirror pages score 0.6-1.0; different articles
# about the same summit, even by the same reporter, score under 0.15. 0.5 sits between.
DEFAULT_MIN_SIMILARITY = 0.5
BIN_BITS = 7
assert 1 << BIN_BITS == NUM_PERM
# Fixed so that signatures stored by an earlier crawl stay comparable with new ones.
SEED = 20240829
# For each bin, the other bins in a fixed random order: an empty bin takes the value of the
# first non-empty one (densification), the same for every text, so empty bins still agree.
DONORS = np.array(
    [np.random.default_rng(SEED + b).permutation(NUM_PERM) for b in range(NUM_PERM)],
    dtype=np.intp,
)
SHINGLE_BASE = np.uint64(0x100000001B3)
EMPTY_BIN = np.uint64(2**64 - 1)
# The positions of each band's rows in the signature.
BAND_ROWS = (np.arange(BANDS)[:, None] * ROWS + np.arange(ROWS)) % NUM_PERM
# A band's key mixes its rows, each times an odd constant, and its number (so that equal rows in
# two bands fall in different buckets).
ROW_MULTIPLIERS = (np.arange(ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)) * SHINGLE_BASE
BAND_NUMBERS = np.arange(BANDS, dtype=np.uint64) << np.uint64(32)
EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
NOT_TEXT_REGEX = re.compile(r"[\W_]+", re.UNICODE)


def fold_for_shingles(text: str) -> str:
    """Text as compared: Simplified script, lower case, no whitespace or punctuation."""
    return NOT_TEXT_REGEX.sub("", to_simplified(text).casefold())


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the text's character shingles, in text order (repeats kept)."""
    folded = fold_for_shingles(text)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE_CHARS:
        return codes * SHINGLE_BASE
    count = len(codes) - SHINGLE_CHARS + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_CHARS):
        hashes = hashes * SHINGLE_BASE + codes[offset : offset + count]
    return hashes


def mix(hashes: np.ndarray) -> np.ndarray:
    """Spread the bits of 64-bit hashes (the finaliser of MurmurHash3, vectorised)."""
    h = hashes ^ (hashes >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def signature(text: str) -> np.ndarray:
    """The MinHash signature of a text: NUM_PERM unsigned 32-bit minima, one per bin."""
    return minhash(shingle_hashes(text))


def signatures(
    texts: Sequence[str], min_shingles: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The signatures of the texts with at least ``min_shingles`` shingles (one a row), which
    texts those are (a mask), and their band keys (one row each)."""
    hashes = [shingle_hashes(text) for text in texts]
    kept = np.array([len(h) >= min_shingles for h in hashes], dtype=bool)
    sigs = np.array([minhash(h) for h, keep in zip(hashes, kept, strict=True) if keep])
    sigs = sigs.reshape(-1, NUM_PERM).astype(np.uint32)
    return kept, sigs, band_keys_of(sigs)


def minhash(shingles: np.ndarray) -> np.ndarray:
    """The signature of a set of shingle hashes (repeats change nothing)."""
    hashes = mix(shingles)
    if not len(hashes):
        return EMPTY.copy()
    bins = (hashes >> np.uint64(64 - BIN_BITS)).astype(np.intp)
    values = (hashes << np.uint64(BIN_BITS)) >> np.uint64(32)
    minima = np.full(NUM_PERM, EMPTY_BIN, dtype=np.uint64)
    np.minimum.at(minima, bins, values)
    empty = np.flatnonzero(minima == EMPTY_BIN)
    if len(empty):
        filled = minima != EMPTY_BIN
        for bin_ in empty:
            donors = DONORS[bin_]
            minima[bin_] = minima[donors[np.argmax(filled[donors])]]
    return minima.astype(np.uint32)


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.count_nonzero(first == second)) / NUM_PERM


def band_keys(sig: np.ndarray) -> list[int]:
    """The LSH buckets of a signature: a 31-bit hash of each band's number and rows.

    Two signatures share a bucket when they agree on a whole band. 31 bits keep a bucket in four
    bytes of SQLite; two different bands meet in one by chance once in 2^31, and candidates are
    checked on the full signature anyway.
    """
    return band_keys_of(sig[None, :])[0].tolist()


def band_keys_of(sigs: np.ndarray) -> np.ndarray:
    """The LSH buckets of many signatures (one a row): an array of BANDS keys a row."""
    rows = sigs[:, BAND_ROWS].astype(np.uint64)
    keys = mix(rows @ ROW_MULTIPLIERS + BAND_NUMBERS)
    return (keys >> np.uint64(33)).astype(np.int64)


def to_blob(sig: np.ndarray) -> bytes:
    """A signature as bytes for SQLite."""
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """A signature back from SQLite."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def from_blobs(blobs: Sequence[bytes]) -> np.ndarray:
    """Signatures back from SQLite, one a row."""
    return np.frombuffer(b"".join(blobs), dtype="<u4").astype(np.uint32).reshape(-1, NUM_PERM)


def choose_original(members: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The cluster's original: the article of the outlet a source line names, else the earliest.

    ``members`` are article rows with outlet, original_outlet, published and first_seen.
    """
    named = {m["original_outlet"] for m in members if m.get("original_outlet")}
    by_named_outlet = [m for m in members if m["outlet"] in named and not m.get("original_outlet")]
    pool = by_named_outlet or list(members)
    return min(pool, key=_age_key)


def _age_key(member: Mapping[str, Any]) -> tuple[str, str, str]:
    # Unknown publication dates sort last; first_seen and id break ties deterministically.
    return (member.get("published") or "9999", member.get("first_seen") or "", member["id"])


def best_matches(
    sig: np.ndarray, keys: Sequence[str], signatures: np.ndarray, min_similarity: float
) -> list[tuple[str, float]]:
    """The keys whose signatures (rows of ``signatures``) estimate a similarity of at least
    ``min_similarity`` with ``sig``, most similar first."""
    if not len(keys):
        return []
    scores = np.count_nonzero(signatures == sig, axis=1) / NUM_PERM
    return sorted(
        ((key, float(score)) for key, score in zip(keys, scores, strict=True)
         if score >= min_similarity),
        key=lambda pair: (-pair[1], pair[0]),
    )  # fmt: skip
