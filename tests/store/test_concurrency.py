"""Readers during a crawl: `archive search` queries (read-only connections, as Datasette uses)
run in a loop while a crawl of the 香港商報 mirror writes; none gets "database is locked" and no
article is seen half-written (its bylines, images and URLs come with it)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from crawler.errors import NotAnArchive
from crawler.fetch.mirror import MirrorServer
from crawler.query.search import search_articles
from crawler.store.records import open_readonly
from tests.helpers import start_archive

pytestmark = pytest.mark.e2e

CHILDREN_SQL = """
SELECT a.id,
       (SELECT count(*) FROM bylines b WHERE b.article_id = a.id),
       (SELECT count(*) FROM images i WHERE i.article_id = a.id),
       (SELECT count(*) FROM article_urls u WHERE u.article_id = a.id)
FROM articles a
"""


def children(db: sqlite3.Connection) -> dict[str, tuple[int, int, int]]:
    """Each article's number of bylines, images and URLs."""
    return {row[0]: tuple(row[1:]) for row in db.execute(CHILDREN_SQL)}


def test_readers_during_a_crawl_are_never_locked_out_and_see_whole_articles(
    mirror: MirrorServer, db_path: Path
) -> None:
    crawl = start_archive("crawl", "--source", "hkcd", "--mirror", mirror.url, "--db", str(db_path))
    seen: dict[str, tuple[int, int, int]] = {}
    searches = found = 0
    while crawl.poll() is None:  # a reader that fails leaves the crawl to tests/conftest.py
        try:
            db = open_readonly(db_path)
        except NotAnArchive:  # not created yet
            time.sleep(0.01)
            continue
        found += len(search_articles(db, "新質生產力", limit=50))
        seen.update(children(db.conn))
        db.close()
        searches += 1
    _, stderr = crawl.communicate()
    assert crawl.returncode == 0, stderr
    assert "database is locked" not in stderr
    final = children(sqlite3.connect(db_path))
    assert searches > 10 and found and seen
    assert {article: final[article] for article in seen} == seen
