"""Retries with exponential backoff that honour Retry-After.

Scrapy's RetryMiddleware puts a failed request back in the queue at once, so a struggling server
is asked again within milliseconds. BackoffRetryMiddleware takes its place (same settings:
``RETRY_ENABLED``, ``RETRY_TIMES``, ``RETRY_HTTP_CODES`` …) and makes the n-th retry of a request
wait before it is sent:

- ``RETRY_BACKOFF_BASE``: seconds before the first retry, doubled for each later one
  (default 1.0).
- ``RETRY_BACKOFF_MAX``: the longest wait, also the cap on a server's ``Retry-After``
  (default 60.0).

A ``Retry-After`` header (seconds, or an HTTP date) lengthens the wait up to the cap. The wait
happens in ``process_request``, so other requests go on meanwhile. Waits are counted in the stat
``retry/backoff_seconds``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import sleep

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

DELAY_META = "retry_backoff_delay"


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP date); None if unset
    or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isascii() and text.isdigit():  # delta-seconds is ASCII digits ('²'.isdigit() too)
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(retry_times: int, base: float, cap: float, retry_after: float | None) -> float:
    """The wait before the ``retry_times``-th retry: base doubled per retry, at least what
    Retry-After asks, never more than ``cap``."""
    delay = base * 2 ** max(0, retry_times - 1)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, cap)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware whose retried requests wait with exponential backoff."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop(DELAY_META, None)
        if delay:
            self.crawler.stats.inc_value("retry/backoff_seconds", delay)
            await sleep(delay)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            self._delay(result, parse_retry_after(response.headers.get(b"Retry-After")))
        return result

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            self._delay(result, None)
        return result

    def _delay(self, retry: Request, retry_after: float | None) -> None:
        delay = backoff_delay(retry.meta.get("retry_times", 1), self.base, self.cap, retry_after)
        retry.meta[DELAY_META] = delay
        logger.debug("Retrying %s in %.1fs", retry.url, delay)
