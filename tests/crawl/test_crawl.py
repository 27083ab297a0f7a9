"""End-to-end crawls of the 香港商報 mirror over HTTP on 127.0.0.1 into a real archive.db:
paging, re-crawls, date windows, `scrapy crawl`, unreachable sources and the demo. What each
source archives is checked in test_sources.py."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

from crawler.fetch.mirror import MirrorServer
from tests.helpers import HKCD_HOST, REPO, run_archive

pytestmark = pytest.mark.e2e
OUTLETS = ("香港商報", "中聯辦網站", "文匯報", "大公報", "點新聞", "政府新聞網", "政府新聞公報")


def crawl(mirror: MirrorServer, db_path: Path, *args: str) -> dict:
    """Crawl the mirror (the hkcd source unless ``args`` list URLs) and return its summary."""
    source = () if "--url" in args else ("--source", "hkcd")
    result = run_archive(
        "crawl", "--mirror", mirror.url, "--db", str(db_path), "--format", "json", *source, *args
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)["sources"][0]


def test_stored_urls_are_the_real_sites(mirror: MirrorServer, db_path: Path) -> None:
    crawl(mirror, db_path)
    db = sqlite_utils.Database(db_path)
    urls = [row["url"] for row in db["article_urls"].rows]
    srcs = [row["src"] for row in db["images"].rows]
    assert urls and all(u.startswith(f"https://{HKCD_HOST}/hkcdweb/content/") for u in urls)
    assert srcs and all(s.startswith(f"https://{HKCD_HOST}/") for s in srcs)


def test_paging_stops_once_a_list_page_is_older_than_since(
    mirror: MirrorServer, db_path: Path
) -> None:
    crawl(mirror, db_path)
    requested = mirror.log.paths(HKCD_HOST)
    assert "/hkcdweb/hongkongMacao.list_4.html" in requested
    assert "/hkcdweb/hongkongMacao.list_5.html" not in requested
    assert "/robots.txt" in requested
    assert "/hkcdweb/php/getSearchResult.php" in requested


def test_a_second_crawl_that_fetches_everything_adds_no_rows(
    mirror: MirrorServer, db_path: Path
) -> None:
    first = crawl(mirror, db_path)
    db = sqlite_utils.Database(db_path)
    tables = ["articles", "article_urls", "bylines", "images"]
    counts = {table: db[table].count for table in tables}
    second = crawl(mirror, db_path, "-s", "REFRESH_ENABLED=0")
    assert {table: db[table].count for table in tables} == counts
    assert (second["new"], second["updated"], second["unchanged"]) == (0, 0, first["new"])
    crawls = list(db["crawls"].rows)
    assert [c["status"] for c in crawls] == ["finished", "finished"]
    assert crawls[1]["articles_unchanged"] == first["new"]


def test_the_date_window_can_be_narrowed(
    mirror: MirrorServer, db_path: Path, hkcd_expected: list[dict]
) -> None:
    crawl(mirror, db_path, "--since", "2024-08-29", "--until", "2024-08-31")
    published = [row["published"][:10] for row in sqlite_utils.Database(db_path)["articles"].rows]
    expected = [
        e
        for e in hkcd_expected
        if e["summit"] and "2024-08-29" <= e["published"][:10] <= "2024-08-31"
    ]
    assert published and len(published) == len(expected)
    assert all("2024-08-29" <= day <= "2024-08-31" for day in published)


def test_scrapy_crawl_writes_into_the_same_archive_and_logs_its_progress(
    mirror: MirrorServer, db_path: Path
) -> None:
    handler = "crawler.fetch.mirror_handler.MirrorDownloadHandler"
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "hkcd",
        "-a",
        "since=2024-08-30",
        "-a",
        "until=2024-08-30",
        "-s",
        f"MIRROR_URL={mirror.url}",
        "-s",
        "DOWNLOAD_HANDLERS=" + json.dumps({"http": handler, "https": handler}),
        "-s",
        f"ARCHIVE_DB_PATH={db_path}",
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    titles = {row["title"] for row in sqlite_utils.Database(db_path)["articles"].rows}
    assert {"港府循四大方向 發展新質生產力", "鄭雁雄：發展新質生產力關鍵是做起來"} <= titles
    # Scrapy's own log, with our progress lines and the summary `archive crawl` prints.
    summary = re.search(r"Finished hkcd: (\d+) pages .* articles (\d+) new", result.stderr)
    assert summary and int(summary[1]) > 0 and int(summary[2]) == len(titles)


def test_an_unreachable_source_fails_fast_with_one_line(db_path: Path) -> None:
    started = time.monotonic()
    result = run_archive("crawl", "--mirror", "http://127.0.0.1:9", "--db", str(db_path))
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "hkcd: unreachable: connection refused" in result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_an_unreachable_sources_summary_log_and_audit_agree(db_path: Path) -> None:
    """Every page the crawl asked for and could not fetch is an error in the summary, a line
    on stderr and a fetch_errors row, however the source was given up."""
    result = run_archive("crawl", "--source", "hkcd", "--mirror", "http://127.0.0.1:9",
                         "--db", str(db_path))  # fmt: skip
    assert result.returncode == 1
    logged = re.findall(r"Could not fetch (\S+): unreachable", result.stderr)
    rows = list(sqlite_utils.Database(db_path).query("SELECT url, reason FROM fetch_errors"))
    assert f"0 skipped, {len(rows)} errors" in result.stdout
    assert sorted(row["url"] for row in rows) == sorted(logged)
    # Each page Scrapy's log says it could not download is one of them.
    failed = set(re.findall(r"Error downloading <GET (\S+)>", result.stderr))
    assert failed and failed <= {row["url"] for row in rows}
    audit = run_archive("crawls", "--errors", "1", "--db", str(db_path), "--format", "json")
    assert "https://www.hkcd.com.hk/robots.txt" in {
        error["url"] for error in json.loads(audit.stdout)
    }


def test_demo_archives_the_summit_from_every_outlet(db_path: Path) -> None:
    result = run_archive("demo", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "Try next:" in result.stdout
    db = sqlite_utils.Database(db_path)
    outlets = {row["outlet"] for row in db.query("SELECT DISTINCT outlet FROM articles")}
    assert outlets >= set(OUTLETS)
    assert db["articles"].count >= 60
    stats = run_archive("stats", "--db", str(db_path)).stdout
    assert all(outlet in stats for outlet in outlets)
    # What it says to try next runs as printed, from where the demo ran.
    tries = result.stdout.split("Try next:")[1].replace("\\\n", " ").strip().splitlines()
    for line in tries:
        if " serve " in line:
            continue  # serves until stopped
        tried = subprocess.run(shlex.split(line), cwd=REPO, capture_output=True, text=True)
        assert tried.returncode == 0, (line, tried.stderr)


def test_the_demo_keeps_to_an_archive_of_its_own_marked_mirror(tmp_path: Path) -> None:
    """The mirror's pages carry the real sites' URLs: in archive.db a live crawl would take
    them for what it saw last and ask the sites 'not modified since?'."""
    result = run_archive("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    made = {path.name for path in tmp_path.iterdir()}
    assert {"demo.db", "demo-warcs"} <= made and not made & {"archive.db", "warcs"}
    assert list((tmp_path / "demo-warcs").glob("*.warc.gz"))
    db = sqlite_utils.Database(tmp_path / "demo.db")
    assert {row["origin"] for row in db.query("SELECT origin FROM crawls")} == {"mirror"}


def test_a_second_demo_adds_no_rows(db_path: Path) -> None:
    run_archive("demo", "--db", str(db_path))
    count = sqlite_utils.Database(db_path)["articles"].count
    second = run_archive("demo", "--db", str(db_path))
    assert second.returncode == 0, second.stderr
    assert sqlite_utils.Database(db_path)["articles"].count == count
    assert "0 new, 0 updated" in second.stdout


def test_listed_urls_are_captured_whatever_the_campaign_says(
    mirror: MirrorServer, db_path: Path, tmp_path: Path
) -> None:
    summit = f"https://{HKCD_HOST}/hkcdweb/content/2024/08/30/content_8652301.html"
    unrelated = f"https://{HKCD_HOST}/hkcdweb/content/2024/07/10/content_8628345.html"
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# found by hand\n{unrelated}\n", encoding="utf-8")
    summary = crawl(mirror, db_path, "--url", summit, "--urls", str(listing))
    rows = {row["url"]: row for row in sqlite_utils.Database(db_path)["articles"].rows}
    assert set(rows) == {summit, unrelated}
    assert rows[unrelated]["outlet"] == "香港商報"
    assert (summary["source"], summary["new"]) == ("generic", 2)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--url", "ftp://example.org/a.html"], "not an http(s) URL: 'ftp://example.org/a.html'"),
        (["--url", "https://a.example/x", "--source", "hkcd"], "Use just one of --source and"),
    ],
    ids=["not-http", "with-source"],
)
def test_bad_listed_urls_are_refused(db_path: Path, args: list[str], message: str) -> None:
    result = run_archive("crawl", "--db", str(db_path), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert not db_path.exists()
