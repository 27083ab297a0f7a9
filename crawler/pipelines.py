"""Item pipelines: thin glue between a spider's ArticleItem and the modules that do the work.

- NormalisePipeline (crawler.normalise): page fields as printed -> the article record.
- CampaignFilterPipeline (crawler.campaign): drops articles outside the campaign's keywords or
  date window, counting them under ``archive/skipped/<reason>``.
- StorePipeline (crawler.store): writes the record, counts
  ``archive/new|updated|unchanged|duplicate``, keeps the crawls row of the run and the
  fetch_errors rows. Reads ``ARCHIVE_DB_PATH`` and ``DEDUP_MIN_SIMILARITY``.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from crawler.normalise import normalise_article
from crawler.signals import fetch_failed
from crawler.store import Archive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class NormalisePipeline:
    """Turns the raw page fields into the article record of docs/ARCHITECTURE.md."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.record = normalise_article(item.raw)
        return item


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
        if item.listed:
            return item
        campaign = self.crawler.spider.campaign
        if not campaign.matches([record["title"], record["subtitle"], record["body"]]):
            self._skip("no_keyword", record)
        if not campaign.in_window(published_day(record)):
            self._skip("out_of_window", record)
        return item

    def _skip(self, reason: str, record: dict) -> None:
        self.stats.inc_value(f"archive/skipped/{reason}")
        self.stats.inc_value("archive/skipped")
        why = reason.replace("_", " ")
        logger.info("Skipped (%s): %s %s", why, record["url"], record["title"])
        raise DropItem(f"skipped ({why})", log_level="DEBUG")


class StorePipeline:
    """Writes records to the archive and keeps the run's crawls and fetch_errors rows."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive = Archive.open(
            crawler.settings.get("ARCHIVE_DB_PATH"),
            min_similarity=crawler.settings.getfloat("DEDUP_MIN_SIMILARITY"),
        )
        self.crawl_id: int | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.record_fetch_error, signal=fetch_failed)

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
        )
        self.stats.set_value("archive/crawl_id", self.crawl_id)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.record is not None
        outcome = self.archive.save_article(
            item.record,
            crawl_id=self.crawl_id,
            http_status=item.http_status,
            fetched_at=item.fetched_at,
        )
        self.stats.inc_value(f"archive/{outcome}")
        return item

    def record_fetch_error(self, url: str, reason: str, http_status: int | None = None) -> None:
        if self.crawl_id is not None:
            self.archive.record_fetch_error(
                self.crawl_id, url=url, reason=reason, http_status=http_status
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
            "errors": stats.get_value("archive/fetch_error", 0),
        }
        if self.crawl_id is not None:
            self.archive.finish_crawl(self.crawl_id, status=reason, counts=counts)
        self.archive.close()


def published_day(record: dict) -> date | None:
    """The publication day of a record (None when the page gave no date)."""
    published = record.get("published")
    return date.fromisoformat(published[:10]) if published else None
