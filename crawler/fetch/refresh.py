"""Incremental re-crawls: article pages archived lately are not fetched again, older ones and
every other page are revalidated with conditional requests.

Settings:

- ``REFRESH_ENABLED``: skip and revalidate pages seen before (default True).
- ``REFRESH_INTERVAL``: days within which an article page seen before is not fetched again
  (default 7; a campaign's ``refresh_days`` sets it). 0 revalidates every article page.

A downloader middleware that looks pages up in the archive, read-only (crawler/query/reports.py).

- Article pages (requests a spider marks with ``request.meta[ARTICLE_META]``,
  crawler/warc/capture.py): one archived, or skipped under the same campaign filter, within the
  interval is dropped with :class:`NotModified` (stat ``archive/not_modified/skipped``; no fetch
  error). One seen before that is requested with If-None-Match / If-Modified-Since from the
  validators it was served with; a 304 only moves its last-seen times (signal
  ``page_not_modified``, handled by StorePipeline; ``archive/not_modified/revalidated``).
  ``archive/not_modified`` counts both.
- Other pages (list pages, feeds, robots.txt) are always requested, with the validators of
  their latest capture when a WARC file holds it (signal ``page_captured``); a 304 is answered
  with that capture, which the spider parses as before (``archive/list_not_modified``). A
  capture that cannot be read back sends the request again, unconditionally.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.crawl.signals import page_captured, page_not_modified
from crawler.errors import WarcError
from crawler.middlewares import NotModified
from crawler.store.records import open_readonly, page_capture, page_validators
from crawler.warc.capture import (
    ARTICLE_META,
    CAPTURE_META,
    EARLIER_CAPTURE_META,
    capture_of,
    resolve_path,
    utc_now,
)
from crawler.warc.reader import read_capture, response_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

CONDITIONAL_HEADERS = (b"If-None-Match", b"If-Modified-Since")


class RefreshMiddleware:
    """Skips article pages seen within the refresh interval, revalidates the rest."""

    def __init__(self, crawler: Crawler, interval: timedelta):
        self.crawler = crawler
        self.interval = interval
        self.db_path = Path(crawler.settings["ARCHIVE_DB_PATH"])
        self.origin = crawler.settings["ARCHIVE_CRAWL_ORIGIN"]
        self.db: sqlite_utils.Database | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RefreshMiddleware:
        if not crawler.settings.getbool("REFRESH_ENABLED"):
            raise NotConfigured
        days = max(crawler.settings.getfloat("REFRESH_INTERVAL"), 0.0)
        return cls(crawler, timedelta(days=days))

    def process_request(self, request: Request) -> None:
        db = self._archive()
        if db is None:
            return
        if request.meta.get(ARTICLE_META):
            filter_key = self.crawler.spider.campaign.filter_key()
            seen = page_validators(db, request.url, filter_key, self.origin)
            if seen is None:
                return
            if last_seen(seen["last_seen"]) > datetime.now(UTC) - self.interval:
                self._count("archive/not_modified", "archive/not_modified/skipped")
                raise NotModified(f"seen {seen['last_seen']}, within the refresh interval")
        elif request.method == "GET":
            seen = page_capture(db, request.url, self.origin)
            if seen is None or not resolve_path(seen["warc_file"], self.db_path).is_file():
                return
            request.meta[EARLIER_CAPTURE_META] = (seen["warc_file"], seen["warc_offset"])
        else:
            return
        if seen["etag"]:
            request.headers[b"If-None-Match"] = seen["etag"]
        if seen["last_modified"]:
            request.headers[b"If-Modified-Since"] = seen["last_modified"]

    def process_response(self, request: Request, response: Response) -> Request | Response:
        article = request.meta.get(ARTICLE_META)
        earlier = request.meta.get(EARLIER_CAPTURE_META)
        if response.status != 304:
            if not article and request.method == "GET" and response.status == 200:
                self._keep_capture(request, response)
            return response
        if article:
            capture = request.meta.get(CAPTURE_META) or {}
            self._count("archive/not_modified", "archive/not_modified/revalidated")
            self.crawler.signals.send_catch_log(
                page_not_modified, url=request.url, seen_at=capture.get("fetched_at") or utc_now()
            )
            raise NotModified("304 Not Modified")
        if earlier is None:
            return response
        try:
            capture = read_capture(resolve_path(earlier[0], self.db_path), earlier[1])
        except WarcError:
            return unconditional(request)
        self._count("archive/list_not_modified")
        # The page's bytes are those of the earlier capture, not of the 304 just recorded.
        request.meta[CAPTURE_META] = {
            **(request.meta.get(CAPTURE_META) or {}),
            "warc_file": earlier[0],
            "warc_offset": earlier[1],
            "warc_length": capture.length,
        }
        return response_of(capture, request.url)

    def spider_closed(self) -> None:
        if self.db is not None:
            self.db.close()

    def _archive(self) -> sqlite_utils.Database | None:
        """The archive, read-only (None before the first crawl has made it)."""
        if self.db is None and self.db_path.is_file():
            # StorePipeline has made the archive and brought its schema up to date by now.
            self.db = open_readonly(self.db_path)
        return self.db

    def _keep_capture(self, request: Request, response: Response) -> None:
        """Have StorePipeline keep where a page's capture is, when it can be revalidated."""
        capture = capture_of(response, request)
        if capture.get("warc_file") and (capture["etag"] or capture["last_modified"]):
            seen_at = capture.pop("fetched_at", None) or utc_now()
            self.crawler.signals.send_catch_log(
                page_captured, url=request.url, seen_at=seen_at, capture=capture
            )

    def _count(self, *keys: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        for key in keys:
            stats.inc_value(key)


def unconditional(request: Request) -> Request:
    """The request again, without its conditions, to be fetched in full."""
    retry = request.replace(dont_filter=True)
    for header in CONDITIONAL_HEADERS:
        retry.headers.pop(header, None)
    retry.meta.pop(EARLIER_CAPTURE_META, None)
    return retry


def last_seen(text: str) -> datetime:
    """A stored last-seen time as an aware datetime (UTC when it names no zone)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
