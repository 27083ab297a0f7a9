"""Reading WARC files: iterating their records, indexing their captures, reading one back.

Used by `archive import-warc` (crawler/warc/importer.py), `archive crawl --replay`
(crawler/warc/replay_handler.py) and `archive capture`. Captures of other tools read as well as
ours: wget's, Browsertrix's, Heritrix's. A response is paired with its request by
WARC-Concurrent-To (either record may carry it), so a POST (a site search) is told apart from a
GET of the same URL; a response with no request record is taken for a GET.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from crawler.errors import WarcError
from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.warc.scan import RECORD_ERRORS, Entry, NotAnArchive, iter_entries, read_payload
from crawler.warc.sources import find_archive_files, stream_start

# Headers that describe the bytes as transferred, which a capture read back no longer has.
TRANSFER_HEADERS = {"transfer-encoding", "content-encoding", "content-length"}
CaptureKey = tuple[str, str, str]


@dataclass(frozen=True)
class Capture:
    """An HTTP response read back from a WARC file, its body decoded (transfer and content)."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    warc_date: str
    path: Path
    offset: int
    length: int
    protocol: str = "HTTP/1.1"

    @property
    def content_type(self) -> str:
        """The media type of the body, lower case, without parameters ('' when unknown)."""
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value.split(";")[0].strip().lower()
        return ""


# A payload read back (import, replay, `archive capture`) is capped as the live crawl's
# downloads are: a decompression bomb stops there.
MAX_PAYLOAD = DOWNLOAD_MAXSIZE


def iter_records(
    path: Path, read_bodies: bool = False, max_size: int = MAX_PAYLOAD
) -> Iterator[Entry]:
    """Every readable record of the WARC or ARC file ``path`` with its offset and length.

    ``read_bodies`` reads each capture's decoded payload, capped at ``max_size`` (else ``body``
    is None). Damaged records are passed over (the importer reports them: crawler/warc/scan.py).
    Raises :class:`WarcError` naming the file when it cannot be read or is not a WARC.
    """
    seen = False
    try:
        with path.open("rb") as stream:
            for entry in iter_entries(stream, read_bodies=read_bodies, max_size=max_size):
                if isinstance(entry, Entry):
                    seen = True
                    yield entry
    except OSError as error:
        raise WarcError(f"cannot read {path}: {error.strerror or error}") from error
    except NotAnArchive as error:
        raise WarcError(f"{path} is not a WARC or ARC file: {error}") from error
    if not seen:
        raise WarcError(f"{path} is not a WARC file: it holds no records")


def expand_warc_paths(paths: list[Path]) -> list[Path]:
    """WARC and ARC files as given, a folder standing for those under it (recursively)."""
    files = []
    for path in paths:
        if path.is_dir():
            found = [file for file in find_archive_files(path) if not file.name.endswith(".wacz")]
            if not found:
                raise WarcError(f"no .warc.gz, .warc, .arc.gz or .arc file in {path}")
            files += found
        else:
            files.append(path)
    return files


def check_warc(path: Path) -> None:
    """Raise :class:`WarcError` unless ``path`` is a readable WARC file (its first record)."""
    records = iter_records(path)
    next(records)
    records.close()


def capture_key(method: str, url: str, body: bytes = b"") -> CaptureKey:
    """What identifies a request in a capture: method, canonical URL, a digest of the body."""
    digest = hashlib.sha1(body).hexdigest() if body else ""
    return method.upper(), canonicalize_url(url), digest


@lru_cache(maxsize=4)
def index_captures(paths: tuple[Path, ...]) -> dict[CaptureKey, tuple[Path, int]]:
    """Where the response to each request is in the WARC files ``paths`` (the latest wins).

    304 Not Modified answers and revisit records are left out: they hold no page to replay.
    """
    index: dict[CaptureKey, tuple[Path, int]] = {}
    for path in paths:
        responses: list[tuple[tuple[str, str], str, int]] = []
        requests: dict[str, CaptureKey] = {}
        for entry in iter_records(path, read_bodies=True):
            record = entry.record
            ids = (
                record.rec_headers.get_header("WARC-Record-ID") or "",
                record.rec_headers.get_header("WARC-Concurrent-To") or "",
            )
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if record.rec_type == "request" and record.http_headers:
                key = capture_key(record.http_headers.protocol, url, entry.body or b"")
                requests.update((record_id, key) for record_id in ids if record_id)
            elif record.rec_type == "response" and _status(record) not in (None, 304):
                responses.append((ids, url, entry.offset))
        for ids, url, offset in responses:
            paired = [requests[record_id] for record_id in ids if record_id in requests]
            index[paired[0] if paired else capture_key("GET", url)] = (path, offset)
    return index


def read_capture(path: Path, offset: int) -> Capture:
    """The HTTP response record at ``offset`` of ``path``, read back."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            iterator = ArchiveIterator(stream)
            record = next(iterator)
            if record.rec_type != "response" or not record.http_headers:
                raise WarcError(f"{path}@{offset} is a {record.rec_type} record, not a response")
            body, problem = read_payload(record, MAX_PAYLOAD)
            if body is None:
                raise WarcError(f"{path}@{offset}: the payload is {problem}")
            length = iterator.get_record_length()
    except OSError as error:
        raise WarcError(f"cannot read {path}: {error.strerror or error}") from error
    except (*RECORD_ERRORS, StopIteration) as error:
        raise WarcError(f"no WARC record at {path}@{offset}: {error}") from error
    return capture_of_record(record, body, path, offset, length)


def capture_of_record(
    record: ArcWarcRecord, body: bytes, path: Path, offset: int, length: int
) -> Capture:
    """A response (or resource) record as a :class:`Capture`."""
    headers = record.http_headers.headers if record.http_headers else []
    if record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
        headers = [("Content-Type", content_type)]
    return Capture(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        status=_status(record) or 200,
        headers=[(n, v) for n, v in headers if n.lower() not in TRANSFER_HEADERS],
        body=body,
        warc_date=record.rec_headers.get_header("WARC-Date") or "",
        path=path,
        offset=offset,
        length=length,
        protocol=(record.http_headers.protocol if record.http_headers else "") or "HTTP/1.1",
    )


def response_of(capture: Capture, url: str) -> Response:
    """A Scrapy response for ``url`` holding the capture's status, headers and body."""
    headers = Headers()
    for name, value in capture.headers:
        headers.appendlist(name, value)
    response_class = responsetypes.from_args(headers=headers, url=url, body=capture.body)
    return response_class(
        url=url,
        status=capture.status,
        headers=headers,
        body=capture.body,
        protocol=capture.protocol,
    )


def read_warc_headers(path: Path, offset: int) -> dict[str, str] | None:
    """The WARC header fields of the record at ``offset`` of ``path`` (None when unreadable)."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            record = next(ArchiveIterator(stream))
            return dict(record.rec_headers.headers)
    except (OSError, StopIteration, *RECORD_ERRORS):
        return None


def read_record_as_warc(path: Path, offset: int, length: int) -> bytes:
    """The record at ``offset`` as a WARC file of its own, as crawlers write one: its file's
    warcinfo record (which the record names in WARC-Warcinfo-ID), the record, and the records
    concurrent to it that follow it (its request and metadata records), each as stored.

    ``path`` may be a WACZ whose WARC member holds the record (crawler/warc/sources.py)."""
    parts = []
    start = stream_start(path, offset)
    if start != offset and (read_warc_headers(path, start) or {}).get("WARC-Type") == "warcinfo":
        warcinfo_length = record_length_at(path, start)
        if warcinfo_length:
            parts.append(read_record(path, start, warcinfo_length))
    parts.append(read_record(path, offset, length))
    record_id = (read_warc_headers(path, offset) or {}).get("WARC-Record-ID")
    position = offset + length
    while record_id and (fields := read_warc_headers(path, position)) is not None:
        if fields.get("WARC-Concurrent-To") != record_id:
            break
        following = record_length_at(path, position)
        if following is None:
            break
        parts.append(read_record(path, position, following))
        position += following
    return b"".join(parts)


def record_length_at(path: Path, offset: int) -> int | None:
    """The length of the record at ``offset`` of ``path`` (None when none is readable)."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            iterator = ArchiveIterator(stream)
            next(iterator)
            return iterator.get_record_length()
    except (OSError, StopIteration, *RECORD_ERRORS):
        return None


def read_record(path: Path, offset: int, length: int) -> bytes:
    """The record's bytes as stored (one gzip member of a .warc.gz: a WARC file of its own)."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            return stream.read(length)
    except OSError as error:
        raise WarcError(f"cannot read {path}: {error.strerror or error}") from error


def _status(record: ArcWarcRecord) -> int | None:
    """The HTTP status of a response record (None when it has no valid status line)."""
    if not record.http_headers:
        return None
    try:
        return int(record.http_headers.get_statuscode())
    except ValueError:
        return None
