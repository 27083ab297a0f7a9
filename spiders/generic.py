"""Listed pages of any site: `archive crawl --url URL ...` or `--urls FILE`.

For an archivist who found coverage by hand. Each listed URL is fetched and extracted through the
same path as a crawl: the site's own spider's ``parse_article`` when the URL's host has a spider,
the generic extractor (JSON-LD, OpenGraph and ``article:`` meta, text density) otherwise; then the
normaliser. Listed pages are archived whatever the campaign's keywords and dates say: the
archivist chose them.

Spider arguments: ``urls`` (a list, or URLs separated by commas or whitespace) and ``urls_file``
(a text file, one URL a line, ``#`` comments allowed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import UsageError
from scrapy.http import Response

from crawler.extract.generic import extract_generic
from crawler.items import ArticleItem, RawArticle
from crawler.warc.capture import ARTICLE_META
from spiders.base import NewsSpider
from spiders.registry import site_spider_for


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
        # A listed page that redirects off its site is not followed (Scrapy's offsite filter).
        self.allowed_domains = sorted({urlsplit(url).hostname or "" for url in self.urls})
        self.site_spiders: dict[str, type[NewsSpider] | None] = {}

    def is_article_url(self, url: str) -> bool:
        """Every listed URL is taken for an article page."""
        return True

    async def start(self) -> Any:
        # Listed pages are fetched whenever listed: the refresh interval does not hold them back.
        for url in self.urls:
            yield self.article_request(url, meta={ARTICLE_META: False})

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
