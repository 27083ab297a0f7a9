"""Every source, crawled end to end over its mirror on 127.0.0.1: the archive holds exactly the
summit coverage in the window, with the fields written down in tests/expected/<source>.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from crawler.fetch.mirror import serve_mirror
from tests.helpers import EXPECTED, MIRROR, run_archive

pytestmark = pytest.mark.e2e
SINCE = "2024-08-01"
SOURCES = sorted(path.stem for path in EXPECTED.glob("*.json"))


def expected_pages(source: str) -> list[dict]:
    return json.loads((EXPECTED / f"{source}.json").read_text(encoding="utf-8"))


def in_window(entry: dict) -> bool:
    return entry["published"][:10] >= SINCE


@pytest.fixture(scope="module", params=SOURCES)
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """(source, summary, archive) after one crawl of the source's mirror."""
    source = request.param
    db_path: Path = tmp_path_factory.mktemp(source) / "archive.db"
    with serve_mirror(MIRROR) as server:
        result = run_archive(
            "crawl",
            "--source",
            source,
            "--mirror",
            server.url,
            "--db",
            str(db_path),
            "--format",
            "json",
        )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads(result.stdout)["sources"][0]
    yield source, summary, sqlite_utils.Database(db_path)


def test_archive_holds_exactly_the_summit_coverage(crawled: tuple) -> None:
    source, summary, db = crawled
    pages = expected_pages(source)
    summit = {e["url"] for e in pages if e["summit"] and in_window(e)}
    unrelated = {e["url"] for e in pages if not e["summit"] and in_window(e)}
    assert len(summit) >= 5
    assert {row["url"] for row in db["articles"].rows} == summit
    assert summary["new"] == len(summit)
    assert summary["skipped"] == len(unrelated)
    assert summary["errors"] == 0


def test_each_article_carries_its_pages_fields(crawled: tuple) -> None:
    source, _, db = crawled
    for entry in (e for e in expected_pages(source) if e["summit"] and in_window(e)):
        row = next(db["articles"].rows_where("url = ?", [entry["url"]]))
        reporters = [
            r["name"]
            for r in db["bylines"].rows_where(
                "article_id = ? AND role = 'reporter'", [row["id"]], order_by="position"
            )
        ]
        got = {
            "title": row["title"],
            "subtitle": row["subtitle"],
            "published": row["published"],
            "reporters": reporters,
            "sections": json.loads(row["sections"]),
            "images": db["images"].count_where("article_id = ?", [row["id"]]),
            "outlet": row["outlet"],
            "original_outlet": row["original_outlet"],
            "source_line": row["source_line"],
        }
        want = {key: entry[key] for key in got if key in entry}
        assert {key: got[key] for key in want} == want, entry["url"]
