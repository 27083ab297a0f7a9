"""Chinese full-text search: query translation, snippets, agreement with a LIKE scan, the CLI."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from wcwidth import wcswidth

from crawler.cli import cli
from crawler.extract.page import extract_record
from crawler.query.search import (
    SearchError,
    find_matches,
    fts_query,
    search_articles,
    snippet,
)
from crawler.store import Archive, article_id
from crawler.store.search_index import fold, index_text
from tests.helpers import EXPECTED, MIRROR, REPO

sys.path.insert(0, str(REPO / "scripts"))
from bench_dedup import clause_pool, synthetic


@pytest.mark.parametrize(
    "query, expression",
    [
        ("新質生產力", '"新质 质生 生产 产力"'),
        ("新质生产力", '"新质 质生 生产 产力"'),
        ("香港", '"香港"'),
        ("科技 人才", '"科技" "人才"'),
        ('"科技 新質"', '"科技 技新 新质"'),
        ("高峰論壇 OR 論壇", '"高峰 峰论 论坛" OR "论坛"'),
        ("高峰論壇 NOT 香港", '"高峰 峰论 论坛" NOT "香港"'),
        ("(香港 OR 澳門) AND 人才", '( "香港" OR "澳门" ) AND "人才"'),
        ("AI前沿", '"ai 前沿"'),
        ("Summit", '"summit"'),
        ("科技+新質生產力", '"科技 新质 质生 生产 产力"'),
        ('"unbalanced', '"unbalanced"'),
        ("(香港 OR 澳門", '( "香港" OR "澳门" )'),
        ("香港)", '"香港"'),
        ("AND 香港 OR", '"香港"'),
        ("香港 AND AND 人才", '"香港" AND "人才"'),
        ('say "hi', '"say" "hi"'),
        ('a"b', '"a" "b"'),
        ("；香港。", '"香港"'),
        ('NEAR("x")', '"near" AND ( "x" )'),
        ("(香港) 人才", '( "香港" ) AND "人才"'),
        ("*香港*", '"香港"'),
    ],
    ids=[
        "traditional",
        "simplified",
        "two-chars",
        "two-words",
        "quoted-phrase",
        "or",
        "not",
        "parentheses",
        "latin-and-cjk",
        "latin",
        "plus-sign",
        "unbalanced-quote",
        "unclosed-parenthesis",
        "stray-close",
        "stray-operators",
        "doubled-operator",
        "quote-in-middle",
        "quote-inside-word",
        "punctuation",
        "fts5-syntax-is-text",
        "group-then-word",
        "stars",
    ],
)
def test_queries_become_safe_fts5_expressions(query: str, expression: str) -> None:
    assert fts_query(query) == expression


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("OR", "nothing to search for"),
        ("()", "nothing to search for"),
        ("。！", "nothing to search for"),
        ("港", "two or more Chinese characters"),
        ("NOT 香港", "NOT needs a word before it"),
        ("香港 " * 300, "query too long"),
        (" ".join(f"w{n}" for n in range(40)), "too many words"),
        ("(" * 100 + "香港 科技" + ")" * 100, "too many nested parentheses"),
    ],
    ids=[
        "empty",
        "blank",
        "operator",
        "parentheses",
        "punctuation",
        "one-char",
        "leading-not",
        "huge",
        "too-many-words",
        "nested-100",
    ],
)
def test_unsearchable_queries_get_a_clear_message(query: str, message: str) -> None:
    with pytest.raises(SearchError, match=message):
        fts_query(query)


@pytest.mark.parametrize(
    "text, indexed",
    [
        ("新質生產力", "新质 质生 生产 产力"),
        ("香港商報", "香港 港商 商报"),
        ("AI前沿技術", "ai 前沿 沿技 技术"),
        ("2024科技+新質生產力高峰論壇", "2024 科技 新质 质生 生产 产力 力高 高峰 峰论 论坛"),
        ("港", "港"),
        ("Science and Technology", "science and technology"),
        ("", ""),
    ],
    ids=["word", "outlet", "latin-cjk", "banner", "one-char", "english", "empty"],
)
def test_text_is_indexed_as_folded_bigrams(text: str, indexed: str) -> None:
    assert index_text(text) == indexed


@pytest.mark.parametrize(
    "text, query, expected",
    [
        (
            "李家超表示，發展新質生產力是關鍵。",
            "新质生产力",
            "李家超表示，發展[新質生產力]是關鍵。",
        ),
        ("香港商報訊", "香港", "[香港]商報訊"),
        ("Summit on AI in Hong Kong", "ai", "Summit on [AI] in Hong Kong"),
        ("<b>新質</b>生產力", "生產力", "&lt;b&gt;新質&lt;/b&gt;[生產力]"),
        ("沒有關係的文字", "香港", "沒有關係的文字"),
    ],
    ids=["cross-script", "prefix", "latin-case", "html-escaped", "no-match"],
)
def test_snippets_mark_matches_in_the_original_text(text: str, query: str, expected: str) -> None:
    assert snippet(text, query, escape="<" in text) == expected


def test_long_snippets_are_cut_around_the_first_match() -> None:
    text = "甲" * 100 + "新質生產力" + "乙" * 100
    cut = snippet(text, "新質生產力", start="<mark>", end="</mark>")
    assert cut.startswith("…甲") and cut.endswith("乙…")
    assert "<mark>新質生產力</mark>" in cut
    assert len(cut) < 140


# Agreement with a LIKE scan -------------------------------------------------------------------


def corpus_records() -> list[dict]:
    records = []
    for expected in sorted(EXPECTED.glob("*.json")):
        for entry in json.loads(expected.read_text(encoding="utf-8")):
            parts = urlsplit(entry["url"])
            body = (MIRROR / parts.hostname / parts.path.lstrip("/")).read_bytes()
            records.append(extract_record(entry["url"], body, {}))
    pool = clause_pool()
    for number, (_, text) in enumerate(synthetic(1000 - len(records), pool, seed=7)):
        url = f"https://synthetic.example/{number}.html"
        records.append(
            {
                **records[number % len(records)],
                "url": url,
                "canonical_url": url,
                "title": text[:20],
                "subtitle": None,
                "body": text,
                "images": [],
                "content_hash": f"sha256:{number}",
            }
        )
    return records


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    archive = Archive.open(tmp_path_factory.mktemp("search") / "archive.db")
    for record in corpus_records():
        archive.save_article(record, crawl_id=None, http_status=200, fetched_at="2024-09-01")
    return archive


def like_scan(archive: Archive, words: list[str]) -> set[str]:
    """Articles holding every word: Chinese as substrings, Latin as whole words (LIKE + regex)."""
    conn = archive.db.conn
    conn.create_function("fold", 1, lambda text: fold(text or ""), deterministic=True)
    # A Latin word stands between any two characters that are not Latin letters or digits.
    conn.create_function(
        "has_word",
        2,
        lambda text, word: (
            re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None
        ),
    )
    clauses, params = [], []
    for word in words:
        folded = fold(word)
        if re.fullmatch(r"[a-z0-9 ]+", folded):
            clauses.append(
                "has_word(fold(coalesce(title,'') || ' ' || coalesce(subtitle,'') "
                "|| ' ' || body || ' ' || coalesce(captions,'')), ?)"
            )
        else:
            clauses.append(
                "fold(coalesce(title,'') || '\n' || coalesce(subtitle,'') || '\n' "
                "|| body || '\n' || coalesce(captions,'')) LIKE '%' || ? || '%'"
            )
        params.append(folded)
    sql = f"SELECT id FROM articles WHERE {' AND '.join(clauses)}"
    return {row[0] for row in conn.execute(sql, params)}


def fifty_queries() -> list[list[str]]:
    """Words of two to six characters from the corpus's titles in both scripts, Latin words."""
    rng = random.Random(2024)
    titles = [r["title"] for r in corpus_records()[:125] if r["title"]]
    queries: list[list[str]] = []
    while len(queries) < 40:
        title = rng.choice(titles)
        runs = [run for run in re.findall(r"[\u4e00-\u9fff]{2,}", title)]
        if not runs:
            continue
        run = rng.choice(runs)
        size = rng.randint(2, min(6, len(run)))
        start = rng.randint(0, len(run) - size)
        word = run[start : start + size]
        queries.append([fold(word) if len(queries) % 2 else word])
    queries += [["香港", "人才"], ["科技", "論壇"], ["新質生產力", "李家超"]]
    queries += [["summit"], ["ai"], ["hong"], ["science"], ["nqpf"], ["kong"], ["2024"]]
    return queries


@pytest.mark.parametrize("words", fifty_queries(), ids=lambda words: "+".join(words))
def test_search_finds_what_a_like_scan_finds(corpus: Archive, words: list[str]) -> None:
    found = search_articles(corpus.db, " ".join(words), limit=10_000, all_versions=True)
    assert {row["id"] for row in found} == like_scan(corpus, words)


# The command ----------------------------------------------------------------------------------


def test_archive_search_collapses_copies_and_filters(corpus: Archive, tmp_path: Path) -> None:
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    run = CliRunner().invoke
    rows = json.loads(
        run(cli, ["search", "新质生产力", "--db", db, "--format", "json", "--limit", "5000"]).output
    )
    assert rows and all("[" in row["snippet"] for row in rows)
    clusters = [row["cluster_id"] for row in rows if row["cluster_id"] is not None]
    assert len(clusters) == len(set(clusters))
    every = json.loads(
        run(
            cli,
            [
                "search",
                "新质生产力",
                "--db",
                db,
                "--format",
                "json",
                "--limit",
                "5000",
                "--all-versions",
            ],
        ).output
    )
    assert len(every) == len(rows) + sum(row["copies"] for row in rows)
    hkcd = json.loads(
        run(
            cli,
            [
                "search",
                "新質生產力",
                "--db",
                db,
                "--format",
                "json",
                "--outlet",
                "香港商报",
                "--since",
                "2024-08-30",
                "--until",
                "2024-08-30",
            ],
        ).output
    )
    assert hkcd and {row["outlet"] for row in hkcd} == {"香港商報"}
    assert {row["published"][:10] for row in hkcd} == {"2024-08-30"}
    reporter = json.loads(
        run(
            cli, ["search", "新質生產力", "--db", db, "--format", "json", "--reporter", "王丹丹"]
        ).output
    )
    assert {row["outlet"] for row in reporter} >= {"香港商報"}


NESTED = "(" * 100 + "香港 科技" + ")" * 100


@pytest.mark.parametrize(
    "query", ['"', "NOT", "港", "(", "'", "\\", "%", "AND OR NOT", NESTED, "香港 " * 300]
)
@pytest.mark.parametrize("command", ["search", "export"])
def test_archive_search_and_export_never_show_a_traceback(
    corpus: Archive, query: str, command: str, tmp_path: Path
) -> None:
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    args = (
        [query]
        if command == "search"
        else ["--query", query, "--output", str(tmp_path / "x.jsonl")]
    )
    result = CliRunner().invoke(cli, [command, *args, "--db", db])
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_export_writes_records_and_csv(corpus: Archive, tmp_path: Path) -> None:
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "summit.jsonl"
    result = CliRunner().invoke(
        cli, ["export", "--query", "高峰論壇", "--output", str(out), "--db", db]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and all({"url", "bylines", "images", "body"} <= set(r) for r in records)
    assert f"Exported {len(records)} articles" in result.output
    csv_out = tmp_path / "summit.csv"
    CliRunner().invoke(
        cli,
        ["export", "--format", "csv", "--outlet", "香港商報", "--output", str(csv_out), "--db", db],
    )
    text = csv_out.read_text(encoding="utf-8")
    assert text.startswith("id,url,canonical_url,outlet,title")
    assert "reporter:王丹丹 (香港商報)" in text
    assert all(record["id"] == article_id(record["canonical_url"]) for record in records)


def test_export_for_excel_starts_with_a_byte_order_mark(corpus: Archive, tmp_path: Path) -> None:
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "summit.csv"
    result = CliRunner().invoke(cli, ["export", "--excel", "--output", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,url,")
    assert "香港商報" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", "香港", "--since", "2024-09-01", "--until", "2024-08-01"], "is after --until"),
        (["export", "--since", "2024-09-01", "--until", "2024-08-01"], "is after --until"),
        (["export", "--output", "{tmp}/no/such/folder/x.jsonl"], "cannot write"),
    ],
    ids=["search-window", "export-window", "export-missing-folder"],
)
def test_export_and_search_refuse_in_one_line(
    corpus: Archive, tmp_path: Path, args: list[str], message: str
) -> None:
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    command = [arg.format(tmp=tmp_path) for arg in args]
    result = CliRunner().invoke(cli, [*command, "--db", db])
    assert result.exit_code in (1, 2)
    assert message in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_reindex_rebuilds_the_index(corpus: Archive) -> None:
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    before = len(search_articles(corpus.db, "新質生產力", limit=1000, all_versions=True))
    corpus.db.execute("DELETE FROM articles_search")
    assert search_articles(corpus.db, "新質生產力", limit=1000, all_versions=True) == []
    result = CliRunner().invoke(cli, ["reindex", "--db", db])
    assert result.exit_code == 0
    assert len(search_articles(corpus.db, "新質生產力", limit=1000, all_versions=True)) == before


@pytest.mark.parametrize("sort, newest_first", [("newest", True), ("oldest", False)])
def test_a_search_sorted_by_date_comes_back_in_that_order(
    corpus: Archive, sort: str, newest_first: bool
) -> None:
    found = search_articles(corpus.db, "香港", limit=30, all_versions=True, sort=sort)
    published = [row["published"] for row in found]
    assert len(found) == 30 and published == sorted(published, reverse=newest_first)


def test_relevance_ranks_by_bm25_even_for_a_word_in_most_articles(corpus: Archive) -> None:
    """The CLI's default order is the Datasette search page's, whatever the words."""
    found = search_articles(corpus.db, "香港", limit=200, all_versions=True)
    assert [row["rank"] for row in found] == sorted(row["rank"] for row in found)


def test_archive_search_says_which_order_it_is_in(corpus: Archive) -> None:
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    for sort, words in [("relevance", "best match first (bm25"), ("newest", "newest first")]:
        result = CliRunner().invoke(cli, ["search", "香港", "--sort", sort, "--db", db])
        assert result.exit_code == 0, result.output
        assert words in result.output.splitlines()[-1]


HKCD_PAGE = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"


@pytest.mark.parametrize(
    "args",
    [["search", "新質生產力", "--limit", "50"], ["stats"],
     ["dupes", "--min-similarity", "0.5"], ["history", HKCD_PAGE]],
    ids=["search", "stats", "dupes", "history"],
)  # fmt: skip
def test_every_table_fits_100_columns_when_piped(corpus: Archive, args: list[str]) -> None:
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    result = CliRunner().invoke(cli, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) > 2
    assert max(wcswidth(line) for line in lines) <= 100


@pytest.mark.parametrize(
    "limit, value, latest",
    [("RANKED_MATCHES", 10, 10), ("RANKED_PHRASE_ARTICLES", 5, None)],
    ids=["too-many-matches", "too-common-a-word"],
)
def test_a_query_too_costly_to_rank_lists_recent_headline_matches_first(
    corpus: Archive, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, latest: int | None
) -> None:
    """(#21) More than RANKED_MATCHES matches, or a word in more than RANKED_PHRASE_ARTICLES
    articles: the title and subtitle matches among the latest RANKED_MATCHES matches, then the
    rest, each latest archived first, unranked, and every match still found."""
    everything = search_articles(corpus.db, "香港", limit=10_000, all_versions=True)
    monkeypatch.setattr(f"crawler.query.search.{limit}", value)
    found = search_articles(corpus.db, "香港", limit=10_000, all_versions=True)
    rows = {row["id"]: row for row in corpus.db.query("SELECT *, rowid FROM articles")}
    newest_first = sorted((r["id"] for r in everything), key=lambda key: -rows[key]["rowid"])
    recent = newest_first[:latest]
    headline = [
        key
        for key in recent
        if find_matches(f"{rows[key]['title']} {rows[key]['subtitle']}", "香港")
    ]
    assert 0 < len(headline) < len(found)
    assert [r["id"] for r in found] == headline + [k for k in newest_first if k not in headline]
    assert all(r["rank"] is None for r in found)
    assert all(r["rank"] is not None for r in everything)


def test_the_cli_says_when_a_query_has_too_many_matches_to_rank(
    corpus: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("crawler.query.search.RANKED_MATCHES", 10)
    db = corpus.db.conn.execute("PRAGMA database_list").fetchone()[2]
    result = CliRunner().invoke(cli, ["search", "香港", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].endswith(
        "articles, too costly to rank (more than 10 matches, or a word in more than 20,000"
        " articles): title and subtitle matches among the latest 10 first, then the rest, each"
        " the latest archived first."
    )
