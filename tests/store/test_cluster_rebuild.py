"""Rebuilding the near-duplicate index and clusters of a whole archive (`archive reindex
--clusters`): the clusters indexing article by article makes, from the real texts of the
mirror's article pages and copies of them with the edits reprints carry."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.dedup import minhash as dedup
from crawler.errors import ArchiveError
from crawler.extract.page import extract_record
from crawler.normalise.script import to_simplified
from crawler.store import Archive, cluster_rebuild
from tests.helpers import EXPECTED, HKCD_RECORD, MIRROR, run_archive

WHEN = "2024-08-30T00:00:00+00:00"
# What reprints do to a story (scripts/bench_dedup.py makes the same edits at scale).
EDITS = {
    "simplified": lambda paragraphs: [to_simplified(p) for p in paragraphs],
    "trimmed": lambda paragraphs: paragraphs[: max(2, len(paragraphs) - 2)],
    "source-line": lambda paragraphs: [
        "【本報訊】" + paragraphs[0],
        *paragraphs[1:],
        "（來源：香港商報）",
    ],
}


@pytest.fixture(scope="module")
def mirror_records() -> list[dict]:
    """Every article page of the mirror, extracted and normalised."""
    records = []
    for expected in sorted(EXPECTED.glob("*.json")):
        for entry in json.loads(expected.read_text(encoding="utf-8")):
            parts = urlsplit(entry["url"])
            page = MIRROR / parts.hostname / parts.path.lstrip("/")
            records.append(extract_record(entry["url"], page.read_bytes(), {}))
    return records


def copy_of(record: dict, edit: str) -> dict:
    """A reprint of ``record`` by another outlet, its text edited as ``edit`` says."""
    body = "\n\n".join(EDITS[edit](record["body"].split("\n\n")))
    url = f"https://reprints.example/{edit}/{hashlib.sha1(record['url'].encode()).hexdigest()}"
    return {**record, "url": url, "canonical_url": url, "outlet": f"{edit} 報", "body": body,
            "content_hash": "sha256:" + hashlib.sha256(body.encode()).hexdigest()}  # fmt: skip


def save(archive: Archive, record: dict, when: str = WHEN) -> str:
    return archive.save_article(record, crawl_id=None, http_status=200, fetched_at=when)


def clusters_of(archive: Archive) -> dict[frozenset[str], tuple]:
    """Each cluster by its members' URLs: its original's URL and each member's similarity."""
    rows = archive.db.query(
        """SELECT c.id, o.url AS original, a.url, a.similarity FROM clusters c
        JOIN articles a ON a.cluster_id = c.id JOIN articles o ON o.id = c.original_id"""
    )
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row["id"], []).append(row)
    return {
        frozenset(row["url"] for row in members): (
            members[0]["original"],
            sorted((row["url"], row["similarity"]) for row in members),
        )
        for members in found.values()
    }


def bucket_rows(archive: Archive) -> list[tuple[int, int]]:
    return sorted(
        archive.db.execute(
            "SELECT bucket, minhash_id FROM lsh_buckets UNION ALL SELECT * FROM lsh_recent"
        ).fetchall()
    )


@pytest.fixture
def archive(db_path: Path, mirror_records: list[dict]):
    """The mirror's articles and three reprints of every other one, saved one by one."""
    archive = Archive.open(db_path)
    for index, record in enumerate(mirror_records):
        save(archive, record)
        if index % 2 == 0 and len(record["body"]) > 200:
            for edit in EDITS:
                save(archive, copy_of(record, edit))
    yield archive
    archive.close()


def test_a_rebuild_makes_the_clusters_that_indexing_one_by_one_made(archive: Archive) -> None:
    before = clusters_of(archive)
    ids = dict(archive.db.execute("SELECT id, cluster_id FROM articles").fetchall())
    created = dict(archive.db.execute("SELECT original_id, created FROM clusters").fetchall())
    signatures = dict(archive.db.execute("SELECT article_id, signature FROM minhashes").fetchall())
    assert len(before) >= 20
    rebuilt = archive.rebuild_clusters(workers=2)
    assert clusters_of(archive) == before
    assert (rebuilt.clusters, rebuilt.clustered) == (len(before), sum(map(len, before)))
    assert rebuilt.indexed == len(signatures)
    assert dict(archive.db.execute("SELECT article_id, signature FROM minhashes")) == signatures
    expected_buckets = {
        (bucket, minhash_id)
        for minhash_id, blob in archive.db.execute("SELECT id, signature FROM minhashes")
        for bucket in dedup.band_keys(dedup.from_blob(blob))
    }
    assert bucket_rows(archive) == sorted(expected_buckets)
    # A cluster keeps its id and the time it was first made.
    assert dict(archive.db.execute("SELECT id, cluster_id FROM articles").fetchall()) == ids
    assert dict(archive.db.execute("SELECT original_id, created FROM clusters")) == created


def test_a_rebuild_at_a_higher_threshold_lets_the_weaker_copies_go(
    archive: Archive, db_path: Path
) -> None:
    before = clusters_of(archive)
    archive.close()
    result = run_archive("reindex", "--clusters", "--min-similarity", "0.95", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    after = Archive.open(db_path)
    now = clusters_of(after)
    after.close()
    assert result.stdout.startswith("Rebuilt the near-duplicate index of ")
    assert f"{len(now)} clusters of {sum(map(len, now))} articles" in result.stdout
    assert "signatures:" in result.stderr and "pairs:" in result.stderr
    # Fewer articles in clusters, each new cluster inside an old one, and a cluster of two is
    # a pair at the new threshold.
    assert 0 < sum(map(len, now)) < sum(map(len, before))
    assert all(any(members <= old for old in before) for members in now)
    assert all(min(s for _, s in similarities) >= 0.95
               for members, (_, similarities) in now.items() if len(members) == 2)  # fmt: skip


def test_a_rebuild_splits_a_cluster_that_an_edited_article_no_longer_links(
    db_path: Path, mirror_records: list[dict]
) -> None:
    # Three articles of six paragraphs, each sharing four with the next: a Jaccard similarity of
    # 0.5 with the next, 0.2 between the first and the last.
    paragraphs = [p for r in mirror_records for p in r["body"].split("\n\n")
                  if 80 <= len(p) <= 160][:12]  # fmt: skip
    record = mirror_records[0]
    bodies = ["\n\n".join(paragraphs[start : start + 6]) for start in (0, 2, 4)]
    articles = [{**copy_of({**record, "body": body}, "trimmed"), "body": body,
                 "url": f"https://chain.example/{n}", "canonical_url": f"https://chain.example/{n}"}
                for n, body in enumerate(bodies)]  # fmt: skip
    archive = Archive.open(db_path, min_similarity=0.35)
    for article in articles:
        save(archive, article)
    assert len(clusters_of(archive)) == 1
    # The middle article is rewritten: one by one, the other two stay in its old cluster.
    save(archive, {**articles[1], "body": paragraphs[-1] * 3, "content_hash": "sha256:x"},
         "2024-08-31T00:00:00+00:00")  # fmt: skip
    assert list(clusters_of(archive)) == [frozenset({articles[0]["url"], articles[2]["url"]})]
    assert archive.rebuild_clusters(workers=1).clusters == 0
    assert clusters_of(archive) == {}
    archive.close()


def test_an_interrupted_rebuild_leaves_the_index_as_it_was(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (clusters_of(archive), bucket_rows(archive))

    def fail(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cluster_rebuild, "_write_clusters", fail)
    with pytest.raises(KeyboardInterrupt):
        archive.rebuild_clusters(workers=1)
    assert (clusters_of(archive), bucket_rows(archive)) == before


def test_a_full_disk_stops_a_rebuild_with_an_error_and_keeps_the_clusters(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (clusters_of(archive), bucket_rows(archive))

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cluster_rebuild.os, "posix_fallocate", full)
    with pytest.raises(ArchiveError, match="disk full while rebuilding the clusters"):
        archive.rebuild_clusters(workers=1)
    assert (clusters_of(archive), bucket_rows(archive)) == before


def test_an_archive_without_articles_rebuilds_to_nothing(db_path: Path) -> None:
    archive = Archive.open(db_path)
    assert archive.rebuild_clusters(workers=1) == cluster_rebuild.Rebuilt(0, 0, 0)
    archive.close()


def test_many_pages_with_one_text_cluster_as_one_by_one(db_path: Path) -> None:
    # The same text on more pages than a bucket holds pair by pair (a site's error page, a
    # cookie wall read as the article), with trimmed copies, beside stories of their own.
    paragraphs = [f"第{n}段：立法會今日三讀通過條例草案，市民可於明年起申領津貼，特區政府表示歡迎。"
                  for n in range(6)]  # fmt: skip
    story = "\n\n".join(paragraphs)
    archive = Archive.open(db_path)
    count = cluster_rebuild.SMALL_BUCKET + 40
    for n in range(count):
        body = story if n % 2 else "\n\n".join(paragraphs[: 3 + n % 3])
        url = f"https://wall.example/{n}"
        save(archive, {**copy_of({**HKCD_RECORD, "body": body}, "trimmed"), "body": body,
                       "url": url, "canonical_url": url, "outlet": f"報{n}"})  # fmt: skip
    before = clusters_of(archive)
    assert archive.rebuild_clusters(workers=2).clustered == sum(map(len, before)) > count / 2
    largest = "SELECT max(n) FROM (SELECT count(*) AS n FROM lsh_buckets GROUP BY bucket)"
    assert archive.db.execute(largest).fetchone()[0] > cluster_rebuild.SMALL_BUCKET
    assert clusters_of(archive) == before
    archive.close()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), members=st.integers(2, 40))
def test_a_large_buckets_few_edges_join_what_all_its_pairs_join(seed: int, members: int) -> None:
    rng = np.random.default_rng(seed)
    # Signatures near a few prototypes, each value redrawn with its own chance: some pairs are
    # near-duplicates, some share half their values, some nothing.
    prototypes = rng.integers(0, 2**32, size=(3, dedup.NUM_PERM), dtype=np.uint32)
    chosen = prototypes[rng.integers(0, 3, size=members)]
    redrawn = rng.random((members, dedup.NUM_PERM)) < rng.random((members, 1))
    sigs = np.where(redrawn, rng.integers(0, 2**32, size=chosen.shape, dtype=np.uint32), chosen)
    ids = np.arange(members, dtype=np.int64)
    all_pairs = [(a, b) for a in range(members) for b in range(a + 1, members)
                 if dedup.similarity(sigs[a], sigs[b]) >= 0.5]  # fmt: skip
    few = cluster_rebuild._spanning_edges(ids, sigs, 0.5)
    assert len(few) < members
    assert components(few >> 32, few & 0xFFFFFFFF, members) == components(
        np.array([a for a, _ in all_pairs], dtype=np.int64),
        np.array([b for _, b in all_pairs], dtype=np.int64),
        members,
    )


def components(first: np.ndarray, second: np.ndarray, nodes: int) -> set[frozenset[int]]:
    """The groups of nodes that edges join, by a plain search (not the code under test)."""
    links: dict[int, set[int]] = {node: set() for node in range(nodes)}
    for a, b in zip(first.tolist(), second.tolist(), strict=True):
        links[a].add(b)
        links[b].add(a)
    seen: set[int] = set()
    groups = set()
    for node in range(nodes):
        if node in seen:
            continue
        group, stack = set(), [node]
        while stack:
            current = stack.pop()
            if current not in group:
                group.add(current)
                stack.extend(links[current] - group)
        seen |= group
        groups.add(frozenset(group))
    return groups
