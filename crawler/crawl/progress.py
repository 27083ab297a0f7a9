"""Crawl progress: a line every ``PROGRESS_INTERVAL`` seconds and a summary at the end.

The Progress extension logs pages, pages/s, articles archived, skipped and errors while a spider
runs; :func:`summarise` builds the end-of-crawl summary from a crawler's stats, for the log and
for the `archive` command.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


@dataclass
class Summary:
    """What one source's crawl did."""

    source: str
    reason: str
    pages: int
    new: int
    updated: int
    unchanged: int
    duplicate: int
    skipped: int
    errors: int
    seconds: float
    unreachable: str | None = None
    failure: str | None = None
    not_modified: int = 0
    replay_missing: int = 0
    queued: int | None = None
    seeded: int = 0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        """The summary as one line."""
        if self.unreachable:
            return f"{self.source}: unreachable: {self.unreachable}"
        if self.failure:
            return f"{self.source}: failed after {self.pages} pages: {self.failure}"
        if self.queued is not None:  # a cluster worker: `archive ingest` stores the articles
            return (
                f"{self.source}: {self.pages} pages in {self.seconds:.1f}s "
                f"({self.pages_per_second:.1f} pages/s); {self.queued} articles queued for "
                f"the archive, {self.not_modified} not modified, {self.skipped} skipped; "
                f"{self.errors} errors ({self.reason})"
            )
        return (
            f"{self.source}: {self.pages} pages in {self.seconds:.1f}s "
            f"({self.pages_per_second:.1f} pages/s); articles {self.new} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.duplicate} duplicate, "
            f"{self.not_modified} not modified, {self.skipped} skipped; "
            f"{self.errors} errors ({self.reason})"
            + (f"; {self.replay_missing} not in the capture" if self.replay_missing else "")
        )


def summarise(source: str, stats: dict[str, Any], seconds: float | None = None) -> Summary:
    """The summary of a crawl from its stats (``seconds`` defaults to the stats' own times)."""
    if seconds is None:
        started, finished = stats.get("start_time"), stats.get("finish_time")
        seconds = (finished - started).total_seconds() if started and finished else 0.0
    return Summary(
        source=source,
        reason=stats.get("finish_reason", "unknown"),
        pages=stats.get("response_received_count", 0),
        new=stats.get("archive/new", 0),
        updated=stats.get("archive/updated", 0),
        unchanged=stats.get("archive/unchanged", 0),
        duplicate=stats.get("archive/duplicate", 0),
        skipped=stats.get("archive/skipped", 0),
        errors=stats.get("archive/fetch_error", 0),
        seconds=seconds,
        unreachable=stats.get("archive/unreachable"),
        failure=stats.get("archive/failed"),
        not_modified=stats.get("archive/not_modified", 0),
        replay_missing=stats.get("archive/replay_missing", 0),
        queued=stats.get("archive/queued"),
        seeded=stats.get("scheduler/enqueued/redis", 0),
    )


class Progress:
    """Logs progress every PROGRESS_INTERVAL seconds and a summary at the end."""

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.task: LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.task = LoopingCall(self.log_progress, spider)
        self.task.start(self.interval, now=False)

    def log_progress(self, spider: Spider) -> None:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        elapsed = time.monotonic() - self.started
        new = stats.get_value("archive/new", 0)
        archived = (
            new + stats.get_value("archive/updated", 0) + stats.get_value("archive/unchanged", 0)
        )
        queued = stats.get_value("archive/queued")
        logger.info(
            "%s: %d pages (%.1f pages/s), %s, %d skipped, %d errors",
            spider.name,
            pages,
            pages / elapsed if elapsed else 0.0,
            f"{queued} articles queued"
            if queued is not None
            else f"{archived} articles archived ({new} new)",
            stats.get_value("archive/skipped", 0),
            stats.get_value("archive/fetch_error", 0),
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.task and self.task.running:
            self.task.stop()
        elapsed = time.monotonic() - self.started
        summary = summarise(spider.name, self.crawler.stats.get_stats(), elapsed)
        logger.info("Finished %s", summary.line())
