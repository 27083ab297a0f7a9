"""Search queries on the folded-bigram index (crawler/store/search_index.py says how it is built).

A query is folded as the index is and each of its words becomes an FTS5 phrase of its pieces, so
any word of two or more characters matches wherever its characters occur in order, a Simplified
query finds Traditional text and the reverse, and Latin matches ignore case. bm25 ranks, title
above subtitle above captions above body, a query with at most RANKED_MATCHES matches whose
every phrase is in at most RANKED_PHRASE_ARTICLES articles. Any other query (a common word in a
large archive, or a rare word beside a common one) lists the title and subtitle matches among
its latest RANKED_MATCHES matches, then the others, each most recently archived first: bm25
would have to score every match, and before that count the articles holding each phrase over
the whole index, tens to hundreds of milliseconds at a million articles; the best of its ranks
are title matches anyway.

Query syntax: words (all must match), "quoted phrases", AND, OR, NOT, parentheses. Anything else
is searched as literal text: a user's query is never passed to FTS5 unquoted, so no input can
raise an SQLite error.

Reads no settings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import sqlite_utils

from crawler.errors import ArchiveError
from crawler.normalise.bylines import canonical_outlet
from crawler.normalise.script import to_simplified, to_traditional
from crawler.store.search_index import (
    CJK,
    CJK_RUN_REGEX,
    PIECE_REGEX,
    SEARCH_COLUMNS,
    SNIPPET_COLUMNS,
    fold,
    index_tokens,
)

# bm25 weights: a word in the title outweighs ten in the body.
COLUMN_WEIGHTS = {"title": 10.0, "subtitle": 5.0, "body": 1.0, "captions": 2.0}
# ... in the index's column order, as bm25() takes them.
WEIGHTS = tuple(COLUMN_WEIGHTS[column] for column in SEARCH_COLUMNS)
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
# FTS5's parser overflows its stack somewhere under 100 nested groups; nobody needs more than a few.
MAX_DEPTH = 8
QUERY_TOKEN_REGEX = re.compile(r'"[^"]*"?|\(|\)|[^\s"()]+')
OPERATORS = {"AND", "OR", "NOT"}
SNIPPET_CHARS = 40
# The most matches bm25 ranks (#21: 1.4 ms per thousand on the 2-core benchmark machine).
RANKED_MATCHES = 2000
# The most articles one phrase of a ranked query may be in: bm25 first counts the articles that
# hold each phrase, over the whole index (#21: 44 ms for 就香港 beside a rare word at 1,000,000).
RANKED_PHRASE_ARTICLES = 20_000
# Title and subtitle, as an FTS5 column filter.
HEADLINE_COLUMNS = "{title subtitle}"
PHRASE_REGEX = re.compile(r'"(?:[^"]|"")*"')


class SearchError(ArchiveError):
    """Raised by fts_query for a query that cannot be searched (empty, too long, one character)."""


def _phrase(term: str) -> str | None:
    """One query word or quoted phrase as an FTS5 phrase; None when it has nothing to search."""
    folded = fold(term)
    # Chinese is written without spaces: a space between two Chinese words inside quotes
    # would otherwise demand a break the text never has.
    folded = re.sub(rf"(?<=[{CJK}])\s+(?=[{CJK}])", "", folded)
    pieces = PIECE_REGEX.findall(folded)
    if not pieces:
        return None
    if any(CJK_RUN_REGEX.fullmatch(p) and len(p) == 1 for p in pieces) and len(pieces) == 1:
        raise SearchError(f"{term!r}: search for words of two or more Chinese characters")
    tokens = " ".join(index_tokens(folded))
    return '"' + tokens.replace('"', '""') + '"'


def fts_query(query: str) -> str:
    """Turn a user's query into a safe FTS5 MATCH expression over the folded index.

    Raises :class:`SearchError` for an empty or overlong query, one nested too deep, or a
    one-character word.

    Example: ``fts_query('新質生產力 OR "AI"')`` gives ``'"新质 质生 生产 产力" OR "ai"'``.
    """
    query = query.strip()
    if not query:
        raise SearchError("empty query: give a word to search for")
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"query too long: {len(query)} characters, at most {MAX_QUERY_CHARS}")
    parts: list[str] = []
    depth = 0
    for token in QUERY_TOKEN_REGEX.findall(query):
        if token in OPERATORS:
            parts.append(token)
        elif token == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise SearchError(f"too many nested parentheses: at most {MAX_DEPTH} levels")
            parts.append(token)
        elif token == ")":
            if depth:
                depth -= 1
                parts.append(token)
        else:
            phrase = _phrase(token.strip('"'))
            if phrase:
                parts.append(phrase)
    parts += [")"] * depth
    expression = _balance_operators(parts)
    terms = sum(1 for part in expression if part.startswith('"'))
    if not terms:
        raise SearchError(f"nothing to search for in {query!r}")
    if terms > MAX_TERMS:
        raise SearchError(f"too many words: {terms}, at most {MAX_TERMS}")
    return " ".join(expression)


def _balance_operators(parts: Sequence[str]) -> list[str]:
    """Drop AND/OR that have nothing on one side, and empty parentheses."""
    out: list[str] = []
    for part in parts:
        if part in OPERATORS:
            # FTS5 operators are binary. AND or OR with nothing before them change nothing
            # and are dropped; a NOT with nothing before it cannot be dropped without turning
            # the query around.
            if out and out[-1] not in OPERATORS and out[-1] != "(":
                out.append(part)
            elif part == "NOT":
                raise SearchError("NOT needs a word before it, as in: 高峰論壇 NOT 香港")
        elif part == ")":
            while out and out[-1] in OPERATORS:
                out.pop()
            if out and out[-1] == "(":
                out.pop()
            else:
                out.append(part)
        else:
            # FTS5 joins two phrases by AND implicitly, but not a group and its neighbour.
            if out and (out[-1] == ")" or (part == "(" and out[-1].startswith('"'))):
                out.append("AND")
            out.append(part)
    while out and out[-1] in OPERATORS:
        out.pop()
    return out


def query_words(query: str) -> list[str]:
    """The folded words and phrases of a query, for highlighting (operators left out)."""
    words = []
    for token in QUERY_TOKEN_REGEX.findall(query):
        if token in OPERATORS or token in "()":
            continue
        folded = re.sub(rf"(?<=[{CJK}])\s+(?=[{CJK}])", "", fold(token.strip('"'))).strip()
        if folded:
            words.append(folded)
    return sorted(set(words), key=len, reverse=True)


@dataclass(frozen=True)
class Match:
    """Where a query word occurs in a text: start and end offsets in the original."""

    start: int
    end: int


def find_matches(text: str, query: str) -> list[Match]:
    """Every occurrence of the query's words in ``text`` (in either script, any case)."""
    folded = _fold_aligned(text)
    matches: list[Match] = []
    for word in query_words(query):
        start = folded.find(word)
        while start != -1:
            matches.append(Match(start, start + len(word)))
            start = folded.find(word, start + len(word))
    return _merge(sorted(matches, key=lambda m: (m.start, -m.end)))


def _fold_aligned(text: str) -> str:
    """``fold(text)`` with one character per original character, so offsets carry over."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join(fold(char)[:1] or char for char in text)


def _merge(matches: list[Match]) -> list[Match]:
    merged: list[Match] = []
    for match in matches:
        if merged and match.start <= merged[-1].end:
            merged[-1] = Match(merged[-1].start, max(merged[-1].end, match.end))
        else:
            merged.append(match)
    return merged


def snippet(
    text: str | None,
    query: str,
    *,
    start: str = "[",
    end: str = "]",
    escape: bool = False,
    width: int = SNIPPET_CHARS,
) -> str:
    """A piece of the original text around the first match, matches marked.

    With ``escape`` the text is HTML-escaped around the marks (for ``<mark>``/``</mark>``).
    Without a match, the text's beginning.
    """
    text = text or ""
    matches = find_matches(text, query)
    first = matches[0].start if matches else 0
    left = max(0, first - width)
    right = min(len(text), first + width * 2)
    pieces = []
    cursor = left
    for match in (m for m in matches if m.start >= left and m.end <= right):
        pieces += [_text(text[cursor : match.start], escape), start]
        pieces += [_text(text[match.start : match.end], escape), end]
        cursor = match.end
    pieces.append(_text(text[cursor:right], escape))
    body = "".join(pieces)
    return ("…" if left else "") + body + ("…" if right < len(text) else "")


def _text(value: str, escape: bool) -> str:
    return html.escape(value) if escape else value


# The ranked order, without the texts: the rows (ARTICLES_SQL) are read for the page shown.
SEARCH_SQL = """
SELECT a.rowid, bm25(articles_search, {weights}) AS rank
FROM articles_search JOIN articles a ON a.rowid = articles_search.rowid
WHERE articles_search MATCH :match {filters}
ORDER BY rank, a.published DESC, a.id
"""
DATED_SEARCH_SQL = """
SELECT a.id, a.rowid AS rowid, a.published, a.outlet, a.title, a.subtitle, a.url,
       a.cluster_id, a.body, a.captions, 0.0 AS rank
FROM articles a
WHERE a.rowid IN (SELECT rowid FROM articles_search WHERE articles_search MATCH :match) {filters}
ORDER BY a.published {direction}, a.id
"""
# The orders `archive search --sort` offers; relevance (bm25, newest first among equals) is the
# Datasette search page's too.
SORTS = ("relevance", "newest", "oldest")


# Members of the shown clusters that match too: each member looked up in the index by its rowid,
# so the cost is the clusters' size, not the number of matches.
COPIES_SQL = """
SELECT a.cluster_id, count(*)
FROM articles a
WHERE a.cluster_id IN ({clusters}) {filters}
  AND EXISTS (SELECT 1 FROM articles_search WHERE articles_search MATCH :match
              AND articles_search.rowid = a.rowid)
GROUP BY a.cluster_id
"""
# The matches from rowid :floor on, up to :cap, in rowid order {direction}: DESC for the latest
# first; ASC to stop at the floor, as FTS5 seeks to a lower bound going up but reads on past it
# to the end of the doclists going down (#21: 0.4 against 54 ms at 1,000,000). {join} and
# {filters} as the searches'.
MATCHES_SQL = """
SELECT articles_search.rowid FROM articles_search {join}
WHERE articles_search MATCH :match AND articles_search.rowid >= :floor {filters}
ORDER BY articles_search.rowid {direction} LIMIT :cap
"""
# Up to :cap articles holding one phrase (the count of them, to that cap).
PHRASE_ARTICLES_SQL = """
SELECT count(*) FROM (SELECT 1 FROM articles_search WHERE articles_search MATCH :phrase LIMIT :cap)
"""
ARTICLES_SQL = """
SELECT a.id, a.rowid AS rowid, a.published, a.outlet, a.title, a.subtitle, a.url,
       a.cluster_id, a.body, a.captions
FROM articles a WHERE a.rowid IN ({rowids})
"""
# Rows of articles read at a time for the results (a page holds 20).
PAGE_ROWS = 50


FILTERS_SQL = {
    "outlet": "a.outlet = :outlet",
    "since": "a.published >= :since",
    "until": "substr(a.published, 1, 10) <= :until",
    "reporter": (
        "EXISTS (SELECT 1 FROM bylines b WHERE b.article_id = a.id"
        " AND b.role = 'reporter' AND b.name IN (:reporter, :reporter_hans, :reporter_hant))"
    ),
}


def search_articles(
    db: sqlite_utils.Database,
    query: str,
    *,
    outlet: str | None = None,
    reporter: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    all_versions: bool = False,
    sort: str = "relevance",
) -> list[dict[str, Any]]:
    """Articles matching ``query`` (crawler/query/search.py syntax) in the ``sort`` order (one of
    SORTS: bm25 relevance, newest or oldest first), with snippets.

    A cluster of near-duplicates counts once (its best-ranked member, with ``copies``, the
    number of its other members that match too) unless ``all_versions``. A result's ``rank`` is
    bm25's, or None when the query has more than RANKED_MATCHES matches (see the module).
    Raises SearchError for a query that cannot be searched.
    """
    params: dict[str, Any] = {
        "match": fts_query(query),
        "outlet": outlet and canonical_outlet(outlet),
        "since": since,
        "until": until,
        "reporter": reporter,
        "reporter_hans": reporter and to_simplified(reporter),
        "reporter_hant": reporter and to_traditional(reporter),
    }
    filters = "".join(f" AND {sql}" for key, sql in FILTERS_SQL.items() if params[key])
    if sort == "relevance":
        rows = _relevance_rows(db, params, filters)
    else:
        direction = "DESC" if sort == "newest" else "ASC"
        rows = db.query(DATED_SEARCH_SQL.format(filters=filters, direction=direction), params)
    results: list[dict[str, Any]] = []
    shown: dict[int, dict[str, Any]] = {}
    for row in rows:
        cluster = row["cluster_id"]
        if cluster is not None and cluster in shown and not all_versions:
            continue
        results.append(_search_result(row, query))
        if cluster is not None:
            shown[cluster] = results[-1]
        if len(results) >= limit:
            break
    if shown and not all_versions:
        count_sql = COPIES_SQL.format(
            filters=filters, clusters=", ".join(str(int(c)) for c in shown)
        )
        for cluster, matching in db.execute(count_sql, params):
            shown[cluster]["copies"] = matching - 1
    return results


def _relevance_rows(
    db: sqlite_utils.Database, params: dict[str, Any], filters: str
) -> Iterator[dict[str, Any]]:
    """Rows in relevance order: bm25's when the query is cheap to rank (see the module);
    otherwise the title and subtitle matches among the latest RANKED_MATCHES matches, then the
    rest, each the latest archived first."""
    join = "JOIN articles a ON a.rowid = articles_search.rowid" if filters else ""
    latest = MATCHES_SQL.format(join=join, filters=filters, direction="DESC")
    probe = {**params, "floor": 0, "cap": RANKED_MATCHES + 1}
    rowids = [row[0] for row in db.execute(latest, probe)]
    if not rowids:
        return
    if len(rowids) <= RANKED_MATCHES and _rankable(db, params["match"]):
        sql = SEARCH_SQL.format(weights=", ".join(map(str, WEIGHTS)), filters=filters)
        yield from _pages(db, db.execute(sql, params))
        return
    # Headline matches are looked for from the oldest of the latest RANKED_MATCHES matches on:
    # over the whole index, rare ones would mean reading every doclist to its end.
    floor = rowids[:RANKED_MATCHES][-1]
    headline = {**params, "match": f"{HEADLINE_COLUMNS} : ({params['match']})", "floor": floor}
    from_floor = MATCHES_SQL.format(join=join, filters=filters, direction="ASC")
    tiers = (
        reversed([rowid for (rowid,) in db.execute(from_floor, {**headline, "cap": -1})]),
        (rowid for (rowid,) in db.execute(latest, {**params, "floor": 0, "cap": -1})),
    )
    seen: set[int] = set()
    for tier in tiers:
        for row in _pages(db, ((rowid, None) for rowid in tier if rowid not in seen)):
            seen.add(row["rowid"])
            yield row


def _rankable(db: sqlite_utils.Database, match: str) -> bool:
    """Whether every phrase of a MATCH expression is in at most RANKED_PHRASE_ARTICLES articles."""
    cap = RANKED_PHRASE_ARTICLES + 1
    return all(
        db.execute(PHRASE_ARTICLES_SQL, {"phrase": phrase, "cap": cap}).fetchone()[0] < cap
        for phrase in PHRASE_REGEX.findall(match)
    )


def _pages(db: sqlite_utils.Database, ranked: Iterator[tuple[int, float | None]]) -> Iterator[dict]:
    """The rows of articles for (rowid, rank) pairs, in their order, read PAGE_ROWS at a time
    (rank None: too many matches to rank)."""
    while page := list(islice(ranked, PAGE_ROWS)):
        sql = ARTICLES_SQL.format(rowids=", ".join(str(int(rowid)) for rowid, _ in page))
        found = {row["rowid"]: row for row in db.query(sql)}
        yield from ({**found[rowid], "rank": rank} for rowid, rank in page if rowid in found)


def _search_result(row: dict[str, Any], query: str) -> dict[str, Any]:
    found_in = next(
        (row[c] for c in SNIPPET_COLUMNS if find_matches(row[c] or "", query)),
        row["body"],
    )
    return {
        "id": row["id"],
        "published": row["published"],
        "outlet": row["outlet"],
        "title": row["title"],
        "url": row["url"],
        "cluster_id": row["cluster_id"],
        "rank": None if row["rank"] is None else round(row["rank"], 3),
        "snippet": snippet(found_in, query),
        "copies": 0,
    }
