"""A list page given to `archive crawl --url`: its articles are archived, the list page is kept
in skipped_pages with why; an article page given the same way is archived as before. Real
crawls over the mirror on 127.0.0.1 into a real archive.db."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from crawler.fetch.mirror import MirrorServer
from tests.helpers import run_archive

pytestmark = pytest.mark.e2e
LOCPG_LIST = "www.locpg.gov.cn/jsdt/index.html"
LOCPG_ARTICLES = [
    "www.locpg.gov.cn/20240920/ef5b0fb088c9830a9afd2ec2e3d107f8/c.html",
    "www.locpg.gov.cn/20240830/d6102dc18d6894c97f99be8533d1c710/c.html",
    "www.locpg.gov.cn/20240830/0d67847b793454224546fe8a7c0ae592/c.html",
    "www.locpg.gov.cn/20240829/54d8e0ac900c31ea50a64efe4a85813d/c.html",
]


def crawl(db_path: Path, *args: str) -> dict:
    """`archive crawl` of listed URLs into ``db_path``; its summary."""
    result = run_archive("crawl", "--db", str(db_path), "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)["sources"][0]


def test_a_list_page_on_the_mirror_server_is_followed_and_skipped(
    mirror: MirrorServer, db_path: Path
) -> None:
    listed = f"{mirror.url}/{LOCPG_LIST}"
    summary = crawl(db_path, "--url", listed)
    db = sqlite_utils.Database(db_path)
    archived = {row["url"] for row in db["article_urls"].rows}
    assert archived == {f"{mirror.url}/{path}" for path in LOCPG_ARTICLES}
    skipped = {row["url"]: row["reason"] for row in db["skipped_pages"].rows}
    assert skipped == {listed: "list page: followed 4 article links"}
    assert (summary["new"], summary["skipped"]) == (4, 1)


def test_a_site_list_page_through_the_mirror_is_followed_with_its_site_spider(
    mirror: MirrorServer, db_path: Path
) -> None:
    listed = "https://www.hkcd.com.hk/hkcdweb/china.list.html"
    crawl(db_path, "--mirror", mirror.url, "--url", listed)
    db = sqlite_utils.Database(db_path)
    outlets = {row["outlet"] for row in db["articles"].rows}
    assert db["articles"].count == 8 and outlets == {"香港商報"}
    assert [row["url"] for row in db["skipped_pages"].rows] == [listed]


def test_an_article_page_is_archived_as_before(mirror: MirrorServer, db_path: Path) -> None:
    listed = f"https://{LOCPG_ARTICLES[0]}"
    summary = crawl(db_path, "--mirror", mirror.url, "--url", listed)
    db = sqlite_utils.Database(db_path)
    assert [row["url"] for row in db["articles"].rows] == [listed]
    assert db["skipped_pages"].count == 0 and summary["skipped"] == 0


def test_the_links_followed_are_capped(mirror: MirrorServer, db_path: Path) -> None:
    listed = f"{mirror.url}/{LOCPG_LIST}"
    crawl(db_path, "--url", listed, "-s", "ARCHIVE_LIST_MAX_LINKS=2")
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 2
    assert [row["reason"] for row in db["skipped_pages"].rows] == [
        "list page: followed 2 article links"
    ]
