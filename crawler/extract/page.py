"""`archive extract`: one saved page (or URL) to its article record, through the same path as a
crawl: the spider of the page's host when there is one, the generic extractor otherwise, then
the normaliser.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse

from crawler.errors import ArchiveError
from crawler.extract.generic import extract_generic
from crawler.fetch.politeness import user_agent
from crawler.normalise import normalise_article
from spiders.registry import site_spider_for

FETCH_TIMEOUT = 20
CANONICAL_XPATH = "//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"


def read_page(file_or_url: str, url: str | None = None) -> tuple[str, bytes, dict[str, str]]:
    """The page's URL, bytes and HTTP headers, from a saved file or over the network."""
    if file_or_url.startswith(("http://", "https://")):
        return fetch(file_or_url)
    path = Path(file_or_url)
    try:
        body = path.read_bytes()
    except OSError as error:
        raise ArchiveError(f"cannot read {path}: {error.strerror or error}") from error
    return url or canonical_url(body) or path.resolve().as_uri(), body, {}


def fetch(url: str) -> tuple[str, bytes, dict[str, str]]:
    """Download one page; an ArchiveError with the reason when that fails."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as answer:
            return answer.geturl(), answer.read(), dict(answer.headers.items())
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ArchiveError(f"cannot fetch {url}: {reason}") from error


def canonical_url(body: bytes) -> str | None:
    """The http(s) URL a saved page declares for itself (link rel=canonical, og:url)."""
    found = HtmlResponse(url="file:///page.html", body=body).xpath(CANONICAL_XPATH).get()
    return found if found and found.startswith(("http://", "https://")) else None


def extract_record(
    url: str, body: bytes, headers: dict[str, Any], *, published: date | None = None
) -> dict[str, Any]:
    """The article record of one page.

    Args:
        url: the page's URL; its host chooses the spider.
        body: the page's bytes (the encoding is read from ``headers`` or the page).
        headers: HTTP headers of the page, if known.
        published: publication date to use when the page prints none.

    Returns:
        The article record of docs/ARCHITECTURE.md.
    """
    response = HtmlResponse(url=url, body=body, headers=headers)
    spider_class = site_spider_for(url)
    if spider_class is not None:
        raw = spider_class().extract(response)
    else:
        raw = extract_generic(response.selector, url)
    if published and not raw.published:
        raw.published = published.isoformat()
    return normalise_article(raw)
