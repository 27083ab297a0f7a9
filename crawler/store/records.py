"""Reading the archive's own rows: opening it read-only, an article's record, what is known of a
URL (the article seen there, its validators, where its capture is).

The store's writer and the crawl (the refresh middleware) read these; researchers' queries are in
crawler/query/.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.errors import NotAnArchive
from crawler.normalise.urls import canonicalise_url


def connect_readonly(path: Path, check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection to the SQLite file at ``path``.

    A reader of a WAL database makes a ``-shm`` file beside it; on read-only media (a DVD, a
    read-only mount) that fails, and the file, which nobody can be writing there, is opened
    immutable instead. Raises sqlite3.DatabaseError for a file that is not a database.
    """
    uri = path.resolve().as_uri()
    connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=check_same_thread)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError:
        connection.close()
        if os.access(path.parent, os.W_OK):
            raise
    wal = path.with_name(path.name + "-wal")
    if wal.is_file() and wal.stat().st_size:
        raise NotAnArchive(
            f"{path} is on read-only media with its last writes still in {wal.name}: copy both"
            " to writable storage, or checkpoint it where it was written"
            " (sqlite3 ARCHIVE 'PRAGMA wal_checkpoint(TRUNCATE)')"
        )
    return sqlite3.connect(
        f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=check_same_thread
    )


def open_readonly(path: str | Path) -> sqlite_utils.Database:
    """Open an existing archive read-only; NotAnArchive when it is missing or not an archive."""
    path = Path(path)
    if not path.is_file():
        raise NotAnArchive(f"no archive at {path}: run `archive crawl` or `archive demo` first")
    try:
        db = sqlite_utils.Database(connect_readonly(path))
        tables = set(db.table_names())
    except sqlite3.DatabaseError as error:
        raise NotAnArchive(f"{path} is not an archive database: {error}") from error
    if not {"articles", "crawls"} <= tables:
        raise NotAnArchive(f"{path} is an SQLite database but not an archive (no articles table)")
    return db


def stored_record(db: sqlite_utils.Database, article_id: str) -> dict[str, Any]:
    """The article record (docs/ARCHITECTURE.md) of a stored article."""
    row = db["articles"].get(article_id)
    bylines = db["bylines"].rows_where("article_id = ?", [article_id], order_by="position")
    images = db["images"].rows_where("article_id = ?", [article_id], order_by="position")
    return {
        "url": row["url"],
        "canonical_url": row["canonical_url"],
        "outlet": row["outlet"],
        "outlet_source": row["outlet_source"],
        "date_basis": row["date_basis"],
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


# Only what crawls of the same origin saw (a row of no crawl, or of a crawl made before origins
# were kept, counts as live): a mirror's or a replay's answers never stand for the live site's.
SAME_ORIGIN_SQL = (
    "coalesce((SELECT origin FROM crawls WHERE id = {table}.crawl_id), 'live') = :origin"
)
VALIDATORS_SQL = f"""
SELECT last_seen, etag, last_modified FROM article_urls
WHERE url = :url AND {SAME_ORIGIN_SQL.format(table="article_urls")}
UNION ALL
SELECT last_seen, etag, last_modified FROM skipped_pages
WHERE url = :url AND filter_key = :filter_key AND {SAME_ORIGIN_SQL.format(table="skipped_pages")}
LIMIT 1
"""


def page_validators(
    db: sqlite_utils.Database, url: str, filter_key: str, origin: str = "live"
) -> dict | None:
    """When an article page was last seen by a crawl of ``origin`` and its ETag and
    Last-Modified (None if never seen).

    A page the campaign skipped counts only under the same campaign filter (``filter_key``).
    """
    params = {"url": url, "filter_key": filter_key, "origin": origin}
    return next(iter(db.query(VALIDATORS_SQL, params)), None)


PAGE_CAPTURE_SQL = f"""
SELECT warc_file, warc_offset, etag, last_modified FROM page_captures
WHERE url = :url AND warc_file IS NOT NULL AND {SAME_ORIGIN_SQL.format(table="page_captures")}
"""


def page_capture(db: sqlite_utils.Database, url: str, origin: str = "live") -> dict | None:
    """The latest capture of a page that is no article (a list, a feed) by a crawl of
    ``origin``, with its validators."""
    return next(iter(db.query(PAGE_CAPTURE_SQL, {"url": url, "origin": origin})), None)


CAPTURE_SQL = """
SELECT url, warc_file, warc_offset, warc_length, last_seen FROM article_urls WHERE url = ?1
UNION ALL
SELECT u.url, u.warc_file, u.warc_offset, u.warc_length, u.last_seen
FROM articles a JOIN article_urls u ON u.url = a.url WHERE a.canonical_url = ?2
LIMIT 1
"""


def capture_location(db: sqlite_utils.Database, url: str) -> dict | None:
    """Where the capture of the article at ``url`` is: WARC file, offset, length (or None)."""
    return next(iter(db.query(CAPTURE_SQL, [url, canonicalise_url(url)])), None)
