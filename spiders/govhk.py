"""Hong Kong government news: 政府新聞網 (www.news.gov.hk) and 政府新聞公報 (www.info.gov.hk).

One spider for both sites; each article's outlet is decided by its host (news.gov.hk pages are
政府新聞網, info.gov.hk press releases are 政府新聞公報).

news.gov.hk articles live at ``/chi/YYYYMM/YYYYMMDD_HHMMSS_NNN.html``. Discovery: the top-stories
RSS feed (``/tc/common/html/topstories.rss.xml``), each category's feed
(``/tc/categories/<category>/html/articlelist.rss.xml``) and its list pages
(``/chi/categories/<category>/html/articlelist.html``, paged by a 下一頁 link).

info.gov.hk press releases live at ``/gia/general/YYYYMM/DD/P<YYYYMMDD><5 digits>.htm``; the body
(#pressrelease) is lines separated by ``<br>`` and ends with 完 and the release's date and time
(2024年8月29日（星期四） / 香港時間12時35分): its publication time, as the furniture has none.
Discovery: the RSS feed (``/gia/rss/general_zh.xml``, recent releases only) and one daily index
(``/gia/general/YYYYMM/DDc.htm``) per day of the window. A day with no index (a 404) is passed
over quietly. Without ``until`` the indexes run from ``since`` for at most INDEX_DAYS_MAX days
(and never past today). Older pages are Big5; Scrapy decodes them by their meta charset.

Spider arguments: ``categories`` (comma-separated news.gov.hk categories, default CATEGORIES),
``index_days`` (how many daily indexes an open-ended window reads, default INDEX_DAYS_MAX), and
those of spiders.base.NewsSpider (``campaign``, ``since``, ``until``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import UsageError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract.blocks import extract_blocks, node_text
from crawler.items import Block, RawArticle, RawImage
from crawler.normalise.dates import parse_date
from spiders.base import NewsSpider

if TYPE_CHECKING:
    from twisted.python.failure import Failure

NEWS_BASE_URL = "https://www.news.gov.hk"
INFO_BASE_URL = "https://www.info.gov.hk"
NEWS_OUTLET = "政府新聞網"
PRESS_OUTLET = "政府新聞公報"
NEWS_HOSTS = ("www.news.gov.hk", "news.gov.hk")
PRESS_HOSTS = ("www.info.gov.hk", "info.gov.hk")

CATEGORIES = ("admin", "finance", "city_life")
TOP_STORIES_FEED_URL = NEWS_BASE_URL + "/tc/common/html/topstories.rss.xml"
CATEGORY_FEED_URL = NEWS_BASE_URL + "/tc/categories/{category}/html/articlelist.rss.xml"
CATEGORY_LIST_URL = NEWS_BASE_URL + "/chi/categories/{category}/html/articlelist.html"
PRESS_FEED_URL = INFO_BASE_URL + "/gia/rss/general_zh.xml"
DAILY_INDEX_URL = INFO_BASE_URL + "/gia/general/{day:%Y%m}/{day:%d}c.htm"
# Without ``until``, daily indexes are read for this many days from ``since``: a quarter holds
# an event's coverage and its follow-ups, and keeps an open-ended crawl to about 90 requests
# instead of one per day up to today (the real indexes go back years).
INDEX_DAYS_MAX = 92

NEWS_ARTICLE_PATH_REGEX = re.compile(r"/chi/\d{6}/\d{8}_\d{6}_\d{3}\.html")
PRESS_ARTICLE_PATH_REGEX = re.compile(r"/gia/general/\d{6}/\d\d/P\d{13}\.htm")
NEWS_STAMP_REGEX = re.compile(r"/(\d{4})(\d\d)(\d\d)_(\d\d)(\d\d)(\d\d)_\d{3}\.html$")

LIST_ITEM_XPATH = "//div[contains(@class,'news-list')]//li"
LIST_DATE_XPATH = ".//span[contains(@class,'date')]/text()"
NEXT_PAGE_XPATH = (
    "//a[@rel='next']/@href | //a[normalize-space()='下一頁' or normalize-space()='下一页']/@href"
)
INDEX_LINK_XPATH = "//div[contains(@class,'leftBody')]//a/@href"

NEWS_TITLE_XPATH = "//h1[contains(@class,'news-title')]"
NEWS_DATE_XPATH = "//span[contains(@class,'news-date')]"
NEWS_BODY_XPATH = "//div[contains(@class,'newsdetail-content')]"
NEWS_GALLERY_XPATH = "//div[contains(@class,'news-gallery')]//div[contains(@class,'slide')]"
NEWS_CAPTION_XPATH = ".//*[contains(@class,'caption')]"

PRESS_TITLE_XPATH = "//*[@id='PRHeadline'] | //*[@id='PRHeadlineSpan']"
PRESS_BODY_XPATH = "//*[@id='pressrelease']"
PRESS_PHOTOS_XPATH = "//div[@id='photos']"
BR_REGEX = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A release ends with 完, then its date line and its time line.
CLOSING_MARK = "完"
CLOSING_LINES_MAX = 3
# A press release's in-body heading is a short line printed all in bold (or underlined).
PRESS_HEADING_MAX_CHARS = 30
PRESS_EMPHASIS_XPATH = ".//b//text() | .//strong//text() | .//u//text()"


class GovhkSpider(NewsSpider):
    """政府新聞網 and 政府新聞公報: feeds, category lists, daily press-release indexes."""

    name = "govhk"
    outlet = NEWS_OUTLET
    hosts = NEWS_HOSTS + PRESS_HOSTS
    article_paths = MappingProxyType(
        {
            **dict.fromkeys(NEWS_HOSTS, NEWS_ARTICLE_PATH_REGEX),
            **dict.fromkeys(PRESS_HOSTS, PRESS_ARTICLE_PATH_REGEX),
        }
    )
    list_item_xpath = LIST_ITEM_XPATH
    list_date_xpath = LIST_DATE_XPATH
    list_next_xpath = NEXT_PAGE_XPATH

    def __init__(
        self, categories: str | None = None, index_days: str | int | None = None, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.categories = categories.split(",") if categories else list(CATEGORIES)
        self.index_days = parse_day_count(index_days) if index_days else INDEX_DAYS_MAX

    async def start(self) -> Any:
        feeds = [TOP_STORIES_FEED_URL, PRESS_FEED_URL]
        feeds += [CATEGORY_FEED_URL.format(category=c) for c in self.categories]
        for url in feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error)
        for category in self.categories:
            yield scrapy.Request(
                CATEGORY_LIST_URL.format(category=category),
                callback=self.parse_list,
                errback=self.on_error,
            )
        window = daily_index_window(
            self.campaign.since, self.campaign.until, date.today(), self.index_days
        )
        for day in window:
            yield scrapy.Request(
                DAILY_INDEX_URL.format(day=day),
                callback=self.parse_daily_index,
                errback=self.on_index_error,
            )

    def parse_daily_index(self, response: Response) -> Iterator[scrapy.Request]:
        """An info.gov.hk daily index: that day's press releases."""
        for href in response.xpath(INDEX_LINK_XPATH).getall():
            url = urldefrag(response.urljoin(href)).url
            if self.is_article_url(url) and self.wanted(url):
                yield self.article_request(url)

    def on_index_error(self, failure: Failure) -> None:
        """A daily index that could not be fetched; a day without one (404) is not an error."""
        if failure.check(HttpError) and failure.value.response.status == 404:
            self.logger.debug("No daily index at %s", failure.request.url)
            return
        self.on_error(failure)

    def parse_article(self, response: Response) -> RawArticle:
        """A news.gov.hk story or an info.gov.hk press release, by the page's host."""
        if urlsplit(response.url).hostname in PRESS_HOSTS:
            return self.parse_press_release(response)
        return self.parse_news_story(response)

    def parse_news_story(self, response: Response) -> RawArticle:
        """A news.gov.hk story: h1.news-title, span.news-date, the photo gallery and the body."""
        body = response.xpath(NEWS_BODY_XPATH)[:1]
        blocks, images = extract_blocks(body, response.url) if body else ([], [])
        published = node_text(response.xpath(NEWS_DATE_XPATH)[:1]) or news_url_stamp(response.url)
        return RawArticle(
            url=response.url,
            outlet=NEWS_OUTLET,
            title=node_text(response.xpath(NEWS_TITLE_XPATH)[:1]) or None,
            published=published,
            blocks=blocks,
            images=gallery_images(response) + images,
        )

    def parse_press_release(self, response: Response) -> RawArticle:
        """An info.gov.hk press release: #PRHeadline, the #pressrelease lines, the photos.

        ``published`` is the date and time printed after the closing 完, not a date of the
        page furniture. The closing lines stay the last blocks as printed; the normaliser takes
        them out of the body.
        """
        body = response.xpath(PRESS_BODY_XPATH)[:1]
        blocks = press_release_blocks(body, response.url) if body else []
        photos = response.xpath(PRESS_PHOTOS_XPATH)[:1]
        return RawArticle(
            url=response.url,
            outlet=PRESS_OUTLET,
            title=node_text(response.xpath(PRESS_TITLE_XPATH)[:1]) or None,
            published=closing_published(blocks),
            blocks=blocks,
            images=extract_blocks(photos, response.url)[1] if photos else [],
        )


def parse_day_count(value: str | int) -> int:
    """The ``index_days`` argument, a positive number; a UsageError naming it otherwise."""
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise UsageError(f"-a index_days={value!r}: expected a number of days, like 92")
    return days


def daily_index_window(
    since: date | None, until: date | None, today: date, limit: int = INDEX_DAYS_MAX
) -> list[date]:
    """The days whose info.gov.hk index to read: since..until, never past today.

    Without ``until`` at most ``limit`` days from ``since``; without ``since`` the ``limit``
    days up to ``until`` (or today).
    """
    end = min(until or today, today)
    if since and not until:
        end = min(end, since + timedelta(days=limit - 1))
    start = since or end - timedelta(days=limit - 1)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def press_release_blocks(body: Selector, base_url: str) -> list[Block]:
    """The blocks of a press release body: its paragraphs, or its ``<br>``-separated lines."""
    if body.xpath("./p"):
        return extract_blocks(body, base_url)[0]
    inner = re.sub(r"^<[^>]+>|</[^>]+>$", "", body.get().strip())
    blocks = []
    for chunk in BR_REGEX.split(inner):
        line = Selector(text=f"<div>{chunk}</div>").xpath("//body/div")
        text = node_text(line)
        if text:
            blocks.append(Block("heading" if _is_press_heading(line, text) else "paragraph", text))
    return blocks


def closing_published(blocks: list[Block]) -> str | None:
    """The publication time printed after a release's closing 完, as ISO.

    Read here rather than left to the normaliser's fallback, so that no date in the page
    furniture can stand in for it.
    """
    tail = blocks[-(CLOSING_LINES_MAX + 1) :]
    for index, block in enumerate(tail):
        if block.text == CLOSING_MARK:
            return parse_date(" ".join(line.text for line in tail[index + 1 :]))
    return None


def _is_press_heading(line: Selector, text: str) -> bool:
    if len(text) > PRESS_HEADING_MAX_CHARS:
        return False
    emphasised = " ".join(" ".join(line.xpath(PRESS_EMPHASIS_XPATH).getall()).split())
    return emphasised == text


def gallery_images(response: Response) -> list[RawImage]:
    """The news.gov.hk photo gallery above the story, each photo with its caption."""
    images = []
    for slide in response.xpath(NEWS_GALLERY_XPATH):
        src = slide.xpath(".//img/@src | .//img/@data-src").get()
        if src:
            caption = node_text(slide.xpath(NEWS_CAPTION_XPATH)) or None
            alt = slide.xpath(".//img/@alt").get()
            images.append(RawImage(src=response.urljoin(src), caption=caption, alt=alt))
    return images


def news_url_stamp(url: str) -> str | None:
    """The date and time a news.gov.hk story URL carries (…/20240829_124512_301.html)."""
    match = NEWS_STAMP_REGEX.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}+08:00"
