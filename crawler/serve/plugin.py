"""The archive's Datasette plugin (entry point ``archive``): search functions, cells, images.

- ``archive_fts_query``, ``archive_snippet`` and ``archive_fold`` on every connection
  (crawler/serve/sql_functions.py);
- the ``month`` facet (crawler/serve/facets.py);
- in query results, a ``snippet`` cell is shown as HTML when it is nothing but escaped text and
  ``<mark>`` tags (what ``archive_snippet`` returns), and a ``title`` beside an ``article_id``
  links to that article's page; every other value is escaped by Datasette as usual;
- an article's row page shows its fields one per line, its bylines and its images with their
  captions and credits (templates/_table-row-archive-articles.html).

Reads no settings.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

from crawler.serve.facets import MonthFacet
from crawler.serve.sql_functions import register_sql_functions

# Escaped text with <mark> and </mark> as the only tags: safe to show as HTML, whoever wrote it.
MARKED_TEXT_REGEX = re.compile(r"[^<>]*(?:<mark>[^<>]*</mark>[^<>]*)*")
# What an article's row page lists besides its fields, by template variable.
ARTICLE_CHILDREN_SQL = {
    "article_bylines": "SELECT role, name, outlet FROM bylines WHERE article_id = ?1"
    " ORDER BY position",
    "article_images": "SELECT caption, source, photographer, src FROM images WHERE article_id = ?1"
    " ORDER BY position",
}


@hookimpl
def prepare_connection(conn: Any) -> None:
    """The search functions on every connection."""
    register_sql_functions(conn)


@hookimpl
def register_facet_classes() -> list[type]:
    """The month facet."""
    return [MonthFacet]


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    """Snippets as HTML and titles as links, in query results only."""
    if table is not None or not isinstance(value, str):
        return None
    if column == "snippet" and MARKED_TEXT_REGEX.fullmatch(value):
        return Markup(value)
    # sqlite3.Row: `in` would look among the values, keys() among the column names.
    has_article = "article_id" in row.keys()  # noqa: SIM118
    if column == "title" and has_article and row["article_id"] is not None:
        url = datasette.urls.row(database, "articles", tilde_encode(str(row["article_id"])))
        return Markup('<a href="{}">{}</a>').format(url, value)
    return None


@hookimpl
def extra_template_vars(
    view_name: str, table: str | None, database: str, request: Any, datasette: Any
) -> Callable[[], Awaitable[dict[str, list]]] | None:
    """An article's bylines and images, for its row page."""
    if view_name != "row" or table != "articles":
        return None

    async def article_children() -> dict[str, list]:
        (article_id,) = urlsafe_components(request.url_vars["pks"])
        db = datasette.get_database(database)
        return {
            name: [dict(row) for row in (await db.execute(sql, [article_id])).rows]
            for name, sql in ARTICLE_CHILDREN_SQL.items()
        }

    return article_children
