"""The SQL functions Chinese search needs, for any SQLite connection to the archive.

Datasette registers them through crawler/serve/plugin.py; any other program can call
``register_sql_functions(connection)``. Each wraps crawler/query/search.py and never raises, so a
researcher's query cannot turn into an SQLite error:

- ``archive_fts_query(q)``: the FTS5 MATCH expression of a user's query over ``articles_search``
  (one that matches nothing when the query cannot be searched: empty, one character …);
- ``archive_fts_phrases(q)``: the FTS5 phrases of that expression, as a JSON array (the search
  page counts the articles holding each, to know whether bm25 may rank the query);
- ``archive_snippet(text, q)``: a piece of ``text`` around the first match, HTML-escaped, each
  match in ``<mark>``;
- ``archive_fold(text)``: ``text`` as search compares it (Simplified, lower case), so
  ``archive_fold(name) = archive_fold(:name)`` finds a name written in either script;
- ``archive_index_text(text)``: ``text`` as the index holds it (folded bigrams), which the view
  ``articles_search_text`` behind ``articles_search`` reads through.

Reads no settings.
"""

from __future__ import annotations

import json
import sqlite3

from crawler.query.search import (
    MAX_QUERY_CHARS,
    PHRASE_REGEX,
    SearchError,
    fts_query,
    snippet,
)
from crawler.store.search_index import INDEX_FUNCTION, fold, index_text

# An empty FTS5 phrase: a valid MATCH expression that no row matches.
MATCH_NOTHING = '""'
# Stored texts are at most ARCHIVE_MAX_BODY_CHARS (1,000,000); anything longer passed in a
# query is not the archive's text, and folding 80 million characters took 5.5 s, past
# Datasette's time limit, while it held a thread every other request waited for.
MAX_TEXT_CHARS = 1_000_000


def archive_fts_query(query: str | None) -> str:
    """The MATCH expression of ``query``; one that matches nothing if it cannot be searched."""
    try:
        return fts_query(str(query or "")[: MAX_QUERY_CHARS + 1])
    except SearchError:
        return MATCH_NOTHING


def archive_fts_phrases(query: str | None) -> str:
    """The phrases of ``query``'s MATCH expression, as a JSON array of strings."""
    return json.dumps(PHRASE_REGEX.findall(archive_fts_query(query)), ensure_ascii=False)


def archive_snippet(text: str | None, query: str | None) -> str:
    """HTML: escaped text around the first match of ``query`` in the first MAX_TEXT_CHARS of
    ``text``, matches in ``<mark>``."""
    return snippet(
        str(text or "")[:MAX_TEXT_CHARS],
        str(query or "")[:MAX_TEXT_CHARS],
        start="<mark>",
        end="</mark>",
        escape=True,
    )


def archive_fold(text: str | None) -> str | None:
    """``text`` folded to Simplified script and lower case (None stays None, and so does a text
    longer than MAX_TEXT_CHARS: it is no text of the archive)."""
    if text is None or len(str(text)) > MAX_TEXT_CHARS:
        return None
    return fold(str(text))


SQL_FUNCTIONS = {
    "archive_fts_query": (1, archive_fts_query),
    "archive_fts_phrases": (1, archive_fts_phrases),
    "archive_snippet": (2, archive_snippet),
    "archive_fold": (1, archive_fold),
}


def archive_index_text(text: str | None) -> str:
    """``text`` as indexed (the first MAX_TEXT_CHARS of it)."""
    return index_text(None if text is None else str(text)[:MAX_TEXT_CHARS])


def register_sql_functions(connection: sqlite3.Connection) -> None:
    """Make the archive's SQL functions available on ``connection``."""
    for name, (arguments, function) in SQL_FUNCTIONS.items():
        connection.create_function(name, arguments, function, deterministic=True)
    connection.create_function(INDEX_FUNCTION, 1, archive_index_text, deterministic=True)
