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
from crawler.items import ArticleItem
from crawler.pipelines import Skipped
from crawler.signals import fetch_failed, page_captured, page_not_modified

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
        if isinstance(exception, Skipped) and isinstance(item, ArticleItem) and item.record:
            self._push(
                "skipped",
                url=item.record["url"],
                reason=exception.reason,
                filter_key=self.crawler.spider.campaign.filter_key(),
                seen_at=item.fetched_at,
                etag=item.capture.get("etag"),
                last_modified=item.capture.get("last_modified"),
            )

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


def apply_event(archive: Archive, event: dict[str, Any], crawl_id: int) -> str:
    """Write one event into the archive as part of crawl ``crawl_id``; return what it counts
    as (an article's outcome: new, updated, unchanged, duplicate; else the event's type).

    Raises KeyError or ValueError for an event that is not one of the types above.
    """
    match event["type"]:
        case "article":
            return archive.save_article(
                event["record"],
                crawl_id=crawl_id,
                http_status=event["http_status"],
                fetched_at=event["fetched_at"],
                capture=event["capture"],
            )
        case "skipped":
            archive.record_skipped(
                event["url"],
                reason=event["reason"],
                filter_key=event["filter_key"],
                crawl_id=crawl_id,
                seen_at=event["seen_at"],
                etag=event["etag"],
                last_modified=event["last_modified"],
            )
        case "not_modified":
            archive.mark_not_modified(event["url"], crawl_id=crawl_id, seen_at=event["seen_at"])
        case "page_capture":
            archive.record_page_capture(
                event["url"], crawl_id=crawl_id, seen_at=event["seen_at"], capture=event["capture"]
            )
        case "fetch_error":
            archive.record_fetch_error(
                crawl_id,
                url=event["url"],
                reason=event["reason"],
                http_status=event["http_status"],
                attempts=event["attempts"],
            )
        case other:
            raise ValueError(f"unknown event type {other!r}")
    return event["type"]
