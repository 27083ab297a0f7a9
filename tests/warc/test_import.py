"""`archive import-warc` on what archivists hold (#18): the sample WARC, ARC and WACZ files of
pywb, warcio and jwarc (tests/warc/samples/), and hostile captures made here (truncated,
damaged, a decompression bomb, bad and missing URIs, brotli). Each ends with exit 0 or a
one-line error, never a traceback; what is not archived is kept in skipped_pages."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import brotli
import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.cli import cli
from crawler.warc import importer
from crawler.warc.scan import next_record_start
from tests.helpers import HKCD_HOST, MIRROR, REPO

SAMPLES = Path(__file__).parent / "samples"
WARCIO = Path(sys.executable).with_name("warcio")
SEED = MIRROR / HKCD_HOST / "hkcdweb/content/2024/08/30/content_8652301.html"
SEED_URL = f"https://{HKCD_HOST}/hkcdweb/content/2024/08/30/content_8652301.html"
PAGE = b"<html><head><title>A page</title></head><body><p>Some text of a page.</p></body></html>"
# A campaign that lets every page through (no keywords, no window).
EVERY_PAGE = 'name = "every-page"\nkeywords = []\n'


@pytest.fixture
def every_page(tmp_path: Path) -> Path:
    path = tmp_path / "every-page.toml"
    path.write_text(EVERY_PAGE, encoding="utf-8")
    return path


def import_warc(*args: str, db: Path, campaign: Path | None = None, stdin: bytes | None = None):
    """`archive import-warc ARGS --format json` in-process; the result (exceptions kept)."""
    options = ["--db", str(db), "--format", "json"]
    if campaign is not None:
        options += ["--campaign", str(campaign)]
    return CliRunner().invoke(cli, ["import-warc", *args, *options], input=stdin)


def response(writer: WARCWriter, url: str, body: bytes, headers: list[tuple[str, str]], **warc):
    """A response record of ``url`` at 200 with ``headers`` (Content-Type text/html by default)."""
    headers = headers or [("Content-Type", "text/html; charset=utf-8")]
    return writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": "2024-08-30T03:00:00Z", **warc},
    )


def write_warc(path: Path, pages: list[tuple[str, bytes, list[tuple[str, str]]]]) -> Path:
    """A gzip WARC of one response record per (url, body, headers)."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body, headers in pages:
            writer.write_record(response(writer, url, body, headers))
    return path


def two_pages(path: Path) -> Path:
    return write_warc(
        path,
        [("https://news.example.com.hk/a.html", PAGE, []), (SEED_URL, SEED.read_bytes(), [])],
    )


def truncated(path: Path) -> Path:
    """Two pages, the file cut in the middle of the second record."""
    data = two_pages(path).read_bytes()
    second = next_record_start(BytesIO(data), 1, gzipped=True) or 0
    # A plain WARC, so that the cut record is readable up to the cut.
    plain = gzip.decompress(data)
    path.write_bytes(plain[: len(gzip.decompress(data[:second])) + 1500])
    return path


def damaged(path: Path) -> Path:
    """Three pages, the middle record's gzip member overwritten with junk."""
    pages = [
        (f"https://news.example.com.hk/{n}.html", PAGE.replace(b"Some", b"Page %d:" % n), [])
        for n in (1, 2, 3)
    ]
    data = bytearray(write_warc(path, pages).read_bytes())
    second = next_record_start(BytesIO(bytes(data)), 1, gzipped=True) or 0
    data[second + 10 : second + 60] = b"\x00" * 50
    path.write_bytes(bytes(data))
    return path


def bad_uris(path: Path) -> Path:
    """A record with port 99999, one with no WARC-Target-URI, then a good page."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(response(writer, "http://news.example.com.hk:99999/a.html", PAGE, []))
        record = response(writer, "https://news.example.com.hk/b.html", PAGE, [])
        record.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(record)
        writer.write_record(response(writer, "https://news.example.com.hk/c.html", PAGE, []))
    return path


def brotli_page(path: Path) -> Path:
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "br")]
    return write_warc(
        path, [("https://news.example.com.hk/br.html", brotli.compress(PAGE), headers)]
    )


def no_article(path: Path) -> Path:
    """An empty page, a page with no title and no text, and an article."""
    pages = [
        ("https://news.example.com.hk/empty.html", b"", []),
        ("https://news.example.com.hk/bare.html", b"<html><body><div></div></body></html>", []),
        ("https://news.example.com.hk/a.html", PAGE, []),
    ]
    return write_warc(path, pages)


def bomb(path: Path) -> Path:
    """A page whose gzip Content-Encoding inflates to 1 GiB (about 1 MB stored)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 24)
    parts = [compressor.compress(chunk) for _ in range(64)] + [compressor.flush()]
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    pages = [
        ("https://news.example.com.hk/bomb.html", b"".join(parts), headers),
        ("https://news.example.com.hk/after.html", PAGE, []),
    ]
    return write_warc(path, pages)


def wacz(path: Path) -> Path:
    """A WACZ of two pages, its page list naming only the first."""
    warc = two_pages(path.with_suffix(".warc.gz"))
    pages = '{"format": "json-pages-1.0"}\n{"url": "https://news.example.com.hk/a.html"}\n'
    with zipfile.ZipFile(path, "w") as package:
        package.write(warc, "archive/data.warc.gz")
        package.writestr("pages/pages.jsonl", pages)
    warc.unlink()
    return path


def collection(path: Path) -> Path:
    """A pywb collection holding only ARC files, two folders down."""
    archive = path / "collections" / "old" / "archive"
    archive.mkdir(parents=True)
    shutil.copy(SAMPLES / "warcio" / "example.arc.gz", archive)
    return path


HOSTILE: dict[str, tuple[Callable[[Path], Path], str, int, dict[str, int], list[str]]] = {
    # name: (maker, file name, new articles, skipped by reason, words of the warning)
    "truncated": (truncated, "t.warc", 1, {"truncated": 1}, ["truncated"]),
    "damaged": (damaged, "d.warc.gz", 2, {}, ["damaged record", "skipped to offset"]),
    "bad-uris": (bad_uris, "u.warc.gz", 1, {"bad URI": 1, "no URI": 1}, ["no WARC-Target-URI"]),
    "brotli": (brotli_page, "b.warc.gz", 1, {}, []),
    "bomb": (bomb, "x.warc.gz", 1, {"too big (over 33554432 bytes)": 1}, []),
    "wacz": (wacz, "p.wacz", 1, {"not in the WACZ page list": 1}, []),
    "arc-collection": (collection, "coll", 1, {}, []),
    "no-article": (
        no_article,
        "n.warc.gz",
        1,
        {"not an article (empty page)": 1, "not an article (no title, no text)": 1},
        [],
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_captures_import_what_they_can_and_say_where(
    name: str, tmp_path: Path, db_path: Path, every_page: Path
) -> None:
    maker, file_name, new, skipped, words = HOSTILE[name]
    path = maker(tmp_path / file_name)
    result = import_warc(str(path), db=db_path, campaign=every_page)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert (report["new"], report["skipped"]) == (new, skipped)
    assert all(word in " ".join(report["damaged"]) for word in words)
    assert all("\n" not in line for line in report["damaged"])


SAMPLE_FILES = sorted(
    path.relative_to(SAMPLES).as_posix()
    for path in SAMPLES.rglob("*")
    if path.name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz"))
)
# Samples that are no archive at all: a one-line error and exit 1.
NOT_ARCHIVES = {"pywb/invalid_example_1.wacz"}


@pytest.mark.parametrize("sample", SAMPLE_FILES)
def test_every_sample_imports_or_gives_one_line(
    sample: str, db_path: Path, every_page: Path
) -> None:
    result = import_warc(str(SAMPLES / sample), db=db_path, campaign=every_page)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if sample in NOT_ARCHIVES:
        assert result.exit_code == 1
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        assert not db_path.exists()
        return
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert report["captures"] == report["new"] + report["unchanged"] + report["updated"] + (
        report["duplicate"] + sum(report["skipped"].values())
    )


def test_a_page_of_a_host_with_no_spider_gets_its_registered_domain(
    tmp_path: Path, db_path: Path, every_page: Path
) -> None:
    result = import_warc(str(two_pages(tmp_path / "a.warc.gz")), db=db_path, campaign=every_page)
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    (article,) = db.query("SELECT outlet, outlet_source FROM articles WHERE url LIKE '%/a.html'")
    assert article == {"outlet": "example.com.hk", "outlet_source": "domain"}


def test_skipped_captures_are_kept_with_why(tmp_path: Path, db_path: Path) -> None:
    result = import_warc(str(two_pages(tmp_path / "a.warc.gz")), db=db_path)
    assert result.exit_code == 0, result.output
    rows = sqlite_utils.Database(db_path)["skipped_pages"].rows
    assert {(row["url"], row["reason"]) for row in rows} == {
        ("https://news.example.com.hk/a.html", "no keyword")
    }


def test_standard_input_is_read_and_kept(tmp_path: Path, db_path: Path, every_page: Path) -> None:
    data = two_pages(tmp_path / "a.warc.gz").read_bytes()
    result = import_warc("-", db=db_path, campaign=every_page, stdin=data)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["new"] == 2
    # Kept beside the archive, where `archive capture` reads the page back from.
    (kept,) = (db_path.parent / "warcs").glob("stdin-*.warc.gz")
    assert kept.read_bytes() == data
    page = tmp_path / "page.html"
    args = ["capture", "https://news.example.com.hk/a.html", "-o", str(page), "--db", str(db_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert page.read_bytes() == PAGE


def test_a_failed_import_leaves_no_archive_behind(tmp_path: Path, db_path: Path) -> None:
    good, bad = two_pages(tmp_path / "a.warc.gz"), tmp_path / "b.warc.gz"
    bad.write_bytes(gzip.compress(b"not a WARC at all\n"))
    result = import_warc(str(good), str(bad), db=db_path)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "b.warc.gz is not a WARC or ARC file" in result.output
    assert not db_path.exists()


def revisits_far_apart(path: Path, images: int) -> Path:
    """An article, ``images`` images, then two revisits of the article (one by its payload
    digest, one by WARC-Refers-To URI and date with a digest of no capture) and the article
    again (a duplicate capture)."""
    url, date = "https://news.example.com.hk/a.html", "2024-08-30T03:00:00Z"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        article = response(writer, url, PAGE, [])
        writer.write_record(article)
        for n in range(images):
            headers = [("Content-Type", "image/jpeg")]
            image = response(writer, f"https://news.example.com.hk/{n}.jpg", b"%d" % n, headers)
            writer.write_record(image)
        digests = (article.rec_headers.get_header("WARC-Payload-Digest"), "sha1:" + "A" * 32)
        for day, digest in enumerate(digests, 1):
            revisit = writer.create_revisit_record(url, digest, url, date)
            revisit.rec_headers.replace_header("WARC-Date", f"2024-09-0{day}T03:00:00Z")
            writer.write_record(revisit)
        writer.write_record(response(writer, url, PAGE, []))
    return path


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder temporary files go to, for this test."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_revisit_finds_its_original_read_many_records_earlier(
    tmp_path: Path, db_path: Path, every_page: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The map of originals is committed every 50 writes here: 300 images make 18 batches.
    monkeypatch.setattr(importer, "ORIGINALS_BATCH", 50)
    path = revisits_far_apart(tmp_path / "r.warc.gz", images=300)
    result = import_warc(str(path), db=db_path, campaign=every_page)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["captures"], report["new"], report["unchanged"]) == (304, 1, 2)
    assert report["skipped"] == {"not HTML (image/jpeg)": 300, "duplicate capture": 1}
    assert not list(scratch.iterdir())


def test_the_map_of_originals_is_deleted_when_an_import_fails(
    tmp_path: Path, db_path: Path, every_page: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    during: list[Path] = []

    def fail(*args: object, **kwargs: object) -> None:
        during.extend(scratch.rglob("originals.db"))
        raise RuntimeError("stopped")

    monkeypatch.setattr(importer._Importer, "_save", fail)
    path = revisits_far_apart(tmp_path / "r.warc.gz", images=3)
    result = import_warc(str(path), db=db_path, campaign=every_page)
    assert isinstance(result.exception, RuntimeError)
    assert len(during) == 1 and not list(scratch.iterdir())
    assert sqlite_utils.Database(db_path)["crawls"].get(1)["status"] == "failed"


def test_a_full_disk_for_the_map_of_originals_is_one_line(
    tmp_path: Path, db_path: Path, every_page: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Five pages: the schema's, and one for each table's first rows.
    monkeypatch.setattr(
        importer, "ORIGINALS_PRAGMAS", (*importer.ORIGINALS_PRAGMAS, "max_page_count = 5")
    )
    path = revisits_far_apart(tmp_path / "r.warc.gz", images=300)
    result = import_warc(str(path), db=db_path, campaign=every_page)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: no room for the map of the captures read in ")
    assert "set TMPDIR" in result.output and not list(scratch.iterdir())
    assert sqlite_utils.Database(db_path)["crawls"].get(1)["status"] == "failed"


# The child runs `archive ARGS`, then prints its peak resident memory (KiB) last on stderr:
# VmHWM, its own address space's high-water mark. (ru_maxrss carries over the forked parent's
# size: after a long test run pytest's 450 MB showed up as the child's peak.)
MEASURED_RUN = """
import re, sys
from pathlib import Path
from crawler.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit as end:
    code = end.code
status = Path("/proc/self/status").read_text()
print(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1], file=sys.stderr)
sys.exit(code)
"""


# No server listens here: a request that escaped the replay handler would fail.
DEAD_PROXY = "http://127.0.0.1:9"


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, said",
    [
        (["import-warc", "{bomb}"], "skipped, too big"),
        (
            ["crawl", "--replay", "{bomb}", "--url", "https://news.example.com.hk/bomb.html"],
            "Unreadable capture of https://news.example.com.hk/bomb.html",
        ),
    ],
    ids=["import", "replay"],
)
def test_the_bomb_takes_little_memory(
    tmp_path: Path, db_path: Path, args: list[str], said: str
) -> None:
    path = bomb(tmp_path / "x.warc.gz")
    command = [arg.format(bomb=path) for arg in args]
    result = subprocess.run(
        [sys.executable, "-c", MEASURED_RUN, *command, "--db", str(db_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env={**os.environ, "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY},
    )
    assert result.returncode == 0, result.stderr
    peak_kib = int(result.stderr.splitlines()[-1])
    assert peak_kib < 300 * 1024, peak_kib
    assert said in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def not_a_wacz(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("notes.txt", "no WARC here")
    return path


def wacz_of_junk(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("archive/data.warc.gz", b"\x1f\x8b\x08\x00junk" * 10)
    return path


def written(data: bytes) -> Callable[[Path], Path]:
    def write(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return write


@pytest.mark.parametrize(
    "maker, name, message",
    [
        (
            written(bytes(range(256)) * 8),
            "r.warc.gz",
            "r.warc.gz is not a WARC or ARC file: no WARC",
        ),
        (written(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03junk"), "g.warc.gz", "no WARC or ARC"),
        (written(b""), "e.warc", "e.warc is not a WARC or ARC file: it holds no records"),
        (not_a_wacz, "n.wacz", "n.wacz is not a WACZ file: it holds no archive/"),
        (wacz_of_junk, "j.wacz", "j.wacz#archive/data.warc.gz is not a WARC or ARC file"),
        (written(b"PK\x03\x04 cut short"), "c.wacz", "c.wacz is not a WACZ file"),
    ],
    ids=["random", "bad-gzip", "empty", "zip-no-warc", "wacz-of-junk", "cut-zip"],
)
def test_what_is_no_archive_is_one_line_and_no_new_archive(
    maker: Callable[[Path], Path], name: str, message: str, tmp_path: Path, db_path: Path
) -> None:
    result = import_warc(str(maker(tmp_path / name)), db=db_path)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert message in result.output and "\\x" not in result.output
    assert not db_path.exists()


def deflated(sample: Path, path: Path) -> Path:
    """``sample`` (a zip) with every member deflated."""
    with zipfile.ZipFile(sample) as source, zipfile.ZipFile(path, "w") as package:
        for info in source.infolist():
            package.writestr(info.filename, source.read(info), zipfile.ZIP_DEFLATED)
    return path


def test_a_page_imported_from_a_wacz_is_captured_from_the_wacz(
    tmp_path: Path, db_path: Path, every_page: Path
) -> None:
    # pywb's sample keeps its WARC stored in the zip, as WACZ packages do: addressable in place.
    sample = SAMPLES / "pywb" / "valid_example_1.wacz"
    assert import_warc(str(sample), db=db_path, campaign=every_page).exit_code == 0
    page, record = tmp_path / "page.html", tmp_path / "page.warc.gz"
    for extra, out in (([], page), (["--record"], record)):
        args = ["capture", "http://www.example.com/", *extra, "-o", str(out), "--db", str(db_path)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    assert (
        page.read_bytes().startswith(b"<!doctype html>") and b"Example Domain" in page.read_bytes()
    )
    check = subprocess.run([str(WARCIO), "check", str(record)], capture_output=True, timeout=60)
    assert check.returncode == 0, check.stdout
    with record.open("rb") as stream:
        assert [r.rec_type for r in ArchiveIterator(stream)] == ["warcinfo", "response", "request"]


def test_a_wacz_that_compresses_its_warcs_imports_with_nothing_to_capture_from(
    tmp_path: Path, db_path: Path, every_page: Path
) -> None:
    path = deflated(SAMPLES / "pywb" / "valid_example_1.wacz", tmp_path / "d.wacz")
    assert import_warc(str(path), db=db_path, campaign=every_page).exit_code == 0
    result = CliRunner().invoke(cli, ["capture", "http://www.example.com/", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "a WACZ that compresses its WARCs" in result.output
