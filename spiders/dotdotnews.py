"""點新聞 dotdotnews (www.dotdotnews.com), an online outlet of 文匯報's publisher.

Discovery: the instant-news list of each channel (``/immed/<channel>``, further pages
``more_N.html``). A list item is a ``.Share_Article`` element whose link and headline are in its
``data-href`` and ``data-title`` attributes, not in an anchor. Articles live at
``/a/YYYYMM/DD/AP<24 hex>.html``; the page prints no date, which is only in the JSON-LD
``datePublished`` ("Thu Aug 29 11:05:12 HKT 2024", read by the normaliser). The byline is in the
text: 【點新聞報道】 (the outlet alone), sometimes 點新聞記者 X.

Spider arguments: ``channels`` (comma-separated channel names, default CHANNELS), and those of
spiders.base.NewsSpider (``campaign``, ``since``, ``until``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from scrapy.http import Response

from crawler.extract.blocks import extract_blocks, node_text
from crawler.extract.generic import json_ld_article
from crawler.items import RawArticle
from spiders.base import NewsSpider

BASE_URL = "https://www.dotdotnews.com"
CHANNELS = ("hknews",)
LIST_URL = BASE_URL + "/immed/{channel}"

LIST_ITEM_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' Share_Article ')][@data-href]"
)
NEXT_PAGE_XPATH = (
    "//div[contains(@class,'pagination')]//a[contains(@class,'next')]/@href"
    " | //a[@rel='next']/@href"
    " | //a[normalize-space()='下一頁']/@href"
)

TITLE_XPATH = "//meta[@property='og:title']/@content"
HEADLINE_XPATH = "//h1"
BODY_XPATH = "//div[@id='richTextContainer']"
OLD_BODY_XPATH = "//div[contains(@class,'article-content')]"


class DotdotnewsSpider(NewsSpider):
    """點新聞: instant-news lists with paging (links in data-href), article pages."""

    name = "dotdotnews"
    outlet = "點新聞"
    hosts = ("www.dotdotnews.com", "dotdotnews.com")
    article_path = re.compile(r"/a/\d{6}/\d\d/AP[0-9a-f]{24}\.html")
    list_item_xpath = LIST_ITEM_XPATH
    list_href_xpath = "./@data-href"
    list_next_xpath = NEXT_PAGE_XPATH
    channel_urls: ClassVar[Mapping[str, str]] = {
        channel: LIST_URL.format(channel=channel) for channel in CHANNELS
    }

    def parse_article(self, response: Response) -> RawArticle:
        """An article page: og:title, JSON-LD date and author, the rich-text body."""
        ld = json_ld_article(response.selector)
        title = response.xpath(TITLE_XPATH).get("").strip() or node_text(
            response.xpath(HEADLINE_XPATH)[:1]
        )
        body = response.xpath(BODY_XPATH)[:1] or response.xpath(OLD_BODY_XPATH)[:1]
        blocks, images = extract_blocks(body, response.url) if body else ([], [])
        return RawArticle(
            url=response.url,
            outlet=self.outlet,
            title=title or None,
            published=_text(ld.get("datePublished")),
            updated=_text(ld.get("dateModified")),
            authors=author_names(ld.get("author")),
            blocks=blocks,
            images=images,
        )


def author_names(value: object) -> list[str]:
    """The names in a JSON-LD author value (a string, an object or a list of them)."""
    if isinstance(value, list):
        return [name for entry in value for name in author_names(entry)]
    if isinstance(value, dict):
        value = value.get("name")
    return [value.strip()] if isinstance(value, str) and value.strip() else []


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
