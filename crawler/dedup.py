"""Near-duplicate detection: MinHash signatures of script-folded text, LSH bands, clusters.

A story reprinted by another outlet, copied in the other script, or trimmed under a new headline
keeps most of its character sequences. Each article's body is folded to Simplified Chinese with
OpenCC (so 發展 and 发展 are one), stripped of whitespace and punctuation, and cut into
overlapping character shingles; a MinHash signature of those shingles estimates the Jaccard
similarity of two articles. The signature is cut into bands: two articles that agree on a whole
band are candidates, and candidates whose estimated similarity reaches the threshold are
near-duplicates. crawler/store.py keeps the signatures and bands in SQLite, so the index
persists between crawls and a lookup is an indexed query, not a scan.

The hashing is vectorised with numpy (all shingles and permutations at once) rather than done
shingle by shingle: datasketch's MinHash with 128 permutations costs about 1.8 ms for a
2,000-character article here, this about a quarter of that (figures in BENCHMARKS.md).

Reads no settings; the threshold is the ``DEDUP_MIN_SIMILARITY`` setting, passed in by the store.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from crawler.normalise.script import to_simplified

# 4-character shingles: long enough that two different articles on the same summit share few
# of them (names and set phrases such as 新質生產力 are 2-5 characters), short enough that a
# trimmed or lightly edited copy keeps most of them.
SHINGLE_CHARS = 4
NUM_PERM = 128
# 32 bands of 4 rows: two articles become candidates with probability 1-(1-s^4)^32, which is
# 0.87 at s=0.5 and 0.9998 at s=0.8; the candidates are then checked on the full signature.
BANDS = 32
ROWS = NUM_PERM // BANDS
# Reprints and trimmed copies measured on the mirror pages score 0.6-1.0; different articles
# about the same summit, even by the same reporter, score under 0.15. 0.5 sits between.
DEFAULT_MIN_SIMILARITY = 0.5
# Fixed so that signatures stored by an earlier crawl stay comparable with new ones.
SEED = 20240829
_RANDOM = np.random.default_rng(SEED)
PERM_A = _RANDOM.integers(1, 2**63, size=(NUM_PERM, 1), dtype=np.uint64) | np.uint64(1)
PERM_B = _RANDOM.integers(0, 2**63, size=(NUM_PERM, 1), dtype=np.uint64)
SHINGLE_BASE = np.uint64(0x100000001B3)
EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
NOT_TEXT_REGEX = re.compile(r"[\W_]+", re.UNICODE)


def fold_for_shingles(text: str) -> str:
    """Text as compared: Simplified script, lower case, no whitespace or punctuation."""
    return NOT_TEXT_REGEX.sub("", to_simplified(text).casefold())


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of the text's character shingles."""
    folded = fold_for_shingles(text)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE_CHARS:
        return np.unique(codes * SHINGLE_BASE) if len(codes) else codes
    count = len(codes) - SHINGLE_CHARS + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_CHARS):
        hashes = hashes * SHINGLE_BASE + codes[offset : offset + count]
    return np.unique(hashes)


def signature(text: str) -> np.ndarray:
    """The MinHash signature of a text: NUM_PERM unsigned 32-bit minima.

    Each permutation is a multiply-shift hash ((a*x + b) >> 32, arithmetic mod 2**64), a
    universal family, applied to every shingle at once.
    """
    hashes = shingle_hashes(text)
    if not len(hashes):
        return EMPTY.copy()
    permuted = (PERM_A * hashes[np.newaxis, :] + PERM_B) >> np.uint64(32)
    return permuted.min(axis=1).astype(np.uint32)


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.count_nonzero(first == second)) / NUM_PERM


def band_keys(sig: np.ndarray) -> list[tuple[int, int]]:
    """(band, bucket) pairs of a signature: a 63-bit hash of each band's rows."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].tobytes()
        bucket = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big") >> 1
        keys.append((band, bucket))
    return keys


def to_blob(sig: np.ndarray) -> bytes:
    """A signature as bytes for SQLite."""
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """A signature back from SQLite."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


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


def diff_summary(old_body: str, new_body: str) -> dict[str, int]:
    """How a body changed, counted in paragraphs: added, removed, changed."""
    old, new = _paragraphs(old_body), _paragraphs(new_body)
    counts = {"added": 0, "removed": 0, "changed": 0}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "insert":
            counts["added"] += j2 - j1
        elif tag == "delete":
            counts["removed"] += i2 - i1
        elif tag == "replace":
            changed = min(i2 - i1, j2 - j1)
            counts["changed"] += changed
            counts["added"] += (j2 - j1) - changed
            counts["removed"] += (i2 - i1) - changed
    return counts


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def best_matches(
    sig: np.ndarray, candidates: Iterable[tuple[str, np.ndarray]], min_similarity: float
) -> list[tuple[str, float]]:
    """Candidates whose estimated similarity reaches ``min_similarity``, most similar first."""
    scored = [(key, similarity(sig, other)) for key, other in candidates]
    return sorted(
        ((key, score) for key, score in scored if score >= min_similarity),
        key=lambda pair: (-pair[1], pair[0]),
    )
