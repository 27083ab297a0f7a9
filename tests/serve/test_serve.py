"""`archive serve`: Datasette in-process over a real archive file: metadata, facets, canned
queries, the plugin's search functions, escaping of stored HTML, and read-only serving."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

import httpx
import pytest
from click.testing import CliRunner
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from crawler.cli import cli
from crawler.serve import plugin as datasette_plugin
from crawler.serve.app import archive_datasette
from crawler.serve.metadata import DASHBOARDS, HIDDEN_TABLES, QUERIES, SERVE_OPTIONS, TABLES
from crawler.serve.pages import SNIPPET_CHARS
from crawler.serve.sql_functions import (
    MAX_TEXT_CHARS,
    archive_fold,
    archive_fts_phrases,
    archive_fts_query,
    archive_snippet,
)
from crawler.store import Archive, article_id
from tests.helpers import HKCD_RECORD, HKCD_URL, REPO

URL = HKCD_URL
REPRINT_URL = "https://www.locpg.gov.cn/jsdt/2024-08/30/c_1212345678.htm"
HOSTILE_URL = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/31/content_8652999.html"
BODY = (
    "【香港商報訊】記者鍾文華報道：昨日，「科技+新質生產力高峰論壇」在本港舉辦。"
    "特首表示，特區政府將從四方面加快發展新質生產力，推動香港建設國際創新科技中心。"
    "論壇吸引約三百名政商學界人士出席，與會者就人工智能與基礎科研交流意見。"
)
ARTICLE = {
    **HKCD_RECORD,
    "bylines": [{"role": "reporter", "name": "鍾文華", "outlet": "香港商報"}],
    "body": BODY,
    "sections": [],
    "images": [
        {
            "src": "https://www.hkcd.com.hk/hkcdweb/images/2024-08/30/a8652301_2.jpg",
            "caption": "主禮嘉賓主持啓動儀式。",
            "caption_raw": "主禮嘉賓主持啓動儀式。記者 蔡啓文攝",
            "source": None,
            "photographer": "蔡啓文",
        }
    ],
    "mentioned_dates": [],
    "content_hash": "sha256:hant",
}
# The same story in Simplified script, by another outlet: a reprint in the same cluster.
REPRINT = {
    **ARTICLE,
    "url": REPRINT_URL,
    "canonical_url": REPRINT_URL,
    "outlet": "中聯辦網站",
    "original_outlet": "香港商報",
    "title": "香港举办科技论坛",
    "subtitle": None,
    "published": "2024-08-30T10:00:00+08:00",
    "bylines": [],
    "body": BODY.replace("鍾文華", "钟文华")
    .replace("與", "与")
    .replace("會", "会")
    .replace("質", "质")
    .replace("產", "产"),
    "images": [],
    "script": "Hans",
    "content_hash": "sha256:hans",
}
HOSTILE = {
    **ARTICLE,
    "url": HOSTILE_URL,
    "canonical_url": HOSTILE_URL,
    "title": "<script>alert(1)</script>峰會花絮",
    "subtitle": None,
    "published": "2024-09-02T08:00:00+08:00",
    "bylines": [],
    "body": "峰會花絮：<b>粗體</b>與會者參觀展覽。<script>alert(2)</script>",
    "images": [
        {
            "src": "javascript:alert(3)",
            "caption": "<img src=x onerror=alert(4)>展覽",
            "caption_raw": "<img src=x onerror=alert(4)>展覽",
            "source": "<i>主辦方</i>",
            "photographer": None,
        }
    ],
    "content_hash": "sha256:hostile",
}


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real archive file: an article, its Simplified reprint, a hostile page, a crawl."""
    path = tmp_path_factory.mktemp("serve") / "archive.db"
    archive = Archive.open(path)
    crawl = archive.start_crawl(source="hkcd", campaign="summit")
    for record in (ARTICLE, REPRINT, HOSTILE):
        archive.save_article(record, crawl_id=crawl, http_status=200, fetched_at="2024-09-03")
    archive.record_fetch_error(crawl, url=f"{URL}?broken", reason="timeout")
    archive.record_fetch_error(crawl, url=f"{URL}?gone", reason="http 404", http_status=404)
    archive.finish_crawl(crawl, status="finished", counts={"pages": 5, "errors": 2})
    archive.close()
    return path


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def datasette(archive_path: Path) -> Datasette:
    return archive_datasette(archive_path)


Get = Callable[..., httpx.Response]


@pytest.fixture(scope="module")
def get(datasette: Datasette, loop: asyncio.AbstractEventLoop) -> Get:
    """GET a path of the served archive, with query parameters."""

    def get(path: str, **params: str) -> httpx.Response:
        query = f"?{urlencode(params)}" if params else ""
        return loop.run_until_complete(datasette.client.get(path + query))

    return get


def rows(get: Get, query: str, **params: str) -> list[dict]:
    response = get(f"/archive/{query}.json", _shape="array", **params)
    assert response.status_code == 200, response.text
    return response.json()


# Metadata ------------------------------------------------------------------------------------


def test_the_archive_has_a_title_and_every_visible_table_is_described(get: Get) -> None:
    assert "新質生產力" in get("/").text
    tables = get("/archive.json").json()["tables"]
    visible = {t["name"] for t in tables if not t["hidden"]}
    undescribed = visible - set(TABLES)
    assert not undescribed, "describe them in TABLES of crawler/serve/metadata.py or hide them"
    for name in visible:
        columns = get(f"/archive/{name}.json", _size="0").json()["columns"]
        undescribed = set(columns) - set(TABLES[name]["columns"])
        assert not undescribed, f"describe them in TABLES[{name!r}]['columns']"


def test_internal_tables_are_hidden(get: Get) -> None:
    hidden = {t["name"] for t in get("/archive.json").json()["tables"] if t["hidden"]}
    assert set(HIDDEN_TABLES) <= hidden
    assert {"articles_search", "articles_search_data", "articles_search_idx"} <= hidden


def test_articles_have_outlet_month_and_script_facets(get: Get) -> None:
    facets = get("/archive/articles.json").json()["facet_results"]
    assert {"outlet", "published", "script"} <= set(facets)
    months = {r["value"]: r["count"] for r in facets["published"]["results"]}
    # The reprint was published at 10:00 on 30 August in Hong Kong; the hostile page on 2 Sept.
    assert months == {"2024-08": 2, "2024-09": 1}
    script = {r["value"]: r["count"] for r in facets["script"]["results"]}
    assert script == {"Hant": 2, "Hans": 1}
    august = next(r for r in facets["published"]["results"] if r["value"] == "2024-08")
    assert "published__startswith=2024-08" in august["toggle_url"]
    titles = {row["title"] for row in rows(get, "articles", published__startswith="2024-08")}
    assert titles == {ARTICLE["title"], REPRINT["title"]}


def test_bylines_facet_by_name_and_articles_sort_by_date(get: Get) -> None:
    facets = get("/archive/bylines.json").json()["facet_results"]
    assert [r["value"] for r in facets["name"]["results"]] == ["鍾文華"]
    newest_first = [row["published"] for row in rows(get, "articles")]
    assert newest_first == sorted(newest_first, reverse=True)
    oldest_first = [row["published"] for row in rows(get, "articles", _sort="first_seen")]
    assert len(oldest_first) == 3
    assert get("/archive/articles.json", _sort="body").json()["error"] == (
        "Cannot sort table by body"
    )


# The search functions and the canned search ---------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["新质生产力", "新質生產力", "方向", "發展", "发展", "港府 发展"],
    ids=["simplified", "traditional", "two-chars", "two-chars-hant", "two-chars-hans", "two-words"],
)
def test_search_finds_two_character_and_cross_script_matches(get: Get, query: str) -> None:
    found = rows(get, "search", q=query)
    assert [row["article_id"] for row in found] == [article_id(URL)]
    assert "<mark>" in found[0]["snippet"]


def test_search_collapses_a_story_and_counts_its_copies(get: Get) -> None:
    (hit,) = rows(get, "search", q="新质生产力")
    assert (hit["article_id"], hit["copies"]) == (article_id(URL), 1)
    assert hit["snippet"].count("<mark>新質生產力</mark>") == 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        "新",
        '"',
        "NOT 香港",
        "()",
        "*",
        "a" * 600,
        "(" * 100 + "香港" + ")" * 100,
    ],
    ids=["empty", "one-char", "quote", "not-first", "parens", "star", "too-long", "nested"],
)
def test_an_unsearchable_query_matches_nothing_and_raises_no_error(get: Get, query: str) -> None:
    assert archive_fts_query(query) == '""'
    assert rows(get, "search", q=query) == []


@pytest.mark.parametrize(
    "query",
    ['NEAR("香港" "論壇", 2)', "x' OR 1=1 --", "'); DROP TABLE articles; --", "論壇 AND (OR"],
    ids=["fts5-syntax", "sql-injection", "drop", "broken-operators"],
)
def test_a_hostile_query_is_searched_as_text(get: Get, query: str) -> None:
    response = get("/archive/search.json", q=query, _shape="array")
    assert response.status_code == 200, response.text
    assert len(rows(get, "articles")) == 3


@pytest.mark.parametrize(
    "query, phrases",
    [
        ("新質生產力", ['"新质 质生 生产 产力"']),
        ("香港 NOT 論壇", ['"香港"', '"论坛"']),
        ('"AI 高峰" OR 科技', ['"ai 高峰"', '"科技"']),
        ("新", ['""']),
    ],
    ids=["one-word", "not", "phrase-or", "unsearchable"],
)
def test_archive_fts_phrases_lists_what_the_search_page_counts(query: str, phrases: list) -> None:
    assert json.loads(archive_fts_phrases(query)) == phrases


def test_sql_functions_take_no_more_than_an_articles_text() -> None:
    huge = "香港" * (MAX_TEXT_CHARS // 2) + "新質生產力"
    assert archive_fold(huge) is None
    assert archive_fold("新質生產力") == "新质生产力"
    assert archive_fts_query(huge) == '""'
    assert "<mark>" not in archive_snippet(huge, "新質生產力")


def test_snippets_escape_the_text_and_mark_the_matches() -> None:
    assert archive_snippet("<b>新質生產力</b>", "新质生产力") == (
        "&lt;b&gt;<mark>新質生產力</mark>&lt;/b&gt;"
    )
    assert archive_snippet(None, None) == ""


def test_the_search_page_shows_marked_snippets_and_links_titles(get: Get) -> None:
    page = get("/archive/search", q="新质生产力").text
    assert "<mark>新質生產力</mark>" in page
    assert f'<a href="/archive/articles/{article_id(URL)}">{ARTICLE["title"]}</a>' in page


# HTML stored in the archive is text -------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/archive/articles",
        f"/archive/articles/{article_id(HOSTILE_URL)}",
        "/archive/images",
        "/archive/search?q=%E8%8A%B1%E7%B5%AE",  # 花絮
    ],
    ids=["table", "row", "images", "search"],
)
def test_html_in_stored_titles_and_captions_is_shown_as_text(get: Get, path: str) -> None:
    page = get(path).text
    assert "alert(" in page
    for markup in ("<script>alert", "<img src=x", "<b>粗體", "<i>主辦方", 'href="javascript:'):
        assert markup not in page


def test_snippet_markup_cannot_be_forged_in_sql(get: Get) -> None:
    forged = get("/archive", sql="SELECT '<script>alert(1)</script>' AS snippet").text
    assert "<script>alert(1)" not in forged and "&lt;script&gt;alert(1)" in forged
    marked = get("/archive", sql="SELECT 'a <mark>b</mark>' AS snippet").text
    assert "a <mark>b</mark>" in marked


# The article's page and the other canned queries ----------------------------------------------


def test_an_articles_page_shows_its_images_captions_and_credits(get: Get) -> None:
    page = get(f"/archive/articles/{article_id(URL)}").text
    images = page.split("<h2>Images</h2>", 1)[1]
    for text in ("主禮嘉賓主持啓動儀式。", "蔡啓文", ARTICLE["images"][0]["src"]):
        assert text in images
    assert "鍾文華" in page.split("<h2>Bylines</h2>", 1)[1]
    assert "/archive/reprints_of_a_story?article=" in page


def test_the_articles_table_shows_reporters_and_the_start_of_each_body(get: Get) -> None:
    page = get("/archive/articles").text
    assert '<td class="col-reporters">鍾文華</td>' in page
    assert ARTICLE["body"] not in page
    # SNIPPET_CHARS in all, the ellipsis included (Jinja's truncate).
    start = " ".join(ARTICLE["body"].split())[: SNIPPET_CHARS - 1]
    assert f'<td class="col-snippet">{start}…</td>' in page


def test_an_articles_page_links_no_internal_table(get: Get) -> None:
    page = get(f"/archive/articles/{article_id(URL)}").text
    links = page.split("<h2>Links from other tables</h2>", 1)[1]
    assert "in bylines" in links and "in images" in links
    for internal in ("articles_search", "minhashes", "lsh_buckets", "lsh_recent"):
        assert f"in {internal}" not in links


def test_an_articles_page_shows_its_provenance_and_its_storys_other_places(get: Get) -> None:
    page = get(f"/archive/articles/{article_id(REPRINT_URL)}").text
    provenance = page.split("<h2>Provenance</h2>", 1)[1].split("<h2>", 1)[0]
    assert REPRINT_URL in provenance and "2024-09-03" in provenance
    story = page.split("<h2>Other places this story appeared</h2>", 1)[1].split("<h2>", 1)[0]
    assert "香港商報 (original)" in story and ARTICLE["title"] in story


@pytest.mark.parametrize(
    ("query", "reason"),
    [("港", "two or more Chinese characters"), ("？", "nothing to search for")],
    ids=["one-character", "punctuation"],
)
def test_the_search_page_says_why_a_query_finds_nothing(get: Get, query: str, reason: str) -> None:
    page = get("/archive/search", q=query).text
    assert '<p class="message-warning search-problem">No results: ' in page
    assert reason in page.split("search-problem", 2)[2]


def test_the_search_page_gives_no_reason_for_a_searchable_query(get: Get) -> None:
    assert "No results:" not in get("/archive/search", q="新质生产力").text
    assert "No results:" not in get("/archive/search").text


def test_articles_by_reporter_takes_the_name_in_either_script(get: Get) -> None:
    found = rows(get, "articles_by_reporter", reporter="钟文华")
    assert [(row["title"], row["role"], row["name"]) for row in found] == [
        (ARTICLE["title"], "reporter", "鍾文華")
    ]


def test_articles_by_reporter_finds_a_photographer_by_the_pictures_credit(get: Get) -> None:
    found = rows(get, "articles_by_reporter", reporter="蔡启文")
    assert [(row["title"], row["role"], row["name"]) for row in found] == [
        (ARTICLE["title"], "photographer", "蔡啓文")
    ]


@pytest.mark.parametrize("article", [article_id(REPRINT_URL), REPRINT_URL, URL])
def test_reprints_of_a_story_lists_the_original_first(get: Get, article: str) -> None:
    found = rows(get, "reprints_of_a_story", article=article)
    assert [(row["original"], row["outlet"]) for row in found] == [
        (1, "香港商報"),
        (0, "中聯辦網站"),
    ]


def test_every_dashboard_chart_runs_a_canned_querys_sql() -> None:
    canned = {query["sql"] for query in QUERIES.values()}
    charts = [c for d in DASHBOARDS.values() for c in d["charts"].values() if "query" in c]
    assert len(charts) == 2
    assert all(chart["query"] in canned for chart in charts)


def test_reprint_delays_gives_the_hours_after_the_original(get: Get) -> None:
    (reprint,) = rows(get, "reprint_delays")
    assert (reprint["original_outlet"], reprint["reprinted_by"]) == ("香港商報", "中聯辦網站")
    # 10:00:00 less 04:21:37, both +08:00.
    assert reprint["hours_later"] == 5.6


def test_the_crawl_log_counts_fetch_errors(get: Get) -> None:
    (crawl,) = rows(get, "crawl_log")
    assert (crawl["source"], crawl["status"], crawl["fetch_errors"]) == ("hkcd", "finished", 2)


# Read-only -------------------------------------------------------------------------------------


@hookimpl
def canned_queries(database: str) -> dict:
    """A write canned query, as Datasette lets plugins add."""
    return {"vandalise": {"sql": "UPDATE articles SET title = 'vandalised'", "write": True}}


@pytest.fixture
def writing_plugin() -> Iterator[None]:
    plugin = ModuleType("writing_plugin")
    plugin.canned_queries = canned_queries  # type: ignore[attr-defined]
    pm.register(plugin, name="writing-plugin")
    yield
    pm.unregister(name="writing-plugin")


def test_nothing_served_can_write_to_the_archive(
    archive_path: Path, loop: asyncio.AbstractEventLoop, writing_plugin: None
) -> None:
    before = hashlib.sha256(archive_path.read_bytes()).hexdigest()
    datasette = archive_datasette(archive_path)
    db = datasette.get_database("archive")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        loop.run_until_complete(db.execute_write("UPDATE articles SET title = 'vandalised'"))
    client = datasette.client
    sql = loop.run_until_complete(
        client.get("/archive.json?" + urlencode({"sql": "DELETE FROM articles"}))
    )
    assert sql.status_code == 400
    posted = loop.run_until_complete(
        client.post("/archive/vandalise", json={}, headers={"accept": "application/json"})
    )
    assert posted.json()["ok"] is False
    assert "readonly" in posted.json()["message"]
    titles = sqlite3.connect(archive_path).execute("SELECT title FROM articles").fetchall()
    assert ("vandalised",) not in titles and len(titles) == 3
    assert hashlib.sha256(archive_path.read_bytes()).hexdigest() == before


# The command -----------------------------------------------------------------------------------


def test_serve_refuses_a_missing_file_or_one_that_is_not_an_archive(tmp_path: Path) -> None:
    missing = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: no archive at") and missing.output.count("\n") == 1
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    refused = CliRunner().invoke(cli, ["serve", "--db", str(other)])
    assert refused.exit_code == 1 and "not an archive" in refused.output


def test_serve_listens_on_this_machine_only_unless_told() -> None:
    help_text = CliRunner().invoke(cli, ["serve", "-h"]).output
    assert "--host" in help_text and "127.0.0.1" in help_text
    assert next(o for o in SERVE_OPTIONS if o.name == "host").default == "127.0.0.1"


def test_the_docs_give_the_options_and_canned_queries() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    researchers = (REPO / "docs" / "researchers.md").read_text(encoding="utf-8")
    section = researchers.split("### `archive serve`", 1)[1].split("\n## ", 1)[0]
    for option in SERVE_OPTIONS:
        assert f"--{option.name}" in section and str(option.default) in section
    for name in QUERIES:
        assert f"`{name}`" in section
    assert "make serve" in readme


def test_every_hook_of_the_plugin_is_documented() -> None:
    architecture = (REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    hooks = [name for name, f in vars(datasette_plugin).items() if hasattr(f, "datasette_impl")]
    assert hooks
    for hook in hooks:
        assert f"`{hook}`" in architecture
