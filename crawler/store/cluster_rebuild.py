"""Rebuild the near-duplicate index and the clusters of a whole archive at once
(`archive reindex --clusters`): after the threshold changed, or to check the clusters a long
run of crawls has grown, in minutes for a million articles.

Articles indexed one at a time (crawler/store/clusters.py) end in clusters that are the
connected components of one graph: two articles are joined when they share an LSH bucket and
their signatures estimate a similarity of at least the threshold. That graph does not depend on
the order the articles came in, so a rebuild makes it for all of them at once, as batch LSH
does, reading every table in key order instead of probing it 48 times an article (#21):

1. each article's signature, computed in worker processes (one a core) while this one writes
   them to ``minhashes`` and to a temporary memory-mapped file, 512 bytes an article, which
   the system pages in and out;
2. the bucket rows, unnested and sorted into ``lsh_buckets`` by SQLite in one statement;
3. the pairs of articles that share a bucket, read from ``lsh_buckets`` in key order a block at
   a time and scored on the mapped signatures: those at the threshold or above are the edges;
4. the graph's connected components (scipy), each of two or more articles a cluster whose
   original and similarities are chosen as ``refresh_cluster`` chooses them.

The clusters are those of indexing the same texts one by one, with one difference: a cluster
whose only link between two stories was an article that has since changed its text stays one
cluster there, and is split here. Everything happens in one transaction: an interrupted rebuild
leaves the index as it was.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import numpy as np
import sqlite_utils
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from crawler.dedup import minhash as dedup
from crawler.store.clusters import MIN_SHINGLES

# Articles a worker hashes at a time.
TEXTS_PER_TASK = 500
# Bucket rows read from lsh_buckets at a time, and pairs scored at a time (their two signatures
# side by side: 26 MB).
ROWS_PER_BLOCK = 250_000
PAIRS_PER_SCORE = 25_000
# A bucket with more articles than this has its pairs made one article at a time.
SMALL_BUCKET = 64
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild made: articles with a signature, clusters, the articles in them."""

    indexed: int
    clusters: int
    clustered: int


def rebuild_clusters(
    db: sqlite_utils.Database,
    min_similarity: float,
    now: str,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Rebuilt:
    """Replace the near-duplicate index and every cluster with ones made afresh from the
    articles' texts; ``progress(stage, done, total)`` hears of each step."""
    report = progress or (lambda stage, done, total: None)
    with tempfile.TemporaryDirectory(prefix="archive-clusters-") as folder, db.atomic():
        db.execute("PRAGMA defer_foreign_keys = ON")
        created = dict(db.execute("SELECT original_id, created FROM clusters").fetchall())
        for table in ("clusters", "lsh_recent", "lsh_buckets", "minhashes"):
            db.execute(f"DELETE FROM {table}")
        sigs = _write_signatures(db, Path(folder), workers or _cores(), report)
        report("buckets", 0, len(sigs) - 1)
        _write_buckets(db)
        report("buckets", len(sigs) - 1, len(sigs) - 1)
        edges = _edges(db, sigs, min_similarity, report)
        labels = _components(edges, len(sigs))
        return _write_clusters(db, sigs, labels, now, created, report)


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _write_signatures(
    db: sqlite_utils.Database, folder: Path, workers: int, report: Progress
) -> np.ndarray:
    """Hash every article's body in ``workers`` processes; keep the signatures in
    ``minhashes`` (ids from 1, in the articles' order) and in a mapped file indexed by id, and
    each one's band keys in a temporary table. Returns the mapped signatures (row 0 unused)."""
    total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    shape = (total + 1, dedup.NUM_PERM)
    path = folder / "signatures"
    with path.open("wb") as file:
        # Claimed now, so that a full disk is an error here and not a crash (SIGBUS) when a
        # page of the mapping is first written.
        os.posix_fallocate(file.fileno(), 0, shape[0] * shape[1] * 4)
    sigs = np.memmap(path, dtype=np.uint32, mode="r+", shape=shape)
    db.execute("CREATE TEMP TABLE rebuild_keys (minhash_id INTEGER PRIMARY KEY, keys TEXT)")
    next_id, read = 1, 0
    report("signatures", 0, total)
    # Forked, the workers start at once with the hashing code loaded (a started Python would
    # import the caller's main module again); they use nothing else of this process.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        pending: deque[tuple[list[str], Future]] = deque()
        for chunk in _chunks(db, TEXTS_PER_TASK):
            ids = [article_id for article_id, _ in chunk]
            texts = [body or "" for _, body in chunk]
            pending.append((ids, pool.submit(dedup.signatures, texts, MIN_SHINGLES)))
            while len(pending) > 2 * workers:
                next_id = _keep(db, sigs, next_id, *pending.popleft())
                read += TEXTS_PER_TASK
                report("signatures", min(read, total), total)
        while pending:
            next_id = _keep(db, sigs, next_id, *pending.popleft())
        report("signatures", total, total)
    return sigs[:next_id]


def _chunks(db: sqlite_utils.Database, size: int) -> Iterator[list[tuple[str, str | None]]]:
    cursor = db.execute("SELECT id, body FROM articles ORDER BY rowid")
    while chunk := cursor.fetchmany(size):
        yield chunk


def _keep(
    db: sqlite_utils.Database, sigs: np.ndarray, next_id: int, article_ids: list[str], done: Future
) -> int:
    """Write one task's signatures from ``next_id`` on; return the id after the last."""
    kept, chunk_sigs, keys = done.result()
    kept_ids = [article_id for article_id, keep in zip(article_ids, kept, strict=True) if keep]
    ids = range(next_id, next_id + len(kept_ids))
    sigs[ids.start : ids.stop] = chunk_sigs
    db.conn.executemany(
        "INSERT INTO minhashes (id, article_id, signature) VALUES (?, ?, ?)",
        zip(ids, kept_ids, map(dedup.to_blob, chunk_sigs), strict=True),
    )
    db.conn.executemany(
        "INSERT INTO temp.rebuild_keys (minhash_id, keys) VALUES (?, ?)",
        zip(ids, map(json.dumps, keys.tolist()), strict=True),
    )
    return ids.stop


def _write_buckets(db: sqlite_utils.Database) -> None:
    """Every signature's bucket rows into lsh_buckets, sorted by SQLite so that the table's
    pages are written in order (a key twice in one signature is one row)."""
    db.execute(
        "INSERT OR IGNORE INTO lsh_buckets (bucket, minhash_id)"
        " SELECT k.value, r.minhash_id FROM temp.rebuild_keys r, json_each(r.keys) k"
        " ORDER BY 1, 2"
    )
    db.execute("DROP TABLE temp.rebuild_keys")


def _edges(
    db: sqlite_utils.Database, sigs: np.ndarray, min_similarity: float, report: Progress
) -> np.ndarray:
    """The pairs of minhash ids that share a bucket and are near-duplicates, each once, as
    pair keys (see _pair_keys). A pair shares many buckets, spread over the whole table, so
    the pairs found are made unique again whenever they pile up."""
    total = db.execute("SELECT count(*) FROM lsh_buckets").fetchone()[0]
    cursor = db.execute("SELECT bucket, minhash_id FROM lsh_buckets")
    found = np.empty(0, dtype=np.int64)
    carried = np.empty((0, 2), dtype=np.int64)
    read = 0
    report("pairs", 0, total)
    while rows := cursor.fetchmany(ROWS_PER_BLOCK):
        read += len(rows)
        block = np.concatenate([carried, np.array(rows, dtype=np.int64)])
        # The last bucket may go on in the next block: it waits for it.
        last = np.searchsorted(block[:, 0], block[-1, 0])
        block, carried = block[:last], block[last:]
        found = _merged(found, _near_duplicates(_pairs(block), sigs, min_similarity))
        report("pairs", read, total)
    return np.unique(_merged(found, _near_duplicates(_pairs(carried), sigs, min_similarity)))


def _merged(found: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``found`` with ``new`` added, made unique when it grows past a block's worth."""
    found = np.concatenate([found, new])
    return np.unique(found) if len(found) > ROWS_PER_BLOCK else found


def _pair_keys(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Pairs of minhash ids (the smaller first) as one 64-bit number each, for np.unique."""
    return (first << 32) | second


def _pairs(rows: np.ndarray) -> np.ndarray:
    """The pairs of minhash ids that share a bucket, each once, from (bucket, minhash id) rows
    sorted by both: row i and row i+d pair when their bucket is one; buckets are small, so d
    stays small, and the few large ones are paired one article at a time."""
    if not len(rows):
        return np.empty(0, dtype=np.int64)
    buckets, ids = rows[:, 0], rows[:, 1]
    starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    large = np.repeat(sizes > SMALL_BUCKET, sizes)
    found = [np.empty(0, dtype=np.int64)]
    small_buckets, small_ids = buckets[~large], ids[~large]
    for distance in range(1, SMALL_BUCKET):
        same = small_buckets[distance:] == small_buckets[:-distance]
        if not same.any():
            break
        found.append(_pair_keys(small_ids[:-distance][same], small_ids[distance:][same]))
    for start, size in zip(starts[sizes > SMALL_BUCKET], sizes[sizes > SMALL_BUCKET], strict=True):
        members = ids[start : start + size]
        for index in range(size - 1):
            found.append(_pair_keys(members[index], members[index + 1 :]))
    return np.unique(np.concatenate(found))


def _near_duplicates(pairs: np.ndarray, sigs: np.ndarray, min_similarity: float) -> np.ndarray:
    """The pairs whose signatures estimate a similarity of at least ``min_similarity`` (the
    comparison of crawler.dedup.minhash.best_matches)."""
    kept = [pairs[:0]]
    for start in range(0, len(pairs), PAIRS_PER_SCORE):
        chunk = pairs[start : start + PAIRS_PER_SCORE]
        first, second = chunk >> 32, chunk & 0xFFFFFFFF
        agree = np.count_nonzero(sigs[first] == sigs[second], axis=1)
        kept.append(chunk[agree / dedup.NUM_PERM >= min_similarity])
    return np.concatenate(kept)


def _components(edges: np.ndarray, nodes: int) -> np.ndarray:
    """Each minhash id's component number (components numbered in the order of their
    smallest id; id 0 is no article), from the edges' pair keys."""
    first, second = edges >> 32, edges & 0xFFFFFFFF
    graph = coo_array((np.ones(len(edges), dtype=np.int8), (first, second)), shape=(nodes, nodes))
    return connected_components(graph, directed=False)[1]


def _write_clusters(
    db: sqlite_utils.Database,
    sigs: np.ndarray,
    labels: np.ndarray,
    now: str,
    created: dict[str, str],
    report: Progress,
) -> Rebuilt:
    """A cluster row for each component of two or more, its members' cluster and similarity
    to its original; articles in no cluster now lose theirs. A cluster keeps the creation time
    of the cluster its original led before (``created``)."""
    sizes = np.bincount(labels)
    clustered = np.flatnonzero(sizes[labels] >= 2)
    report("clusters", 0, len(clustered))
    db.execute("CREATE TEMP TABLE rebuild_members (minhash_id INTEGER PRIMARY KEY, label INT)")
    db.conn.executemany(
        "INSERT INTO temp.rebuild_members VALUES (?, ?)",
        zip(clustered.tolist(), labels[clustered].tolist(), strict=True),
    )
    rows = db.query(
        """SELECT r.label, r.minhash_id, a.id, a.outlet, a.original_outlet, a.published,
               a.first_seen
        FROM temp.rebuild_members r JOIN minhashes m ON m.id = r.minhash_id
        JOIN articles a ON a.id = m.article_id ORDER BY r.label, r.minhash_id"""
    )
    clusters = placed = 0
    for _, group in groupby(rows, key=lambda row: row["label"]):
        members = list(group)
        placed += len(members)
        original = dedup.choose_original(members)
        agree = np.count_nonzero(
            sigs[[m["minhash_id"] for m in members]] == sigs[original["minhash_id"]], axis=1
        )
        cluster_id = db.execute(
            "INSERT INTO clusters (original_id, size, created, updated) VALUES (?, ?, ?, ?)",
            [original["id"], len(members), created.get(original["id"], now), now],
        ).lastrowid
        db.conn.executemany(
            "UPDATE articles SET cluster_id = ?, similarity = ? WHERE id = ?",
            [(cluster_id, int(score) / dedup.NUM_PERM, m["id"])
             for m, score in zip(members, agree, strict=True)],
        )  # fmt: skip
        clusters += 1
        report("clusters", placed, len(clustered))
    db.execute(
        "UPDATE articles SET cluster_id = NULL, similarity = NULL WHERE cluster_id IS NOT NULL"
        " AND id NOT IN (SELECT m.article_id FROM temp.rebuild_members r"
        " JOIN minhashes m ON m.id = r.minhash_id)"
    )
    db.execute("DROP TABLE temp.rebuild_members")
    return Rebuilt(indexed=len(sigs) - 1, clusters=clusters, clustered=len(clustered))
