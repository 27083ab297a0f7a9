"""Benchmark of near-duplicate clustering: time per stage by size, growth, precision, recall.

The synthetic set is made from real-looking text: every sentence of the mirror's article pages
(tests/mirror, through the spiders and the normaliser) is cut into clauses for a pool, and each
story is about 2,000 characters of clauses drawn from it. A third of the stories get one to
three copies with controlled edits, the kind reprints carry: the whole text in Simplified
script, the last paragraphs trimmed, half a paragraph replaced, a source line and a prefix;
a tenth are follow-ups that repeat two paragraphs of the story before them (not copies).
Each article is indexed as a crawl indexes it, by the steps of
crawler.store.clusters.index_article timed one by one (SQLite in a temporary folder, a
transaction per 1,000 articles, the texts made outside the clock): the signature (folding,
shingles, MinHash, band keys), the LSH lookup (the candidates and their signatures), the LSH
insert, and the cluster update (scoring the candidates, joining and refreshing clusters); the
rest is writing the articles' rows and committing. The clusters are compared with the truth pair
by pair: precision is the share of clustered pairs that are copies of one story, recall the
share of copy pairs that were clustered. Growth is shown per 10x the articles (from one size to
the next, as a log-log slope), and the near-duplicate index's bytes per article from SQLite's
dbstat table.

With ``--rebuild`` it times `archive reindex --clusters` instead (Archive.rebuild_clusters,
crawler/store/cluster_rebuild.py): the same articles are written with their texts first,
outside the clock, and the whole near-duplicate index and the clusters are then made in one
pass, timed by stage (signatures in worker processes, buckets, pairs, clusters); its clusters
are scored the same way. ``--compare`` (with ``--rebuild``) also indexes the articles one by
one and checks that both end with the same clusters.

It also times the signature alone against datasketch's MinHash (128 permutations,
``update_batch``) on the same texts, in the same run, when datasketch is installed (the
``bench`` extra).

Usage: .venv/bin/python scripts/bench_dedup.py [--sizes 10000 100000 1000000] [--json]
       .venv/bin/python scripts/bench_dedup.py --rebuild [--workers 2] [--compare] [--sizes ...]
(a progress line goes to standard error every 50,000 articles)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from itertools import combinations, islice
from pathlib import Path
from urllib.parse import urlsplit

from sqlite_utils import Database

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.dedup.minhash import (  # noqa: E402
    DEFAULT_MIN_SIMILARITY,
    NUM_PERM,
    SHINGLE_CHARS,
    band_keys,
    best_matches,
    fold_for_shingles,
    minhash,
    shingle_hashes,
    signature,
)
from crawler.extract.page import extract_record  # noqa: E402
from crawler.normalise.script import to_simplified  # noqa: E402
from crawler.store import Archive  # noqa: E402
from crawler.store.clusters import (  # noqa: E402
    MIN_SHINGLES,
    add_signature,
    find_candidates,
    index_article,
    join_cluster,
    remove_article,
)

# Clauses, not whole sentences, make the pool: stories recombine them, so two stories share
# little more than two articles on one subject do.
CLAUSE_REGEX = re.compile(r"[^，。！？；]{6,}[，。！？；]")
STORY_CHARS = 2000
CLAUSES_PER_PARAGRAPH = 8
COPY_SHARE = 1 / 3
FOLLOW_UP_SHARE = 0.1
BATCH = 1000
SEED = 29
NOW = "2024-09-01"
# A line on standard error every so many articles, for runs that take long.
PROGRESS_EVERY = 50_000
STAGES = ("signature", "LSH lookup", "LSH insert", "cluster update", "rows and commit")
ROW_SQL = (
    "INSERT INTO articles (id, url, canonical_url, outlet, content_hash, published, first_seen,"
    " last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
ROW_SQL_WITH_BODY = (
    "INSERT INTO articles (id, url, canonical_url, outlet, content_hash, published, first_seen,"
    " last_seen, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def mirror_records() -> list[dict]:
    """The record of every article page of the mirror (tests/expected names them), as a crawl
    extracts and normalises it."""
    records = []
    for expected in sorted((REPO / "tests" / "expected").glob("*.json")):
        for entry in json.loads(expected.read_text(encoding="utf-8")):
            parts = urlsplit(entry["url"])
            page = REPO / "tests" / "mirror" / parts.hostname / parts.path.lstrip("/")
            records.append(extract_record(entry["url"], page.read_bytes(), {}))
    return records


def clause_pool() -> list[str]:
    """Every clause of the mirror's article pages."""
    return sorted({c for record in mirror_records() for c in CLAUSE_REGEX.findall(record["body"])})


def story(pool: list[str], rng: random.Random, chars: int = STORY_CHARS) -> list[str]:
    """About ``chars`` characters of clauses, as paragraphs."""
    clauses, size = [], 0
    while size < chars:
        clauses.append(rng.choice(pool))
        size += len(clauses[-1])
    return [
        "".join(clauses[i : i + CLAUSES_PER_PARAGRAPH])
        for i in range(0, len(clauses), CLAUSES_PER_PARAGRAPH)
    ]


def edited_copy(paragraphs: list[str], pool: list[str], rng: random.Random) -> list[str]:
    """A reprint: some of script change, trimming, replaced clauses, added lines."""
    copy = list(paragraphs)
    if rng.random() < 0.5:
        copy = copy[: max(3, len(copy) - rng.randint(1, 2))]
    if rng.random() < 0.5:
        index = rng.randrange(len(copy))
        copy[index] = rng.choice(pool) + copy[index][len(copy[index]) // 2 :]
    if rng.random() < 0.5:
        copy = ["【本報訊】" + copy[0], *copy[1:], "（來源：香港商報）"]
    if rng.random() < 0.5:
        copy = [to_simplified(paragraph) for paragraph in copy]
    return copy


def synthetic(
    size: int,
    pool: list[str],
    seed: int = SEED,
    chars: int = STORY_CHARS,
    follow_ups: float = FOLLOW_UP_SHARE,
) -> Iterator[tuple[int, str]]:
    """``size`` articles as (story number, body), copies right after their story.

    A tenth of the stories are follow-ups that reuse two paragraphs of the story before them,
    as papers repeat background: a different story, which must not join its cluster.
    """
    rng = random.Random(seed)
    made = number = 0
    previous: list[str] = []
    while made < size:
        paragraphs = story(pool, rng, chars)
        if previous and rng.random() < follow_ups:
            paragraphs = paragraphs[:-2] + previous[:2]
        previous = paragraphs
        copies = rng.randint(1, 3) if rng.random() < COPY_SHARE else 0
        for version in range(min(1 + copies, size - made)):
            text = paragraphs if version == 0 else edited_copy(paragraphs, pool, rng)
            yield number, "\n\n".join(text)
            made += 1
        number += 1


def run(size: int, pool: list[str]) -> dict:
    """Index ``size`` synthetic articles; return the time of each stage, the index's size and
    the clustering quality."""
    stories: dict[str, int] = {}
    stages = dict.fromkeys(STAGES, 0.0)
    candidates = 0
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive.open(Path(folder) / "bench.db", DEFAULT_MIN_SIMILARITY)
        db = archive.db
        articles = synthetic(size, pool)
        seconds = 0.0
        for first in range(0, size, BATCH):
            # Made batch by batch (a million texts would not fit in memory), outside the clock.
            batch = [(f"a{first + offset:07d}", number, body)
                     for offset, (number, body) in enumerate(islice(articles, BATCH))]  # fmt: skip
            begun, timed = time.perf_counter(), sum(stages.values())
            with db.atomic():
                db.conn.executemany(
                    ROW_SQL, [_row(key, first + n) for n, (key, _, _) in enumerate(batch)]
                )
                for key, number, body in batch:
                    stories[key] = number
                    candidates += index_timed(db, key, body, stages)
            seconds += time.perf_counter() - begun
            if (first + BATCH) % PROGRESS_EVERY == 0:
                laps = ", ".join(f"{stage} {stages[stage]:.0f}" for stage in STAGES)
                print(f"{first + BATCH} articles: {seconds:.0f} s ({laps})", file=sys.stderr)
            stages["rows and commit"] += (
                time.perf_counter() - begun - (sum(stages.values()) - timed)
            )
        clusters = [
            [key for (key,) in db.execute("SELECT id FROM articles WHERE cluster_id = ?", [c])]
            for (c,) in db.execute("SELECT id FROM clusters")
        ]
        index_bytes = lsh_bytes(db)
        archive.close()
    return {
        "articles": size,
        "seconds": seconds,
        "stages": stages,
        "candidates_per_article": candidates / size,
        "bytes_per_article": {table: size_ / size for table, size_ in index_bytes.items()},
        **quality(clusters, stories),
    }


def index_timed(db: Database, key: str, body: str, stages: dict[str, float]) -> int:
    """crawler.store.clusters.index_article step by step, each step's time added to its stage;
    returns how many candidates the LSH lookup found."""
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] += now - clock
        clock = now

    remove_article(db, key, NOW)
    lap("cluster update")
    shingles = shingle_hashes(body)
    if len(shingles) < MIN_SHINGLES:
        return 0
    sig = minhash(shingles)
    keys = band_keys(sig)
    lap("signature")
    candidates = find_candidates(db, keys)
    lap("LSH lookup")
    matches = best_matches(sig, *candidates, DEFAULT_MIN_SIMILARITY)
    lap("cluster update")
    add_signature(db, key, sig, keys)
    lap("LSH insert")
    if matches:
        join_cluster(db, key, [match for match, _ in matches], NOW)
    lap("cluster update")
    return len(candidates[0])


def run_rebuild(size: int, pool: list[str], workers: int | None, compare: bool) -> dict:
    """Write ``size`` synthetic articles with their texts, then rebuild their near-duplicate
    index and clusters in one pass; return the time of each stage and the clustering quality
    (and, with ``compare``, whether indexing them one by one made the same clusters)."""
    stories: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive.open(Path(folder) / "bench.db", DEFAULT_MIN_SIMILARITY)
        db = archive.db
        articles = synthetic(size, pool)
        for first in range(0, size, BATCH):
            batch = list(islice(articles, BATCH))
            with db.atomic():
                for offset, (number, body) in enumerate(batch):
                    key = f"a{first + offset:07d}"
                    stories[key] = number
                    db.execute(ROW_SQL_WITH_BODY, [*_row(key, first + offset), body])
                    if compare:
                        index_article(db, key, body, DEFAULT_MIN_SIMILARITY, NOW)
        one_by_one = _clusters(db) if compare else None
        laps: dict[str, float] = {}
        began = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            laps.setdefault(stage, time.perf_counter() - began)
            if stage == "signatures" and done and done % PROGRESS_EVERY == 0:
                print(f"{done} signatures: {time.perf_counter() - began:.0f} s", file=sys.stderr)

        rebuilt = archive.rebuild_clusters(workers, progress)
        seconds = time.perf_counter() - began
        clusters = _clusters(db)
        index_bytes = lsh_bytes(db)
        archive.close()
    starts = [*laps.values(), seconds]
    same = None if one_by_one is None else _partition(one_by_one) == _partition(clusters)
    return {
        "articles": size,
        "seconds": seconds,
        "workers": workers or len(os.sched_getaffinity(0)),
        "stages": {
            stage: end - start for stage, start, end in zip(laps, starts, starts[1:], strict=False)
        },
        "clusters": rebuilt.clusters,
        # Of the whole run (the texts are made a thousand at a time, so it is the rebuild's).
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "bytes_per_article": {table: size_ / size for table, size_ in index_bytes.items()},
        "same_as_one_by_one": same,
        **quality(clusters, stories),
    }


def _clusters(db: Database) -> list[list[str]]:
    """The archive's clusters, each as its members' keys."""
    members: dict[int, list[str]] = {}
    rows = db.execute("SELECT id, cluster_id FROM articles WHERE cluster_id IS NOT NULL")
    for key, cluster in rows:
        members.setdefault(cluster, []).append(key)
    return list(members.values())


def _partition(clusters: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(cluster) for cluster in clusters}


def lsh_bytes(db: Database) -> dict[str, int]:
    """Bytes of the near-duplicate index's tables with their indexes (none when SQLite has no
    dbstat table)."""
    try:
        return dict(
            db.execute(
                "SELECT m.tbl_name, SUM(s.pgsize) FROM dbstat s JOIN sqlite_master m"
                " ON m.name = s.name WHERE m.tbl_name IN ('minhashes', 'lsh_buckets', 'lsh_recent')"
                " GROUP BY m.tbl_name"
            ).fetchall()
        )
    except sqlite3.OperationalError:
        return {}


def _row(key: str, index: int) -> tuple:
    # Only what clustering reads: the text itself is passed to index_article.
    url = f"https://bench.example/{key}"
    published = f"2024-{1 + index % 12:02d}-01"
    return (key, url, url, "bench", key, published, NOW, NOW)


def quality(clusters: list[list[str]], stories: dict[str, int]) -> dict:
    """Pairwise precision and recall of the clusters against the stories."""
    found = {frozenset(pair) for cluster in clusters for pair in combinations(cluster, 2)}
    sizes = Counter(stories.values())
    true_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    right = sum(1 for pair in found if len({stories[key] for key in pair}) == 1)
    return {
        "precision": right / len(found) if found else 1.0,
        "recall": right / true_pairs if true_pairs else 1.0,
        "pairs": true_pairs,
    }


def per_10x(before: dict, after: dict) -> str:
    """How much the time grows for 10x the articles between two runs (as a log-log slope)."""
    scale = math.log10(after["articles"] / before["articles"])
    return f"{(after['seconds'] / before['seconds']) ** (1 / scale):.1f}x"


def signature_speed(pool: list[str], count: int = 1000) -> dict:
    """Milliseconds per signature, ours and datasketch's, on the same synthetic texts."""
    texts = [body for _, body in synthetic(count, pool, seed=SEED + 1)]
    started = time.perf_counter()
    for text in texts:
        signature(text)
    ours = (time.perf_counter() - started) * 1000 / count
    try:
        from datasketch import MinHash
    except ImportError:
        return {"ours_ms": ours, "datasketch_ms": None}
    started = time.perf_counter()
    for text in texts:
        folded = fold_for_shingles(text)
        shingles = {folded[i : i + SHINGLE_CHARS].encode() for i in range(len(folded) - 3)}
        MinHash(num_perm=NUM_PERM).update_batch(list(shingles))
    theirs = (time.perf_counter() - started) * 1000 / count
    return {"ours_ms": ours, "datasketch_ms": theirs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--rebuild", action="store_true", help="time archive reindex --clusters")
    parser.add_argument("--workers", type=int, help="with --rebuild: hashing processes")
    parser.add_argument(
        "--compare", action="store_true", help="with --rebuild: also index one by one, compare"
    )
    arguments = parser.parse_args()
    pool = clause_pool()
    if arguments.rebuild:
        report_rebuild(
            [run_rebuild(size, pool, arguments.workers, arguments.compare)
             for size in arguments.sizes],
            arguments.json,
        )  # fmt: skip
        return
    results = [run(size, pool) for size in arguments.sizes]
    speed = signature_speed(pool)
    if arguments.json:
        print(json.dumps({"clustering": results, "signature": speed}, indent=2))
        return
    print(f"clause pool: {len(pool)} clauses from the mirror pages")
    print(
        f"{'articles':>9} {'seconds':>8} {'per s':>7} {'growth':>7} "
        + " ".join(f"{stage:>15}" for stage in STAGES)
        + f" {'candidates':>10} {'signatures B':>12} {'buckets B':>9}"
        + f" {'precision':>9} {'recall':>7}"
    )
    for previous, row in zip([None, *results], results, strict=False):
        rate = row["articles"] / row["seconds"]
        growth = per_10x(previous, row) if previous else ""
        sizes = row["bytes_per_article"]
        print(
            f"{row['articles']:>9} {row['seconds']:>8.1f} {rate:>7.0f} {growth:>7} "
            + " ".join(f"{row['stages'][stage]:>15.1f}" for stage in STAGES)
            + f" {row['candidates_per_article']:>10.2f}"
            + f" {sizes.get('minhashes', 0):>12.0f}"
            + f" {sizes.get('lsh_buckets', 0) + sizes.get('lsh_recent', 0):>9.0f}"
            + f" {row['precision']:>9.3f} {row['recall']:>7.3f}"
        )
    line = f"signature: {speed['ours_ms']:.3f} ms per article"
    if speed["datasketch_ms"]:
        ratio = speed["datasketch_ms"] / speed["ours_ms"]
        line += f"; datasketch MinHash {speed['datasketch_ms']:.3f} ms ({ratio:.1f}x ours)"
    print(line)


def report_rebuild(results: list[dict], as_json: bool) -> None:
    """Print the rebuild runs as a table (or JSON)."""
    if as_json:
        print(json.dumps({"rebuild": results}, indent=2))
        return
    stages = list(results[0]["stages"])
    print(
        f"{'articles':>9} {'seconds':>8} {'per s':>7} {'growth':>7} "
        + " ".join(f"{stage:>10}" for stage in stages)
        + f" {'made':>8} {'precision':>9} {'recall':>7} {'as one by one':>13} {'peak MB':>7}"
    )
    for previous, row in zip([None, *results], results, strict=False):
        growth = per_10x(previous, row) if previous else ""
        print(
            f"{row['articles']:>9} {row['seconds']:>8.1f} {row['articles'] / row['seconds']:>7.0f}"
            f" {growth:>7} "
            + " ".join(f"{row['stages'].get(stage, 0):>10.1f}" for stage in stages)
            + f" {row['clusters']:>8} {row['precision']:>9.3f} {row['recall']:>7.3f}"
            + f" {row['same_as_one_by_one']!s:>13} {row['peak_mb']:>7.0f}"
        )


if __name__ == "__main__":
    main()
