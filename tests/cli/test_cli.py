"""The `archive` command: extract, stats, and clear one-line errors for bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.store import Archive
from tests.helpers import MIRROR, REPO, run_archive

SEED = MIRROR / "www.hkcd.com.hk" / "hkcdweb" / "content" / "2024" / "08" / "30"
SEED_URL = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_extract_prints_the_seed_articles_record() -> None:
    result = invoke("extract", str(SEED / "content_8652301.html"), "--url", SEED_URL)
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["outlet"] == "香港商報"
    assert record["title"] == "港府循四大方向 發展新質生產力"
    assert record["subtitle"] == "特首：善用自身優勢積極創新變革"
    assert record["published"] == "2024-08-30T04:21:37+08:00"
    assert {"role": "reporter", "name": "王丹丹", "outlet": "香港商報"} in record["bylines"]
    assert record["sections"] == ["建設國際科創中心重要引擎", "打造國際高端人才集聚高地"]
    assert [(i["caption"], i["source"], i["photographer"]) for i in record["images"]] == [
        ("香港中華聯誼會舉辦的「科技+新質生產力」高峰論壇昨舉行。", None, "蔡啓文"),
        ("啓動儀式。", "中聯辦網站", None),
    ]
    assert {"text": "昨日", "date": "2024-08-29"} in record["mentioned_dates"]


def test_extract_of_a_page_of_an_unknown_site_uses_the_generic_path(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>x</title><meta property='og:title' content='科技峰會開幕'>"
        "<meta property='article:published_time' content='2024-08-29T10:00:00+08:00'></head>"
        "<body><nav><p>首頁</p></nav><div class='story'><p>第一段，講述峰會的開幕。</p>"
        "<p>第二段，講述與會者的發言和討論。</p></div></body></html>",
        encoding="utf-8",
    )
    result = invoke("extract", str(page), "--url", "https://news.example.org/a/1.html")
    record = json.loads(result.output)
    assert (record["title"], record["published"]) == ("科技峰會開幕", "2024-08-29T10:00:00+08:00")
    assert record["body"] == "第一段，講述峰會的開幕。\n\n第二段，講述與會者的發言和討論。"


def test_extract_of_a_page_that_names_no_url_warns_and_takes_its_canonical(
    tmp_path: Path,
) -> None:
    page = tmp_path / "saved.html"
    body = "<p>第一段，講述峰會的開幕。</p><p>第二段，講述與會者的發言和討論。</p>"
    page.write_text(f"<html><head><title>科技峰會開幕</title></head><body>{body}</body></html>")
    result = invoke("extract", str(page))
    assert result.exit_code == 0
    assert "declares no URL" in result.stderr and "--url" in result.stderr
    canonical = "https://news.example.org/a/1.html"
    page.write_text(
        f"<html><head><link rel='canonical' href='{canonical}'></head><body>{body}</body></html>"
    )
    result = invoke("extract", str(page))
    assert json.loads(result.stdout)["url"] == canonical and not result.stderr


def test_extract_of_a_file_with_no_article_is_one_line_and_exit_1() -> None:
    result = invoke("extract", str(REPO / "scrapy.cfg"), "--url", "https://example.org/a.html")
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {REPO / 'scrapy.cfg'} is not an HTML page: no article to extract"
    )


def test_stats_lists_articles_by_outlet_month_and_crawls(db_path: Path) -> None:
    archive = Archive.open(db_path)
    crawl_id = archive.start_crawl(source="hkcd", campaign="summit")
    record = json.loads(
        invoke("extract", str(SEED / "content_8652301.html"), "--url", SEED_URL).output
    )
    archive.save_article(record, crawl_id=crawl_id, http_status=200, fetched_at="2024-08-30")
    archive.finish_crawl(crawl_id, status="finished", counts={"pages": 1, "articles_new": 1})
    archive.close()
    result = invoke("stats", "--db", str(db_path), "--format", "json")
    report = json.loads(result.output)
    assert report["articles_by_outlet"][0]["outlet"] == "香港商報"
    assert report["articles_by_month"] == [{"month": "2024-08", "articles": 1}]
    assert report["last_crawls"][0]["status"] == "finished"
    table = invoke("stats", "--db", str(db_path)).output
    assert "香港商報" in table and "2024-08" in table


@pytest.mark.parametrize(
    "args, message",
    [
        (["stats", "--db", "no/such/archive.db"], "Error: no archive at no/such/archive.db"),
        (["extract", "no/such/page.html"], "Error: cannot read no/such/page.html"),
        (["crawl", "--campaign", "no/such.toml"], "Error: campaign file not found: no/such.toml"),
        (["crawl", "--since", "yesterday"], "'yesterday' is not a date like 2024-08-01"),
        (["crawl", "-s", "NOEQUALS"], "'NOEQUALS' is not NAME=VALUE"),
        (["crawl", "--source", "nosuch", "--db", "{db}"], "Error: no spider for source nosuch"),
        (["crawl", "--bogus"], "No such option '--bogus'"),
    ],
    ids=["no-db", "no-page", "no-campaign", "bad-date", "bad-setting", "no-spider", "bad-option"],
)
def test_bad_input_gets_one_line_and_non_zero_exit(
    args: list[str], message: str, db_path: Path
) -> None:
    result = run_archive(*[arg.format(db=db_path) for arg in args])
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_an_archive_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"plain text, not sqlite\n" * 50)
    result = run_archive("stats", "--db", str(path))
    assert result.returncode == 1
    assert "is not an archive database" in result.stderr
    assert path.read_bytes() == b"plain text, not sqlite\n" * 50


@pytest.mark.parametrize("command", ["crawl", "demo", "extract", "stats"])
def test_every_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.parametrize(
    "content, message",
    [
        ('name = "x"\nsources = ["hkcd",,]\n', "bad.toml: Invalid value (at line 2, column 19)"),
        ('name = "x"\n\nsince = "last week"\n', "bad.toml, line 3: key 'since' must be a date"),
        ('name = "x"\nkeywords = [1]\n', "bad.toml, line 2: key 'keywords' must be a list"),
        (
            'sources = ["hkcd"]\n[sources_settings.hkcd]\n\ndownload_delay = true\n',
            "bad.toml, line 4: [sources_settings.hkcd] 'download_delay' has the wrong kind",
        ),
    ],
    ids=["syntax", "bad-date", "keywords-not-strings", "source-setting-kind"],
)
def test_a_campaign_error_names_the_file_the_line_and_the_key(
    tmp_path: Path, content: str, message: str
) -> None:
    campaign = tmp_path / "bad.toml"
    campaign.write_text(content, encoding="utf-8")
    db_path = tmp_path / "archive.db"
    result = invoke_isolated("crawl", "--campaign", str(campaign), "--db", str(db_path))
    assert result.exit_code == 1
    assert message in result.output and str(tmp_path) in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not db_path.exists()


def invoke_isolated(*args: str):
    """The command in-process, failures caught as the shell would see them."""
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("command", [["crawl", "--source", "hkcd"], ["reindex"]])
def test_an_archive_written_by_a_newer_version_is_refused_and_left_alone(
    db_path: Path, command: list[str]
) -> None:
    Archive.open(db_path).close()
    with sqlite3.connect(db_path) as db:
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('archive', 'm999_from_the_future', '2030-01-01')"
        )
    db.close()
    before = db_path.read_bytes()
    result = run_archive(*command, "--db", str(db_path))
    assert result.returncode == 1
    assert f"Error: {db_path} was written by a newer version of summit-archive" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db_path.read_bytes() == before


def test_crawling_into_a_file_that_is_not_an_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"plain text, not sqlite\n" * 50)
    result = run_archive("crawl", "--source", "hkcd", "--db", str(path))
    assert result.returncode == 1
    assert "is not an archive database" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == b"plain text, not sqlite\n" * 50
