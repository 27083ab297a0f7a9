"""Read-only queries over the archive for the `archive` command (writes live in store.py)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import sqlite_utils

from crawler.dedup.diff import record_diff
from crawler.normalise.urls import canonicalise_url
from crawler.store.records import find_article, stored_record

BY_OUTLET_SQL = """
SELECT outlet, count(*) AS articles, min(published) AS first, max(published) AS last
FROM articles GROUP BY outlet ORDER BY articles DESC, outlet
"""
BY_MONTH_SQL = """
SELECT substr(published, 1, 7) AS month, count(*) AS articles
FROM articles GROUP BY month ORDER BY month
"""
LAST_CRAWLS_SQL = """
SELECT id, source, started, finished, status, pages, articles_new AS new,
       articles_updated AS updated, skipped, errors
FROM crawls ORDER BY id DESC LIMIT ?
"""


def archive_stats(db: sqlite_utils.Database, crawls: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Articles by outlet and by month, and the last ``crawls`` crawls."""
    return {
        "articles_by_outlet": _rows(db, BY_OUTLET_SQL),
        "articles_by_month": _rows(db, BY_MONTH_SQL),
        "last_crawls": _rows(db, LAST_CRAWLS_SQL, [crawls]),
    }


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any] | None = None) -> list[dict]:
    return [dict(row) for row in db.query(sql, params or [])]


def article_history(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """An article's versions, oldest first, and the URLs it was seen at (None if not archived)."""
    article = find_article(db, canonicalise_url(url), url)
    if article is None:
        return None
    revisions = list(db["revisions"].rows_where("article_id = ?", [article["id"]], order_by="id"))
    versions = [
        {
            "version": number,
            "first_seen": r["first_seen"],
            "last_seen": r["last_seen"],
            "title": r["title"],
            "content_hash": r["content_hash"],
            "paragraphs_added": r["paragraphs_added"],
            "paragraphs_removed": r["paragraphs_removed"],
            "paragraphs_changed": r["paragraphs_changed"],
        }
        for number, r in enumerate(revisions, 1)
    ]
    versions.append(
        {
            "version": len(versions) + 1,
            "first_seen": article["version_first_seen"] or article["first_seen"],
            "last_seen": article["last_seen"],
            "title": article["title"],
            "content_hash": article["content_hash"],
            "current": True,
        }
    )
    # Each version but the first with what changed from the one before (revisions made before
    # records were kept have none).
    records = [r["record"] and json.loads(r["record"]) for r in revisions]
    records.append(stored_record(db, article["id"]))
    for version, (old, new) in zip(versions[1:], itertools.pairwise(records), strict=True):
        version["diff"] = record_diff(old, new) if old else None
    urls = _rows(db, URLS_SQL, [article["id"]])
    return {"id": article["id"], "title": article["title"], "versions": versions, "urls": urls}


URLS_SQL = """
SELECT url, outlet, first_seen, last_seen, http_status, source_line
FROM article_urls WHERE article_id = ? ORDER BY first_seen, url
"""
CLUSTERS_SQL = """
SELECT c.id AS cluster, c.size, o.id AS original_id, o.outlet AS original_outlet,
       o.title AS original_title, o.published AS original_published
FROM clusters c JOIN articles o ON o.id = c.original_id
WHERE EXISTS (
    SELECT 1 FROM articles m WHERE m.cluster_id = c.id AND m.id != c.original_id
    AND m.similarity >= ?
)
ORDER BY c.size DESC, o.published, c.id
"""
MEMBERS_SQL = """
SELECT id, outlet, title, published, url, source_line, similarity
FROM articles WHERE cluster_id = ? ORDER BY similarity DESC, published, id
"""


def duplicate_clusters(db: sqlite_utils.Database, min_similarity: float = 0.0) -> list[dict]:
    """Clusters with a member at least ``min_similarity`` like the original, with members; the
    largest first, then the oldest original."""
    clusters = _rows(db, CLUSTERS_SQL, [min_similarity])
    for cluster in clusters:
        cluster["members"] = _rows(db, MEMBERS_SQL, [cluster["cluster"]])
    return clusters


CRAWL_RUNS_SQL = """
SELECT id, source, campaign, started, finished, status, pages, requests, bytes,
       articles_new AS new, articles_updated AS updated, articles_unchanged AS unchanged,
       not_modified, skipped, errors, warc_files, failure
FROM crawls ORDER BY id DESC LIMIT ?
"""
CRAWL_ERRORS_SQL = """
SELECT time, url, http_status, attempts, reason FROM fetch_errors WHERE crawl_id = ? ORDER BY id
"""


def crawl_runs(db: sqlite_utils.Database, limit: int = 20) -> list[dict[str, Any]]:
    """The last ``limit`` runs from the crawls table, newest first, with their WARC files."""
    runs = _rows(db, CRAWL_RUNS_SQL, [limit])
    for run in runs:
        run["warc_files"] = json.loads(run["warc_files"] or "[]")
    return runs


def crawl_errors(db: sqlite_utils.Database, crawl_id: int) -> list[dict[str, Any]] | None:
    """What could not be fetched in crawl ``crawl_id``, and why (None when there is no such run)."""
    if not db["crawls"].count_where("id = ?", [crawl_id]):
        return None
    return _rows(db, CRAWL_ERRORS_SQL, [crawl_id])
