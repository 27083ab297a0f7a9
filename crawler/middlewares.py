"""Downloader middlewares of the archive crawler.

SourceHealth gives a source up as unreachable: once ``UNREACHABLE_AFTER`` download attempts have
failed to connect (DNS lookup, refused, timed out) before any page of the crawl was fetched, it
closes the spider with the reason ``unreachable`` and records why in the stat
``archive/unreachable``, so a crawl with no network ends within seconds, with one line per source.

NotModified is what RefreshMiddleware (crawler/fetch/refresh.py) raises for a page it need not
fetch; spiders let it pass, so it lives here, where spiders can import it without the store.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.error import ConnectError
from twisted.web._newclient import ResponseNeverReceived

from crawler.crawl.signals import fetch_failed

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

CONNECTION_ERRORS = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    ConnectError,
    ResponseNeverReceived,
)
ERROR_DESCRIPTIONS = {
    CannotResolveHostError: "DNS lookup failed",
    DownloadConnectionRefusedError: "connection refused",
    DownloadTimeoutError: "timed out",
    ResponseDataLossError: "truncated body: the connection closed before the whole page came",
    DownloadFailedError: "connection lost (reset by the server?)",
}


class NotModified(IgnoreRequest):
    """Raised by RefreshMiddleware for an article page that need not be fetched again;
    spiders.base.NewsSpider.on_error lets it pass: it is no fetch error."""


class SourceHealth:
    """Closes the spider when its source cannot be reached at all."""

    def __init__(self, crawler: Crawler, limit: int):
        self.crawler = crawler
        self.limit = limit
        self.failures = 0
        self.reason: str | None = None
        self.reported: set[bytes] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceHealth:
        limit = crawler.settings.getint("UNREACHABLE_AFTER")
        if limit <= 0:
            raise NotConfigured
        return cls(crawler, limit)

    def process_exception(self, request: Request, exception: Exception) -> None:
        stats = self.crawler.stats
        assert stats is not None
        if not isinstance(exception, CONNECTION_ERRORS):
            return
        if stats.get_value("response_received_count"):
            return
        if self.reason is None:
            self.failures += 1
            if self.failures < self.limit:
                return
            self.reason = f"{describe_error(exception)} ({request.url})"
            stats.set_value("archive/unreachable", self.reason)
            logger.error("Giving up on %s: unreachable: %s", self.crawler.spider.name, self.reason)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="unreachable"))
        # The request that tipped it, and each one still in flight, is a fetch error: its
        # retries are dropped with the spider, and the audit must say what was not fetched.
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
        if fingerprint not in self.reported:
            self.reported.add(fingerprint)
            reason = f"unreachable: {describe_error(exception)}"
            report_fetch_error(self.crawler, request, reason, "unreachable")


def stop_crawl(crawler: Crawler, failure: str) -> None:
    """Stop the crawl because it cannot go on (the disk is full …): the stat ``archive/failed``
    says why, the crawl ends with the reason ``failed`` and the command exits non-zero."""
    stats = crawler.stats
    assert stats is not None
    if stats.get_value("archive/failed"):
        return
    stats.set_value("archive/failed", failure)
    logger.error("Stopping %s: %s", crawler.spider.name, failure)
    deferred_from_coro(crawler.engine.close_spider_async(reason="failed"))


def report_fetch_error(
    crawler: Crawler, request: Request, reason: str, kind: str | int, status: int | None = None
) -> None:
    """Count a page that could not be archived (under ``archive/fetch_error/<kind>``), log it,
    and send ``fetch_failed`` for its fetch_errors row; attempts are the first try plus the
    retries Scrapy made."""
    logger.warning("Could not fetch %s: %s", request.url, reason)
    stats = crawler.stats
    assert stats is not None
    stats.inc_value("archive/fetch_error")
    stats.inc_value(f"archive/fetch_error/{kind}")
    attempts = 1 + request.meta.get("retry_times", 0)
    # The URL asked for, not where its redirects led.
    url = request.meta.get("redirect_urls", [request.url])[0]
    crawler.signals.send_catch_log(
        fetch_failed, url=url, reason=reason, http_status=status, attempts=attempts
    )


def describe_error(error: BaseException) -> str:
    """A short, human account of a download failure."""
    for kind, description in ERROR_DESCRIPTIONS.items():
        if isinstance(error, kind):
            return description
    return f"{type(error).__name__}: {error}".strip().rstrip(":")
