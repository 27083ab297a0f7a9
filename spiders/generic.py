"""Listed pages of any site: `archive crawl --url URL ...` or `--urls FILE`.

For an archivist who found coverage by hand. Each listed URL is fetched and extracted through the
same path as a crawl: the site's own spider's ``parse_article`` when the URL's host has a spider,
the generic extractor (JSON-LD, OpenGraph and ``article:`` meta, text density) otherwise; then the
normaliser. Listed pages are archived whatever the campaign's keywords and dates say: the
archivist chose them.

A listed page that is a list of articles (a channel, section, tag or search results page; told
by crawler/extract/kind.py) is not archived as an article: its same-site article links are
followed (at most ``ARCHIVE_LIST_MAX_LINKS``, one level deep, within Scrapy's ``DEPTH_LIMIT``),
those articles are archived as listed, and the list page is kept in ``skipped_pages`` with why
(``list page: followed 12 article links``), counted under ``archive/skipped/list_page``.

Spider arguments: ``urls`` (a list, or URLs separated by commas or whitespace) and ``urls_file``
(a text file, one URL a line, ``#`` comments allowed).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import Response

from crawler.crawl.signals import page_skipped
from crawler.extract.generic import extract_generic
from crawler.extract.kind import classify_page, site_of
from crawler.items import ArticleItem, RawArticle
from crawler.warc.capture import ARTICLE_META, capture_of, utc_now
from spiders.base import NewsSpider, is_html
from spiders.registry import site_spider_for

logger = logging.getLogger(__name__)


def read_urls(urls: str | list[str] | None, urls_file: str | None) -> list[str]:
    """The listed URLs, in order, without repeats; a UsageError for anything but http(s)."""
    listed = urls.split() if isinstance(urls, str) else list(urls or [])
    listed = [url for entry in listed for url in entry.split(",") if url]
    if urls_file:
        try:
            lines = Path(urls_file).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise UsageError(f"cannot read {urls_file}: {error.strerror or error}") from error
        listed += [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]
    for url in listed:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise UsageError(f"not an http(s) URL: {url!r}")
    return list(dict.fromkeys(listed))


class GenericSpider(NewsSpider):
    """Fetches listed article pages of any site."""

    name = "generic"
    outlet = ""

    def __init__(
        self, urls: str | list[str] | None = None, urls_file: str | None = None, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.urls = read_urls(urls, urls_file)
        # A listed page that redirects off its site is not followed (Scrapy's offsite filter);
        # a list page's articles on another host of its site (news.example.com) are.
        self.allowed_domains = sorted({site_of(urlsplit(url).hostname or "") for url in self.urls})
        self.site_spiders: dict[str, type[NewsSpider] | None] = {}

    def is_article_url(self, url: str) -> bool:
        """Every listed URL is taken for an article page (a list page's are told by shape)."""
        return True

    async def start(self) -> Any:
        # Listed pages are fetched whenever listed: the refresh interval does not hold them back.
        for url in self.urls:
            request = self.article_request(url, meta={ARTICLE_META: False})
            yield request.replace(callback=self.parse_listed_page)

    async def parse_listed_page(
        self, response: Response
    ) -> AsyncIterator[ArticleItem | scrapy.Request]:
        """A listed page: archived as an article, unless it is a list of articles, whose
        article links are followed instead (the list page is recorded as skipped, with why)."""
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        kind = None
        if response.body.strip() and is_html(response, content_type):
            kind = classify_page(response.selector, response.url)
        if kind is None or not kind.is_list:
            item = await self.parse_article_page(response)
            if item is not None:
                yield item
            return
        most = self.crawler.settings.getint("ARCHIVE_LIST_MAX_LINKS")
        links = kind.article_links[:most]
        logger.info("List page %s: following %d links (%s)", response.url, len(links), kind.why)
        self.skip_list_page(response, f"list page: followed {len(links)} article links")
        for url in links:
            yield self.article_request(url)

    def skip_list_page(self, response: Response, reason: str) -> None:
        """Count a listed list page and send ``page_skipped`` for its skipped_pages row."""
        self.crawler.stats.inc_value("archive/skipped/list_page")
        self.crawler.stats.inc_value("archive/skipped")
        capture = capture_of(response)
        self.crawler.signals.send_catch_log(
            page_skipped,
            url=response.url,
            reason=reason,
            seen_at=capture.get("fetched_at") or utc_now(),
            etag=capture.get("etag"),
            last_modified=capture.get("last_modified"),
        )

    def extract(self, response: Response) -> RawArticle:
        """The site spider's extraction when the host has one, the generic one otherwise."""
        host = urlsplit(response.url).hostname or ""
        if host not in self.site_spiders:
            self.site_spiders[host] = site_spider_for(response.url)
        site_spider = self.site_spiders[host]
        if site_spider is not None:
            return site_spider().extract(response)
        # No spider, no host table: the outlet is the page's own word for it (its lead, else
        # og:site_name and the like); the store falls back on the registered domain.
        return extract_generic(response.selector, response.url, page_text=response.text)

    async def parse_article_page(self, response: Response) -> ArticleItem | None:
        """A listed page is archived whatever the campaign's keywords and window say."""
        item = await super().parse_article_page(response)
        if item is not None:
            item.listed = True
        return item
