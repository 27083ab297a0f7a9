"""The search index: the text of each article as folded bigrams in an FTS5 table.

SQLite's default tokenizer takes a run of Chinese characters for one word (香港 misses
香港商報) and its trigram tokenizer finds nothing for two-character words. So the archive keeps
its own FTS5 table, ``articles_search``, whose columns hold the text *as indexed*: folded to
Simplified script and lower case (OpenCC), each run of Chinese characters written as its
overlapping two-character pieces (新质生产力 -> 新质 质生 生产 产力), Latin words and numbers as
they are. Figures that chose this design over the trigram tokenizer are in BENCHMARKS.md; the
queries on it are crawler/query/search.py.

The store writes an article's row whenever it writes the article; a trigger removes it when the
article is deleted (by any program, in plain SQL). `archive reindex` rebuilds the whole index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import sqlite_utils

from crawler.normalise.script import to_simplified

SEARCH_TABLE = "articles_search"
SEARCH_COLUMNS = ("title", "subtitle", "body", "captions")
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PIECE_REGEX = re.compile(rf"[{CJK}]+|(?:(?![{CJK}])[^\W_])+", re.UNICODE)
CJK_RUN_REGEX = re.compile(rf"[{CJK}]+")
REBUILD_BATCH = 1000


def fold(text: str) -> str:
    """Text as compared: Simplified script, lower case."""
    return to_simplified(text).lower()


def index_tokens(text: str) -> list[str]:
    """The tokens a text is indexed as: bigrams of its Chinese runs, its Latin words."""
    tokens: list[str] = []
    for piece in PIECE_REGEX.findall(fold(text)):
        if CJK_RUN_REGEX.fullmatch(piece):
            tokens += [piece[i : i + 2] for i in range(len(piece) - 1)] or [piece]
        else:
            tokens.append(piece)
    return tokens


def index_text(text: str | None) -> str:
    """A column's text as stored in the search index."""
    return " ".join(index_tokens(text or ""))


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


def index_rows(rows: Iterator[dict]) -> Iterator[tuple]:
    """(rowid, title, subtitle, body, captions) as indexed, for rows of articles."""
    for row in rows:
        yield (row["rowid"], *(index_text(row.get(column)) for column in SEARCH_COLUMNS))
