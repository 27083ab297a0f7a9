"""`archive extract`: one page's bytes to its article record, through the same path as a crawl:
the spider of the page's host when there is one, the generic extractor otherwise, then the
normaliser. Getting the bytes (a saved file, or one URL) is crawler/fetch/one_page.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scrapy.http import HtmlResponse

from crawler.extract.generic import extract_generic
from crawler.fetch.encoding import choose_encoding
from crawler.normalise import normalise_article
from spiders.registry import site_spider_for

CANONICAL_XPATH = "//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"


def page_response(url: str, body: bytes, headers: dict[str, Any]) -> HtmlResponse:
    """A response of saved bytes, decoded as a crawl decodes them (crawler/fetch/encoding.py)."""
    content_type = next(
        (str(value) for name, value in headers.items() if name.lower() == "content-type"), None
    )
    codec = choose_encoding(body, content_type)
    if codec is None:
        return HtmlResponse(url=url, body=body, headers=headers)
    return HtmlResponse(url=url, body=body, headers=headers, encoding=codec)


def canonical_url(body: bytes) -> str | None:
    """The http(s) URL a saved page declares for itself (link rel=canonical, og:url)."""
    found = page_response("file:///page.html", body, {}).xpath(CANONICAL_XPATH).get()
    return found if found and found.startswith(("http://", "https://")) else None


def extract_record(
    url: str,
    body: bytes,
    headers: dict[str, Any],
    *,
    published: date | None = None,
    fetched_at: str | None = None,
) -> dict[str, Any]:
    """The article record of one page.

    Args:
        url: the page's URL; its host chooses the spider.
        body: the page's bytes (the encoding is read from ``headers`` or the page).
        headers: HTTP headers of the page, if known.
        published: publication date to use when the page prints none.
        fetched_at: when the page was fetched (ISO 8601): the day a page that prints no date
            (今日 15:23, 3月5日電) is read against, marked so (``date_basis``).

    Returns:
        The article record of docs/ARCHITECTURE.md.
    """
    response = page_response(url, body, headers)
    spider_class = site_spider_for(url)
    if spider_class is not None:
        raw = spider_class().extract(response)
    else:
        raw = extract_generic(response.selector, url, page_text=response.text)
    if published and not raw.published:
        raw.published = published.isoformat()
    raw.fetched_at = raw.fetched_at or fetched_at
    return normalise_article(raw)
