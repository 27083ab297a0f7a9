"""The search index's writes: one row of folded bigrams per article (crawler/search.py says why).

The store writes an article's row whenever it writes the article; a trigger removes it when the
article is deleted (by any program, in plain SQL). `archive reindex` rebuilds the whole index.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from crawler.search import SEARCH_COLUMNS, SEARCH_TABLE, index_rows

REBUILD_BATCH = 1000


def create_search_index(db: sqlite_utils.Database) -> None:
    """The FTS5 table and the trigger that keeps deletions in step."""
    db.execute(
        f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
        f"{', '.join(SEARCH_COLUMNS)}, tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute(
        f"CREATE TRIGGER {SEARCH_TABLE}_delete AFTER DELETE ON articles BEGIN "
        f"DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid; END"
    )


def write_search_row(db: sqlite_utils.Database, article_id: str) -> None:
    """(Re)write the index row of one stored article."""
    rows = db.query(
        f"SELECT rowid, {', '.join(SEARCH_COLUMNS)} FROM articles WHERE id = ?", [article_id]
    )
    _write(db, rows)


def rebuild_search_index(db: sqlite_utils.Database) -> int:
    """Index every article afresh; return how many were indexed."""
    db.execute(f"DELETE FROM {SEARCH_TABLE}")
    rows = db.query(f"SELECT rowid, {', '.join(SEARCH_COLUMNS)} FROM articles ORDER BY rowid")
    return _write(db, rows)


def _write(db: sqlite_utils.Database, rows: Iterable[dict]) -> int:
    placeholders = ", ".join("?" for _ in range(len(SEARCH_COLUMNS) + 1))
    delete = f"DELETE FROM {SEARCH_TABLE} WHERE rowid = ?"
    insert = (
        f"INSERT INTO {SEARCH_TABLE} (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES ({placeholders})"
    )
    count = 0
    batch: list[tuple] = []
    for values in index_rows(iter(rows)):
        batch.append(values)
        if len(batch) >= REBUILD_BATCH:
            count += _flush(db, delete, insert, batch)
    return count + _flush(db, delete, insert, batch)


def _flush(db: sqlite_utils.Database, delete: str, insert: str, batch: list[tuple]) -> int:
    db.conn.executemany(delete, [(values[0],) for values in batch])
    db.conn.executemany(insert, batch)
    written = len(batch)
    batch.clear()
    return written
