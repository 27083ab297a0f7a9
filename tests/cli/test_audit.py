"""`archive crawls`: the runs of the crawls table and, for one run, what failed and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.store import Archive

WARC = "warcs/summit-hkcd-1-20241001T060000Z-00001.warc.gz"
COUNTS = {"pages": 61, "articles_new": 23, "skipped": 10, "not_modified": 0, "errors": 2}


@pytest.fixture
def audited(db_path: Path) -> Path:
    """An archive with one finished crawl (two pages failed) and one unreachable source."""
    archive = Archive.open(db_path)
    first = archive.start_crawl(source="hkcd", campaign="summit")
    archive.record_fetch_error(
        first, url="https://www.hkcd.com.hk/a.html", reason="HTTP 404", http_status=404
    )
    archive.record_fetch_error(first, url="https://www.hkcd.com.hk/b.html", reason="timed out")
    archive.finish_crawl(first, status="finished", counts=COUNTS, warc_files=[WARC])
    second = archive.start_crawl(source="govhk", campaign="summit")
    archive.finish_crawl(second, status="unreachable", counts={"pages": 0}, warc_files=[])
    archive.close()
    return db_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_crawls_lists_runs_newest_first_with_their_warc_files(audited: Path) -> None:
    result = invoke("crawls", "--db", str(audited))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "id", "source", "started", "status", "pages", "new", "upd", "304", "skip", "err", "warcs",
    ]  # fmt: skip
    assert lines[2].split()[:2] == ["2", "govhk"] and "unreachable" in lines[2]
    assert lines[3].split()[:2] == ["1", "hkcd"] and lines[3].split()[-1] == "1"
    assert max(map(len, lines)) <= 100
    runs = json.loads(invoke("crawls", "--db", str(audited), "--format", "json").output)
    assert [(r["id"], r["status"], r["warc_files"]) for r in runs] == [
        (2, "unreachable", []),
        (1, "finished", [WARC]),
    ]
    assert (runs[1]["new"], runs[1]["skipped"], runs[1]["errors"]) == (23, 10, 2)


def test_crawls_errors_lists_what_failed_and_why(audited: Path) -> None:
    result = invoke("crawls", "--errors", "1", "--db", str(audited), "--format", "json")
    rows = json.loads(result.output)
    assert [(r["url"], r["http_status"], r["reason"]) for r in rows] == [
        ("https://www.hkcd.com.hk/a.html", 404, "HTTP 404"),
        ("https://www.hkcd.com.hk/b.html", None, "timed out"),
    ]
    assert invoke("crawls", "--errors", "2", "--db", str(audited)).output == "Crawl 2: no errors.\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--errors", "99"], "no crawl 99 in"),
        (["--db", "{missing}"], "no archive at"),
    ],
    ids=["unknown-crawl", "no-archive"],
)
def test_bad_input_gets_one_line_and_exit_1(
    audited: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    filled = [arg.format(missing=tmp_path / "none.db") for arg in args]
    result = invoke("crawls", "--db", str(audited), *filled)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
