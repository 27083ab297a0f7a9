"""WARC capture, import and replay: a crawl of the 香港商報 mirror writes WARCs that warcio's own
tools accept; importing them, or replaying them with no network, gives the crawl's articles; a
capture made the way wget makes one imports too; each archived URL leads back to its bytes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.cli import cli
from crawler.fetch.mirror import serve_mirror
from crawler.store import Archive
from crawler.warc.capture import resolve_path
from crawler.warc.reader import read_capture
from tests.helpers import HKCD_HOST, MIRROR, REPO, run_archive

pytestmark = pytest.mark.e2e
WARCIO = Path(sys.executable).with_name("warcio")
CONTACT = "mailto:archivist@example.org"
SEED_URL = f"https://{HKCD_HOST}/hkcdweb/content/2024/08/30/content_8652301.html"
REPRINT_URL = "https://www.bastillepost.com/hongkong/article/14297331.html"
# No server listens here: a request that escaped the replay handler would fail.
DEAD_PROXY = "http://127.0.0.1:9"


@dataclass
class Crawled:
    """A crawl of the hkcd mirror: its archive, campaign, WARC folder and summary."""

    db: Path
    campaign: Path
    warcs: Path
    summary: dict


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """One crawl of the hkcd mirror, its WARCs rotated every 50 kB; the mirror server is gone
    once it has finished."""
    folder = tmp_path_factory.mktemp("crawled")
    campaign = folder / "campaign.toml"
    summit = (REPO / "campaigns" / "summit.toml").read_text(encoding="utf-8")
    campaign.write_text(f'{summit}\ncontact = "{CONTACT}"\n', encoding="utf-8")
    db = folder / "archive.db"
    with serve_mirror(MIRROR) as server:
        result = run_archive(
            "crawl", "--campaign", str(campaign), "--source", "hkcd", "--mirror", server.url,
            "--db", str(db), "--format", "json", "-s", "WARC_MAX_SIZE=50000",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return Crawled(db, campaign, folder / "warcs", json.loads(result.stdout)["sources"][0])


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def warcio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(WARCIO), *args], capture_output=True, text=True, timeout=60)


def index(warcs: Path, fields: str) -> list[dict]:
    """`warcio index` of every WARC file in ``warcs``, one dict a record."""
    result = warcio("index", "-f", fields, *map(str, sorted(warcs.glob("*.warc.gz"))))
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def first_record(path: Path) -> tuple[str, str, dict[str, str]]:
    """The type, WARC version and fields (``name: value`` lines) of a file's first record."""
    with path.open("rb") as stream:
        record = next(iter(ArchiveIterator(stream)))
        lines = record.content_stream().read().decode().splitlines()
    fields = dict(line.split(": ", 1) for line in lines if ": " in line)
    return record.rec_type, record.rec_headers.protocol, fields


def articles(db_path: Path) -> set[tuple]:
    """What a researcher compares between two archives: each article and when it was seen."""
    rows = sqlite_utils.Database(db_path).query(
        "SELECT url, outlet, title, published, content_hash, first_seen FROM articles"
    )
    return {tuple(row.values()) for row in rows}


def test_warcio_check_accepts_the_crawls_warcs(crawled: Crawled) -> None:
    files = sorted(crawled.warcs.glob("*.warc.gz"))
    result = warcio("check", "-v", *map(str, files))
    assert files and result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout and "fail" not in result.stdout


def test_every_response_is_recorded_with_its_request_and_the_real_url(crawled: Crawled) -> None:
    records = index(crawled.warcs, "warc-type,warc-target-uri,warc-record-id,warc-concurrent-to")
    responses = {r["warc-record-id"]: r for r in records if r["warc-type"] == "response"}
    requests = [r for r in records if r["warc-type"] == "request"]
    assert len(responses) == len(requests) == crawled.summary["pages"]
    assert all(r["warc-concurrent-to"] in responses for r in requests)
    captures = [r for r in records if r["warc-type"] != "warcinfo"]
    assert all(r["warc-target-uri"].startswith(f"https://{HKCD_HOST}/") for r in captures)
    raw = b"".join(gzip.decompress(path.read_bytes()) for path in crawled.warcs.iterdir())
    assert b"127.0.0.1" not in raw


def test_each_file_opens_with_a_warcinfo_naming_the_crawler_campaign_and_settings(
    crawled: Crawled,
) -> None:
    paths = sorted(crawled.warcs.glob("*.warc.gz"))
    assert len(paths) > 1
    assert all(path.stat().st_size < 50_000 + 20_000 for path in paths)
    firsts = [first_record(path) for path in paths]
    assert {record_type for record_type, _, _ in firsts} == {"warcinfo"}
    _, version, fields = firsts[0]
    assert version == "WARC/1.1"
    assert fields["software"].startswith("summit-archive/")
    assert (fields["isPartOf"], fields["source"]) == ("summit", "hkcd")
    assert CONTACT in fields["http-header-user-agent"]
    assert json.loads(fields["settings"])["ROBOTSTXT_OBEY"] is True


def test_requests_carry_the_campaigns_contact(crawled: Crawled) -> None:
    agents = {
        r["http:user-agent"]
        for r in index(crawled.warcs, "warc-type,http:user-agent")
        if r["warc-type"] == "request"
    }
    assert len(agents) == 1 and CONTACT in agents.pop()


def test_each_archived_url_points_at_its_capture(crawled: Crawled) -> None:
    rows = list(sqlite_utils.Database(crawled.db)["article_urls"].rows)
    captures = {
        row["url"]: read_capture(resolve_path(row["warc_file"], crawled.db), row["warc_offset"])
        for row in rows
    }
    assert len(captures) == crawled.summary["new"]
    assert all(capture.url == url and capture.status == 200 for url, capture in captures.items())
    crawl = sqlite_utils.Database(crawled.db)["crawls"].get(1)
    assert {row["warc_file"] for row in rows} <= set(json.loads(crawl["warc_files"]))


def test_archive_capture_writes_the_page_and_its_record(crawled: Crawled, tmp_path: Path) -> None:
    page, record = tmp_path / "page.html", tmp_path / "page.warc.gz"
    db = str(crawled.db)
    assert invoke("capture", SEED_URL, "-o", str(page), "--db", db).exit_code == 0
    assert invoke("capture", SEED_URL, "--record", "-o", str(record), "--db", db).exit_code == 0
    mirrored = MIRROR / HKCD_HOST / "hkcdweb/content/2024/08/30/content_8652301.html"
    assert page.read_bytes() == mirrored.read_bytes()
    assert warcio("check", str(record)).returncode == 0
    with record.open("rb") as stream:
        types = [r.rec_type for r in ArchiveIterator(stream)]
    assert types == ["warcinfo", "response", "request", "metadata"]
    missing = tmp_path / "no" / "such" / "page.html"
    result = invoke("capture", SEED_URL, "-o", str(missing), "--db", db)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: cannot write {missing}: No such file or directory"


def test_importing_the_crawls_warcs_gives_the_same_articles(
    crawled: Crawled, db_path: Path
) -> None:
    result = invoke(
        "import-warc", str(crawled.warcs), "--campaign", str(crawled.campaign),
        "--db", str(db_path), "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["new"] == crawled.summary["new"]
    assert report["skipped"]["no keyword"] == crawled.summary["skipped"]
    assert articles(db_path) == articles(crawled.db)


def test_replay_recreates_the_archive_with_the_network_unreachable(
    crawled: Crawled, db_path: Path
) -> None:
    result = run_archive(
        "crawl", "--replay", str(crawled.warcs), "--campaign", str(crawled.campaign),
        "--source", "hkcd", "--db", str(db_path), "--format", "json",
        http_proxy=DEAD_PROXY, https_proxy=DEAD_PROXY,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)["sources"][0]
    assert (summary["new"], summary["errors"], summary["replay_missing"]) == (
        crawled.summary["new"],
        0,
        0,
    )
    assert articles(db_path) == articles(crawled.db)
    assert not (db_path.parent / "warcs").exists()


def test_replay_reports_what_the_capture_does_not_hold(crawled: Crawled, db_path: Path) -> None:
    absent = f"https://{HKCD_HOST}/hkcdweb/content/2099/01/01/content_1.html"
    result = run_archive(
        "crawl", "--replay", str(crawled.warcs), "--url", absent, "--db", str(db_path),
        http_proxy=DEAD_PROXY, https_proxy=DEAD_PROXY,
    )  # fmt: skip
    assert "generic:" in result.stdout and "1 not in the capture" in result.stdout
    assert f"Not in the capture: GET {absent}" in result.stderr
    assert "Traceback" not in result.stderr


def wget_style_warc(path: Path) -> None:
    """A capture written the way wget --warc-file writes one: warcinfo, then request and
    response pairs (the response Concurrent-To its request), an image, a 404, and a revisit of
    the first page a day later (its payload digest names the first response)."""
    seed = (MIRROR / HKCD_HOST / "hkcdweb/content/2024/08/30/content_8652301.html").read_bytes()
    reprint = (MIRROR / "www.bastillepost.com/hongkong/article/14297331.html").read_bytes()
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Wget/1.21.4"}))
        pages = [
            (SEED_URL, "200 OK", "text/html; charset=utf-8", seed),
            (REPRINT_URL, "200 OK", "text/html", reprint),
            (f"https://{HKCD_HOST}/hkcdweb/images/a.jpg", "200 OK", "image/jpeg", b"\xff\xd8\xff"),
            (f"https://{HKCD_HOST}/hkcdweb/gone.html", "404 Not Found", "text/html", b"gone"),
        ]
        digests = []
        for url, status, content_type, body in pages:
            request = writer.create_warc_record(
                url,
                "request",
                http_headers=StatusAndHeaders(
                    "/ HTTP/1.1", [("Host", url.split("/")[2])], protocol="GET"
                ),
                warc_headers_dict={"WARC-Date": "2024-08-30T03:00:00Z"},
            )
            headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
            response = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
                warc_headers_dict={
                    "WARC-Date": "2024-08-30T03:00:00Z",
                    "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID"),
                },
            )
            writer.write_record(request)
            writer.write_record(response)
            digests.append(response.rec_headers.get_header("WARC-Payload-Digest"))
        revisit = writer.create_revisit_record(
            SEED_URL, digests[0], SEED_URL, "2024-08-30T03:00:00Z"
        )
        revisit.rec_headers.replace_header("WARC-Date", "2024-08-31T03:00:00Z")
        writer.write_record(revisit)


def test_a_capture_made_by_wget_imports_through_the_same_path(
    tmp_path: Path, db_path: Path
) -> None:
    capture = tmp_path / "site.warc.gz"
    wget_style_warc(capture)
    result = invoke("import-warc", str(capture), "--db", str(db_path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["new"], report["unchanged"]) == (2, 1)
    assert report["skipped"] == {"not HTML (image/jpeg)": 1, "HTTP 404": 1}
    db = sqlite_utils.Database(db_path)
    seed = db["articles"].get(db["article_urls"].get(SEED_URL)["article_id"])
    assert (seed["title"], seed["first_seen"]) == (
        "港府循四大方向 發展新質生產力",
        "2024-08-30T03:00:00+00:00",
    )
    assert db["articles"].count_where("url = ?", [REPRINT_URL]) == 1
    url_row = db["article_urls"].get(SEED_URL)
    assert read_capture(capture, url_row["warc_offset"]).url == SEED_URL


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["import-warc", "{text}"], 1, "is not a WARC or ARC file"),
        (["import-warc", "{empty}"], 1, "no WARC, ARC or WACZ file in"),
        (["crawl", "--replay", "{text}"], 1, "is not a WARC or ARC file"),
        (["crawl", "--replay", "{text}", "--mirror", DEAD_PROXY], 2, "Use just one of --mirror"),
        (["capture", "https://example.org/none.html"], 1, "no article archived at"),
    ],
    ids=["import-text", "import-empty-folder", "replay-text", "replay-and-mirror", "capture"],
)
def test_bad_input_gets_one_line_and_a_non_zero_exit(
    tmp_path: Path, db_path: Path, args: list[str], code: int, message: str
) -> None:
    text, empty = tmp_path / "notes.txt", tmp_path / "empty"
    text.write_text("not a WARC\n", encoding="utf-8")
    empty.mkdir()
    Archive.open(db_path).close()
    filled = [arg.format(text=text, empty=empty) for arg in args]
    result = CliRunner().invoke(cli, [*filled, "--db", str(db_path)])
    assert result.exit_code == code
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
