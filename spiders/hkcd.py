"""香港商報 Hong Kong Commercial Daily (www.hkcd.com.hk).

Discovery: the channel list pages (``/hkcdweb/<channel>.list.html``, paged by a "next" item)
and the site search (POST ``/hkcdweb/php/getSearchResult.php`` with ``keyword``, answered with
percent-encoded links), one search per campaign keyword. Articles live at
``/hkcdweb/content/YYYY/MM/DD/content_NNNNNNN.html``; hkcd.com and www.hkcd.com serve the same
paths. Printed-page articles carry their byline in the first paragraph (【香港商報訊】記者…報道：),
which the normaliser reads.

Spider arguments: ``channels`` (comma-separated channel names, default CHANNELS), and those of
spiders.base.NewsSpider (``campaign``, ``since``, ``until``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import unquote_to_bytes, urldefrag

import scrapy
from lxml import etree
from scrapy.http import Response

from crawler.extract.blocks import extract_blocks, node_text
from crawler.items import RawArticle, RawImage
from crawler.normalise.dates import date_in_url
from spiders.base import NewsSpider

BASE_URL = "https://www.hkcd.com.hk"
CHANNELS = ("hongkongMacao", "china", "technology", "finance")
LIST_URL = BASE_URL + "/hkcdweb/{channel}.list.html"
SEARCH_URL = BASE_URL + "/hkcdweb/php/getSearchResult.php"

LIST_ITEM_XPATH = "//div[contains(@class,'list')]//a[.//h6] | //a[contains(@class,'newItem')]"
LIST_DATE_XPATH = ".//span[contains(@class,'date')]/text()"
NEXT_PAGE_XPATH = (
    "//div[contains(@class,'item') and contains(@class,'next')]//a/@href"
    " | //a[@rel='next']/@href"
    " | //a[normalize-space()='下一頁' or normalize-space()='下一页']/@href"
)

TITLE_XPATH = (
    "//div[contains(@class,'poster')]/following-sibling::h2[1]"
    " | //div[contains(@class,'breadcrumb')]/following-sibling::h2[1]"
)
SUBTITLE_XPATH = "./following-sibling::*[1][self::h3 or self::h4 or contains(@class,'subtitle')]"
MSG_SPAN_XPATH = "//div[contains(@class,'newsDetailBox')]/div[contains(@class,'msg')]/span"
BODY_XPATH = "//div[contains(@class,'newsDetail') and not(contains(@class,'newsDetailBox'))]"
OLD_BODY_XPATH = "//div[contains(@class,'wenzi')]"
POSTER_XPATH = "//div[contains(@class,'poster')]"
END_XPATH = "//div[contains(@class,'newsDetailBox')]//div[contains(@class,'end')]"
# Characters of a search answer decoded and parsed at a time (see search_links).
DECODE_CHUNK = 1 << 16
ASCII_RUN = re.compile("[\x00-\x7f]+")


class HkcdSpider(NewsSpider):
    """香港商報: channel lists with paging, keyword search, article pages."""

    name = "hkcd"
    outlet = "香港商報"
    hosts = ("www.hkcd.com.hk", "hkcd.com.hk", "www.hkcd.com", "hkcd.com")
    article_path = re.compile(r"/hkcdweb/content/\d{4}/\d\d/\d\d/content_\d+\.html")
    list_item_xpath = LIST_ITEM_XPATH
    list_date_xpath = LIST_DATE_XPATH
    list_next_xpath = NEXT_PAGE_XPATH
    channel_urls: ClassVar[Mapping[str, str]] = {
        channel: LIST_URL.format(channel=channel) for channel in CHANNELS
    }

    async def start(self) -> Any:
        for request in self.channel_requests():
            yield request
        for keyword in self.campaign.keywords:
            yield scrapy.FormRequest(
                SEARCH_URL,
                formdata={"keyword": keyword},
                callback=self.parse_search,
                errback=self.on_error,
                dont_filter=True,
            )

    def parse_search(self, response: Response) -> Iterator[scrapy.Request]:
        """The search endpoint's answer: percent-encoded HTML, one link per matching article,
        read a piece at a time (:func:`search_links`)."""
        for href in search_links(response.text):
            url = urldefrag(response.urljoin(href)).url
            if self.is_article_url(url) and self.wanted(url):
                yield self.article_request(url)

    def parse_article(self, response: Response) -> RawArticle:
        """An article page: title h2, subtitle, msg spans, newsDetail body, poster image."""
        title = response.xpath(TITLE_XPATH)[:1]
        subtitle = title.xpath(SUBTITLE_XPATH)[:1]
        spans = response.xpath(MSG_SPAN_XPATH)
        author = node_text(spans[0].xpath(".//font")) if spans else ""
        published = next((node_text(s) for s in spans[1:2]), None) or _url_day(response.url)
        body = response.xpath(BODY_XPATH)[:1] or response.xpath(OLD_BODY_XPATH)[:1]
        blocks, images = extract_blocks(body, response.url) if body else ([], [])
        editor = node_text(response.xpath(END_XPATH))
        return RawArticle(
            url=response.url,
            outlet=self.outlet,
            title=node_text(title) or None,
            subtitle=node_text(subtitle) or None,
            published=published,
            authors=[name for name in (author, editor) if name],
            blocks=blocks,
            images=poster_images(response) + images,
        )


def search_links(text: str, chunk: int = DECODE_CHUNK) -> Iterator[str]:
    """The href of each link holding an h6 (XPath ``//a[.//h6]/@href``) in a search answer:
    HTML, or HTML percent-encoded as a whole (no ``<`` in it), as hkcd sends it.

    The answer is decoded and parsed ``chunk`` characters at a time, and each link is dropped
    from the tree once read, so neither the decoded answer nor its tree is ever whole in
    memory: an answer may list every article of the window (the mirror's lists 10,000 in one).
    """
    pieces = unquoted(text, chunk) if "<" not in text else _pieces(text, chunk)
    parser = etree.HTMLPullParser(events=("end",), tag="a")
    for piece in pieces:
        parser.feed(piece.replace("\x00", ""))
        yield from _read_links(parser)
    parser.close()
    yield from _read_links(parser)


def _pieces(text: str, chunk: int) -> Iterator[str]:
    return (text[start : start + chunk] for start in range(0, len(text), chunk))


def _read_links(parser: etree.HTMLPullParser) -> Iterator[str]:
    """The links the parser has read to their end since last asked; each then dropped, with
    all before it, unless it is inside another link, whose own end is still to come."""
    for _, anchor in parser.read_events():
        href = anchor.get("href")
        if href is not None and anchor.find(".//h6") is not None:
            yield href
        if next(anchor.iterancestors("a"), None) is None:
            anchor.clear()
            node = anchor
            while (parent := node.getparent()) is not None:
                del parent[: parent.index(node)]
                node = parent


def unquoted(text: str, chunk: int = DECODE_CHUNK) -> Iterator[str]:
    """``urllib.parse.unquote(text)`` in pieces, in memory that does not grow with the text.

    unquote splits a run of escapes at every ``%`` into a bytes object each: some 57 bytes of
    memory per character, all alive at once (180 MB for the 3 MB answer of a search listing
    10,000 articles: the crawl's peak). Here each run of ASCII characters (where the escapes
    are, as in unquote) is decoded ``chunk`` characters at a time, never cutting an escape,
    through an incremental UTF-8 decoder, so a character whose escapes straddle two chunks is
    read whole; characters outside ASCII are kept as they are.
    """
    done = 0
    for run in ASCII_RUN.finditer(text):
        yield text[done : run.start()]
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        start, end = run.span()
        while start < end:
            stop = min(start + max(chunk, 3), end)
            if stop < end:
                # An escape is three characters: end the chunk before a % in its last two.
                escape = text.rfind("%", stop - 2, stop)
                stop = escape if escape != -1 else stop
            yield decoder.decode(unquote_to_bytes(text[start:stop]))
            start = stop
        yield decoder.decode(b"", final=True)
        done = end
    yield text[done:]


def poster_images(response: Response) -> list[RawImage]:
    """The lead image above the title, with its caption (p.imgTxt) when it has one."""
    images = []
    for poster in response.xpath(POSTER_XPATH):
        src = poster.xpath(".//img/@src | .//img/@data-src").get()
        if src:
            caption = node_text(poster.xpath(".//p | .//*[contains(@class,'imgTxt')]")) or None
            images.append(RawImage(src=response.urljoin(src), caption=caption))
    return images


def _url_day(url: str) -> str | None:
    day = date_in_url(url)
    return day.isoformat() if day else None
