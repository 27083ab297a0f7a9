"""WARC response records hold the HTTP head as the server sent it (#18): a real crawl over
127.0.0.1 of a server writing raw bytes (unusual status texts, mixed-case and repeated headers
in a set order, Connection: close, a chunked body with and without a trailer, bare LF line
ends, a folded header, a Latin-1 byte). Request records hold the request as written, pywb
replays the records, and WARC-Date is when the fetch started, not when the request was queued
nor when the answer came."""

from __future__ import annotations

import socketserver
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.fetch.mirror import serving_in_thread
from crawler.warc.reader import read_capture
from tests.helpers import run_archive
from tests.warc.test_writing import serve_wayback

pytestmark = pytest.mark.e2e
WARCIO = Path(sys.executable).with_name("warcio")
PAGE = b"<html><head><title>Fine</title></head><body><p>as received</p></body></html>"
# How long /slow waits before it answers.
SLOW_SECONDS = 1.0
# Path -> (head, body) exactly as the server writes them.
ANSWERS = {
    # An unusual status text, mixed case, a repeated header, a deliberate order, Connection.
    "/fine": (
        b"HTTP/1.1 200 Fine\r\nX-Zeta: first\r\ncontent-TYPE: text/html; charset=utf-8\r\n"
        b"Set-Cookie: a=1\r\nSERVER: hand-written\r\nSet-Cookie: b=2\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(PAGE),
        PAGE,
    ),
    # Chunked, mixed-case hex, a chunk extension: the body as sent, framing too.
    "/chunked": (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n",
        b"19;note=x\r\n<html><body><p>first part\r\n"
        b"1E\r\n of the page</p></body></html>\r\n0\r\n\r\n",
    ),
    # A trailer, which warcio's reader (and pywb's) would take for page bytes: rebuilt.
    "/trailer": (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n",
        b"19\r\n<html><body><p>first part\r\n"
        b"1e\r\n of the page</p></body></html>\r\n0\r\nX-Trailer: t\r\n\r\n",
    ),
    # Bare LF line ends, no space after a colon, a folded header, a Latin-1 byte.
    "/bare-lf": (
        b"HTTP/1.0 200 OK\nContent-Type:text/html\nX-Folded: one\n  two\n"
        b"X-Latin: caf\xe9\nContent-Length: %d\n\n" % len(PAGE),
        PAGE,
    ),
    # HTTP/1.0 with no length: the body runs to the end of the connection.
    "/until-close": (b"HTTP/1.0 200 Okay Then\r\nContent-Type: text/html\r\n\r\n", PAGE),
    "/gone": (
        b"HTTP/1.1 404 Nicht Gefunden\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
        b"Connection: close\r\n\r\n",
        b"gone",
    ),
    "/slow": (
        b"HTTP/1.1 200 Eventually\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
        b"Connection: close\r\n\r\n" % len(PAGE),
        PAGE,
    ),
    "/robots.txt": (
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        b"",
    ),
}
# What a reader makes of the chunked bodies: the chunks' data.
DECHUNKED = b"<html><body><p>first part of the page</p></body></html>"
# Answers whose record has a rebuilt head (and the body de-chunked).
REBUILT = {"/trailer"}
FETCHED = [path for path in ANSWERS if path != "/robots.txt"]


class RawHandler(socketserver.StreamRequestHandler):
    """Reads a request's head (capped) and writes its path's answer byte for byte."""

    server: RawServer

    def handle(self) -> None:
        lines = [self.rfile.readline(8192)]
        while lines[-1] not in (b"\r\n", b"\n", b""):
            lines.append(self.rfile.readline(8192))
        received = time.time()
        path = lines[0].split(b" ")[1].decode("ascii") if b" " in lines[0] else "/"
        self.server.requests[path] = b"".join(lines)
        head, body = ANSWERS.get(path, ANSWERS["/robots.txt"])
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
        self.server.times[path] = (received, time.time())
        self.wfile.write(head + body)


class RawServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RawHandler)
        # Path -> (when its request was read, when its answer was written).
        self.times: dict[str, tuple[float, float]] = {}
        # Path -> the request's head as read.
        self.requests: dict[str, bytes] = {}

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@dataclass
class Crawled:
    warcs: list[Path]
    times: dict[str, tuple[float, float]]
    sent: dict[str, bytes]
    # URL path -> (WARC fields, the record's whole block, file, offset) of its response record.
    responses: dict[str, tuple[dict[str, str], bytes, Path, int]]
    # URL path -> the whole block of its request record.
    requests: dict[str, bytes]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    folder = tmp_path_factory.mktemp("as_received")
    with serving_in_thread(RawServer()) as server:
        urls = [arg for path in FETCHED for arg in ("--url", server.url(path))]
        # One request at a time, a second apart: the last waits seconds in the download slot,
        # which WARC-Date must not count.
        result = run_archive(
            "crawl", *urls, "--db", str(folder / "archive.db"),
            "-s", "DOWNLOAD_DELAY=1", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "RANDOMIZE_DOWNLOAD_DELAY=False",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        times, sent = dict(server.times), dict(server.requests)
    warcs = sorted((folder / "warcs").glob("*.warc.gz"))
    responses, requests = {}, {}
    for path in warcs:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream, no_record_parse=True)
            for record in records:
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "request":
                    requests["/" + url.split("/", 3)[3]] = record.raw_stream.read()
                if record.rec_type == "response":
                    block = record.raw_stream.read()
                    fields = dict(record.rec_headers.headers)
                    responses["/" + url.split("/", 3)[3]] = (
                        fields,
                        block,
                        path,
                        records.get_record_offset(),
                    )
    yield Crawled(warcs, times, sent, responses, requests)


@pytest.mark.parametrize("path", [path for path in FETCHED if path not in REBUILT])
def test_a_response_record_holds_the_http_message_byte_for_byte(
    crawled: Crawled, path: str
) -> None:
    fields, block, _, _ = crawled.responses[path]
    head, body = ANSWERS[path]
    assert block == head + body
    assert "X-Archive-HTTP-Headers" not in fields


@pytest.mark.parametrize("path", FETCHED)
def test_a_live_crawls_responses_name_the_servers_address(crawled: Crawled, path: str) -> None:
    assert crawled.responses[path][0]["WARC-IP-Address"] == "127.0.0.1"


@pytest.mark.parametrize("path", FETCHED)
def test_a_request_record_holds_the_request_as_sent(crawled: Crawled, path: str) -> None:
    assert crawled.requests[path] == crawled.sent[path]


def test_a_body_warcio_would_misread_is_stored_de_chunked_under_a_rebuilt_head(
    crawled: Crawled,
) -> None:
    fields, block, _, _ = crawled.responses["/trailer"]
    assert fields["X-Archive-HTTP-Headers"] == "rebuilt"
    assert block.startswith(b"HTTP/1.1 200 OK\r\n") and block.endswith(b"\r\n\r\n" + DECHUNKED)
    assert b"chunked" not in block.lower()


def test_warcio_check_passes(crawled: Crawled) -> None:
    result = subprocess.run(
        [str(WARCIO), "check", "-v", *map(str, crawled.warcs)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", ["/chunked", "/trailer"])
def test_a_chunked_capture_reads_back_de_chunked(crawled: Crawled, path: str) -> None:
    _, _, warc, offset = crawled.responses[path]
    assert read_capture(warc, offset).body == DECHUNKED


@pytest.mark.parametrize("path", FETCHED)
def test_warc_date_is_when_the_fetch_started(crawled: Crawled, path: str) -> None:
    fields, _, _, _ = crawled.responses[path]
    started = datetime.fromisoformat(fields["WARC-Date"].replace("Z", "+00:00")).timestamp()
    received, answered = crawled.times[path]
    # Before the server read the request, and not while the request waited in its slot.
    assert started <= received < started + 0.75
    if path == "/slow":
        assert started < answered - SLOW_SECONDS + 0.01


# Path -> the status, status text and body pywb replays (id_: the capture as it is).
REPLAYED = {
    "/fine": (200, "Fine", PAGE),
    "/chunked": (200, "OK", DECHUNKED),
    "/bare-lf": (200, "OK", PAGE),
    "/gone": (404, "Nicht Gefunden", b"gone"),
}


@pytest.fixture(scope="module")
def wayback(crawled: Crawled, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_wayback(crawled.warcs, tmp_path_factory.mktemp("pywb")) as url:
        yield url


@pytest.mark.parametrize("path", list(REPLAYED))
def test_pywb_replays_the_records_as_received(crawled: Crawled, wayback: str, path: str) -> None:
    fields = crawled.responses[path][0]
    stamp = "".join(c for c in fields["WARC-Date"] if c.isdigit())[:14]
    replay = f"{wayback}/{stamp}id_/{fields['WARC-Target-URI']}"
    try:
        with urllib.request.urlopen(replay, timeout=60) as answer:
            replayed = answer.status, answer.reason, answer.read()
    except urllib.error.HTTPError as error:
        replayed = error.code, error.reason, error.read()
    assert replayed == REPLAYED[path]
