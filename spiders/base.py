"""What every news spider shares: the campaign (keywords, date window), list-page paging that
stops at the window's start, article items, the generic fallback and fetch-error accounting.

A site's spider subclasses :class:`NewsSpider`, sets ``name``, ``outlet``, ``hosts`` and
``article_path`` (a regex its article URLs' paths match in full), yields list, feed and search
requests from ``start``, and implements ``parse_article(response) -> RawArticle`` with its own
selectors (kept as constants at the top of its module). The base class follows list pages
(:meth:`parse_list`, paging until a whole page is older than the window) and RSS/Atom feeds
(:meth:`parse_feed`).

Spider arguments (``scrapy crawl hkcd -a since=2024-08-01 -a until=2024-09-30``): ``campaign``
(a campaign file; default the ``ARCHIVE_CAMPAIGN`` setting), ``since`` and ``until`` (ISO dates,
overriding the campaign's window).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.crawl.campaign import Campaign, load_campaign
from crawler.extract.generic import complete
from crawler.items import ArticleItem, RawArticle
from crawler.middlewares import NotModified, describe_error, report_fetch_error
from crawler.normalise.dates import date_in_url, parse_date
from crawler.warc.capture import ARTICLE_META, capture_of, utc_now

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure


# Article pages are extracted on one thread of their own, not the reactor's: a page that takes
# seconds to read (10 MB of text, 100,000 images) would otherwise hold up every download in
# flight, and their timeouts would count our CPU time as the server's. One thread: extraction
# is CPU-bound Python, so more would only take turns at the GIL.
EXTRACTION = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")


def _day_of(text: str | None) -> date | None:
    """The calendar day of a date text (RSS, ISO, 2024年8月30日 …), None when it has none."""
    found = parse_date(text) if text else None
    return date.fromisoformat(found[:10]) if found else None


def is_html(response: Response, content_type: str) -> bool:
    """Whether a response is a page to extract: text, by Scrapy's reading and its type."""
    mime = content_type.split(";")[0].strip().lower()
    textual = not mime or mime.startswith("text/") or "html" in mime or "xml" in mime
    return isinstance(response, TextResponse) and textual


def split_arg(value: str | None, default: Iterable[str]) -> list[str]:
    """A comma-separated spider argument (``-a channels=a,b``) as a list, else ``default``."""
    return value.split(",") if value else list(default)


def parse_iso_date(value: str, name: str) -> date:
    """A spider argument given as an ISO date; a UsageError naming the argument otherwise."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise UsageError(f"-a {name}={value!r}: expected a date like 2024-08-01") from error


class NewsSpider(scrapy.Spider):
    """Base class of the news spiders; see the module docstring."""

    outlet: ClassVar[str]
    hosts: ClassVar[tuple[str, ...]] = ()
    article_path: ClassVar[re.Pattern[str]]
    # Sites whose hosts lay out article paths differently map each host to its own pattern.
    article_paths: ClassVar[Mapping[str, re.Pattern[str]]] = {}
    list_item_xpath: ClassVar[str] = ""
    list_href_xpath: ClassVar[str] = "./@href | .//a/@href"
    list_date_xpath: ClassVar[str] = ""
    list_next_xpath: ClassVar[str] = ""
    # A site's channels: name -> the first page of its list; ``-a channels=a,b`` picks some.
    channel_urls: ClassVar[Mapping[str, str]] = {}
    campaign: Campaign

    def __init__(
        self,
        campaign: str | Campaign | None = None,
        since: str | None = None,
        until: str | None = None,
        channels: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.channels = split_arg(channels, self.channel_urls)
        unknown = sorted(set(self.channels) - set(self.channel_urls))
        if unknown:
            known = ", ".join(self.channel_urls) or "none"
            raise UsageError(f"-a channels: unknown {', '.join(unknown)}; known: {known}")
        self.allowed_domains = list(self.hosts)
        self._campaign_arg = campaign
        self._since = parse_iso_date(since, "since") if since else None
        self._until = parse_iso_date(until, "until") if until else None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        chosen = spider._campaign_arg or crawler.settings.get("ARCHIVE_CAMPAIGN")
        campaign = chosen if isinstance(chosen, Campaign) else load_campaign(chosen)
        spider.campaign = replace(
            campaign, since=spider._since or campaign.since, until=spider._until or campaign.until
        )
        return spider

    # discovery helpers

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` is an article page of this site (by host and path)."""
        parts = urlsplit(url)
        if parts.hostname in self.article_paths:
            pattern = self.article_paths[parts.hostname]
        elif parts.hostname in self.hosts:
            pattern = self.article_path
        else:
            return False
        return pattern.fullmatch(parts.path) is not None

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        """A list page: requests for its article links in the window, then its next page.

        The site's list layout is four class attributes: ``list_item_xpath`` selects the items;
        ``list_href_xpath`` their link (an anchor's href by default; ``./@data-href`` for cards
        that keep it in an attribute); an item's day is the date in its URL, else the date text
        ``list_date_xpath`` selects inside it; ``list_next_xpath`` selects the next page's href,
        followed while :meth:`should_page_on` allows.
        """
        days = []
        for item in response.xpath(self.list_item_xpath):
            href = (item.xpath(self.list_href_xpath).get() or "").strip()
            url = urldefrag(response.urljoin(href)).url
            if not href or not self.is_article_url(url):
                continue
            date_text = item.xpath(self.list_date_xpath).get() if self.list_date_xpath else ""
            day = date_in_url(url) or _day_of(date_text)
            days.append(day)
            if self.wanted(url, day):
                yield self.article_request(url)
        next_page = response.xpath(self.list_next_xpath).get() if self.list_next_xpath else None
        if next_page and self.should_page_on(days):
            yield response.follow(next_page, callback=self.parse_list, errback=self.on_error)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """An RSS or Atom feed: requests for its article links in the window."""
        selector = response.selector
        selector.remove_namespaces()
        for entry in selector.xpath("//item | //entry"):
            href = entry.xpath("./link/text() | ./link/@href | ./guid/text()").get("").strip()
            url = urldefrag(response.urljoin(href)).url
            stamp = entry.xpath("./pubDate/text() | ./published/text() | ./updated/text()").get()
            day = date_in_url(url) or _day_of(stamp or "")
            if self.is_article_url(url) and self.wanted(url, day):
                yield self.article_request(url)

    def wanted(self, url: str, day: date | None = None) -> bool:
        """Whether an article link is worth fetching: within the window by its date."""
        return self.campaign.in_window(day or date_in_url(url))

    def should_page_on(self, days: Iterable[date | None]) -> bool:
        """Whether to follow a list page's next link: some item on it is not older than since.

        Lists are newest first, but a pinned story can sit anywhere, so paging stops only when
        a whole page is older than the window.
        """
        since = self.campaign.since
        known = [day for day in days if day is not None]
        return not since or not known or max(known) >= since

    def article_request(self, url: str, **kwargs: Any) -> scrapy.Request:
        """A request for an article page, parsed by ``parse_article_page``.

        Marked as an article page, which crawler/fetch/refresh.py may skip or revalidate.
        """
        meta = {ARTICLE_META: True, **kwargs.pop("meta", {})}
        return scrapy.Request(
            url, callback=self.parse_article_page, errback=self.on_error, meta=meta, **kwargs
        )

    # article pages

    def parse_article(self, response: Response) -> RawArticle:
        """The site's own extraction of an article page."""
        raise NotImplementedError

    def extract(self, response: Response) -> RawArticle:
        """The site's extraction, with what its selectors missed filled by the generic one."""
        return complete(self.parse_article(response), response.selector)

    async def parse_article_page(self, response: Response) -> ArticleItem | None:
        """Extract an article page (on the extraction thread) and wrap it as an item.

        A response that is no HTML page (an image, a PDF, an empty body) or in which no article
        is found (no title, no text) is recorded as a fetch error instead.
        """
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if not response.body.strip() or not is_html(response, content_type):
            reason = f"not an HTML page ({content_type})" if response.body.strip() else "empty page"
            self.record_error(response.request, reason, "not_html", response.status)
            return None
        loop = asyncio.get_running_loop()
        raw = await loop.run_in_executor(EXTRACTION, self.extract, response)
        if not raw.title and not any(block.text.strip() for block in raw.blocks):
            self.record_error(response.request, "no article found", "no_article", response.status)
            return None
        capture = capture_of(response)
        fetched_at = capture.pop("fetched_at", None) or utc_now()
        return ArticleItem(
            raw=raw, http_status=response.status, fetched_at=fetched_at, capture=capture
        )

    # errors

    async def start(self) -> Any:
        for request in self.channel_requests():
            yield request

    def channel_requests(self) -> Iterator[scrapy.Request]:
        """Requests for the first list page of each chosen channel."""
        return self.list_requests(self.channel_urls[name] for name in self.channels)

    def list_requests(self, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        """Requests for the list pages ``urls``, read by parse_list."""
        for url in urls:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.on_error)

    def on_error(self, failure: Failure) -> None:
        """Count and record a page that could not be fetched (after retries).

        An article page that need not be fetched again (crawler/fetch/refresh.py) is no error.
        """
        if failure.check(NotModified):
            return
        request = failure.request
        status = None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
        else:
            reason = describe_error(failure.value)
        self.record_error(request, reason, status or type(failure.value).__name__, status)

    def record_error(
        self, request: scrapy.Request, reason: str, kind: str | int, status: int | None = None
    ) -> None:
        """Count and record a page that could not be archived (crawler.middlewares)."""
        report_fetch_error(self.crawler, request, reason, kind, status)
