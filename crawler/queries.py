"""Read-only queries over the archive for the `archive` command (writes live in store.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.errors import NotAnArchive

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
