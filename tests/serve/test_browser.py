"""A researcher's walk through `archive serve` in headless Chromium (Debian's /usr/bin/chromium):
an archive made by `archive demo`, served by `archive serve` in a child process on 127.0.0.1;
a Simplified search finds a Traditional article, highlighted; its page shows its photo credits.
At a 1280x800 screen (#20): the articles table fits the first screen, an article's page shows the
article, its provenance and its story. Each test saves a screenshot under its tmp_path.

In CI (CI=true) a missing Chromium fails the test: .ci/run installs it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from crawler.serve.pages import SNIPPET_CHARS
from tests.helpers import REPO, run_archive

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (CI runs as root), and nothing that phones home: the test touches only 127.0.0.1.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 30
# 大公文匯's report of the opening (tests/mirror/www.tkww.hk), written in Traditional script.
TITLE = "科技+新質生產力高峰論壇｜李家超：政府從四方面加快發展新質生產力"
CAPTION = "李家超在論壇上致辭。"
PHOTOGRAPHER = "麥可兒"
# 中聯辦網站's reprint of 香港商報's report (tests/mirror/www.locpg.hk).
LOCPG_URL = "https://www.locpg.hk/jsdt/2024-08/30/c_1130081276.htm"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    """Return once ``url`` answers; fail with the server's log if it exits or never answers."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"archive serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"archive serve did not answer within {SERVER_START_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive made by `archive demo`."""
    db_path = tmp_path_factory.mktemp("browser") / "demo.db"
    demo = run_archive("demo", "--db", str(db_path))
    assert demo.returncode == 0, demo.stderr
    return db_path


@pytest.fixture(scope="module")
def served(demo_db: Path) -> Iterator[str]:
    """The URL of the demo archive served by `archive serve` with its default host."""
    db_path = demo_db
    folder = demo_db.parent
    port = free_port()
    log = folder / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "crawler", "serve", "--db", str(db_path), "--port", str(port)],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{url}/-/versions.json", server, log)
        assert f"Uvicorn running on {url}" in log.read_text()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def refused() -> list[str]:
    """URLs the page asked for outside the served archive (and did not get)."""
    return []


SCREEN = {"width": 1280, "height": 800}


@pytest.fixture
def page(browser: Browser, served: str, refused: list[str]) -> Iterator[Page]:
    """A fresh 1280x800 page that may load nothing but the served archive."""
    page = browser.new_page(viewport=SCREEN)

    def only_the_archive(route: Route) -> None:
        if route.request.url.startswith(f"{served}/"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_archive)
    yield page
    page.close()


def test_a_simplified_search_finds_the_traditional_article_and_its_photo_credits(
    page: Page, served: str, refused: list[str]
) -> None:
    page.goto(f"{served}/archive/search")
    page.fill("input[name=q]", "新质生产力")
    page.click("input[type=submit]")

    result = page.locator("tbody tr", has_text=TITLE)
    expect(result).to_have_count(1)
    expect(result.locator("td.col-snippet mark").first).to_have_text("新質生產力")

    result.locator("td.col-title a").click()
    expect(page).to_have_url(re.compile(rf"^{served}/archive/articles/[0-9a-f]+$"))
    image = page.locator("table.article-images tbody tr").first
    expect(image.locator("td.col-caption")).to_have_text(CAPTION)
    expect(image.locator("td.col-photographer")).to_have_text(PHOTOGRAPHER)
    assert refused == []


def on_first_screen(page: Page, selector: str) -> bool:
    """Whether the element is visible and wholly inside the first 1280x800 screen."""
    box = page.locator(selector).bounding_box()
    return (
        box is not None
        and box["width"] > 0
        and box["height"] > 0
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= SCREEN["width"]
        and box["y"] + box["height"] <= SCREEN["height"]
    )


def test_the_articles_table_fits_the_first_screen(
    page: Page, served: str, refused: list[str], tmp_path: Path
) -> None:
    page.goto(f"{served}/archive/articles")
    page.screenshot(path=str(tmp_path / "articles.png"))

    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    headings = page.locator("table.article-list thead th").all_inner_texts()
    assert headings == ["title", "outlet", "published", "reporters", "snippet"]
    # The newest articles first; the fifth is 香港商報's, with its reporters.
    for n in range(1, 6):
        for column in ("title", "outlet", "published", "snippet"):
            cell = f"table.article-list tbody tr:nth-child({n}) td.col-{column}"
            assert on_first_screen(page, cell), f"row {n}'s {column} is off the first screen"
            assert page.inner_text(cell).strip(), f"row {n}'s {column} is empty"
    reporters = "table.article-list tbody tr:nth-child(5) td.col-reporters"
    assert on_first_screen(page, reporters)
    assert page.inner_text(reporters) == "王丹丹、林雪兒"
    snippet = page.inner_text("table.article-list tbody tr:nth-child(1) td.col-snippet")
    assert len(snippet) == SNIPPET_CHARS and snippet.endswith("…")
    # The column descriptions are folded away, the facets below the table.
    assert not page.locator("dl.column-descriptions").is_visible()
    assert page.locator("details.about-columns summary").is_visible()
    facets = page.locator(".facet-results").bounding_box()
    assert facets is not None and facets["y"] > SCREEN["height"]
    assert refused == []


def test_an_articles_page_shows_the_article_its_provenance_and_its_story(
    page: Page, served: str, refused: list[str], tmp_path: Path
) -> None:
    page.goto(f"{served}/archive/search")
    page.fill("input[name=q]", "新质生产力")
    page.click("input[type=submit]")
    page.locator("tbody tr", has_text=TITLE).locator("td.col-title a").click()
    expect(page.locator("h1.article-title")).to_have_text(TITLE)
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)

    assert on_first_screen(page, "h1.article-title")
    expect(page.locator("p.byline")).to_have_text("大公文匯 · reporter 何嘉敏、editor 麥可兒")
    expect(page.locator("p.dates time.published")).to_have_text(re.compile(r"^2024-08-\d\dT"))
    image = page.locator("table.article-images tbody tr").first
    expect(image.locator("td.col-caption")).to_have_text(CAPTION)
    expect(image.locator("td.col-photographer")).to_have_text(PHOTOGRAPHER)
    expect(page.locator(".article-body")).to_contain_text("新質生產力")
    fetch = page.locator("table.article-fetches tbody tr").first
    expect(fetch.locator("td.col-url")).to_have_text(re.compile(r"^https?://www\.tkww\.hk/"))
    expect(fetch.locator("td.col-http-status")).to_have_text("200")
    expect(fetch.locator("td.col-warc")).to_have_text(re.compile(r"\.warc\.gz @ \d+ \(\d+ bytes\)"))
    expect(page.locator("ul.article-links")).to_contain_text("in bylines")
    links = page.locator("ul.article-links").inner_text()
    for internal in ("articles_search", "minhashes", "lsh_buckets", "lsh_recent"):
        assert internal not in links
    assert refused == []


def test_an_articles_page_lists_the_other_places_its_story_appeared(
    page: Page, served: str, refused: list[str], tmp_path: Path
) -> None:
    page.goto(f"{served}/archive/reprints_of_a_story?article={LOCPG_URL}")
    page.locator("tbody tr", has_text="中聯辦網站").locator("td.col-title a").click()
    story = page.locator("table.article-story tbody tr")
    expect(story.first).to_be_visible()
    page.screenshot(path=str(tmp_path / "reprint.png"), full_page=True)

    expect(story.first.locator("td.col-outlet")).to_have_text("香港商報 (original)")
    expect(story.first.locator("td.col-similarity")).to_have_text(re.compile(r"^[01]\.\d\d$"))
    expect(story.first.locator("td.col-hours")).to_have_text("0.0")
    assert refused == []


def test_the_search_page_ranks_and_highlights_as_the_cli_does(
    page: Page, served: str, demo_db: Path, refused: list[str], tmp_path: Path
) -> None:
    page.goto(f"{served}/archive/search")
    page.fill("input[name=q]", "新质生产力")
    page.click("input[type=submit]")
    expect(page.locator("tbody tr").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "search.png"))

    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    results = page.locator("tbody tr")
    expect(results.first.locator("td.col-title a")).to_have_text(TITLE)
    assert on_first_screen(page, "tbody tr:nth-child(1) td.col-snippet mark >> nth=0")
    count = results.count()
    assert count > 3
    for n in range(count):
        expect(results.nth(n).locator("td.col-snippet mark").first).to_be_visible()
    # The same order as `archive search` (bm25 by default), story by story.
    cli = run_archive(
        "search", "新质生产力", "--format", "json", "--limit", "100", "--db", str(demo_db)
    )
    assert cli.returncode == 0, cli.stderr
    cli_ids = [hit["id"] for hit in json.loads(cli.stdout)]
    assert results.locator("td.col-article_id").all_inner_texts() == cli_ids
    assert refused == []


def test_a_one_character_search_says_why_it_finds_nothing(
    page: Page, served: str, refused: list[str], tmp_path: Path
) -> None:
    page.goto(f"{served}/archive/search")
    page.fill("input[name=q]", "港")
    page.click("input[type=submit]")
    expect(page.locator("p.search-problem")).to_contain_text("two or more Chinese characters")
    page.screenshot(path=str(tmp_path / "one-character.png"))

    assert on_first_screen(page, "p.search-problem")
    expect(page.locator("p.zero-results")).to_be_hidden()
    assert refused == []


def canned_rows(served: str, query: str) -> list[dict]:
    with urllib.request.urlopen(f"{served}/archive/{query}.json?_shape=array") as answer:
        return json.load(answer)


def test_the_coverage_dashboard_draws_both_charts_with_data(
    page: Page, served: str, refused: list[str], tmp_path: Path
) -> None:
    page.goto(f"{served}/")
    page.click("text=Coverage of the summit")
    expect(page).to_have_url(f"{served}/-/dashboards/coverage")
    # Vega draws SVG: one labelled path a bar, a shaded summit day or a reprint.
    bars = page.locator("#chart-coverage-timeline svg g.role-mark.layer_1_marks > path")
    shading = page.locator("#chart-coverage-timeline svg g.role-mark.layer_0_marks > path")
    reprints = page.locator("#chart-reprint-delays svg g.mark-symbol.role-mark > path")
    timeline_rows = canned_rows(served, "coverage_timeline")
    reprint_rows = canned_rows(served, "reprint_delays")
    expect(bars).to_have_count(len(timeline_rows))
    expect(reprints).to_have_count(len(reprint_rows))
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    assert len(timeline_rows) > 10 and len(reprint_rows) >= 5
    summit = {row["day"] for row in timeline_rows if row["summit_day"]}
    assert summit == {"2024-08-29", "2024-08-30"}
    shaded = {
        label.removeprefix("day: ")
        for label in shading.evaluate_all("paths => paths.map(p => p.getAttribute('aria-label'))")
    }
    assert shaded == summit
    first = reprint_rows[0]
    label = reprints.first.get_attribute("aria-label") or ""
    assert f"carried by: {first['reprinted_by']}" in label
    assert f"original's outlet: {first['original_outlet']}" in label
    expect(page.locator("a[href='/archive/coverage_timeline']")).to_be_visible()
    expect(page.locator("a[href='/archive/reprint_delays']")).to_be_visible()
    assert refused == []


def test_chinese_is_drawn_with_a_cjk_font(page: Page, served: str) -> None:
    """Without one (.ci/run installs fonts-noto-cjk) Chromium draws every character as a box."""
    page.goto(f"{served}/archive/articles")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    title = cdp.send(
        "DOM.querySelector", {"nodeId": root, "selector": "table.article-list td.col-title a"}
    )["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": title})["fonts"]
    assert any("CJK" in font["familyName"] for font in fonts), fonts
