"""What `archive serve` tells Datasette: titles, descriptions, facets, sorting, canned queries.

Kept as data for the CLI, the docs and the tests alike: ``SERVE_OPTIONS`` are the options of
`archive serve` (docs/researchers.md lists them), ``DATASETTE_SETTINGS`` the Datasette
settings it changes, ``TABLES`` what each table holds, column by column, ``QUERIES`` the canned
queries, and ``build_metadata()`` assembles Datasette's metadata dict from them. The SQL
functions the queries call (``archive_fts_query``, ``archive_snippet``, ``archive_fold``) are in
crawler/serve/sql_functions.py; the ``month`` facet is in crawler/serve/facets.py.

Reads no settings.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from crawler.query.search import (
    HEADLINE_COLUMNS,
    RANKED_MATCHES,
    RANKED_PHRASE_ARTICLES,
    WEIGHTS,
)
from crawler.store.search_index import SEARCH_TABLE, SNIPPET_COLUMNS

DATABASE = "archive"


@dataclass(frozen=True)
class Option:
    """An option of `archive serve`: its name, default and help."""

    name: str
    default: Any
    help: str


SERVE_OPTIONS = (
    Option(
        "host",
        "127.0.0.1",
        "Address to listen on: only this machine by default; 0.0.0.0 shares the archive with "
        "the network.",
    ),
    Option("port", 8001, "Port to listen on."),
)
# Bodies run to thousands of characters: cut them on table and query pages (a row page shows
# everything). Datasette's default is 2,048.
DATASETTE_SETTINGS = {"truncate_cells_html": 300}

TITLE = "科技+新質生產力高峰論壇: the news archive"
DESCRIPTION = (
    "Hong Kong and mainland news coverage and official pages of the 科技+新質生產力高峰論壇 "
    "(Science and Technology + New Quality Productive Forces Summit), archived by the "
    "summit-archive crawler. Read-only. Search in either script with the search query "
    "(words of two or more characters; 新质生产力 finds 新質生產力); an article's page shows "
    "its images with their captions and credits."
)

TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "description": "One row per article, keyed by a stable id from its canonical URL.",
        "label_column": "title",
        "facets": ["outlet", {"month": "published"}, "script"],
        "sort_desc": "published",
        "sortable_columns": [
            "published",
            "updated",
            "first_seen",
            "last_seen",
            "outlet",
            "title",
            "similarity",
        ],
        "columns": {
            "id": "First 16 hex digits of the SHA-1 of the canonical URL",
            "url": "The URL the article was first archived from",
            "canonical_url": "The URL with aliases, tracking parameters and mobile hosts undone",
            "outlet": "The outlet that published it (香港商報, 大公報 …)",
            "outlet_source": "Where the outlet came from: host (the site's spider), byline (the "
            "lead, 【X訊】, an agency dateline, 來源：X), metadata (og:site_name …) or none",
            "date_basis": "The day relative dates and the dateline were read against: published, "
            "or fetched when the page prints no date",
            "original_outlet": "For a reprint: the outlet it names as its source",
            "title": "Headline as printed",
            "subtitle": "Subheading as printed",
            "published": "Publication time, ISO 8601 with the outlet's UTC offset",
            "updated": "Last update time the page states",
            "dateline_place": "Place of the dateline (北京, 香港 …)",
            "dateline_date": "Date of the dateline, YYYY-MM-DD",
            "body": "Text of the article, paragraphs separated by blank lines",
            "sections": "JSON list of the article's section headings",
            "mentioned_dates": "JSON list of dates the text mentions (昨日 …), resolved",
            "captions": "Image captions, for the search index",
            "script": "Hant (Traditional), Hans (Simplified) or mixed",
            "source_line": "The source line as printed (来源：…)",
            "content_hash": "SHA-256 of the text, script-folded",
            "record_hash": "SHA-256 of the whole record: changes when any field does",
            "first_seen": "When a crawl first archived it (UTC)",
            "last_seen": "When a crawl last saw it (UTC)",
            "crawl_id": "The crawl that last saw it",
            "cluster_id": "Its story: the cluster of its near-duplicates, if any",
            "similarity": "Estimated Jaccard similarity to the cluster's original",
            "version_first_seen": "When this version of the text was first seen (UTC)",
        },
    },
    "article_urls": {
        "description": "One row per URL an article was seen at.",
        "facets": ["outlet", "http_status"],
        "sort_desc": "last_seen",
        "columns": {
            "url": "The URL as fetched",
            "article_id": "The article it shows",
            "outlet": "The outlet of the site",
            "first_seen": "When a crawl first fetched it (UTC)",
            "last_seen": "When a crawl last fetched it (UTC)",
            "http_status": "HTTP status of the last fetch",
            "source_line": "The source line the page printed",
            "crawl_id": "The crawl that last fetched it",
            "warc_file": "WARC file holding the last capture",
            "warc_offset": "Offset of the capture's record in the WARC file",
            "warc_length": "Length of the capture's record in the WARC file",
            "etag": "ETag the page was last served with",
            "last_modified": "Last-Modified the page was last served with",
        },
    },
    "bylines": {
        "description": "One row per person or agency an article credits.",
        "facets": ["role", "name", "outlet"],
        "columns": {
            "id": "Row number",
            "article_id": "The article",
            "position": "Order in the article's credits, from 0",
            "role": "reporter, photographer, editor, author …",
            "name": "Name as printed",
            "outlet": "The outlet the person works for",
        },
    },
    "images": {
        "description": "One row per image of an article, with its caption and credits.",
        "facets": ["source", "photographer"],
        "columns": {
            "id": "Row number",
            "article_id": "The article",
            "position": "Order in the article, from 0",
            "src": "The image's URL",
            "caption": "Caption, credits removed",
            "caption_raw": "Caption as printed",
            "source": "Credited source (新華社, 資料圖片 …)",
            "photographer": "Credited photographer",
        },
    },
    "crawls": {
        "description": "One row per run of one source.",
        "facets": ["source", "status", "campaign"],
        "sort_desc": "started",
        "columns": {
            "id": "Crawl number",
            "source": "The source crawled (hkcd, locpg …)",
            "campaign": "The campaign file",
            "since": "Start of the date window",
            "until": "End of the date window",
            "started": "Start time (UTC)",
            "finished": "End time (UTC)",
            "status": "running, finished, shutdown (stopped by a signal), interrupted (killed) …",
            "pages": "Pages fetched",
            "articles_new": "New articles",
            "articles_updated": "Articles whose text changed",
            "articles_unchanged": "Articles seen again unchanged",
            "articles_duplicate": "Known articles found at a new URL",
            "skipped": "Pages outside the campaign (no keyword, out of the window)",
            "errors": "Pages that could not be fetched",
            "settings": "JSON of the settings the crawl ran with",
            "not_modified": "Pages the server said had not changed (304)",
            "requests": "Requests made",
            "bytes": "Bytes downloaded",
            "warc_files": "JSON list of the WARC files written",
            "origin": "where its pages came from: live (the sites), mirror or replay (WARCs)",
            "failure": "why it failed (status failed): a full disk …",
        },
    },
    "fetch_errors": {
        "description": "One row per page a crawl could not fetch or archive.",
        "facets": ["reason", "http_status"],
        "sort_desc": "time",
        "columns": {
            "id": "Row number",
            "crawl_id": "The crawl",
            "url": "The page",
            "reason": "Why it failed",
            "http_status": "HTTP status, if any",
            "attempts": "Times it was tried (the first try and the retries)",
            "time": "When (UTC)",
        },
    },
    "clusters": {
        "description": "One row per story with near-duplicates: reprints, copies in the other "
        "script, trimmed copies.",
        "sort_desc": "size",
        "columns": {
            "id": "Cluster number",
            "original_id": "The article the others copy (the earliest)",
            "size": "Number of articles",
            "created": "When it was formed (UTC)",
            "updated": "When it last changed (UTC)",
        },
    },
    "revisions": {
        "description": "One row per earlier version of an article a re-crawl found changed.",
        "sort_desc": "replaced_at",
        "columns": {
            "id": "Row number",
            "article_id": "The article",
            "first_seen": "When this version was first seen (UTC)",
            "last_seen": "When this version was last seen (UTC)",
            "replaced_at": "When a new version replaced it (UTC)",
            "content_hash": "SHA-256 of its text, script-folded",
            "record_hash": "SHA-256 of its record",
            "title": "Its headline",
            "body": "Its text",
            "record": "JSON of its whole record",
            "paragraphs_added": "Paragraphs the next version added",
            "paragraphs_removed": "Paragraphs the next version removed",
            "paragraphs_changed": "Paragraphs the next version changed",
        },
    },
    "skipped_pages": {
        "description": "One row per article page a campaign skipped (no keyword, out of its "
        "window), so that a re-crawl need not fetch it again, and per list page given to "
        "archive crawl --url whose articles were followed instead.",
        "facets": ["reason"],
        "columns": {
            "url": "The page",
            "reason": "Why it was skipped",
            "filter_key": "The campaign filter that judged it",
            "first_seen": "When first seen (UTC)",
            "last_seen": "When last seen (UTC)",
            "etag": "ETag it was served with",
            "last_modified": "Last-Modified it was served with",
            "crawl_id": "The crawl that last saw it",
        },
    },
    "page_captures": {
        "description": "One row per other page a crawl fetched (list pages, feeds): where its "
        "latest capture is.",
        "sort_desc": "last_seen",
        "columns": {
            "url": "The page",
            "warc_file": "WARC file holding the latest capture",
            "warc_offset": "Offset of the capture's record in the WARC file",
            "warc_length": "Length of the capture's record in the WARC file",
            "etag": "ETag it was last served with",
            "last_modified": "Last-Modified it was last served with",
            "last_seen": "When last fetched (UTC)",
            "crawl_id": "The crawl that last fetched it",
        },
    },
}
# Internals: the near-duplicate index and the migrations log. Datasette hides the FTS5 table
# and its shadow tables by itself.
HIDDEN_TABLES = ("minhashes", "lsh_buckets", "lsh_recent", "_sqlite_migrations")

# The snippet is cut from the indexed columns, headline first (title, subtitle, body, captions),
# around the first match, as `archive search` cuts it. The order is search_articles's: bm25 for
# at most RANKED_MATCHES matches whose every phrase is in at most RANKED_PHRASE_ARTICLES articles
# (the `ranked` branch runs only then); otherwise the title and subtitle matches among the latest
# RANKED_MATCHES matches (tier 0), then the rest (tier 1), each latest archived first.
SNIPPET_TEXT = " || char(10) || ".join(f"coalesce({column}, '')" for column in SNIPPET_COLUMNS)
ARTICLE_COLUMNS = "a.id, a.published, a.outlet, a.title, a.subtitle, a.url, a.cluster_id"
SEARCH_SQL = f"""
WITH latest AS (
  SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH archive_fts_query(:q)
  ORDER BY rowid DESC LIMIT {RANKED_MATCHES + 1}
), rankable AS (
  SELECT (SELECT count(*) FROM latest) <= {RANKED_MATCHES} AND NOT EXISTS (
    SELECT 1 FROM json_each(archive_fts_phrases(:q)) AS phrase
    WHERE (SELECT count(*) FROM (SELECT 1 FROM {SEARCH_TABLE}
                                 WHERE {SEARCH_TABLE} MATCH phrase.value
                                 LIMIT {RANKED_PHRASE_ARTICLES + 1})) > {RANKED_PHRASE_ARTICLES}
  ) AS yes
), ranked AS (
  SELECT {ARTICLE_COLUMNS}, a.rowid AS rowid, 0 AS tier, 0 AS latest,
         bm25({SEARCH_TABLE}, {", ".join(map(str, WEIGHTS))}) AS rank
  FROM {SEARCH_TABLE} JOIN articles a ON a.rowid = {SEARCH_TABLE}.rowid
  WHERE {SEARCH_TABLE} MATCH archive_fts_query(:q) AND (SELECT yes FROM rankable)
), headline AS (
  SELECT rowid FROM {SEARCH_TABLE}
  WHERE {SEARCH_TABLE} MATCH '{HEADLINE_COLUMNS} : (' || archive_fts_query(:q) || ')'
    AND rowid >= (SELECT min(rowid) FROM
                  (SELECT rowid FROM latest ORDER BY rowid DESC LIMIT {RANKED_MATCHES}))
    AND NOT (SELECT yes FROM rankable)
  ORDER BY rowid
), tiered AS (
  SELECT {ARTICLE_COLUMNS}, a.rowid AS rowid, min(c.tier) AS tier, a.rowid AS latest,
         0.0 AS rank
  FROM (SELECT rowid, 0 AS tier FROM headline
        UNION ALL
        SELECT rowid, 1 FROM latest WHERE NOT (SELECT yes FROM rankable))
       AS c JOIN articles a ON a.rowid = c.rowid
  GROUP BY a.rowid
), hits AS (
  SELECT * FROM ranked UNION ALL SELECT * FROM tiered
), stories AS (
  SELECT *, row_number() OVER best AS pick, count(*) OVER story - 1 AS copies
  FROM hits
  WINDOW story AS (PARTITION BY cluster_id, CASE WHEN cluster_id IS NULL THEN id END),
         best AS (story ORDER BY rank, tier, latest DESC, published DESC, id)
)
SELECT published, outlet, title,
       archive_snippet((SELECT {SNIPPET_TEXT} FROM articles WHERE rowid = stories.rowid), :q)
         AS snippet,
       copies, id AS article_id, url
FROM stories WHERE pick = 1
ORDER BY rank, tier, latest DESC, published DESC, id
"""
# Bylines name reporters, writers and editors; photographers are credited on their pictures.
ARTICLES_BY_REPORTER_SQL = """
SELECT a.published, a.outlet, a.title, credits.role, credits.name, a.id AS article_id, a.url
FROM (
  SELECT article_id, role, name FROM bylines
  WHERE archive_fold(name) = archive_fold(:reporter)
  UNION
  SELECT article_id, 'photographer', photographer FROM images
  WHERE archive_fold(photographer) = archive_fold(:reporter)
) AS credits JOIN articles a ON a.id = credits.article_id
ORDER BY a.published DESC, a.id, credits.role
"""
REPRINTS_OF_A_STORY_SQL = """
WITH story AS (
  SELECT id, cluster_id FROM articles WHERE id = (
    SELECT id FROM articles WHERE id = :article OR canonical_url = :article
    UNION ALL
    SELECT article_id FROM article_urls WHERE url = :article
    LIMIT 1
  )
)
SELECT coalesce(m.id = c.original_id, 1) AS original, m.published, m.outlet, m.title,
       m.similarity, m.original_outlet, m.source_line, m.id AS article_id, m.url
FROM articles m LEFT JOIN clusters c ON c.id = m.cluster_id
WHERE m.id = (SELECT id FROM story) OR m.cluster_id = (SELECT cluster_id FROM story)
ORDER BY original DESC, m.similarity DESC, m.published, m.id
"""
CRAWL_LOG_SQL = """
SELECT c.id, c.source, c.campaign, c.started, c.finished, c.status, c.pages,
       c.articles_new AS new, c.articles_updated AS updated,
       c.articles_unchanged AS unchanged, c.skipped, c.errors,
       (SELECT count(*) FROM fetch_errors e WHERE e.crawl_id = c.id) AS fetch_errors
FROM crawls c
ORDER BY c.id DESC
"""
# The summit's two days (科技+新質生產力高峰論壇, 29-30 August 2024), marked on the timeline.
SUMMIT_DAYS = ("2024-08-29", "2024-08-30")
# Days as the outlet dated them (the first ten characters of `published`), as the month facet
# does (crawler/serve/facets.py): a Hong Kong morning paper stays on its own day.
COVERAGE_TIMELINE_SQL = f"""
SELECT substr(published, 1, 10) AS day, outlet, count(*) AS articles,
       substr(published, 1, 10) IN ({", ".join(f"'{day}'" for day in SUMMIT_DAYS)}) AS summit_day
FROM articles
WHERE published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
GROUP BY day, outlet
ORDER BY day, outlet
"""
# julianday() reads each outlet's UTC offset, so the hours are true elapsed time; negative when
# the cluster's original (the first archived) was published after its copy.
REPRINT_DELAYS_SQL = """
SELECT o.outlet AS original_outlet, m.outlet AS reprinted_by,
       round((julianday(m.published) - julianday(o.published)) * 24, 1) AS hours_later,
       m.similarity, m.title, m.id AS article_id, o.id AS original_id
FROM articles m
JOIN clusters c ON c.id = m.cluster_id
JOIN articles o ON o.id = c.original_id
WHERE m.id != o.id AND m.published IS NOT NULL AND o.published IS NOT NULL
ORDER BY hours_later, m.outlet, m.id
"""
QUERIES: dict[str, dict[str, Any]] = {
    "search": {
        "title": "Search the articles",
        "description": "Words of two or more Chinese characters in either script, Latin words, "
        '"quoted phrases", AND, OR, NOT. Best matches first (title above subtitle above '
        "captions above body); copies of one story count once, with the number of its other "
        "copies that match (see reprints_of_a_story).",
        "sql": SEARCH_SQL,
        "hide_sql": True,
    },
    "articles_by_reporter": {
        "title": "Articles by a reporter",
        "description": "Every article that credits a person (as reporter, photographer, "
        "editor …), newest first. The name may be written in either script.",
        "sql": ARTICLES_BY_REPORTER_SQL,
    },
    "reprints_of_a_story": {
        "title": "Reprints of a story",
        "description": "The articles of one story: its original first, then its reprints and "
        "copies, most similar first. Give an article's id or any URL it was seen at.",
        "sql": REPRINTS_OF_A_STORY_SQL,
    },
    "coverage_timeline": {
        "title": "Coverage timeline",
        "description": "Articles per day per outlet, the day as the outlet dated it; summit_day "
        "is 1 on the summit's days (2024-08-29 and 30). Drawn on the coverage dashboard.",
        "sql": COVERAGE_TIMELINE_SQL,
    },
    "reprint_delays": {
        "title": "Reprints: who carried whose story, how many hours later",
        "description": "Each copy of a story with the outlet of its original, the hours between "
        "their publication times and their similarity. Drawn on the coverage dashboard.",
        "sql": REPRINT_DELAYS_SQL,
    },
    "crawl_log": {
        "title": "Crawl log",
        "description": "Every crawl, newest first, with its counts and how many pages it could "
        "not fetch (listed in fetch_errors).",
        "sql": CRAWL_LOG_SQL,
    },
}


DASHBOARD = "coverage"
# The coverage dashboard (datasette-dashboards: Vega-Lite, its JavaScript shipped in the package,
# nothing loaded from the internet). Each chart runs a canned query's SQL, shown on that query's
# page.
DASHBOARDS: dict[str, dict[str, Any]] = {
    DASHBOARD: {
        "title": "Coverage of the summit",
        "description": "Articles per day per outlet, the summit's days shaded; and which outlet "
        "carried whose story, how many hours later. The SQL behind each chart is the canned "
        "query coverage_timeline or reprint_delays.",
        "layout": [["sql"], ["coverage-timeline"], ["reprint-delays"]],
        "charts": {
            "sql": {
                "library": "markdown",
                "display": "The SQL behind the charts: "
                f"[coverage_timeline](/{DATABASE}/coverage_timeline) and "
                f"[reprint_delays](/{DATABASE}/reprint_delays) (canned queries).",
            },
            "coverage-timeline": {
                "title": "Articles per day per outlet (summit days shaded)",
                "db": DATABASE,
                "query": COVERAGE_TIMELINE_SQL,
                "library": "vega-lite",
                "display": {
                    "height": 260,
                    "encoding": {"x": {"field": "day", "type": "ordinal", "title": "day"}},
                    "layer": [
                        {
                            "transform": [{"filter": "datum.summit_day == 1"}],
                            "mark": {"type": "rect", "color": "#fde68a", "opacity": 0.6},
                        },
                        {
                            "mark": {"type": "bar", "tooltip": True},
                            "encoding": {
                                "y": {
                                    "aggregate": "sum",
                                    "field": "articles",
                                    "type": "quantitative",
                                    "title": "articles",
                                },
                                "color": {"field": "outlet", "type": "nominal"},
                            },
                        },
                        {
                            "transform": [
                                {"filter": "datum.summit_day == 1"},
                                {
                                    "aggregate": [
                                        {"op": "sum", "field": "articles", "as": "total"}
                                    ],
                                    "groupby": ["day"],
                                },
                            ],
                            "mark": {"type": "text", "dy": -8, "fontWeight": "bold"},
                            "encoding": {
                                "y": {"field": "total", "type": "quantitative"},
                                "text": {"value": "summit"},
                            },
                        },
                    ],
                },
            },
            "reprint-delays": {
                "title": "Reprints: hours after the original, by outlet",
                "db": DATABASE,
                "query": REPRINT_DELAYS_SQL,
                "library": "vega-lite",
                "display": {
                    "height": 220,
                    "mark": {"type": "circle", "tooltip": True, "opacity": 0.8},
                    "encoding": {
                        "x": {
                            "field": "hours_later",
                            "type": "quantitative",
                            "title": "hours after the original",
                        },
                        "y": {"field": "reprinted_by", "type": "nominal", "title": "carried by"},
                        "color": {
                            "field": "original_outlet",
                            "type": "nominal",
                            "title": "original's outlet",
                        },
                        "size": {"field": "similarity", "type": "quantitative"},
                        "tooltip": [
                            {"field": "reprinted_by"},
                            {"field": "original_outlet"},
                            {"field": "hours_later"},
                            {"field": "similarity"},
                            {"field": "title"},
                        ],
                    },
                },
            },
        },
    }
}


def build_metadata() -> dict[str, Any]:
    """Datasette's metadata for an archive served under the name ``DATABASE``."""
    tables = copy.deepcopy(TABLES)
    tables.update({name: {"hidden": True} for name in HIDDEN_TABLES})
    return {
        "title": TITLE,
        "description_html": str(
            Markup('<p>{}</p><p>Pictures: <a href="{}">{}</a>.</p>').format(
                DESCRIPTION, f"/-/dashboards/{DASHBOARD}", DASHBOARDS[DASHBOARD]["title"]
            )
        ),
        "plugins": {"datasette-dashboards": copy.deepcopy(DASHBOARDS)},
        "databases": {
            DATABASE: {"tables": tables, "queries": copy.deepcopy(QUERIES)},
        },
    }
