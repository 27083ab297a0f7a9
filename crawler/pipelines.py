"""Item pipelines: thin glue between a spider's ArticleItem and the modules that do the work.

- NormalisePipeline (crawler.normalise): page fields as printed -> the article record; reads
  ``ARCHIVE_MAX_BODY_CHARS`` and ``ARCHIVE_MAX_IMAGES``.
- CampaignFilterPipeline (crawler.crawl.campaign): drops articles outside the campaign's keywords or
  date window, counting them under ``archive/skipped/<reason>``.
- StorePipeline (crawler.store): writes the record with where its capture is, counts
  ``archive/new|updated|unchanged|duplicate``, keeps the crawls row of the run, the fetch_errors
  rows, the pages the campaign skipped and the listed pages that were lists (``page_skipped``),
  where the latest capture of each list page is, and the last-seen times of pages that
  answered 304 (crawler/fetch/refresh.py).
  Reads ``ARCHIVE_DB_PATH`` and ``DEDUP_MIN_SIMILARITY``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DropItem

from crawler.crawl.signals import fetch_failed, page_captured, page_not_modified, page_skipped
from crawler.errors import is_disk_full
from crawler.items import ArticleItem, Block
from crawler.middlewares import stop_crawl
from crawler.normalise import normalise_article
from crawler.store import Archive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.crawl.campaign import Campaign

logger = logging.getLogger(__name__)

# Room kept beside the archive while a crawl runs and given back when the disk fills, so the
# crawl's row can still be marked failed (an update is a few 4 KB pages of write-ahead log).
RESERVE_BYTES = 64 * 1024


class NormalisePipeline:
    """Turns the raw page fields into the article record of docs/ARCHITECTURE.md, first cutting
    a hostile or broken page's text to ``ARCHIVE_MAX_BODY_CHARS`` and its images to
    ``ARCHIVE_MAX_IMAGES`` (logged, and counted in ``archive/truncated/body|images``)."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.max_chars = crawler.settings.getint("ARCHIVE_MAX_BODY_CHARS")
        self.max_images = crawler.settings.getint("ARCHIVE_MAX_IMAGES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalisePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        raw = item.raw
        if sum(len(block.text) for block in raw.blocks) > self.max_chars:
            raw.blocks = cut_blocks(raw.blocks, self.max_chars)
            self._log_cut(raw.url, "body", f"text cut to {self.max_chars} characters")
        if len(raw.images) > self.max_images:
            self._log_cut(raw.url, "images", f"{len(raw.images)} images cut to {self.max_images}")
            raw.images = raw.images[: self.max_images]
        raw.fetched_at = raw.fetched_at or item.fetched_at
        item.record = normalise_article(raw)
        return item

    def _log_cut(self, url: str, what: str, message: str) -> None:
        self.stats.inc_value(f"archive/truncated/{what}")
        logger.warning("Cut %s: %s", url, message)


def cut_blocks(blocks: list[Block], max_chars: int) -> list[Block]:
    """The first blocks holding at most ``max_chars`` characters, the last one cut short."""
    kept: list[Block] = []
    room = max_chars
    for block in blocks:
        if room <= 0:
            break
        kept.append(replace(block, text=block.text[:room]))
        room -= len(block.text)
    return kept


class Skipped(DropItem):
    """Raised by CampaignFilterPipeline for an article outside the campaign; StorePipeline
    remembers the page, so that a re-crawl need not fetch it again."""

    def __init__(self, reason: str):
        super().__init__(f"skipped ({reason.replace('_', ' ')})", log_level="DEBUG")
        self.reason = reason


def skipped_page(item: object, exception: Exception, campaign: Campaign) -> dict[str, Any] | None:
    """What ``Archive.record_skipped`` keeps of an item the campaign filter dropped (None for
    any other dropped item): its URL, why, under which filter, when, its validators."""
    if not (isinstance(exception, Skipped) and isinstance(item, ArticleItem) and item.record):
        return None
    return {
        "url": item.record["url"],
        "reason": exception.reason,
        "filter_key": campaign.filter_key(),
        "seen_at": item.fetched_at,
        "etag": item.capture.get("etag"),
        "last_modified": item.capture.get("last_modified"),
    }


class CampaignFilterPipeline:
    """Drops articles that carry none of the campaign's keywords or lie outside its dates.

    Pages an archivist listed by hand (``archive crawl --url``) pass unchecked.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CampaignFilterPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        record = item.record
        assert record is not None
        reason = None if item.listed else self.crawler.spider.campaign.skip_reason(record)
        if reason:
            self._skip(reason, record)
        return item

    def _skip(self, reason: str, record: dict) -> None:
        self.stats.inc_value(f"archive/skipped/{reason}")
        self.stats.inc_value("archive/skipped")
        logger.info("Skipped (%s): %s %s", reason.replace("_", " "), record["url"], record["title"])
        raise Skipped(reason)


class StorePipeline:
    """Writes records to the archive and keeps the run's crawls and fetch_errors rows."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive_path = crawler.settings.get("ARCHIVE_DB_PATH")
        self.archive = Archive.open(
            self.archive_path,
            min_similarity=crawler.settings.getfloat("DEDUP_MIN_SIMILARITY"),
        )
        self.crawl_id: int | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.record_fetch_error, signal=fetch_failed)
        crawler.signals.connect(self.record_skipped, signal=signals.item_dropped)
        crawler.signals.connect(self.record_not_modified, signal=page_not_modified)
        crawler.signals.connect(self.record_page_capture, signal=page_captured)
        crawler.signals.connect(self.record_page_skipped, signal=page_skipped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        campaign = spider.campaign
        self.crawl_id = self.archive.start_crawl(
            source=spider.name,
            campaign=campaign.name,
            since=campaign.since and campaign.since.isoformat(),
            until=campaign.until and campaign.until.isoformat(),
            settings={
                "keywords": campaign.keywords,
                "db": self.crawler.settings["ARCHIVE_DB_PATH"],
            },
            origin=self.crawler.settings["ARCHIVE_CRAWL_ORIGIN"],
        )
        self.stats.set_value("archive/crawl_id", self.crawl_id)
        self._drop_stale_reserves()
        self.reserve = Path(f"{self.archive_path}.crawl-{self.crawl_id}.reserve")
        try:
            self.reserve.write_bytes(bytes(RESERVE_BYTES))
        except OSError as error:
            if not is_disk_full(error):
                raise
            stop_crawl(self.crawler, f"disk full: {self.reserve.parent} ({error})")

    def _drop_stale_reserves(self) -> None:
        """Remove the room kept by crawls that no longer run (killed before they gave it back)."""
        for path in Path(self.archive_path).parent.glob(f"{Path(self.archive_path).name}.crawl-*"):
            crawl_id = path.name.rsplit(".crawl-", 1)[1].removesuffix(".reserve")
            row = self.archive.db.execute("SELECT status FROM crawls WHERE id = ?", [crawl_id])
            if (row.fetchone() or ["gone"])[0] != "running":
                path.unlink(missing_ok=True)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.record is not None
        with self._writing(item.record["url"]):
            outcome = self.archive.save_article(
                item.record,
                crawl_id=self.crawl_id,
                http_status=item.http_status,
                fetched_at=item.fetched_at,
                capture=item.capture,
            )
            self.stats.inc_value(f"archive/{outcome}")
            return item
        raise DropItem(f"not archived: {self.stats.get_value('archive/failed')}")

    def record_skipped(self, item: object, exception: Exception) -> None:
        page = skipped_page(item, exception, self.crawler.spider.campaign)
        if page:
            with self._writing(page["url"]):
                self.archive.record_skipped(**page, crawl_id=self.crawl_id)

    def record_page_skipped(
        self, url: str, reason: str, seen_at: str, etag: str | None, last_modified: str | None
    ) -> None:
        with self._writing(url):
            self.archive.record_skipped(
                url,
                reason=reason,
                filter_key=self.crawler.spider.campaign.filter_key(),
                crawl_id=self.crawl_id,
                seen_at=seen_at,
                etag=etag,
                last_modified=last_modified,
            )

    def record_not_modified(self, url: str, seen_at: str) -> None:
        with self._writing(url):
            self.archive.mark_not_modified(url, crawl_id=self.crawl_id, seen_at=seen_at)

    def record_page_capture(self, url: str, seen_at: str, capture: dict) -> None:
        with self._writing(url):
            self.archive.record_page_capture(
                url, crawl_id=self.crawl_id, seen_at=seen_at, capture=capture
            )

    def record_fetch_error(
        self, url: str, reason: str, http_status: int | None = None, attempts: int = 1
    ) -> None:
        if self.crawl_id is not None:
            with self._writing(url):
                self.archive.record_fetch_error(
                    self.crawl_id, url=url, reason=reason, http_status=http_status,
                    attempts=attempts,
                )  # fmt: skip

    @contextmanager
    def _writing(self, url: str) -> Iterator[None]:
        """Stop the crawl when the disk is full; the store's transaction has rolled back, so
        nothing of the page is half-written."""
        try:
            yield
        except sqlite3.OperationalError as error:
            if not is_disk_full(error):
                raise
            stop_crawl(
                self.crawler, f"disk full: {self.archive_path} ({error}); {url} not archived"
            )

    def spider_closed(self, reason: str) -> None:
        stats = self.stats
        counts = {
            "pages": stats.get_value("response_received_count", 0),
            "articles_new": stats.get_value("archive/new", 0),
            "articles_updated": stats.get_value("archive/updated", 0),
            "articles_unchanged": stats.get_value("archive/unchanged", 0),
            "articles_duplicate": stats.get_value("archive/duplicate", 0),
            "skipped": stats.get_value("archive/skipped", 0),
            "not_modified": stats.get_value("archive/not_modified", 0),
            "errors": stats.get_value("archive/fetch_error", 0),
            "requests": stats.get_value("downloader/request_count", 0),
            "bytes": stats.get_value("downloader/response_bytes", 0),
        }
        failure = stats.get_value("archive/failed")
        if self.crawl_id is not None:
            self.reserve.unlink(missing_ok=True)
            try:
                self.archive.finish_crawl(
                    self.crawl_id,
                    status="failed" if failure else reason,
                    counts=counts,
                    warc_files=stats.get_value("archive/warc_files", []),
                    failure=failure,
                )
            except sqlite3.OperationalError as error:
                if not is_disk_full(error):
                    raise
                logger.error(
                    "Crawl %s could not be marked %s: %s; the next crawl marks it interrupted",
                    self.crawl_id, "failed" if failure else reason, error,
                )  # fmt: skip
        self.archive.close()
