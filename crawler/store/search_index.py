"""The search index: the text of each article as folded bigrams in an FTS5 table.

SQLite's default tokenizer takes a run of Chinese characters for one word (香港 misses
香港商報) and its trigram tokenizer finds nothing for two-character words. So the archive keeps
its own FTS5 table, ``articles_search``, over the text *as indexed*: folded to Simplified script
and lower case (OpenCC), each run of Chinese characters written as its overlapping
two-character pieces (新质生产力 -> 新质 质生 生产 产力), Latin words and numbers as they are.
Figures that chose this design over the trigram tokenizer are in BENCHMARKS.md; the queries on
it are crawler/query/search.py.

The index keeps only its postings, not the text (#21): it is an external-content table whose
content is the view ``articles_search_text``, the articles' columns passed through the SQL
function ``archive_index_text`` (``register_index_function``). Searching (MATCH, bm25) needs
no function; reading the view, and deleting an article (a trigger takes its postings out of
the index), need it on the connection, as the store's and Datasette's have it: a plain
``sqlite3`` connection deleting an article fails with "no such function" and changes nothing.

The store writes an article's postings whenever it writes the article, taking out the old
ones first (``unindex_article``); `archive reindex` rebuilds the whole index.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator

import sqlite_utils

from crawler.normalise.script import to_simplified

SEARCH_TABLE = "articles_search"
# The body first: FTS5 writes a column's number before each of a word's positions in any column
# but the first, two bytes a word an article, so the largest column goes first (#21: the index
# is 30% smaller than with the title first).
SEARCH_COLUMNS = ("body", "title", "subtitle", "captions")
# The order a match is looked for in, for the snippet: headline first.
SNIPPET_COLUMNS = ("title", "subtitle", "body", "captions")
SEARCH_VIEW = "articles_search_text"
INDEX_FUNCTION = "archive_index_text"
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


def register_index_function(connection: sqlite3.Connection) -> None:
    """Make ``archive_index_text`` (a column's text as indexed) available on ``connection``."""
    connection.create_function(INDEX_FUNCTION, 1, index_text, deterministic=True)


def create_search_index(db: sqlite_utils.Database) -> None:
    """The view of the text as indexed, the FTS5 table over it and the deletion trigger."""
    columns = ", ".join(SEARCH_COLUMNS)
    folded = ", ".join(f"{INDEX_FUNCTION}({column})" for column in SEARCH_COLUMNS)
    old = ", ".join(f"{INDEX_FUNCTION}(old.{column})" for column in SEARCH_COLUMNS)
    db.execute(
        f"CREATE VIEW {SEARCH_VIEW} (article_rowid, {columns}) AS "
        f"SELECT rowid, {folded} FROM articles"
    )
    db.execute(
        f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5({columns}, content = '{SEARCH_VIEW}', "
        "content_rowid = 'article_rowid', tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute(
        f"CREATE TRIGGER {SEARCH_TABLE}_delete AFTER DELETE ON articles BEGIN "
        f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, {columns}) "
        f"VALUES ('delete', old.rowid, {old}); END"
    )


def write_search_row(db: sqlite_utils.Database, article_id: str) -> None:
    """Index one stored article (whose old postings, if any, ``unindex_article`` took out)."""
    _write(
        db,
        db.query(
            f"SELECT rowid, {', '.join(SEARCH_COLUMNS)} FROM articles WHERE id = ?", [article_id]
        ),
        INSERT,
    )


def unindex_article(db: sqlite_utils.Database, article_id: str) -> None:
    """Take the postings of one stored article out of the index, before its text changes."""
    _write(
        db,
        db.query(
            f"SELECT rowid, {', '.join(SEARCH_COLUMNS)} FROM articles WHERE id = ?", [article_id]
        ),
        DELETE,
    )


def search_columns_in_place(db: sqlite_utils.Database) -> tuple[str, ...]:
    """The indexed columns of the archive's search table, in its order."""
    return tuple(row[1] for row in db.execute(f"PRAGMA table_info({SEARCH_TABLE})"))


def drop_search_index(db: sqlite_utils.Database) -> None:
    """Take out the search table, its view and its trigger (to make them afresh)."""
    db.execute(f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_delete")
    db.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    db.execute(f"DROP VIEW IF EXISTS {SEARCH_VIEW}")


def rebuild_search_index(db: sqlite_utils.Database) -> int:
    """Index every article afresh; return how many were indexed."""
    db.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('delete-all')")
    return index_all_articles(db)


def index_all_articles(db: sqlite_utils.Database) -> int:
    """Add every article to an empty index; return how many were indexed."""
    rows = db.query(f"SELECT rowid, {', '.join(SEARCH_COLUMNS)} FROM articles ORDER BY rowid")
    return _write(db, rows, INSERT)


COLUMN_LIST = ", ".join(SEARCH_COLUMNS)
PLACEHOLDERS = ", ".join("?" for _ in SEARCH_COLUMNS)
INSERT = f"INSERT INTO {SEARCH_TABLE} (rowid, {COLUMN_LIST}) VALUES (?, {PLACEHOLDERS})"
DELETE = (
    f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, {COLUMN_LIST}) "
    f"VALUES ('delete', ?, {PLACEHOLDERS})"
)


def _write(db: sqlite_utils.Database, rows: Iterable[dict], statement: str) -> int:
    """Run ``statement`` (INSERT or DELETE) for rows of articles as indexed, in batches."""
    count = 0
    batch: list[tuple] = []
    for values in index_rows(iter(rows)):
        batch.append(values)
        if len(batch) >= REBUILD_BATCH:
            db.conn.executemany(statement, batch)
            count += len(batch)
            batch.clear()
    db.conn.executemany(statement, batch)
    return count + len(batch)


def index_rows(rows: Iterator[dict]) -> Iterator[tuple]:
    """(rowid, title, subtitle, body, captions) as indexed, for rows of articles."""
    for row in rows:
        yield (row["rowid"], *(index_text(row.get(column)) for column in SEARCH_COLUMNS))
