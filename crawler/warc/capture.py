"""What a response tells the archive about its capture, carried from the downloader to the store.

The WARC writer (crawler/warc/writer.py) and the replay handler (crawler/warc/replay_handler.py) put
where a response's bytes are (WARC file, offset, length) and when it was fetched (the record's
WARC-Date) in ``request.meta[CAPTURE_META]``; :func:`capture_of` adds the validators the page was
served with (ETag, Last-Modified), and StorePipeline keeps them all on the URL's article_urls row.
Spiders mark article page requests with ``request.meta[ARTICLE_META]``
(crawler/fetch/refresh.py skips or revalidates those).

A WARC file inside the archive's folder (``warcs/…``) is stored by its path relative to that
folder, so an archive can be moved with its WARCs; any other by its absolute path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

CAPTURE_META = "archive_capture"
ARTICLE_META = "archive_article"
# The earlier capture (stored WARC file, offset) a conditional request may reuse (set by
# crawler/fetch/refresh.py); the WARC writer's revisit record of a 304 refers to it.
EARLIER_CAPTURE_META = "archive_earlier_capture"
VALIDATOR_HEADERS = {"etag": b"ETag", "last_modified": b"Last-Modified"}
# request.meta keys set by the download handler (crawler/fetch/as_received.py): when the fetch
# started (a timestamp: a retried request's meta may be queued), and the response as received.
FETCH_START_META = "archive_fetch_start"
AS_RECEIVED_META = "archive_as_received"


@dataclass
class AsReceived:
    """A response's status line and header block (to the blank line) as the server sent them,
    and its body as sent when the server chunked it (Scrapy's Response holds it de-chunked).

    ``complete`` is False when the chunked body was too big to keep (the head alone is no
    record: it says the body is chunked). ``sent_head`` is the request line and headers as
    written to the connection."""

    head: bytes
    chunked_body: bytearray | None = None
    complete: bool = True
    sent_head: bytes | None = None


def utc_now() -> str:
    """The current time as ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def capture_of(response: Response, request: Request | None = None) -> dict[str, Any]:
    """The capture facts of a response: WARC place and fetch time (if any) and its validators.

    ``request`` defaults to the response's own (which a downloader middleware does not see yet).
    """
    request = request or response.request
    meta = request.meta if request is not None else {}
    capture = dict(meta.get(CAPTURE_META) or {})
    for field, header in VALIDATOR_HEADERS.items():
        value = response.headers.get(header)
        capture[field] = value.decode("latin-1") if value else None
    return capture


def stored_path(path: str | Path, db_path: str | Path) -> str:
    """How a WARC file is named in the archive: relative to the archive's folder when inside it."""
    path = Path(path).resolve()
    folder = Path(db_path).resolve().parent
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)


def resolve_path(stored: str, db_path: str | Path) -> Path:
    """The file a stored WARC path names (the inverse of :func:`stored_path`)."""
    return Path(db_path).resolve().parent / stored


def iso_from_warc_date(warc_date: str) -> str | None:
    """A WARC-Date (``2024-08-30T02:00:00.123456Z``) as the archive's times: UTC, to the second.

    None when it is no date.
    """
    try:
        moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()
