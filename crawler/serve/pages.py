"""What the archive's own Datasette pages show besides a table's rows (#20).

- the articles table: each listed article's reporters (``article_reporters``);
- the search page: why a query cannot be searched (``search_problem``);
- an article's page: its bylines, its images, where and when it was fetched (each URL with its
  WARC capture) and the other places its story appeared (its cluster's other members, with
  outlet, similarity and hours after the original) (``article_page``).

crawler/serve/plugin.py hands them to the templates (crawler/serve/templates/). Reads no settings.
"""

from __future__ import annotations

import json
from typing import Any

from crawler.query.search import SearchError, fts_query
from crawler.serve.metadata import TABLES

# The first characters of a body that the articles table shows: two or three lines at 1280 px,
# so that the first screen holds six articles or more.
SNIPPET_CHARS = 60
REPORTERS_SQL = """
SELECT article_id, group_concat(name, '、') AS names FROM (
  SELECT article_id, name FROM bylines
  WHERE role IN ('reporter', 'author', 'writer') AND article_id IN (SELECT value FROM json_each(?1))
  ORDER BY article_id, position
) GROUP BY article_id
"""
# What an article's page lists besides its fields, by template variable.
ARTICLE_PAGE_SQL = {
    "article_bylines": "SELECT role, name, outlet FROM bylines WHERE article_id = ?1"
    " ORDER BY position",
    "article_images": "SELECT caption, source, photographer, src FROM images WHERE article_id = ?1"
    " ORDER BY position",
    "article_fetches": "SELECT url, outlet, first_seen, last_seen, http_status, crawl_id,"
    " warc_file, warc_offset, warc_length FROM article_urls WHERE article_id = ?1"
    " ORDER BY first_seen, url",
    # julianday() reads the outlets' UTC offsets, so the hours are true elapsed time.
    "article_story": """
SELECT m.id, m.outlet, m.title, m.published, m.similarity, m.id = c.original_id AS original,
       round((julianday(m.published) - julianday(o.published)) * 24, 1) AS hours_after_original
FROM articles m JOIN clusters c ON c.id = m.cluster_id LEFT JOIN articles o ON o.id = c.original_id
WHERE m.cluster_id = (SELECT cluster_id FROM articles WHERE id = ?1) AND m.id != ?1
ORDER BY original DESC, m.similarity DESC, m.published, m.id
""",
}
# "Links from other tables" on an article's page lists only the tables a researcher browses,
# never the FTS shadow tables or the near-duplicate index.
BROWSED_TABLES = tuple(TABLES)


async def article_reporters(db: Any, article_ids: list[str]) -> dict[str, str]:
    """The reporters each of ``article_ids`` credits, joined with 、, by article id."""
    rows = (await db.execute(REPORTERS_SQL, [json.dumps(article_ids)])).rows
    return {row["article_id"]: row["names"] for row in rows}


async def article_page(db: Any, article_id: str) -> dict[str, list[dict[str, Any]]]:
    """Everything an article's page lists besides its fields, by template variable."""
    return {
        name: [dict(row) for row in (await db.execute(sql, [article_id])).rows]
        for name, sql in ARTICLE_PAGE_SQL.items()
    }


def search_problem(query: str | None) -> str | None:
    """Why ``query`` cannot be searched (a single Chinese character …), or None when it can.

    The search query's SQL matches nothing for such a query (crawler/serve/sql_functions.py);
    this says why, in `archive search`'s words.
    """
    if query is None:
        return None
    try:
        fts_query(query)
    except SearchError as error:
        return str(error)
    return None
