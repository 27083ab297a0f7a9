"""Extraction shared by every spider: body blocks and images of an article container, and the
generic extractor for pages of sites that have no spider (or fields a spider's selectors miss).

The generic path reads, in order of trust: JSON-LD (NewsArticle and its kin), OpenGraph and
``article:`` meta tags, then the page itself; the body is the container whose paragraphs hold the
most text, as text-density extractors do. Everything here works on parsel selectors (lxml), never
BeautifulSoup, since it runs on every page of a crawl.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from urllib.parse import urljoin

from parsel import Selector

from crawler.items import Block, RawArticle, RawImage

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "WebPage"}
HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}
BLOCK_TAGS = {"p", "div", "section", "blockquote", "li", "figure", "table"} | HEADING_TAGS
CAPTION_CLASS_REGEX = re.compile(r"caption|imgtxt|img-txt|pic-?txt|desc|figcaption", re.I)
CENTRED_REGEX = re.compile(r"text-align\s*:\s*center", re.I)
SENTENCE_END_REGEX = re.compile(r"[。！？!?…」』”\"）)：:]\s*$")
# An in-body heading is short and bold; 30 characters covers the longest newspaper subheads
# seen in the mirror pages (two clauses of about 12 characters) with room to spare.
HEADING_MAX_CHARS = 30
CAPTION_MAX_CHARS = 200
SKIPPED_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "select", "template")
VISIBLE_TEXT_XPATH = ".//text()[not({})]".format(
    " or ".join(f"ancestor::{tag}" for tag in SKIPPED_TAGS)
)


def node_text(node: Selector) -> str:
    """The visible text of a node, without scripts and styles, whitespace collapsed."""
    return " ".join(" ".join(node.xpath(VISIBLE_TEXT_XPATH).getall()).split())


def extract_blocks(container: Selector, base_url: str) -> tuple[list[Block], list[RawImage]]:
    """Split an article container into body blocks and images with their captions.

    A child holding an image becomes an image; the short (or centred, or caption-classed) block
    right after it is its caption. A short child that is all bold, or an h2-h6, is a heading.
    A child that is itself a wrapper of blocks (a div of p's) is walked into.
    """
    blocks: list[Block] = []
    images: list[RawImage] = []
    pending: RawImage | None = None
    for child in _block_children(container):
        tag = child.root.tag if isinstance(child.root.tag, str) else ""
        text = node_text(child)
        srcs = [src for src in child.xpath(".//img/@src | .//img/@data-src").getall() if src]
        if srcs:
            caption = node_text(child.xpath(".//figcaption")) if tag == "figure" else ""
            alt = child.xpath(".//img/@alt").get()
            pending = RawImage(src=urljoin(base_url, srcs[0]), caption=caption or None, alt=alt)
            images.append(pending)
            if text and not caption and text != (alt or ""):
                pending.caption = text
                pending = None
            continue
        if not text:
            continue
        if pending is not None and pending.caption is None and _looks_like_caption(child, text):
            pending.caption = text
            pending = None
            continue
        pending = None
        kind = "heading" if tag in HEADING_TAGS or _looks_like_heading(child, text) else "paragraph"
        blocks.append(Block(kind, text))
    return blocks, images


def _block_children(container: Selector) -> Iterator[Selector]:
    for child in container.xpath("./*"):
        tag = child.root.tag if isinstance(child.root.tag, str) else ""
        if tag in SKIPPED_TAGS:
            continue
        nested = child.xpath("./p | ./div | ./h2 | ./h3 | ./h4 | ./figure")
        if tag in {"div", "section"} and len(nested) > 1:
            yield from _block_children(child)
        else:
            yield child


def _looks_like_caption(node: Selector, text: str) -> bool:
    style_or_class = " ".join(node.xpath("./@style | ./@class").getall())
    if CAPTION_CLASS_REGEX.search(style_or_class) or CENTRED_REGEX.search(style_or_class):
        return len(text) <= CAPTION_MAX_CHARS
    return len(text) <= CAPTION_MAX_CHARS // 2


def _looks_like_heading(node: Selector, text: str) -> bool:
    if len(text) > HEADING_MAX_CHARS or SENTENCE_END_REGEX.search(text):
        return False
    bold = " ".join(" ".join(node.xpath(".//strong//text() | .//b//text()").getall()).split())
    return bold == text


def json_ld_article(selector: Selector) -> dict:
    """The first JSON-LD object of an article type on the page (empty when there is none)."""
    for script in selector.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            data = json.loads(script)
        except json.JSONDecodeError:
            logger.warning("Ignoring JSON-LD that is not valid JSON")
            continue
        for candidate in _json_ld_objects(data):
            kinds = candidate.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if ARTICLE_TYPES.intersection(k for k in kinds if isinstance(k, str)):
                return candidate
    return {}


def _json_ld_objects(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for entry in data:
            yield from _json_ld_objects(entry)
    elif isinstance(data, dict):
        yield data
        yield from _json_ld_objects(data.get("@graph", []))


def _meta(selector: Selector, *names: str) -> str | None:
    for name in names:
        value = selector.xpath(
            f"//meta[@property='{name}' or @name='{name}' or @itemprop='{name}']/@content"
        ).get()
        if value and value.strip():
            return value.strip()
    return None


def _names(value: object) -> list[str]:
    """Author names from a JSON-LD author value (a string, an object or a list of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for entry in value for name in _names(entry)]
    return []


def densest_container(selector: Selector) -> Selector | None:
    """The element whose direct paragraph children hold the most text."""
    best, best_score = None, 0
    for parent in selector.xpath("//body//*[p]"):
        score = sum(len(node_text(p)) for p in parent.xpath("./p"))
        if score > best_score:
            best, best_score = parent, score
    return best


def extract_generic(selector: Selector, url: str, outlet: str | None = None) -> RawArticle:
    """Extract an article from any news page.

    Args:
        selector: the parsed page.
        url: the page's URL (for relative links and the record).
        outlet: the publisher's name when known; else the site name the page declares.

    Returns:
        A RawArticle with what the page offers; fields it does not offer stay empty.

    Example::

        raw = extract_generic(Selector(text=html), "https://example.org/a.html")
    """
    ld = json_ld_article(selector)
    title = (
        _text_value(ld.get("headline"))
        or _meta(selector, "og:title", "twitter:title")
        or node_text(selector.xpath("(//h1)[1]"))
        or node_text(selector.xpath("//title"))
        or None
    )
    publisher = ld.get("publisher")
    site_name = _text_value(publisher.get("name")) if isinstance(publisher, dict) else None
    container = densest_container(selector)
    blocks, images = extract_blocks(container, url) if container is not None else ([], [])
    return RawArticle(
        url=url,
        outlet=outlet or site_name or _meta(selector, "og:site_name") or "",
        title=title,
        published=_text_value(ld.get("datePublished"))
        or _meta(selector, "article:published_time", "pubdate", "publishdate", "datePublished")
        or selector.xpath("//time/@datetime").get(),
        updated=_text_value(ld.get("dateModified"))
        or _meta(selector, "article:modified_time", "dateModified"),
        authors=_names(ld.get("author")) or [a for a in [_meta(selector, "author")] if a],
        blocks=blocks,
        images=images,
    )


def _text_value(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def fill_missing(raw: RawArticle, generic: RawArticle) -> RawArticle:
    """Complete a spider's RawArticle with what the generic extractor found and it did not."""
    raw.title = raw.title or generic.title
    raw.published = raw.published or generic.published
    raw.updated = raw.updated or generic.updated
    raw.authors = raw.authors or generic.authors
    if not raw.blocks:
        raw.blocks, raw.images = generic.blocks, raw.images or generic.images
    return raw
