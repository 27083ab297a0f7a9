"""大公報 Ta Kung Pao (www.takungpao.com.hk) and 大公文匯 (www.tkww.hk), in one spider.

takungpao.com.hk: articles at ``/<section>/<section id>/YYYY/MMDD/<id>.html`` (6 or 7 digits, as
``/news/232109/2024/0830/1012364.html``); section lists ``/<section>/<section id>/index.html``,
paged ``index_2.html``, ``index_3.html`` … Article pages: title h1.tkp_con_title, subtitle
h3.tkp_con_subtitle, the date in the first span of h2.tkp_con_author and 來源：… in another, body
div.tkp_content, 責任編輯 in div.tkp_con_editor. Pages of other templates (photo stories) have no
h2.tkp_con_author: their date comes from the generic extractor (``article:published_time``,
JSON-LD), else from the URL's day.

tkww.hk, the group's 大公文匯全媒體 site (outlet 大公文匯): articles at
``/a/YYYYMM/DD/AP<24 hex>.html``; lists ``/hongkong``, paged ``/hongkong/more_2.html`` … with
div.story-item cards. Article pages: title h1.content-title-text, body div.content-body-inner, the
date only in JSON-LD ``datePublished`` ("Fri Aug 30 04:12:46 HKT 2024"), 來源：大公報 or
來源：香港文匯報 on stories taken from the papers.

Known from public scrapers (the shared SITES.md): the 港聞 list id 232109, the article URLs, and the
title, date and body selectors. Invented for the mirror, to be checked against the live sites:
the 財經 and 圖片 section ids, the index_N paging, the subtitle and editor classes, the tkww.hk
list path, its story-item cards and more_N paging (the scheme of the group's wenweipo.com), and
its content-info and content-editor lines.
Printed bylines (【大公報訊】記者 甲、乙 報道：, 大公報記者 甲報道：,
【大公報訊】（記者 甲）) stay in the body's first paragraph for the normaliser.

Spider arguments: those of spiders.base.NewsSpider (``campaign``, ``since``, ``until``).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from crawler.extract.blocks import extract_blocks, node_text
from crawler.extract.generic import json_ld_article
from crawler.items import RawArticle
from crawler.normalise.dates import parse_date
from spiders.base import NewsSpider, date_in_url

TKP_BASE_URL = "https://www.takungpao.com.hk"
TKWW_BASE_URL = "https://www.tkww.hk"
LIST_URLS = (
    TKP_BASE_URL + "/news/232109/index.html",  # 港聞
    TKP_BASE_URL + "/finance/236132/index.html",  # 財經
    TKWW_BASE_URL + "/hongkong",  # 香港
)

TKP_HOSTS = ("www.takungpao.com.hk", "takungpao.com.hk", "www.takungpao.com", "takungpao.com")
TKWW_HOSTS = ("www.tkww.hk", "tkww.hk")
TKP_ARTICLE_PATH_REGEX = re.compile(r"/[a-z]+/\d{5,6}/20\d\d/\d{4}/\d{6,7}\.html")
TKWW_ARTICLE_PATH_REGEX = re.compile(r"/a/20\d{4}/\d\d/AP[0-9a-f]{24}\.html")
HOST_OUTLETS = {host: "大公文匯" for host in TKWW_HOSTS}

LIST_ITEM_XPATH = (
    "//ul[contains(@class,'tkp_list')]/li | //div[contains(@class,'story-list')]"
    "//div[contains(concat(' ',normalize-space(@class),' '),' story-item ')]"
)
LIST_DATE_XPATH = (
    ".//*[contains(@class,'tkp_list_date') or contains(@class,'story-item-time')]/text()"
)
NEXT_PAGE_XPATH = (
    "//div[contains(@class,'tkp_page') or contains(@class,'pagination')]"
    "//a[contains(@class,'next')]/@href"
)

TKP_TITLE_XPATH = "//h1[contains(@class,'tkp_con_title')]"
TKP_SUBTITLE_XPATH = "//*[contains(@class,'tkp_con_subtitle')]"
TKP_INFO_SPAN_XPATH = "//h2[contains(@class,'tkp_con_author')]/span"
TKP_BODY_XPATH = "//div[contains(@class,'tkp_content')]"
TKP_EDITOR_XPATH = "//div[contains(@class,'tkp_con_editor')]"

TKWW_TITLE_XPATH = "//h1[contains(@class,'content-title-text')]"
TKWW_SUBTITLE_XPATH = "//*[contains(@class,'content-title-sub')]"
TKWW_INFO_SPAN_XPATH = "//div[contains(@class,'content-info')]/span"
TKWW_BODY_XPATH = "//div[contains(@class,'content-body-inner')]"
TKWW_EDITOR_XPATH = "//div[contains(@class,'content-editor')]"

SOURCE_LABEL_REGEX = re.compile(r"^\s*(?:來源|来源)\s*[:：]")


class TakungpaoSpider(NewsSpider):
    """大公報 and 大公文匯: section lists with paging, article pages of both sites."""

    name = "takungpao"
    outlet = "大公報"
    hosts = TKP_HOSTS + TKWW_HOSTS
    article_paths = MappingProxyType(
        {
            **dict.fromkeys(TKP_HOSTS, TKP_ARTICLE_PATH_REGEX),
            **dict.fromkeys(TKWW_HOSTS, TKWW_ARTICLE_PATH_REGEX),
        }
    )
    list_item_xpath = LIST_ITEM_XPATH
    list_date_xpath = LIST_DATE_XPATH
    list_next_xpath = NEXT_PAGE_XPATH

    async def start(self) -> Any:
        for request in self.list_requests(LIST_URLS):
            yield request

    def parse_article(self, response: Response) -> RawArticle:
        """An article page of takungpao.com.hk or tkww.hk."""
        if urlsplit(response.url).hostname in TKWW_HOSTS:
            return self.parse_tkww_article(response)
        return self.parse_tkp_article(response)

    def parse_tkp_article(self, response: Response) -> RawArticle:
        """takungpao.com.hk: h1 title, h2.tkp_con_author spans (a date first, 來源), tkp_content."""
        spans = [node_text(span) for span in response.xpath(TKP_INFO_SPAN_XPATH)]
        return self._article(
            response,
            title_xpath=TKP_TITLE_XPATH,
            subtitle_xpath=TKP_SUBTITLE_XPATH,
            published=spans[0] if spans and parse_date(spans[0]) else None,
            info=spans[1:],
            body_xpath=TKP_BODY_XPATH,
            editor_xpath=TKP_EDITOR_XPATH,
        )

    def parse_tkww_article(self, response: Response) -> RawArticle:
        """tkww.hk: h1 title, date from JSON-LD, content-info spans, content-body-inner body."""
        published = json_ld_article(response.selector).get("datePublished")
        return self._article(
            response,
            title_xpath=TKWW_TITLE_XPATH,
            subtitle_xpath=TKWW_SUBTITLE_XPATH,
            published=published if isinstance(published, str) else None,
            info=[node_text(span) for span in response.xpath(TKWW_INFO_SPAN_XPATH)],
            body_xpath=TKWW_BODY_XPATH,
            editor_xpath=TKWW_EDITOR_XPATH,
        )

    def _article(
        self,
        response: Response,
        *,
        title_xpath: str,
        subtitle_xpath: str,
        published: str | None,
        info: list[str],
        body_xpath: str,
        editor_xpath: str,
    ) -> RawArticle:
        """The RawArticle of a page from its site's selectors and info-line texts."""
        body = response.xpath(body_xpath)[:1]
        blocks, images = extract_blocks(body, response.url) if body else ([], [])
        source = next((text for text in info if SOURCE_LABEL_REGEX.match(text)), None)
        editor = node_text(response.xpath(editor_xpath))
        return RawArticle(
            url=response.url,
            outlet=HOST_OUTLETS.get(urlsplit(response.url).hostname or "", self.outlet),
            title=node_text(response.xpath(title_xpath)[:1]) or None,
            subtitle=node_text(response.xpath(subtitle_xpath)[:1]) or None,
            published=published or None,
            authors=[editor] if editor else [],
            blocks=blocks,
            images=images,
            source_line=source,
        )

    def extract(self, response: Response) -> RawArticle:
        """The site's extraction, then the generic one, then the URL's day for the date."""
        raw = super().extract(response)
        if not raw.published:
            day = date_in_url(response.url)
            raw.published = day.isoformat() if day else None
        return raw
