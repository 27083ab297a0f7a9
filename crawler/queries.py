"""Read-only queries over the archive for the `archive` command (writes live in store.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.errors import NotAnArchive
from crawler.normalise.bylines import canonical_outlet
from crawler.normalise.script import to_simplified, to_traditional
from crawler.search import (
    SEARCH_TABLE,
    WEIGHTS,
    expression_terms,
    find_matches,
    fts_query,
    snippet,
    worth_ranking,
)
from crawler.urls import canonicalise_url

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


def open_readonly(path: str | Path) -> sqlite_utils.Database:
    """Open an existing archive read-only; NotAnArchive when it is missing or not an archive."""
    path = Path(path)
    if not path.is_file():
        raise NotAnArchive(f"no archive at {path}: run `archive crawl` or `archive demo` first")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        db = sqlite_utils.Database(connection)
        tables = set(db.table_names())
    except sqlite3.DatabaseError as error:
        raise NotAnArchive(f"{path} is not an archive database: {error}") from error
    if not {"articles", "crawls"} <= tables:
        raise NotAnArchive(f"{path} is an SQLite database but not an archive (no articles table)")
    return db


def archive_stats(db: sqlite_utils.Database, crawls: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Articles by outlet and by month, and the last ``crawls`` crawls."""
    return {
        "articles_by_outlet": _rows(db, BY_OUTLET_SQL),
        "articles_by_month": _rows(db, BY_MONTH_SQL),
        "last_crawls": _rows(db, LAST_CRAWLS_SQL, [crawls]),
    }


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any] | None = None) -> list[dict]:
    return [dict(row) for row in db.query(sql, params or [])]


def stored_record(db: sqlite_utils.Database, article_id: str) -> dict[str, Any]:
    """The article record (docs/ARCHITECTURE.md) of a stored article."""
    row = db["articles"].get(article_id)
    bylines = db["bylines"].rows_where("article_id = ?", [article_id], order_by="position")
    images = db["images"].rows_where("article_id = ?", [article_id], order_by="position")
    return {
        "url": row["url"],
        "canonical_url": row["canonical_url"],
        "outlet": row["outlet"],
        "title": row["title"],
        "subtitle": row["subtitle"],
        "published": row["published"],
        "updated": row["updated"],
        "bylines": [{k: b[k] for k in ("role", "name", "outlet")} for b in bylines],
        "dateline": {"place": row["dateline_place"], "date": row["dateline_date"]},
        "body": row["body"],
        "sections": json.loads(row["sections"] or "[]"),
        "images": [
            {k: i[k] for k in ("src", "caption", "source", "photographer", "caption_raw")}
            for i in images
        ],
        "mentioned_dates": json.loads(row["mentioned_dates"] or "[]"),
        "script": row["script"],
        "source_line": row["source_line"],
        "original_outlet": row["original_outlet"],
        "content_hash": row["content_hash"],
        "cluster_id": row["cluster_id"],
    }


# Every URL an article was fetched at is in article_urls, written with the article.
ARTICLE_BY_URL_SQL = """
SELECT * FROM articles WHERE canonical_url = ?1
UNION ALL
SELECT a.* FROM article_urls u JOIN articles a ON a.id = u.article_id WHERE u.url = ?2
LIMIT 1
"""


def find_article(db: sqlite_utils.Database, canonical_url: str, url: str) -> dict | None:
    """The article stored under ``canonical_url``, or seen at ``url``."""
    return next(iter(db.query(ARTICLE_BY_URL_SQL, [canonical_url, url])), None)


def article_history(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """An article's versions, oldest first, and the URLs it was seen at (None if not archived)."""
    article = find_article(db, canonicalise_url(url), url)
    if article is None:
        return None
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
        for number, r in enumerate(
            db["revisions"].rows_where("article_id = ?", [article["id"]], order_by="id"), 1
        )
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
ORDER BY o.published, c.id
"""
MEMBERS_SQL = """
SELECT id, outlet, title, published, url, source_line, similarity
FROM articles WHERE cluster_id = ? ORDER BY similarity DESC, published, id
"""


def duplicate_clusters(db: sqlite_utils.Database, min_similarity: float = 0.0) -> list[dict]:
    """Clusters with a member at least ``min_similarity`` like the original, with members."""
    clusters = _rows(db, CLUSTERS_SQL, [min_similarity])
    for cluster in clusters:
        cluster["members"] = _rows(db, MEMBERS_SQL, [cluster["cluster"]])
    return clusters


SEARCH_SQL = """
SELECT a.id, a.rowid AS rowid, a.published, a.outlet, a.title, a.subtitle, a.url,
       a.cluster_id, a.body, a.captions, bm25(articles_search, {weights}) AS rank
FROM articles_search JOIN articles a ON a.rowid = articles_search.rowid
WHERE articles_search MATCH :match {filters}
ORDER BY rank, a.published DESC, a.id
"""
COMMON_SEARCH_SQL = """
SELECT a.id, a.rowid AS rowid, a.published, a.outlet, a.title, a.subtitle, a.url,
       a.cluster_id, a.body, a.captions, 0.0 AS rank
FROM articles a
WHERE a.rowid IN (SELECT rowid FROM articles_search WHERE articles_search MATCH :match) {filters}
ORDER BY a.published DESC, a.id
"""
VOCABULARY_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_terms USING fts5vocab(main, {table}, row)"
)
COPIES_SQL = """
SELECT a.cluster_id, count(*)
FROM articles_search JOIN articles a ON a.rowid = articles_search.rowid
WHERE articles_search MATCH :match AND a.cluster_id IN ({clusters}) {filters}
GROUP BY a.cluster_id
"""
FILTERS_SQL = {
    "outlet": "a.outlet = :outlet",
    "since": "a.published >= :since",
    "until": "substr(a.published, 1, 10) <= :until",
    "reporter": (
        "EXISTS (SELECT 1 FROM bylines b WHERE b.article_id = a.id"
        " AND b.role = 'reporter' AND b.name IN (:reporter, :reporter_hans, :reporter_hant))"
    ),
}


def search_articles(
    db: sqlite_utils.Database,
    query: str,
    *,
    outlet: str | None = None,
    reporter: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    all_versions: bool = False,
) -> list[dict[str, Any]]:
    """Articles matching ``query`` (crawler/search.py syntax), best first, with snippets.

    A cluster of near-duplicates counts once (its best-ranked member, with ``copies``, the
    number of its other members that match too) unless ``all_versions``.
    Raises SearchError for a query that cannot be searched.
    """
    params: dict[str, Any] = {
        "match": fts_query(query),
        "outlet": outlet and canonical_outlet(outlet),
        "since": since,
        "until": until,
        "reporter": reporter,
        "reporter_hans": reporter and to_simplified(reporter),
        "reporter_hant": reporter and to_traditional(reporter),
    }
    filters = "".join(f" AND {sql}" for key, sql in FILTERS_SQL.items() if params[key])
    if worth_ranking(*term_counts(db.conn, SEARCH_TABLE, params["match"])):
        sql = SEARCH_SQL.format(weights=", ".join(map(str, WEIGHTS)), filters=filters)
    else:
        sql = COMMON_SEARCH_SQL.format(filters=filters)
    results: list[dict[str, Any]] = []
    shown: dict[int, dict[str, Any]] = {}
    for row in db.query(sql, params):
        cluster = row["cluster_id"]
        if cluster is not None and cluster in shown and not all_versions:
            continue
        results.append(_search_result(row, query))
        if cluster is not None:
            shown[cluster] = results[-1]
        if len(results) >= limit:
            break
    if shown and not all_versions:
        count_sql = COPIES_SQL.format(
            filters=filters, clusters=", ".join(str(int(c)) for c in shown)
        )
        for cluster, matching in db.execute(count_sql, params):
            shown[cluster]["copies"] = matching - 1
    return results


def term_counts(
    connection: sqlite3.Connection, table: str, expression: str
) -> tuple[list[int], int]:
    """(documents holding each term of an FTS5 expression, documents in the index).

    Reads FTS5's own vocabulary through a temporary fts5vocab table, which a read-only
    connection may create.
    """
    connection.execute(VOCABULARY_SQL.format(table=table))
    terms = expression_terms(expression)
    marks = ", ".join("?" for _ in terms)
    found = dict(
        connection.execute(
            f"SELECT term, doc FROM temp.{table}_terms WHERE term IN ({marks})", terms
        )
    )
    documents = connection.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    return [found.get(term, 0) for term in terms], documents


def _search_result(row: dict[str, Any], query: str) -> dict[str, Any]:
    found_in = next(
        (
            row[c]
            for c in ("title", "subtitle", "body", "captions")
            if find_matches(row[c] or "", query)
        ),
        row["body"],
    )
    return {
        "id": row["id"],
        "published": row["published"],
        "outlet": row["outlet"],
        "title": row["title"],
        "url": row["url"],
        "cluster_id": row["cluster_id"],
        "rank": round(row["rank"], 3),
        "snippet": snippet(found_in, query),
        "copies": 0,
    }


EXPORT_SQL = """
SELECT a.id FROM articles a
LEFT JOIN clusters c ON c.id = a.cluster_id
WHERE (:all_versions OR a.cluster_id IS NULL OR c.original_id = a.id) {filters}
ORDER BY a.published, a.id
"""
EXPORT_MATCH_SQL = (
    "a.rowid IN (SELECT rowid FROM articles_search WHERE articles_search MATCH :match)"
)


def export_records(
    db: sqlite_utils.Database,
    *,
    query: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    all_versions: bool = False,
) -> Iterator[dict[str, Any]]:
    """Article records (docs/ARCHITECTURE.md), oldest first, one at a time.

    One record per cluster (its original) unless ``all_versions``; each record also carries
    its ``cluster_id``. Raises SearchError for a query that cannot be searched.
    """
    params: dict[str, Any] = {
        "match": fts_query(query) if query else None,
        "outlet": outlet and canonical_outlet(outlet),
        "since": since,
        "until": until,
        "all_versions": all_versions,
    }
    filters = "".join(
        f" AND {sql}"
        for key, sql in {**FILTERS_SQL, "match": EXPORT_MATCH_SQL}.items()
        if params.get(key)
    )
    ids = db.execute(EXPORT_SQL.format(filters=filters), params)
    for (article_id,) in ids:
        yield stored_record(db, article_id)


VALIDATORS_SQL = """
SELECT last_seen, etag, last_modified FROM article_urls WHERE url = ?1
UNION ALL
SELECT last_seen, etag, last_modified FROM skipped_pages WHERE url = ?1 AND filter_key = ?2
LIMIT 1
"""


def page_validators(db: sqlite_utils.Database, url: str, filter_key: str) -> dict | None:
    """When an article page was last seen and its ETag and Last-Modified (None if never seen).

    A page the campaign skipped counts only under the same campaign filter (``filter_key``).
    """
    return next(iter(_rows(db, VALIDATORS_SQL, [url, filter_key])), None)


PAGE_CAPTURE_SQL = """
SELECT warc_file, warc_offset, etag, last_modified FROM page_captures
WHERE url = ? AND warc_file IS NOT NULL
"""


def page_capture(db: sqlite_utils.Database, url: str) -> dict | None:
    """The latest capture of a page that is no article (a list, a feed), with its validators."""
    return next(iter(_rows(db, PAGE_CAPTURE_SQL, [url])), None)


CAPTURE_SQL = """
SELECT url, warc_file, warc_offset, warc_length, last_seen FROM article_urls WHERE url = ?1
UNION ALL
SELECT u.url, u.warc_file, u.warc_offset, u.warc_length, u.last_seen
FROM articles a JOIN article_urls u ON u.url = a.url WHERE a.canonical_url = ?2
LIMIT 1
"""


def capture_location(db: sqlite_utils.Database, url: str) -> dict | None:
    """Where the capture of the article at ``url`` is: WARC file, offset, length (or None)."""
    return next(iter(_rows(db, CAPTURE_SQL, [url, canonicalise_url(url)])), None)


CRAWL_RUNS_SQL = """
SELECT id, source, campaign, started, finished, status, pages, requests, bytes,
       articles_new AS new, articles_updated AS updated, articles_unchanged AS unchanged,
       not_modified, skipped, errors, warc_files
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
