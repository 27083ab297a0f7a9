"""Clusters of near-duplicate articles in the archive: the persistent MinHash LSH index and the
cluster rows (writes, so part of the store; the hashing itself is crawler/dedup/minhash.py).

An article's signature is kept in ``minhashes`` under a small integer id, and its bands in
``lsh_buckets``: one row (bucket, minhash id) per band, the whole row being the primary key of
a WITHOUT ROWID table, so the row is its own index. Finding the candidates of a new article is
one indexed query however large the archive, and tomorrow's crawl still finds today's reprint.
Taking an article out recomputes its buckets from its stored signature instead of keeping a
second index on the minhash id.

New bucket rows go first to ``lsh_recent``, a table of the same shape that stays small, and
every ``MERGE_EVERY`` signatures they are merged into ``lsh_buckets`` in key order (#21). A
bucket key is a hash, so rows written straight into the large table land on random pages, and
as the table outgrows memory each article's rows cost page reads and writes all over it; a
merge writes each page of the large table once for tens of thousands of articles. A lookup
reads both tables (crawler/store/cluster_rebuild.py makes the whole index and the clusters
afresh for `archive reindex --clusters`). A cluster row names its original
(crawler.dedup.minhash.choose_original); each member carries ``cluster_id`` and its
``similarity`` to the original.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sqlite_utils

from crawler.dedup import minhash as dedup

# Fewer shingles than this (a caption-length text) say too little to compare.
MIN_SHINGLES = 20
# Bucket rows wait in lsh_recent until this many signatures have been added (by minhash id):
# 2.4 million rows, about 40 MB, merged into lsh_buckets in one pass.
MERGE_EVERY = 50_000
BUCKET_TABLES = ("lsh_buckets", "lsh_recent")


def index_article(
    db: sqlite_utils.Database, article_id: str, body: str, min_similarity: float, now: str
) -> int | None:
    """(Re)index an article's text and put it in the cluster of its near-duplicates.

    Returns the article's cluster id (None when it has no near-duplicate). Runs inside the
    caller's transaction.
    """
    remove_article(db, article_id, now)
    shingles = dedup.shingle_hashes(body)
    if len(shingles) < MIN_SHINGLES:
        return None
    sig = dedup.minhash(shingles)
    keys = dedup.band_keys(sig)
    matches = dedup.best_matches(sig, *find_candidates(db, keys), min_similarity)
    add_signature(db, article_id, sig, keys)
    if not matches:
        return None
    return join_cluster(db, article_id, [key for key, _ in matches], now)


def remove_article(db: sqlite_utils.Database, article_id: str, now: str) -> None:
    """Take an article out of the index and its cluster (before reindexing a changed text)."""
    row = db.execute(
        "SELECT id, signature FROM minhashes WHERE article_id = ?", [article_id]
    ).fetchone()
    if row:
        minhash_id, blob = row
        keys = dedup.band_keys(dedup.from_blob(blob))
        for table in BUCKET_TABLES:
            db.execute(
                f"DELETE FROM {table} WHERE bucket IN ({', '.join('?' for _ in keys)})"
                " AND minhash_id = ?",
                [*keys, minhash_id],
            )
        db.execute("DELETE FROM minhashes WHERE id = ?", [minhash_id])
    row = db.execute("SELECT cluster_id FROM articles WHERE id = ?", [article_id]).fetchone()
    if row and row[0] is not None:
        db.execute(
            "UPDATE articles SET cluster_id = NULL, similarity = NULL WHERE id = ?", [article_id]
        )
        refresh_cluster(db, row[0], now)


def find_candidates(db: sqlite_utils.Database, keys: list[int]) -> tuple[list[str], np.ndarray]:
    """Articles that share a bucket with ``keys``, and their signatures (an indexed lookup)."""
    placeholders = ", ".join("?" for _ in keys)
    sql = f"""
        SELECT article_id, signature FROM minhashes WHERE id IN (
            SELECT minhash_id FROM lsh_buckets WHERE bucket IN ({placeholders})
            UNION ALL
            SELECT minhash_id FROM lsh_recent WHERE bucket IN ({placeholders})
        )
    """
    rows = db.execute(sql, [*keys, *keys]).fetchall()
    return [key for key, _ in rows], dedup.from_blobs([blob for _, blob in rows])


def add_signature(
    db: sqlite_utils.Database, article_id: str, sig: np.ndarray, keys: list[int]
) -> None:
    """Keep an article's signature and put it in its buckets (a key twice is one row); every
    MERGE_EVERY signatures, merge the recent buckets into the large table."""
    minhash_id = db.execute(
        "INSERT INTO minhashes (article_id, signature) VALUES (?, ?)",
        [article_id, dedup.to_blob(sig)],
    ).lastrowid
    db.conn.executemany(
        "INSERT OR IGNORE INTO lsh_recent (bucket, minhash_id) VALUES (?, ?)",
        [(bucket, minhash_id) for bucket in keys],
    )
    if minhash_id and minhash_id % MERGE_EVERY == 0:
        merge_recent_buckets(db)


def merge_recent_buckets(db: sqlite_utils.Database) -> None:
    """Move the rows of lsh_recent into lsh_buckets, in key order (a WITHOUT ROWID table is
    read in its primary key's order)."""
    db.execute("INSERT OR IGNORE INTO lsh_buckets SELECT bucket, minhash_id FROM lsh_recent")
    db.execute("DELETE FROM lsh_recent")


def join_cluster(db: sqlite_utils.Database, article_id: str, matched: list[str], now: str) -> int:
    """Put the article and its matches in one cluster, merging their clusters if need be."""
    placeholders = ", ".join("?" for _ in matched)
    existing = sorted(
        {
            row[0]
            for row in db.execute(
                f"SELECT cluster_id FROM articles WHERE id IN ({placeholders})"
                " AND cluster_id IS NOT NULL",
                matched,
            ).fetchall()
        }
    )
    if existing:
        cluster_id = existing[0]
        for other in existing[1:]:
            db.execute(
                "UPDATE articles SET cluster_id = ? WHERE cluster_id = ?", [cluster_id, other]
            )
            db.execute("DELETE FROM clusters WHERE id = ?", [other])
    else:
        cluster_id = db.execute(
            "INSERT INTO clusters (created, updated, size) VALUES (?, ?, 0)", [now, now]
        ).lastrowid
    members = [article_id, *matched]
    db.execute(
        f"UPDATE articles SET cluster_id = ? WHERE id IN ({', '.join('?' for _ in members)})",
        [cluster_id, *members],
    )
    refresh_cluster(db, cluster_id, now)
    return cluster_id


def refresh_cluster(db: sqlite_utils.Database, cluster_id: int, now: str) -> None:
    """Choose the cluster's original and each member's similarity to it; drop a lone member."""
    members = _members(db, cluster_id)
    if len(members) < 2:
        db.execute(
            "UPDATE articles SET cluster_id = NULL, similarity = NULL WHERE cluster_id = ?",
            [cluster_id],
        )
        db.execute("DELETE FROM clusters WHERE id = ?", [cluster_id])
        return
    original = dedup.choose_original(members)
    signatures = dedup.from_blobs([member["signature"] for member in members])
    scores = np.count_nonzero(signatures == dedup.from_blob(original["signature"]), axis=1)
    db.conn.executemany(
        "UPDATE articles SET similarity = ? WHERE id = ?",
        [(int(score) / dedup.NUM_PERM, m["id"]) for m, score in zip(members, scores, strict=True)],
    )
    db.execute(
        "UPDATE clusters SET original_id = ?, size = ?, updated = ? WHERE id = ?",
        [original["id"], len(members), now, cluster_id],
    )


def _members(db: sqlite_utils.Database, cluster_id: int) -> list[dict[str, Any]]:
    sql = """
        SELECT a.id, a.outlet, a.original_outlet, a.published, a.first_seen, m.signature
        FROM articles a JOIN minhashes m ON m.article_id = a.id
        WHERE a.cluster_id = ?
    """
    return [dict(row) for row in db.query(sql, [cluster_id])]


def create_lsh_index(db: sqlite_utils.Database) -> None:
    """The signature and bucket tables (empty); see the module docstring for their shape."""
    db.execute(
        """CREATE TABLE minhashes (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL UNIQUE REFERENCES articles(id),
            signature BLOB NOT NULL
        )"""
    )
    # No foreign key to minhashes: deleting a signature would then look for its rows by
    # minhash id, an index this table leaves out (remove_article finds them by bucket).
    create_bucket_table(db, "lsh_buckets")


def create_bucket_table(db: sqlite_utils.Database, table: str) -> None:
    """An empty table of bucket rows, the whole row its primary key."""
    db.execute(
        f"""CREATE TABLE {table} (
            bucket INTEGER NOT NULL,
            minhash_id INTEGER NOT NULL,
            PRIMARY KEY (bucket, minhash_id)
        ) WITHOUT ROWID"""
    )


def fill_lsh_buckets(db: sqlite_utils.Database, chunk: int = 50_000) -> int:
    """Bucket rows for every stored signature (after the banding changed); returns how many
    signatures were bucketed. Each chunk is inserted in key order, which fills the table's
    pages far faster than one article at a time."""
    done = last = 0
    while True:
        rows = db.execute(
            "SELECT id, signature FROM minhashes WHERE id > ? ORDER BY id LIMIT ?", [last, chunk]
        ).fetchall()
        if not rows:
            return done
        pairs = sorted(
            {
                (key, minhash_id)
                for minhash_id, blob in rows
                for key in dedup.band_keys(dedup.from_blob(blob))
            }
        )
        db.conn.executemany(
            "INSERT OR IGNORE INTO lsh_buckets (bucket, minhash_id) VALUES (?, ?)", pairs
        )
        done += len(rows)
        last = rows[-1][0]
