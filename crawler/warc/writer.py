"""Writes every request and response of a crawl to gzip WARC 1.1 files, with warcio.

Settings:

- ``WARC_ENABLED``: write WARC files (default True).
- ``WARC_DIR``: the folder for them (default ``warcs/`` beside ``ARCHIVE_DB_PATH``).
- ``WARC_MAX_SIZE``: bytes after which the next record goes into a new file (default 1 GB).

A downloader middleware next to the download handler (after retries, redirects and
decompression), so a record holds the request as sent and the response as received: the real
URL (the mirror and replay handlers answer with it), the body still in its Content-Encoding, and
the status line and header block byte for byte as the server sent them (status text, case,
order, repeats, Connection), with a chunked body's framing, which the download handler keeps
(crawler/fetch/as_received.py). Where it has not kept them (a mirror's or another handler's
response, a chunked body over the cap) the head is rebuilt from Scrapy's Response, without
Transfer-Encoding (the body is de-chunked), and the record says so:
``X-Archive-HTTP-Headers: rebuilt`` (counted in ``archive/warc/rebuilt_headers``). A request
record holds the request line and headers as written to the connection, or where the handler
kept none, as rebuilt from the Request (with Host).
Each response record is followed by its request record and a metadata record (via, fetchTimeMs,
outlinks, as Heritrix writes them), both WARC-Concurrent-To the response, and the three are
one write. WARC-Date is when the fetch started (stamped by the download handler, after any wait
in the download slot; else when the request reached this middleware); WARC-IP-Address is the
server's address when the download handler knows it; every record names its file's warcinfo
(WARC-Warcinfo-ID).
A 304 Not Modified is a revisit record (profile server-not-modified) whose
WARC-Refers-To-Target-URI, -Date, WARC-Refers-To and payload digest are those of the capture
revalidated (found through the archive, read-only), so replay tools show that page in full.

A file is written as ``<name>.warc.gz.open`` and renamed when closed, and each record is
flushed as it is written, so a killed crawl leaves only whole records the archive may point at
plus at most one cut one. When a crawl of the same campaign and source starts, a leftover
``.open`` file is cut back to its last whole record and renamed (or removed when it holds none
but its warcinfo), and this is logged.

Each file starts with a warcinfo record naming the crawler, campaign, source, crawl id and the
settings that shape a crawl, and is named ``<campaign>-<source>-<crawl id>-<UTC time>-<n>.warc.gz``;
a cluster worker's (crawler/cluster/) carry the worker's name in place of the crawl id, and a
worker only closes the files it left open itself.
Where each response record lies (file, offset, length) and its WARC-Date go into
``request.meta[CAPTURE_META]`` for the item (crawler/warc/capture.py); the stat
``archive/warc_files`` lists the files (as stored: relative to the archive's folder),
``archive/warc/records`` counts the records.
"""

from __future__ import annotations

import errno
import json
import logging
import zlib
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

import sqlite_utils
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import (
    StatusAndHeaders,
    StatusAndHeadersParser,
    StatusAndHeadersParserException,
)
from warcio.warcwriter import WARCWriter

from crawler.crawl.signals import warc_file_opened
from crawler.errors import ArchiveError, is_disk_full
from crawler.middlewares import stop_crawl
from crawler.store.records import capture_location, open_readonly
from crawler.warc.capture import (
    AS_RECEIVED_META,
    CAPTURE_META,
    EARLIER_CAPTURE_META,
    FETCH_START_META,
    AsReceived,
    resolve_path,
    stored_path,
)
from crawler.warc.reader import iter_records, read_warc_headers

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

WARC_VERSION = "1.1"
WARC_SPEC = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
# Settings that shape what a crawl fetches, recorded in each file's warcinfo record.
RECORDED_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_TIMEOUT",
    "RETRY_TIMES",
    "REFRESH_ENABLED",
    "REFRESH_INTERVAL",
)
SKIPPED_HEADERS = {b"transfer-encoding"}
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# The WARC field of a response record whose HTTP head was rebuilt, not kept as received.
REBUILT_FIELD = "X-Archive-HTTP-Headers"
# Links of a page listed in its metadata record, at most (a link farm stays small).
MAX_OUTLINKS = 1000
# The suffix of a WARC file being written.
OPEN = ".open"


class WarcWriter:
    """Downloader middleware writing each request and response to the crawl's WARC files."""

    def __init__(self, crawler: Crawler, directory: Path, max_size: int):
        self.crawler = crawler
        self.directory = directory
        self.max_size = max_size
        self.db_path = crawler.settings["ARCHIVE_DB_PATH"]
        self.file: BinaryIO | None = None
        self.writer: WARCWriter | None = None
        self.stored_name = ""
        self.warcinfo_id = ""
        self.origin = crawler.settings.get("ARCHIVE_CRAWL_ORIGIN") or "live"
        # The archive, read-only, opened at the first 304 (where the revalidated capture is).
        self.archive: sqlite_utils.Database | None = None
        self.files: list[str] = []
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriter:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED"):
            raise NotConfigured
        directory = settings.get("WARC_DIR") or Path(settings["ARCHIVE_DB_PATH"]).parent / "warcs"
        return cls(crawler, Path(directory), settings.getint("WARC_MAX_SIZE"))

    def process_request(self, request: Request) -> None:
        # WARC-Date is when the fetch started (WARC 1.1, 5.4), as Heritrix and wget write it. The
        # download handler stamps it again when the fetch begins; this is for handlers that don't.
        request.meta[FETCH_START_META] = datetime.now(UTC).timestamp()

    def process_response(self, request: Request, response: Response) -> Response:
        writer, out = self._open_file()
        start = request.meta.pop(FETCH_START_META, None)
        started = datetime.fromtimestamp(start, UTC) if start else datetime.now(UTC)
        fetch_ms = int((datetime.now(UTC) - started).total_seconds() * 1000)
        warc_date = started.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        common = {"WARC-Date": warc_date, "WARC-Warcinfo-ID": self.warcinfo_id}
        received = request.meta.pop(AS_RECEIVED_META, None)
        head, body = response_block(received, response)
        if response.status == 304:
            main = self._revisit_record(writer, request, response, common)
        else:
            fields = {**common, **ip_address_header(response, self.origin)}
            if not isinstance(head, ReceivedHead):
                fields[REBUILT_FIELD] = "rebuilt"
                self.crawler.stats.inc_value("archive/warc/rebuilt_headers")
            main = writer.create_warc_record(
                response.url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=head,
                warc_headers_dict=fields,
            )
        main_id = main.rec_headers.get_header("WARC-Record-ID")
        request_record = writer.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body),
            length=len(request.body),
            http_headers=request_head(received, request),
            warc_headers_dict={**common, "WARC-Concurrent-To": main_id},
        )
        fields = metadata_fields(request, response, head, fetch_ms)
        metadata = writer.create_warc_record(
            response.url,
            "metadata",
            payload=BytesIO(fields),
            length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={**common, "WARC-Concurrent-To": main_id},
        )
        records, length = whole_records(main, request_record, metadata)
        offset = out.tell()
        try:
            # Into the OS's hands before the archive may point at it: a killed process loses none.
            write_all(out, records)
        except OSError as error:
            if not is_disk_full(error):
                raise
            self._cut_back(out, offset)
            stop_crawl(self.crawler, f"disk full: {self.stored_name} ({error})")
            raise IgnoreRequest(f"not archived: disk full ({error})") from error
        request.meta[CAPTURE_META] = {
            "warc_file": self.stored_name,
            "warc_offset": offset,
            "warc_length": length,
            "fetched_at": started.replace(microsecond=0).isoformat(),
        }
        self.crawler.stats.inc_value("archive/warc/records", 3)
        if out.tell() >= self.max_size:
            self._close_file()
        return response

    def _revisit_record(
        self, writer: WARCWriter, request: Request, response: Response, common: dict[str, str]
    ) -> ArcWarcRecord:
        """A 304's revisit record (profile server-not-modified), referring to the capture the
        conditional request revalidated when the archive knows it (#18: stored as a response,
        pywb replayed the 304 as an empty page).

        Its block is empty: pywb replays a revisit whose block holds a 3xx status line as that
        status, with no body, and one with no HTTP headers with its original's. The 304's status
        and headers as received go into the capture's metadata record instead."""
        fields = {
            **common,
            **ip_address_header(response, self.origin),
            "WARC-Profile": SERVER_NOT_MODIFIED,
        }
        earlier = self._earlier_capture(request)
        if earlier is not None:
            fields["WARC-Refers-To-Target-URI"] = earlier.get("WARC-Target-URI", request.url)
            fields["WARC-Refers-To-Date"] = earlier.get("WARC-Date", "")
            for name in ("WARC-Payload-Digest", "WARC-Record-ID"):
                if earlier.get(name):
                    key = "WARC-Refers-To" if name == "WARC-Record-ID" else name
                    fields[key] = earlier[name]
        self.crawler.stats.inc_value("archive/warc/revisits")
        return writer.create_warc_record(
            response.url,
            "revisit",
            payload=BytesIO(b""),
            length=0,
            warc_headers_dict={key: value for key, value in fields.items() if value},
        )

    def _earlier_capture(self, request: Request) -> dict[str, str] | None:
        """The WARC fields of the capture a conditional request revalidates (None if unknown):
        the list page's that RefreshMiddleware named, else the article's the archive points at."""
        earlier = request.meta.get(EARLIER_CAPTURE_META)
        if earlier is None:
            found = self._capture_location(request.url)
            if found is None:
                return None
            earlier = (found["warc_file"], found["warc_offset"])
        return read_warc_headers(resolve_path(earlier[0], self.db_path), earlier[1])

    def _capture_location(self, url: str) -> dict | None:
        """Where the archive says the article at ``url`` was captured (None when nowhere)."""
        if self.archive is None:
            try:
                self.archive = open_readonly(self.db_path)
            except ArchiveError:
                return None
        found = capture_location(self.archive, url)
        return found if found and found["warc_file"] else None

    def _cut_back(self, out: BinaryIO, offset: int) -> None:
        """Drop records half-written at ``offset`` (the file ends at its last whole record)."""
        try:
            out.truncate(offset)
            out.seek(offset)
        except OSError:
            # The next crawl's recover_open_file cuts the .open file back all the same.
            logger.warning("Could not cut %s back to its last whole record", self.stored_name)

    def spider_opened(self) -> None:
        for path in sorted(self.directory.glob(f"{self._name_start()}-*{OPEN}")):
            recover_open_file(path)

    def _name_start(self) -> str:
        """What this crawl's file names start with: campaign, source, and the cluster worker."""
        spider = self.crawler.spider
        worker = self.crawler.settings.get("CLUSTER_WORKER")
        start = f"{spider.campaign.name}-{spider.name}"
        return f"{start}-{worker}" if self.crawler.settings.get("CLUSTER_URL") else start

    def spider_closed(self) -> None:
        self._close_file()
        if self.archive is not None:
            self.archive.close()

    def _open_file(self) -> tuple[WARCWriter, BinaryIO]:
        """The current file and its writer; a new file (with its warcinfo) when there is none."""
        if self.writer is not None and self.file is not None:
            return self.writer, self.file
        start = self._name_start()
        if not self.crawler.settings.get("CLUSTER_URL"):
            start += f"-{self.crawler.stats.get_value('archive/crawl_id') or 0}"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        serial = len(self.files) + 1
        name = f"{start}-{stamp}-{serial:05d}.warc.gz"
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        # Unbuffered: each capture's records are one write (whole_records), so a failed write
        # leaves no bytes in a buffer that closing the file would try to write again.
        self.file = path.with_name(name + OPEN).open("xb", buffering=0)
        self.writer = WARCWriter(self.file, gzip=True, warc_version=WARC_VERSION)
        warcinfo_record = self.writer.create_warcinfo_record(name, self._warcinfo())
        self.warcinfo_id = warcinfo_record.rec_headers.get_header("WARC-Record-ID")
        warcinfo, _ = whole_records(warcinfo_record)
        write_all(self.file, warcinfo)
        self.stored_name = stored_path(path, self.db_path)
        self.files.append(self.stored_name)
        self.crawler.stats.set_value("archive/warc_files", list(self.files))
        self.crawler.signals.send_catch_log(warc_file_opened, path=self.stored_name)
        logger.info("Writing WARC %s", path)
        return self.writer, self.file

    def _close_file(self) -> None:
        if self.file is not None:
            self.file.close()
            open_path = Path(self.file.name)
            open_path.rename(open_path.with_name(open_path.name.removesuffix(OPEN)))
        self.file = None
        self.writer = None

    def _warcinfo(self) -> dict[str, str]:
        """The warcinfo fields: who crawled what, for which campaign, with which settings."""
        settings = self.crawler.settings
        spider = self.crawler.spider
        campaign = spider.campaign
        recorded = {name: settings.get(name) for name in RECORDED_SETTINGS}
        return {
            "software": (
                f"summit-archive/{version('summit-archive')} (Scrapy {version('scrapy')}, "
                f"warcio {version('warcio')})"
            ),
            "format": f"WARC File Format {WARC_VERSION}",
            "conformsTo": WARC_SPEC,
            "isPartOf": campaign.name,
            "description": campaign.title or "",
            "source": spider.name,
            "crawl-id": str(self.crawler.stats.get_value("archive/crawl_id") or ""),
            "worker": settings.get("CLUSTER_WORKER") or "",
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "keywords": json.dumps(campaign.keywords, ensure_ascii=False),
            "settings": json.dumps(recorded, ensure_ascii=False, sort_keys=True, default=str),
        }


def whole_records(*records: ArcWarcRecord) -> tuple[bytes, int]:
    """``records`` as gzip members, and the length of the first one."""
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION)
    writer.write_record(records[0])
    first = buffer.tell()
    for record in records[1:]:
        writer.write_record(record)
    return buffer.getvalue(), first


def write_all(out: BinaryIO, data: bytes) -> None:
    """Write all of ``data`` to the unbuffered ``out`` (OSError when the disk refuses)."""
    view = memoryview(data)
    while view:
        written = out.write(view)
        if not written:
            raise OSError(errno.ENOSPC, "nothing written")
        view = view[written:]


def complete_length(path: Path, chunk_size: int = 1 << 20) -> int:
    """Bytes of the gzip WARC file ``path`` up to the end of its last whole record (each record
    is a gzip member of its own)."""
    end = position = 0
    decompressor = zlib.decompressobj(wbits=31)
    with path.open("rb") as stream:
        while chunk := stream.read(chunk_size):
            while chunk:
                try:
                    decompressor.decompress(chunk)
                except zlib.error:
                    return end
                if not decompressor.eof:
                    position += len(chunk)
                    break
                position += len(chunk) - len(decompressor.unused_data)
                end = position
                chunk = decompressor.unused_data
                decompressor = zlib.decompressobj(wbits=31)
    return end


def recover_open_file(path: Path) -> Path | None:
    """Close a WARC file a killed crawl left open: cut it to its last whole record and drop the
    ``.open`` suffix; remove it when it holds no record but its warcinfo. Returns the kept file."""
    end = complete_length(path)
    if end:
        with path.open("r+b") as stream:
            stream.truncate(end)
    if not end or sum(1 for _ in iter_records(path)) <= 1:
        path.unlink()
        logger.warning("Removed %s, left by a killed crawl with no capture in it", path)
        return None
    kept = path.with_name(path.name.removesuffix(OPEN))
    path.rename(kept)
    logger.warning("Closed %s, left open by a killed crawl, after its last whole record", kept)
    return kept


class ReceivedHead(StatusAndHeaders):
    """An HTTP status line and header block as received: parsed for warcio (and the metadata
    record), written byte for byte."""

    def __init__(self, raw: bytes):
        parsed = StatusAndHeadersParser([], verify=False).parse(BytesIO(raw))
        super().__init__(parsed.statusline, parsed.headers, parsed.protocol, len(raw))
        self.raw = raw

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        """warcio writes ``headers_buff``: the bytes as received."""
        self.headers_buff = self.raw


def response_block(
    received: AsReceived | None, response: Response
) -> tuple[StatusAndHeaders, bytes]:
    """The HTTP head and body of a response record: as received when the download handler kept
    them (crawler/fetch/as_received.py), else rebuilt from the Response (body de-chunked)."""
    if received is None or not received.complete:
        return response_http_headers(response), response.body
    try:
        head = ReceivedHead(received.head)
    except StatusAndHeadersParserException:
        logger.warning("Unreadable HTTP head of %s: the WARC record's is rebuilt", response.url)
        return response_http_headers(response), response.body
    if received.chunked_body is None:
        return head, response.body
    body = bytes(received.chunked_body)
    # warcio (and pywb with it) cannot read every chunked body Twisted can: trailer fields end
    # up in the page. Such a body is stored de-chunked, under a rebuilt head.
    if ChunkedDataReader(BytesIO(body)).read() != response.body:
        logger.warning("Chunked body of %s unreadable by warcio: stored de-chunked", response.url)
        return response_http_headers(response), response.body
    return head, body


def response_http_headers(response: Response) -> StatusAndHeaders:
    """The response's status line and headers rebuilt from Scrapy's Response."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.items()
        if name.lower() not in SKIPPED_HEADERS
        for value in values
    ]
    protocol = response.protocol or "HTTP/1.1"
    return StatusAndHeaders(f"{response.status} {reason}".strip(), headers, protocol=protocol)


def request_head(received: AsReceived | None, request: Request) -> StatusAndHeaders:
    """The request line and headers of a request record: as written to the connection when the
    download handler kept them, else rebuilt from the Request."""
    if received is not None and received.sent_head:
        try:
            return ReceivedHead(received.sent_head)
        except StatusAndHeadersParserException:
            logger.warning("Unreadable request head of %s: rebuilt", request.url)
    return request_http_headers(request)


def request_http_headers(request: Request) -> StatusAndHeaders:
    """The request line and headers as sent, with the Host and Content-Length of the transport."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc)]
    headers += [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in request.headers.items()
        for value in values
    ]
    if request.body and not request.headers.get(b"Content-Length"):
        headers.append(("Content-Length", str(len(request.body))))
    return StatusAndHeaders(f"{target} HTTP/1.1", headers, protocol=request.method)


def ip_address_header(response: Response, origin: str) -> dict[str, str]:
    """WARC-IP-Address: the address the response came from, when the handler knows it and
    the crawl is live (a mirror's 127.0.0.1 is not the site's address)."""
    address = getattr(response, "ip_address", None)
    return {"WARC-IP-Address": str(address)} if address and origin == "live" else {}


def metadata_fields(
    request: Request, response: Response, head: StatusAndHeaders, fetch_ms: int
) -> bytes:
    """The metadata record of a capture, as Heritrix writes it (application/warc-fields): the
    page that linked here (via), the fetch time, and the page's links (outlink); for a 304, its
    status line and headers (``notModified``), which its revisit record does not hold."""
    lines = [f"fetchTimeMs: {fetch_ms}"]
    if response.status == 304:
        lines.append(f"notModified: {head.protocol} {head.statusline}")
        lines += [f"notModifiedHeader: {name}: {value}" for name, value in head.headers]
    via = request.headers.get(b"Referer")
    if via:
        lines.insert(0, f"via: {via.decode('latin-1')}")
    lines += [f"outlink: {link}" for link in outlinks(response)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def outlinks(response: Response) -> list[str]:
    """The absolute URLs a page links to (a/@href, at most MAX_OUTLINKS), none for non-HTML."""
    if not isinstance(response, HtmlResponse) or response.status != 200:
        return []
    links = []
    for href in response.xpath("//a/@href").getall()[:MAX_OUTLINKS]:
        url = response.urljoin(href.strip())
        if url.startswith(("http://", "https://")) and "\n" not in url and "\r" not in url:
            links.append(url)
    return list(dict.fromkeys(links))
