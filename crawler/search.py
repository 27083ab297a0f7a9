"""Full-text search that works for Chinese: folded bigrams in an FTS5 index.

SQLite's default tokenizer takes a run of Chinese characters for one word (香港 misses
香港商報) and its trigram tokenizer finds nothing for two-character words. So the archive keeps
its own FTS5 table, ``articles_search``, whose columns hold the text *as indexed*: folded to
Simplified script and lower case (OpenCC), each run of Chinese characters written as its
overlapping two-character pieces (新质生产力 -> 新质 质生 生产 产力), Latin words and numbers as
they are. A query is folded the same way and each of its words becomes an FTS5 phrase of its
pieces, so any word of two or more characters matches wherever its characters occur in order, a
Simplified query finds Traditional text and the reverse, and Latin matches ignore case. bm25
ranks, title above subtitle above captions above body. Figures that chose this design over the
trigram tokenizer are in BENCHMARKS.md.

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

from crawler.errors import ArchiveError
from crawler.normalise.script import to_simplified

SEARCH_TABLE = "articles_search"
SEARCH_COLUMNS = ("title", "subtitle", "body", "captions")
# bm25 weights in SEARCH_COLUMNS order: a word in the title outweighs ten in the body.
WEIGHTS = (10.0, 5.0, 1.0, 2.0)
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PIECE_REGEX = re.compile(rf"[{CJK}]+|(?:(?![{CJK}])[^\W_])+", re.UNICODE)
CJK_RUN_REGEX = re.compile(rf"[{CJK}]+")
QUERY_TOKEN_REGEX = re.compile(r'"[^"]*"?|\(|\)|[^\s"()]+')
OPERATORS = {"AND", "OR", "NOT"}
SNIPPET_CHARS = 40


class SearchError(ArchiveError):
    """Raised by fts_query for a query that cannot be searched (empty, too long, one character)."""


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

    Raises :class:`SearchError` for an empty or overlong query or a one-character word.

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


def expression_terms(expression: str) -> list[str]:
    """The index tokens an FTS5 expression made by :func:`fts_query` looks for."""
    return sorted(
        {
            token
            for phrase in re.findall(r'"((?:[^"]|"")*)"', expression)
            for token in phrase.replace('""', '"').split()
        }
    )


def worth_ranking(document_counts: Sequence[int], documents: int) -> bool:
    """Whether bm25 can tell matches apart: not when every term is in most documents.

    bm25 gives a term found in more than half the documents an IDF of about zero (FTS5 clamps
    it to 1e-6), so when every term of a query is that common all matches score alike, and
    scoring them all is wasted work: such a query is answered newest first instead.
    """
    return not document_counts or any(count * 2 <= documents for count in document_counts)


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


def index_rows(rows: Iterator[dict]) -> Iterator[tuple]:
    """(rowid, title, subtitle, body, captions) as indexed, for rows of articles."""
    for row in rows:
        yield (row["rowid"], *(index_text(row.get(column)) for column in SEARCH_COLUMNS))
