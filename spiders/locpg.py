"""中聯辦 Liaison Office of the Central People's Government in the HKSAR (www.locpg.gov.cn).

The office's site reports its own work (credited 来源：中联办网站) and republishes articles of
newspapers, news agencies and gov.cn with their 来源 line (来源：香港商报, 来源：新华社): the
spider records that line as ``source_line`` and the normaliser names the original outlet from it,
so a reprint is told from the newspaper's own page of the same story.

Discovery: the news list ``/jsdt/`` (``index.html``, then ``index_1.html``, ``index_2.html`` …
through its "下一页" link, until a whole page is older than the window), the summit's topic page
(专题) and the list of the older host www.locpg.hk. Articles live at ``/YYYYMMDD/<32 hex>/c.html``
(the news.cn layout: date spans in div.header-time, div.source, body #detailContent) and, on the
older layout, ``/jsdt/YYYY-MM/DD/c_NNNNNNNNNN.htm`` or ``/YYYY-MM/DD/c_NNNN.htm`` (title h1,
div.info with 来源 and 发布时间, body div#content), some of them GB2312-encoded (Scrapy decodes
them from their meta tag). The site has no feed and no search of its own.

Spider arguments: ``lists`` (comma-separated list page URLs, default LIST_URLS), and those of
spiders.base.NewsSpider (``campaign``, ``since``, ``until``).
"""

from __future__ import annotations

import re
from typing import Any

from scrapy.http import Response

from crawler.extract.blocks import extract_blocks, node_text
from crawler.items import RawArticle
from spiders.base import NewsSpider, date_in_url, split_arg

BASE_URL = "https://www.locpg.gov.cn"
OLD_BASE_URL = "https://www.locpg.hk"
LIST_URLS = (
    BASE_URL + "/jsdt/index.html",
    # The summit's topic page (专题专栏), which also links reprints kept on the older host.
    BASE_URL + "/ztzl/2024kjxzslt/index.html",
    OLD_BASE_URL + "/jsdt/index.htm",
)

LIST_ITEM_XPATH = (
    "//ul[contains(concat(' ', normalize-space(@class), ' '), ' dataList ')]/li"
    " | //ul[contains(concat(' ', normalize-space(@class), ' '), ' list ')]/li"
)
LIST_DATE_XPATH = "./span/text()"
NEXT_PAGE_XPATH = (
    "//div[contains(@class,'page')]//a[contains(@class,'next')]/@href"
    " | //a[normalize-space()='下一页']/@href"
)

TITLE_XPATH = (
    "//div[contains(@class,'head-line')]//span[contains(@class,'title')]"
    " | //div[contains(@class,'con_box')]/h1"
)
SUBTITLE_XPATH = "//div[contains(@class,'head-line')]/*[contains(@class,'sub-title')]"
HEADER_TIME_XPATH = "//div[contains(@class,'header-time')]"
INFO_XPATH = (
    "//div[contains(@class,'header-top')]/div[contains(@class,'source')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' info ')]"
)
# In order of preference: #detail (news.cn's container) also holds the editor and 纠错 line.
BODY_XPATHS = ("//div[@id='detailContent']", "//div[@id='content']", "//div[@id='detail']")
EDITOR_XPATH = "//div[@id='articleEdit']//span[contains(@class,'editor')]"

# div.header-time prints the date in pieces: "2024 08/29 19:36:12".
HEADER_TIME_REGEX = re.compile(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})\s+(\d{1,2}:\d\d(?::\d\d)?)")
SOURCE_REGEX = re.compile(r"(?:来源|來源)\s*[:：]\s*[^\s|｜]+")
INFO_DATE_REGEX = re.compile(
    r"(?:发布时间\s*[:：]\s*)?(\d{4}-\d\d-\d\d(?:\s+\d{1,2}:\d\d(?::\d\d)?)?)"
)


class LocpgSpider(NewsSpider):
    """中聯辦網站: news list with paging, the summit's topic page, article pages of both layouts."""

    name = "locpg"
    outlet = "中聯辦網站"
    hosts = ("www.locpg.gov.cn", "locpg.gov.cn", "www.locpg.hk", "locpg.hk")
    article_path = re.compile(
        r"/\d{8}/[0-9a-f]{32}/c\.html|(?:/[a-z]+)?/\d{4}-\d\d/\d\d/c_\d+\.htm"
    )
    list_item_xpath = LIST_ITEM_XPATH
    list_date_xpath = LIST_DATE_XPATH
    list_next_xpath = NEXT_PAGE_XPATH

    def __init__(self, lists: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.lists = split_arg(lists, LIST_URLS)

    async def start(self) -> Any:
        for request in self.list_requests(self.lists):
            yield request

    def parse_article(self, response: Response) -> RawArticle:
        """An article page of either layout: title, 来源 line, date, body, editor."""
        info = [node_text(node) for node in response.xpath(INFO_XPATH)]
        body = next((found[:1] for xpath in BODY_XPATHS if (found := response.xpath(xpath))), None)
        blocks, images = extract_blocks(body, response.url) if body else ([], [])
        editor = node_text(response.xpath(EDITOR_XPATH)[:1]).strip("【】[] ")
        return RawArticle(
            url=response.url,
            outlet=self.outlet,
            title=node_text(response.xpath(TITLE_XPATH)[:1]) or None,
            subtitle=node_text(response.xpath(SUBTITLE_XPATH)[:1]) or None,
            published=header_time(response) or info_date(info) or _url_day(response.url),
            authors=[editor] if editor else [],
            blocks=blocks,
            images=images,
            source_line=source_line(info),
        )


def header_time(response: Response) -> str | None:
    """The date and time of the news.cn layout's header, as 2024-08-29 19:36:12."""
    match = HEADER_TIME_REGEX.search(node_text(response.xpath(HEADER_TIME_XPATH)[:1]))
    if not match:
        return None
    year, month, day, time = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d} {time}"


def info_date(info: list[str]) -> str | None:
    """The date an info line prints: 发布时间：2024-08-30, or 2024-08-29 19:36:12 after 来源."""
    return next((m.group(1) for text in info if (m := INFO_DATE_REGEX.search(text))), None)


def source_line(info: list[str]) -> str | None:
    """The 来源 line as printed (来源：香港商报), from the header or the info line."""
    return next((m.group(0) for text in info if (m := SOURCE_REGEX.search(text))), None)


def _url_day(url: str) -> str | None:
    day = date_in_url(url)
    return day.isoformat() if day else None
