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
# Shared buckets read from lsh_buckets at a time, and pairs scored at a time (their two
# signatures side by side: 26 MB).
BUCKETS_PER_BLOCK = 100_000
PAIRS_PER_SCORE = 25_000
# Bucket keys are 31-bit (crawler.dedup.minhash.band_keys).
BUCKET_KEYS = 1 << 31
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
        # The temporary tables (a row per article) get the archive's page cache, not SQLite's
        # default 2 MB, which they outgrow past some 300,000 articles.
        db.execute(f"PRAGMA temp.cache_size = {db.execute('PRAGMA main.cache_size').fetchone()[0]}")
        before = {original: (cluster_id, created) for cluster_id, original, created
                  in db.execute("SELECT id, original_id, created FROM clusters")}  # fmt: skip
        for table in ("clusters", "lsh_recent", "lsh_buckets", "minhashes"):
            db.execute(f"DELETE FROM {table}")
        sigs, rowids = _write_signatures(db, Path(folder), workers or _cores(), report)
        report("buckets", 0, len(sigs) - 1)
        _write_buckets(db)
        report("buckets", len(sigs) - 1, len(sigs) - 1)
        edges = _edges(db, sigs, min_similarity, report)
        labels = _components(edges, len(sigs))
        return _write_clusters(db, sigs, rowids, labels, now, before, report)


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _write_signatures(
    db: sqlite_utils.Database, folder: Path, workers: int, report: Progress
) -> tuple[np.ndarray, np.ndarray]:
    """Hash every article's body in ``workers`` processes; keep the signatures in
    ``minhashes`` (ids from 1, in the articles' order) and in a mapped file indexed by id, and
    each one's band keys in a temporary table. Returns the mapped signatures and each one's
    article rowid, indexed by minhash id (row 0 unused)."""
    total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    shape = (total + 1, dedup.NUM_PERM)
    path = folder / "signatures"
    with path.open("wb") as file:
        # Claimed now, so that a full disk is an error here and not a crash (SIGBUS) when a
        # page of the mapping is first written.
        os.posix_fallocate(file.fileno(), 0, shape[0] * shape[1] * 4)
    sigs = np.memmap(path, dtype=np.uint32, mode="r+", shape=shape)
    rowids = np.zeros(shape[0], dtype=np.int64)
    db.execute("CREATE TEMP TABLE rebuild_keys (minhash_id INTEGER PRIMARY KEY, keys TEXT)")
    next_id, read = 1, 0
    report("signatures", 0, total)
    # Forked, the workers start at once with the hashing code loaded (a started Python would
    # import the caller's main module again); they use nothing else of this process.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        pending: deque[tuple[list[tuple[int, str]], Future]] = deque()
        for chunk in _chunks(db, TEXTS_PER_TASK):
            articles = [(rowid, article_id) for rowid, article_id, _ in chunk]
            texts = [body or "" for _, _, body in chunk]
            pending.append((articles, pool.submit(dedup.signatures, texts, MIN_SHINGLES)))
            while len(pending) > 2 * workers:
                next_id = _keep(db, sigs, rowids, next_id, *pending.popleft())
                read += TEXTS_PER_TASK
                report("signatures", min(read, total), total)
        while pending:
            next_id = _keep(db, sigs, rowids, next_id, *pending.popleft())
        report("signatures", total, total)
    return sigs[:next_id], rowids[:next_id]


def _chunks(db: sqlite_utils.Database, size: int) -> Iterator[list[tuple[int, str, str | None]]]:
    cursor = db.execute("SELECT rowid, id, body FROM articles ORDER BY rowid")
    while chunk := cursor.fetchmany(size):
        yield chunk


def _keep(
    db: sqlite_utils.Database,
    sigs: np.ndarray,
    rowids: np.ndarray,
    next_id: int,
    articles: list[tuple[int, str]],
    done: Future,
) -> int:
    """Write one task's signatures from ``next_id`` on; return the id after the last."""
    kept, chunk_sigs, keys = done.result()
    kept_articles = [article for article, keep in zip(articles, kept, strict=True) if keep]
    kept_ids = [article_id for _, article_id in kept_articles]
    ids = range(next_id, next_id + len(kept_ids))
    sigs[ids.start : ids.stop] = chunk_sigs
    rowids[ids.start : ids.stop] = [rowid for rowid, _ in kept_articles]
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
    pair keys (see _pair_keys). SQLite reads lsh_buckets in key order and hands over only the
    buckets of two articles or more, a block at a time; a pair shares many buckets, spread over
    the whole table, so the pairs found are made unique again whenever they have doubled."""
    total = db.execute("SELECT count(*) FROM lsh_buckets").fetchone()[0]
    cursor = db.execute(
        "SELECT bucket, count(*), group_concat(minhash_id) FROM lsh_buckets"
        " GROUP BY bucket HAVING count(*) > 1"
    )
    found, unique = np.empty(0, dtype=np.int64), 0
    report("pairs", 0, total)
    while groups := cursor.fetchmany(BUCKETS_PER_BLOCK):
        sizes = np.array([size for _, size, _ in groups])
        ids = np.array(",".join(members for _, _, members in groups).split(","), dtype=np.int64)
        found = np.concatenate([found, _block_edges(sizes, ids, sigs, min_similarity)])
        if len(found) > 2 * unique + BUCKETS_PER_BLOCK:
            found = np.unique(found)
            unique = len(found)
        # Bucket keys are hashes, spread evenly: the last one read says how far the scan is.
        report("pairs", min(total, total * groups[-1][0] // BUCKET_KEYS), total)
    report("pairs", total, total)
    return np.unique(found)


def _pair_keys(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Pairs of minhash ids as one 64-bit number each (the smaller id in the high half), for
    np.unique."""
    return (np.minimum(first, second) << 32) | np.maximum(first, second)


def _block_edges(
    sizes: np.ndarray, ids: np.ndarray, sigs: np.ndarray, min_similarity: float
) -> np.ndarray:
    """The near-duplicate pairs of a block of buckets, from their sizes and their members one
    bucket after another. In the small buckets every pair is scored: members i and i+d pair
    when their bucket is one, and d stays small. A large bucket (the same text on many pages)
    would have too many pairs to hold, so it gives only the edges that join what its pairs
    join (_spanning_edges)."""
    buckets = np.repeat(np.arange(len(sizes)), sizes)
    large = np.repeat(sizes > SMALL_BUCKET, sizes)
    pairs = [np.empty(0, dtype=np.int64)]
    small_buckets, small_ids = buckets[~large], ids[~large]
    for distance in range(1, SMALL_BUCKET):
        same = small_buckets[distance:] == small_buckets[:-distance]
        if not same.any():
            break
        pairs.append(_pair_keys(small_ids[:-distance][same], small_ids[distance:][same]))
    found = [_near_duplicates(np.unique(np.concatenate(pairs)), sigs, min_similarity)]
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    for start, size in zip(starts[sizes > SMALL_BUCKET], sizes[sizes > SMALL_BUCKET], strict=True):
        found.append(_spanning_edges(ids[start : start + size], sigs, min_similarity))
    return np.concatenate(found)


def _spanning_edges(members: np.ndarray, sigs: np.ndarray, min_similarity: float) -> np.ndarray:
    """Edges that join the members of one bucket as all their near-duplicate pairs would, at
    most one a member: each member is scored against the members before it and linked to one
    member of each group of them it is like, and those groups become one."""
    member_sigs = sigs[members]
    group = np.arange(len(members))
    edges = []
    for index in range(1, len(members)):
        agree = np.count_nonzero(member_sigs[:index] == member_sigs[index], axis=1)
        like = np.flatnonzero(agree / dedup.NUM_PERM >= min_similarity)
        if not len(like):
            continue
        groups, first = np.unique(group[like], return_index=True)
        edges.append(_pair_keys(members[like[first]], np.full(len(first), members[index])))
        group[: index + 1][np.isin(group[: index + 1], groups)] = group[index]
    return np.concatenate(edges) if edges else np.empty(0, dtype=np.int64)


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
    rowids: np.ndarray,
    labels: np.ndarray,
    now: str,
    before: dict[str, tuple[int, str]],
    report: Progress,
) -> Rebuilt:
    """A cluster row for each component of two or more, its members' cluster and similarity
    to its original; articles in no cluster now lose theirs. A cluster whose original led a
    cluster before keeps that cluster's id and creation time (``before``, by original), so a
    rebuild that finds the same clusters changes no id. Only the articles whose cluster or
    similarity changed are written (SQLite writes a row whole, its text included), in the order
    of their rowids, so each page of the articles is visited once."""
    sizes = np.bincount(labels)
    clustered = np.flatnonzero(sizes[labels] >= 2)
    report("clusters", 0, len(clustered))
    db.execute(
        "CREATE TEMP TABLE rebuild_members (article_rowid INTEGER PRIMARY KEY, minhash_id INT,"
        " label INT)"
    )
    db.execute(
        "CREATE TEMP TABLE rebuild_placed (article_rowid INTEGER PRIMARY KEY, cluster_id INT,"
        " similarity REAL)"
    )
    db.conn.executemany(
        "INSERT INTO temp.rebuild_members (article_rowid, minhash_id, label) VALUES (?, ?, ?)",
        zip(rowids[clustered].tolist(), clustered.tolist(), labels[clustered].tolist(),
            strict=True),
    )  # fmt: skip
    rows = db.query(
        """SELECT r.label, r.minhash_id, r.article_rowid, a.id, a.outlet, a.original_outlet,
               a.published, a.first_seen
        FROM temp.rebuild_members r JOIN articles a ON a.rowid = r.article_rowid
        ORDER BY r.label, r.minhash_id"""
    )
    clusters = done = 0
    next_id = max((cluster_id for cluster_id, _ in before.values()), default=0) + 1
    for _, group in groupby(rows, key=lambda row: row["label"]):
        members = list(group)
        original = dedup.choose_original(members)
        agree = np.count_nonzero(
            sigs[[m["minhash_id"] for m in members]] == sigs[original["minhash_id"]], axis=1
        )
        cluster_id, created = before.get(original["id"], (next_id, now))
        next_id += cluster_id == next_id
        db.execute(
            "INSERT INTO clusters (id, original_id, size, created, updated) VALUES (?, ?, ?, ?, ?)",
            [cluster_id, original["id"], len(members), created, now],
        )
        db.conn.executemany(
            "INSERT INTO temp.rebuild_placed (cluster_id, similarity, article_rowid)"
            " VALUES (?, ?, ?)",
            [(cluster_id, int(score) / dedup.NUM_PERM, m["article_rowid"])
             for m, score in zip(members, agree, strict=True)],
        )  # fmt: skip
        clusters, done = clusters + 1, done + len(members)
        report("clusters", done, len(clustered))
    db.execute(
        "UPDATE articles SET cluster_id = NULL, similarity = NULL WHERE cluster_id IS NOT NULL"
        " AND rowid NOT IN (SELECT article_rowid FROM temp.rebuild_placed)"
    )
    db.execute(
        """UPDATE articles SET (cluster_id, similarity) = (
            SELECT cluster_id, similarity FROM temp.rebuild_placed p
            WHERE p.article_rowid = articles.rowid
        ) WHERE rowid IN (
            SELECT p.article_rowid FROM temp.rebuild_placed p
            JOIN articles a ON a.rowid = p.article_rowid
            WHERE a.cluster_id IS NOT p.cluster_id OR a.similarity IS NOT p.similarity
        )"""
    )
    db.execute("DROP TABLE temp.rebuild_members")
    db.execute("DROP TABLE temp.rebuild_placed")
    return Rebuilt(indexed=len(sigs) - 1, clusters=clusters, clustered=len(clustered))
