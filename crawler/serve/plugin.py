"""The archive's Datasette plugin (entry point ``archive``): search functions, cells, images.

- ``archive_fts_query``, ``archive_snippet`` and ``archive_fold`` on every connection
  (crawler/serve/sql_functions.py);
- the ``month`` facet (crawler/serve/facets.py);
- in query results, a ``snippet`` cell is shown as HTML when it is nothing but escaped text and
  ``<mark>`` tags (what ``archive_snippet`` returns), and a ``title`` beside an ``article_id``
  links to that article's page; every other value is escaped by Datasette as usual;
- the articles table lists each article's reporters and the start of its body
  (templates/_table-table-archive-articles.html); an article's page shows the article (byline
  with roles, dates, images with captions and credits, body), its provenance and its story's
  other members (templates/_table-row-archive-articles.html); what they query is in
  crawler/serve/pages.py.

Reads no settings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

from crawler.serve.facets import MonthFacet
from crawler.serve.pages import (
    BROWSED_TABLES,
    SNIPPET_CHARS,
    article_page,
    article_reporters,
    search_problem,
)
from crawler.serve.sql_functions import register_sql_functions

# Escaped text with <mark> and </mark> as the only tags: safe to show as HTML, whoever wrote it.
MARKED_TEXT_REGEX = re.compile(r"[^<>]*(?:<mark>[^<>]*</mark>[^<>]*)*")


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
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """The articles table's reporters; an article's bylines, images, fetches and story; why a
    search cannot be run."""
    # A canned query's page is the table view with no table, its name in the URL.
    if table is None and request.url_vars.get("table") == "search":
        return lambda: _search_vars(request.args.get("q"))
    if table != "articles" or view_name not in ("table", "row"):
        return None
    db = datasette.get_database(database)

    async def articles_table() -> dict[str, Any]:
        # Called by the template with the page's article ids; Jinja awaits it.
        reporters = functools.partial(article_reporters, db)
        return {"article_reporters": reporters, "article_snippet_chars": SNIPPET_CHARS}

    async def article_row() -> dict[str, Any]:
        (article_id,) = urlsafe_components(request.url_vars["pks"])
        return {**await article_page(db, article_id), "browsed_tables": BROWSED_TABLES}

    return articles_table if view_name == "table" else article_row


async def _search_vars(query: str | None) -> dict[str, Any]:
    return {"search_problem": search_problem(query)}
