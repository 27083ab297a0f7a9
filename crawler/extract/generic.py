"""The generic extractor, for pages of sites that have no spider (or fields a spider's selectors
miss).

It reads, in order of trust: JSON-LD (NewsArticle and its kin), OpenGraph and ``article:`` meta
tags, then the page itself; the body is the container whose paragraphs hold the most text, as
text-density extractors do. Everything here works on parsel selectors (lxml), never
BeautifulSoup, since it runs on every page of a crawl."""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterator

from bs4 import BeautifulSoup
from lxml import etree
from parsel import Selector

from crawler.extract.authors import byline_texts, metadata_authors, nearby_bylines
from crawler.extract.blocks import extract_blocks, node_text
from crawler.extract.body import (
    MAX_DEPTH,
    _remove_keeping_tail,
    best_container,
    clean_tree,
    flatten_blocks,
    is_too_deep,
    mark_captions,
    prune_blocks,
    wrap_loose_text,
)
from crawler.extract.dates import choose_published
from crawler.extract.head import trim_head
from crawler.extract.title import choose_title
from crawler.items import RawArticle
from crawler.normalise.dates import find_published

logger = logging.getLogger(__name__)

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "PubDate",
    "publish_date",
    "dc.date",
    "DC.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
UPDATED_META = ("article:modified_time", "og:updated_time", "dateModified", "dcterms.modified")
JSON_LD_MAX_DEPTH = 16
JSON_COMMENT_LINE_REGEX = re.compile(r"^\s*//.*$", re.MULTILINE)
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "WebPage"}
DATE_TEXT_XPATH = (
    "//body//*[re:test(@class, 'date|time|info|meta|pub|source', 'i') and not(*[*])] | //time"
)
DATE_TEXT_MAX_CHARS = 80
TITLE_PARTS_REGEX = re.compile(r"\s+[-–—|｜]{1,2}\s+|\s*[_｜|]\s*")


def json_ld_article(selector: Selector) -> dict:
    """The first JSON-LD object of an article type on the page (empty when there is none)."""
    for script in selector.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            # udn.com prints raw newlines in strings and comments out lines with //.
            data = json.loads(JSON_COMMENT_LINE_REGEX.sub("", script), strict=False)
        except json.JSONDecodeError:
            logger.warning("Ignoring JSON-LD that is not valid JSON")
            continue
        except RecursionError:  # #19: nested deeper than Python's parser goes
            logger.warning("Ignoring JSON-LD nested too deep to read")
            continue
        for candidate in _json_ld_objects(data):
            kinds = candidate.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if ARTICLE_TYPES.intersection(k for k in kinds if isinstance(k, str)):
                return candidate
    return {}


def _json_ld_objects(data: object, depth: int = 0) -> Iterator[dict]:
    """The objects of a JSON-LD value: itself, the entries of lists and of ``@graph``s, down to
    JSON_LD_MAX_DEPTH levels (a page's own nesting is a few levels; #19 sent thousands)."""
    if depth > JSON_LD_MAX_DEPTH:
        logger.warning("Ignoring JSON-LD objects nested over %d levels", JSON_LD_MAX_DEPTH)
        return
    if isinstance(data, list):
        for entry in data:
            yield from _json_ld_objects(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _json_ld_objects(data.get("@graph", []), depth + 1)


def _meta(selector: Selector, *names: str) -> str | None:
    for name in names:
        value = selector.xpath(
            f"//meta[@property='{name}' or @name='{name}' or @itemprop='{name}']/@content"
        ).get()
        if value and value.strip():
            return value.strip()
    return None


def _names(value: object, depth: int = 0) -> list[str]:
    """Author names from a JSON-LD author value (a string, an object or a list of them)."""
    if depth > JSON_LD_MAX_DEPTH:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        kinds = value.get("@type")
        if kinds == "Organization" or (isinstance(kinds, list) and "Organization" in kinds):
            return []  # the publisher, not a writer
        return _names(value.get("name"), depth + 1)
    if isinstance(value, list):
        return [name for entry in value for name in _names(entry, depth + 1)]
    return []


def densest_container(
    selector: Selector, page_text: str | None = None
) -> tuple[Selector | None, list[str]]:
    """The element that holds the article's text (crawler/extract/body.py), on a cleaned copy
    of the page's tree, and the labelled byline lines printed just before it; None when the
    page has no prose."""
    if is_too_deep(selector.root):
        return deep_page_paragraphs(selector, page_text), []
    root = copy.deepcopy(selector.root)
    clean_tree(root)
    best = best_container(root)
    if best is None:
        return None, []
    header = nearby_bylines(best)
    for heading in list(best.iter("h1")):
        _remove_keeping_tail(heading)
    wrap_loose_text(best)
    mark_captions(best)
    flat = flatten_blocks(best)
    prune_blocks(flat)
    return Selector(root=flat), header


def deep_page_paragraphs(selector: Selector, page_text: str | None) -> Selector | None:
    """A page nested deeper than MAX_DEPTH (#19: 100,000 divs) is not scored: its paragraphs,
    in page order, are its body, with a warning; None (and a warning) when it has none.

    libxml2 stops reading a page at 2,048 levels (256 without huge_tree), so the paragraphs are
    read from ``page_text`` with BeautifulSoup's html.parser, which has no depth limit and
    walks the tree without recursion."""
    flat = etree.Element("div")
    if page_text is not None:
        texts = [p.get_text(" ", strip=True) for p in BeautifulSoup(page_text, "html.parser")("p")]
    else:
        texts = [paragraph.text_content() for paragraph in selector.root.iter("p")]
    for text in texts:
        text = " ".join(text.split())
        if text:
            etree.SubElement(flat, "p").text = text
    if not len(flat):
        logger.warning("Page nested over %d elements deep and no paragraph: no body", MAX_DEPTH)
        return None
    logger.warning("Page nested over %d elements deep: body read from its paragraphs", MAX_DEPTH)
    return Selector(root=flat)


def visible_dates(selector: Selector) -> list[str]:
    """Short texts that pages put dates in (date, time, info and meta lines), in page order."""
    texts = [node_text(node) for node in selector.xpath(DATE_TEXT_XPATH)]
    return [text for text in texts if 0 < len(text) <= DATE_TEXT_MAX_CHARS]


def site_names(selector: Selector, site_name: str | None, outlet: str | None) -> list[str]:
    """Names the site goes by: the declared ones and the parts after the headline in <title>."""
    names = [name for name in (site_name, outlet, _meta(selector, "application-name")) if name]
    title = node_text(selector.xpath("//title"))
    parts = [part.strip() for part in TITLE_PARTS_REGEX.split(title) if part.strip()]
    return names + parts[1:]


def extract_generic(
    selector: Selector, url: str, outlet: str | None = None, *, page_text: str | None = None
) -> RawArticle:
    """Extract an article from any news page.

    Args:
        selector: the parsed page.
        url: the page's URL (for relative links and the record).
        outlet: the publisher's name when known; else the site name the page declares.
        page_text: the page as text, read again only when it is nested too deep for lxml.

    Returns:
        A RawArticle with what the page offers; fields it does not offer stay empty.

    Example::

        raw = extract_generic(Selector(text=html), "https://example.org/a.html")
    """
    ld = json_ld_article(selector)
    publisher = ld.get("publisher")
    site_name = (
        _text_value(publisher.get("name")) if isinstance(publisher, dict) else None
    ) or _meta(selector, "og:site_name", "application-name")
    sites = site_names(selector, site_name, outlet)
    title = choose_title(
        selector,
        [
            _text_value(ld.get("headline")),
            _meta(selector, "og:title", "twitter:title"),
            node_text(selector.xpath("//title")),
        ],
        sites,
    )
    seen_published, seen_updated = find_published(visible_dates(selector))
    container, header_bylines = densest_container(selector, page_text)
    blocks, images = (
        extract_blocks(container, url, strict_captions=True) if container is not None else ([], [])
    )
    head = trim_head(blocks, title)
    return RawArticle(
        url=url,
        outlet=outlet or "",
        site_name=site_name,
        title=title or None,
        subtitle=head.subtitle,
        published=choose_published(
            selector,
            url,
            _text_value(ld.get("datePublished"))
            or _meta(selector, *PUBLISHED_META)
            or selector.xpath("//time/@datetime").get()
            or seen_published,
        ),
        updated=_text_value(ld.get("dateModified"))
        or _meta(selector, *UPDATED_META)
        or seen_updated,
        authors=[
            *metadata_authors(selector, _names(ld.get("author")), sites),
            *byline_texts(selector),
            *header_bylines,
            *head.writers,
        ],
        blocks=head.blocks,
        images=images,
    )


def _text_value(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def complete(raw: RawArticle, selector: Selector) -> RawArticle:
    """Fill what a spider's selectors missed (title, date, body) from the generic extractor.

    The generic extractor runs only when something is missing, so pages a spider reads whole
    cost nothing more.
    """
    if raw.title and raw.published and raw.blocks:
        return raw
    generic = extract_generic(selector, raw.url, raw.outlet)
    raw.title = raw.title or generic.title
    raw.published = raw.published or generic.published
    raw.updated = raw.updated or generic.updated
    raw.authors = raw.authors or generic.authors
    if not raw.blocks:
        raw.blocks, raw.images = generic.blocks, raw.images or generic.images
    return raw
