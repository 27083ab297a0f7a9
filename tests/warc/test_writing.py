"""WARCs as archivists expect them (#18): a crawl of the 香港商報 mirror and a re-crawl that
revalidates every page. A 304 is a revisit record (server-not-modified) referring to the capture
it revalidated; each record names its warcinfo; each capture has a metadata record (via,
fetchTimeMs, outlinks); warcio check passes; pywb replays a page answered 304 in full."""

from __future__ import annotations

import email.utils
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.fetch.mirror import serve_mirror
from tests.helpers import HKCD_HOST, MIRROR, REPO, run_archive

pytestmark = pytest.mark.e2e
WARCIO = Path(sys.executable).with_name("warcio")
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
SEED_PATH = "hkcdweb/content/2024/08/30/content_8652301.html"


@dataclass
class Recrawled:
    """A crawl and a re-crawl of the hkcd mirror into one archive; each record of their WARCs."""

    db: Path
    warcs: Path
    records: list[dict]


def records_of(path: Path) -> list[dict]:
    """Each record of a WARC file: its type, file, WARC fields and content."""
    found = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            fields = dict(record.rec_headers.headers)
            status = record.http_headers.get_statuscode() if record.http_headers else None
            content = record.content_stream().read()
            found.append(
                {"type": record.rec_type, "file": path.name, "fields": fields,
                 "status": status, "content": content}
            )  # fmt: skip
    return found


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory: pytest.TempPathFactory) -> Recrawled:
    folder = tmp_path_factory.mktemp("recrawled")
    db = folder / "archive.db"
    with serve_mirror(MIRROR) as server:
        for extra in ([], ["-s", "REFRESH_INTERVAL=0"]):
            result = run_archive(
                "crawl", "--source", "hkcd", "--mirror", server.url, "--db", str(db),
                "--format", "json", *extra,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
    warcs = folder / "warcs"
    records = [record for path in sorted(warcs.glob("*.warc.gz")) for record in records_of(path)]
    return Recrawled(db, warcs, records)


def of_type(recrawled: Recrawled, record_type: str) -> list[dict]:
    return [record for record in recrawled.records if record["type"] == record_type]


def test_warcio_check_accepts_revisits_and_metadata(recrawled: Recrawled) -> None:
    files = sorted(map(str, recrawled.warcs.glob("*.warc.gz")))
    result = subprocess.run(
        [str(WARCIO), "check", "-v", *files], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_304_is_a_revisit_referring_to_the_capture_it_revalidated(recrawled: Recrawled) -> None:
    revisits = of_type(recrawled, "revisit")
    responses = {
        (r["fields"]["WARC-Target-URI"], r["fields"]["WARC-Record-ID"]): r
        for r in of_type(recrawled, "response")
    }
    assert revisits and not [r for r in of_type(recrawled, "response") if r["status"] == "304"]
    seed = [r for r in revisits if r["fields"]["WARC-Target-URI"].endswith(SEED_PATH)]
    assert len(seed) == 1 and "WARC-Refers-To" in seed[0]["fields"]
    seed_id = seed[0]["fields"]["WARC-Record-ID"]
    (metadata,) = [
        m for m in of_type(recrawled, "metadata") if m["fields"]["WARC-Concurrent-To"] == seed_id
    ]
    assert b"notModified: HTTP/1.1 304 Not Modified\r\n" in metadata["content"]
    assert b"notModifiedHeader: Etag: " in metadata["content"]
    assert all(r["fields"]["WARC-Profile"] == SERVER_NOT_MODIFIED for r in revisits)
    # A page the campaign skipped has no capture the archive points at: no Refers-To.
    for revisit in [r for r in revisits if "WARC-Refers-To" in r["fields"]]:
        fields = revisit["fields"]
        original = responses[(fields["WARC-Refers-To-Target-URI"], fields["WARC-Refers-To"])]
        assert fields["WARC-Refers-To-Date"] == original["fields"]["WARC-Date"]
        assert fields["WARC-Payload-Digest"] == original["fields"]["WARC-Payload-Digest"]


def test_a_mirrors_heads_are_rebuilt_and_say_so_and_name_no_address(recrawled: Recrawled) -> None:
    # The mirror's head as received is not the site's (tests/fetch/test_as_received.py has a
    # live crawl's, kept byte for byte).
    responses = of_type(recrawled, "response")
    assert responses
    assert {record["fields"].get("X-Archive-HTTP-Headers") for record in responses} == {"rebuilt"}
    # Nor is 127.0.0.1 the site's address.
    assert not [record for record in responses if "WARC-IP-Address" in record["fields"]]


def test_every_record_names_its_files_warcinfo(recrawled: Recrawled) -> None:
    warcinfos = {r["file"]: r["fields"]["WARC-Record-ID"] for r in of_type(recrawled, "warcinfo")}
    others = [r for r in recrawled.records if r["type"] != "warcinfo"]
    assert others and all(r["fields"]["WARC-Warcinfo-ID"] == warcinfos[r["file"]] for r in others)


def test_each_capture_has_a_metadata_record_with_via_fetch_time_and_outlinks(
    recrawled: Recrawled,
) -> None:
    captures = {
        r["fields"]["WARC-Record-ID"]: r
        for r in recrawled.records
        if r["type"] in ("response", "revisit")
    }
    metadata = of_type(recrawled, "metadata")
    assert {m["fields"]["WARC-Concurrent-To"] for m in metadata} == set(captures)
    assert all(m["fields"]["Content-Type"] == "application/warc-fields" for m in metadata)
    texts = {
        m["fields"]["WARC-Target-URI"]: m["content"].decode() for m in metadata
        if captures[m["fields"]["WARC-Concurrent-To"]]["type"] == "response"
    }  # fmt: skip
    assert all("fetchTimeMs: " in text for text in texts.values())
    seed = texts[f"https://{HKCD_HOST}/{SEED_PATH}"]
    assert f"via: https://{HKCD_HOST}/" in seed
    assert any(f"outlink: https://{HKCD_HOST}/{SEED_PATH}\r\n" in text for text in texts.values())


def test_requests_and_metadata_share_the_captures_warc_date(recrawled: Recrawled) -> None:
    dates = {r["fields"]["WARC-Record-ID"]: r["fields"]["WARC-Date"] for r in recrawled.records}
    concurrent = [r for r in recrawled.records if "WARC-Concurrent-To" in r["fields"]]
    assert concurrent
    assert all(
        dates[r["fields"]["WARC-Concurrent-To"]] == r["fields"]["WARC-Date"] for r in concurrent
    )


# pywb runs in a virtualenv of its own: it pins redis 2.10 (the cluster needs 5) and brings
# brotlipy, whose `brotli` module shadows Brotli's. `make test` makes it (.venv-pywb, from
# PyPI); the test run itself touches no network. ARCHIVE_PYWB_VENV names another.
PYWB_VENV = Path(os.environ.get("ARCHIVE_PYWB_VENV") or REPO / ".venv-pywb")


@pytest.fixture(scope="module")
def wayback(recrawled: Recrawled, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pywb's wayback serving both crawls' WARCs as collection ``summit`` on 127.0.0.1."""
    warcs = sorted(recrawled.warcs.glob("*.warc.gz"))
    with serve_wayback(warcs, tmp_path_factory.mktemp("pywb")) as url:
        yield url


@contextmanager
def serve_wayback(warcs: list[Path], folder: Path) -> Iterator[str]:
    """pywb's wayback serving ``warcs`` as collection ``summit`` from ``folder`` on 127.0.0.1;
    the collection's URL. Skips the test when pywb is not installed (fails it under CI)."""
    bin_dir = PYWB_VENV / "bin"
    if not (bin_dir / "wayback").is_file():
        message = f"no pywb in {PYWB_VENV}: run `make test` (or make .venv-pywb/.installed)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    for args in (["init", "summit"], ["add", "summit", *map(str, warcs)]):
        done = subprocess.run(
            [str(bin_dir / "wb-manager"), *args], cwd=folder, capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(bin_dir / "wayback"), "-b", "127.0.0.1", "-p", str(port), "-t", "2"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/summit"
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_port(port: int, timeout: float = 60) -> None:
    """Wait until something listens on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"pywb did not start on port {port}")


def test_pywb_replays_a_page_answered_304_in_full(recrawled: Recrawled, wayback: str) -> None:
    url = f"https://{HKCD_HOST}/{SEED_PATH}"
    (revisit,) = [r for r in of_type(recrawled, "revisit") if r["fields"]["WARC-Target-URI"] == url]
    stamp = "".join(c for c in revisit["fields"]["WARC-Date"] if c.isdigit())[:14]
    with urllib.request.urlopen(f"{wayback}/{stamp}id_/{url}", timeout=60) as answer:
        body, headers = answer.read(), answer.headers
    assert answer.status == 200
    assert body == (MIRROR / HKCD_HOST / SEED_PATH).read_bytes()
    # The capture replayed is the revisit's (the re-crawl's time), not the first crawl's.
    replayed = email.utils.parsedate_to_datetime(headers["Memento-Datetime"])
    assert replayed.strftime("%Y%m%d%H%M%S") == stamp
