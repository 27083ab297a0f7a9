"""文匯報 Wen Wei Po (www.wenweipo.com) and its PDF edition (pdf.wenweipo.com).

Discovery: the instant-news channels (``/immed/hongkong``, ``/immed/inland``) and the printed
paper's index (``/todaywenwei/whnews``), whose cards are ``div.story-item`` and whose further
pages are ``more_N.html``; and the PDF edition of a day (``pdf.wenweipo.com/YYYY/MM/DD/pdf1.htm``,
encoded Big5), which lists that day's printed articles page by page (``div.pdf_c2br``). An
edition is read when the paper index links to it for a day in the window, or when the
``editions`` argument names its day. Articles live at ``/a/YYYYMM/DD/AP<24 hex>.html``. Printed
articles carry their byline in the first paragraph (【香港文匯報訊】記者 X 報道, 香港文匯報記者 X,
文：記者 X ／ 圖：記者 Y), which the normaliser reads.

Spider arguments: ``channels`` (comma-separated names of CHANNELS, default all), ``editions``
(comma-separated ISO days whose PDF edition to read), and those of spiders.base.NewsSpider
(``campaign``, ``since``, ``until``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.http import Response

from crawler.extract.blocks import extract_blocks, node_text
from crawler.items import RawArticle
from spiders.base import NewsSpider, date_in_url, parse_iso_date

BASE_URL = "https://www.wenweipo.com"
EDITION_HOST = "pdf.wenweipo.com"
CHANNELS = {
    "hongkong": "/immed/hongkong",
    "inland": "/immed/inland",
    "paper": "/todaywenwei/whnews",
}
EDITION_URL = "https://" + EDITION_HOST + "/{day:%Y/%m/%d}/pdf1.htm"
EDITION_PATH_REGEX = re.compile(r"/\d{4}/\d\d/\d\d/pdf\d+\.htm")

LIST_ITEM_XPATH = "//div[contains(concat(' ', normalize-space(@class), ' '), ' story-item ')]"
LIST_DATE_XPATH = ".//*[contains(@class,'time')]/text()"
NEXT_PAGE_XPATH = (
    "//div[contains(@class,'pagination')]//a[contains(@class,'next')]/@href"
    " | //a[@rel='next']/@href"
    " | //a[normalize-space()='下一頁']/@href"
)
EDITION_LINK_XPATH = f"//a[contains(@href,'//{EDITION_HOST}/')]/@href"
EDITION_ITEM_XPATH = "//div[contains(@class,'pdf_c2br')]//a[@href]"

TITLE_XPATH = "//meta[@property='og:title']/@content"
TITLE_BAR_XPATH = "//div[contains(@class,'title-bar')]//h1"
SUBTITLE_XPATH = "//div[contains(@class,'title-bar')]//*[contains(@class,'sub-title')]"
AUTHOR_XPATH = "//meta[@property='article:author' or @name='article:author']/@content"
DATE_XPATH = (
    "//time[contains(@class,'publish-date')]"
    " | //div[contains(@class,'info-bar')]//span[contains(@class,'time')]"
)
BODY_XPATH = (
    "//div[contains(@class,'post-body')]"
    " | //div[contains(@class,'post-content')]"
    " | //div[@id='richTextContainer']"
)


class WenweipoSpider(NewsSpider):
    """文匯報: channel lists and the paper index with paging, PDF editions, article pages."""

    name = "wenweipo"
    outlet = "文匯報"
    hosts = ("www.wenweipo.com", "wenweipo.com", EDITION_HOST)
    article_path = re.compile(r"/a/\d{6}/\d\d/AP[0-9a-f]{24}\.html")
    list_item_xpath = LIST_ITEM_XPATH
    list_date_xpath = LIST_DATE_XPATH
    list_next_xpath = NEXT_PAGE_XPATH
    channel_urls: ClassVar[Mapping[str, str]] = {
        name: BASE_URL + path for name, path in CHANNELS.items()
    }

    def __init__(self, editions: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.editions = [
            parse_iso_date(day.strip(), "editions") for day in (editions or "").split(",") if day
        ]

    async def start(self) -> Any:
        for request in self.channel_requests():
            yield request
        for day in self.editions:
            yield self.edition_request(EDITION_URL.format(day=day))

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        """A channel or paper-index page: its articles in the window, the next page, and the
        PDF editions it links to for days in the window."""
        yield from super().parse_list(response)
        for href in response.xpath(EDITION_LINK_XPATH).getall():
            url = urldefrag(response.urljoin(href)).url
            if is_edition_url(url) and self.campaign.in_window(date_in_url(url)):
                yield self.edition_request(url)

    def edition_request(self, url: str) -> scrapy.Request:
        """A request for a day's PDF-edition index."""
        return scrapy.Request(url, callback=self.parse_edition, errback=self.on_error)

    def parse_edition(self, response: Response) -> Iterator[scrapy.Request]:
        """A PDF-edition index (Big5): the day's printed articles, page by page."""
        for href in response.xpath(EDITION_ITEM_XPATH + "/@href").getall():
            url = urldefrag(response.urljoin(href)).url
            if self.is_article_url(url) and self.wanted(url):
                yield self.article_request(url)

    def parse_article(self, response: Response) -> RawArticle:
        """An article page: og:title, sub-title, article:author, publish date, post body."""
        title = response.xpath(TITLE_XPATH).get("").strip() or node_text(
            response.xpath(TITLE_BAR_XPATH)[:1]
        )
        body = response.xpath(BODY_XPATH)[:1]
        blocks, images = extract_blocks(body, response.url) if body else ([], [])
        published = node_text(response.xpath(DATE_XPATH)[:1]) or _url_day(response.url)
        return RawArticle(
            url=response.url,
            outlet=self.outlet,
            title=title or None,
            subtitle=node_text(response.xpath(SUBTITLE_XPATH)[:1]) or None,
            published=published,
            authors=[a.strip() for a in response.xpath(AUTHOR_XPATH).getall() if a.strip()],
            blocks=blocks,
            images=images,
        )


def is_edition_url(url: str) -> bool:
    """Whether ``url`` is a page of the PDF edition (pdf.wenweipo.com/YYYY/MM/DD/pdfN.htm)."""
    parts = urlsplit(url)
    return parts.hostname == EDITION_HOST and EDITION_PATH_REGEX.fullmatch(parts.path) is not None


def _url_day(url: str) -> str | None:
    day = date_in_url(url)
    return day.isoformat() if day else None
