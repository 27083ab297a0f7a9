"""What cluster workers tell the archive, as events in Redis: queued by EventsPipeline on the
workers, applied by :func:`apply_event` in the ingester with the store calls StorePipeline makes
in a local crawl.

An event is a JSON object with ``type`` and ``source``:

- ``article``: ``record`` (normalised), ``http_status``, ``fetched_at``, ``capture``;
- ``skipped``: ``url``, ``reason``, ``filter_key``, ``seen_at``, ``etag``, ``last_modified``;
- ``not_modified``: ``url``, ``seen_at``;
- ``page_capture``: ``url``, ``seen_at``, ``capture``;
- ``fetch_error``: ``url``, ``reason``, ``http_status``, ``attempts``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.cluster.worker import cluster_of
from crawler.crawl.signals import fetch_failed, page_captured, page_not_modified
from crawler.items import ArticleItem
from crawler.pipelines import skipped_page

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.store import Archive


class EventsPipeline:
    """Queues each normalised article, and what StorePipeline would record, for the ingester."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.cluster = cluster_of(crawler)
        crawler.signals.connect(self.record_fetch_error, signal=fetch_failed)
        crawler.signals.connect(self.record_skipped, signal=signals.item_dropped)
        crawler.signals.connect(self.record_not_modified, signal=page_not_modified)
        crawler.signals.connect(self.record_page_capture, signal=page_captured)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EventsPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.stats.set_value("archive/queued", 0)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.record is not None
        self._push(
            "article",
            record=item.record,
            http_status=item.http_status,
            fetched_at=item.fetched_at,
            capture=item.capture,
        )
        self.stats.inc_value("archive/queued")
        return item

    def record_skipped(self, item: object, exception: Exception) -> None:
        page = skipped_page(item, exception, self.crawler.spider.campaign)
        if page:
            self._push("skipped", **page)

    def record_not_modified(self, url: str, seen_at: str) -> None:
        self._push("not_modified", url=url, seen_at=seen_at)

    def record_page_capture(self, url: str, seen_at: str, capture: dict) -> None:
        self._push("page_capture", url=url, seen_at=seen_at, capture=capture)

    def record_fetch_error(
        self, url: str, reason: str, http_status: int | None = None, attempts: int = 1
    ) -> None:
        self._push(
            "fetch_error", url=url, reason=reason, http_status=http_status, attempts=attempts
        )

    def _push(self, kind: str, **fields: Any) -> None:
        event = {"type": kind, "source": self.crawler.spider.name, **fields}
        self.cluster.client.rpush(self.cluster.events_key, json.dumps(event, ensure_ascii=False))


# Each event type and the Archive method that writes it; an event's fields other than its
# type and source are that method's keyword arguments.
WRITERS = {
    "article": "save_article",
    "skipped": "record_skipped",
    "not_modified": "mark_not_modified",
    "page_capture": "record_page_capture",
    "fetch_error": "record_fetch_error",
}


def apply_event(archive: Archive, event: dict[str, Any], crawl_id: int) -> str:
    """Write one event into the archive as part of crawl ``crawl_id``; return what it counts
    as (an article's outcome: new, updated, unchanged, duplicate; else the event's type).

    Raises ValueError for an unknown type, TypeError for fields its writer does not take.
    """
    fields = dict(event)
    kind, _ = fields.pop("type"), fields.pop("source")
    if kind not in WRITERS:
        raise ValueError(f"unknown event type {kind!r}")
    outcome = getattr(archive, WRITERS[kind])(**fields, crawl_id=crawl_id)
    return outcome if kind == "article" else kind
