"""Incremental re-crawls of the 香港商報 mirror: within the refresh interval no article page is
fetched again; after it, pages are revalidated with conditional requests and a 304 only moves
last_seen; list pages are always asked for, an unchanged one parsed from its earlier capture."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from crawler.fetch.mirror import MirrorServer, serve_mirror
from tests.helpers import MIRROR, REPO, run_archive

pytestmark = pytest.mark.e2e
ARTICLE_PATH = "/hkcdweb/content/"
SUMMIT = REPO / "campaigns" / "summit.toml"


def crawl(mirror: MirrorServer, db_path: Path, *args: str) -> tuple[dict, list[tuple]]:
    """Crawl the hkcd mirror; its summary and the requests the mirror answered meanwhile."""
    before = len(mirror.log.entries)
    result = run_archive(
        "crawl", "--source", "hkcd", "--mirror", mirror.url, "--db", str(db_path),
        "--format", "json", *args,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["sources"][0], mirror.log.entries[before:]


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A first crawl of the hkcd mirror (archive and WARCs in one folder) and its summary."""
    folder = tmp_path_factory.mktemp("first")
    with serve_mirror(MIRROR) as server:
        summary, _ = crawl(server, folder / "archive.db")
    return folder, summary


@pytest.fixture
def recrawled(first_crawl: tuple[Path, dict], tmp_path: Path) -> tuple[Path, dict]:
    """A copy of the first crawl's archive and WARCs, to crawl again; and its summary."""
    folder, summary = first_crawl
    shutil.copytree(folder, tmp_path / "archive")
    return tmp_path / "archive" / "archive.db", summary


def campaign_with(tmp_path: Path, old: str, new: str) -> Path:
    """The summit campaign with its text ``old`` replaced by ``new``."""
    text = SUMMIT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "campaign.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_second_crawl_within_the_interval_fetches_no_article_page(
    mirror: MirrorServer, recrawled: tuple[Path, dict]
) -> None:
    db_path, first = recrawled
    db = sqlite_utils.Database(db_path)
    counts = {table: db[table].count for table in ("articles", "article_urls", "revisions")}
    second, requests = crawl(mirror, db_path)
    assert not [path for _, _, path, _ in requests if path.startswith(ARTICLE_PATH)]
    assert second["not_modified"] == first["new"] + first["skipped"]
    assert (second["new"], second["updated"], second["errors"]) == (0, 0, 0)
    assert {table: db[table].count for table in counts} == counts
    assert db["fetch_errors"].count == 0
    list_pages = {path: status for _, _, path, status in requests if path.endswith(".html")}
    assert list_pages["/hkcdweb/hongkongMacao.list_4.html"] == 304
    assert set(list_pages.values()) == {304}


@pytest.mark.parametrize(
    "args",
    [["-s", "REFRESH_INTERVAL=0"], ["--campaign", "{campaign}"]],
    ids=["setting", "campaign-refresh-days"],
)
def test_after_the_interval_article_pages_are_revalidated(
    mirror: MirrorServer, recrawled: tuple[Path, dict], tmp_path: Path, args: list[str]
) -> None:
    campaign = campaign_with(tmp_path, "refresh_days = 7", "refresh_days = 0")
    db_path, first = recrawled
    seen_before = {r["url"]: r for r in sqlite_utils.Database(db_path)["article_urls"].rows}
    second, requests = crawl(mirror, db_path, *[a.format(campaign=campaign) for a in args])
    articles = [(path, status) for _, _, path, status in requests if path.startswith(ARTICLE_PATH)]
    assert len(articles) == first["new"] + first["skipped"]
    assert {status for _, status in articles} == {304}
    assert (second["new"], second["updated"], second["unchanged"]) == (0, 0, 0)
    seen_after = {r["url"]: r for r in sqlite_utils.Database(db_path)["article_urls"].rows}
    assert seen_after.keys() == seen_before.keys()
    assert all(
        seen_after[url]["first_seen"] == row["first_seen"]
        and seen_after[url]["last_seen"] >= row["last_seen"]
        and seen_after[url]["crawl_id"] == 2
        for url, row in seen_before.items()
    )


def test_pages_skipped_under_other_keywords_are_judged_afresh(
    mirror: MirrorServer, recrawled: tuple[Path, dict], tmp_path: Path
) -> None:
    db_path, first = recrawled
    campaign = campaign_with(tmp_path, "keywords = [\n", 'keywords = [\n    "中秋",\n')
    second, requests = crawl(mirror, db_path, "--campaign", str(campaign))
    fetched = {path for _, _, path, _ in requests if path.startswith(ARTICLE_PATH)}
    assert "/hkcdweb/content/2024/09/16/content_8660300.html" in fetched
    assert second["new"] >= 1
    assert second["not_modified"] == first["new"]
    titles = {r["title"] for r in sqlite_utils.Database(db_path)["articles"].rows}
    assert "中秋綵燈會明晚登場 維園設大型主題燈飾" in titles
