"""An article container's text blocks (paragraphs, in-body headings, captions) and its images,
as every spider and the generic extractor read them; parsel selectors (lxml) only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from urllib.parse import urljoin

from parsel import Selector

from crawler.items import Block, RawImage

HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}


BLOCK_TAGS = {"p", "div", "section", "blockquote", "li", "figure", "table"} | HEADING_TAGS


CAPTION_CLASS_REGEX = re.compile(r"caption|imgtxt|img-txt|pic-?txt|desc|figcaption", re.I)


CENTRED_REGEX = re.compile(r"text-align\s*:\s*center", re.I)


# A sentence ends in its own punctuation, or in a closing quote or bracket right after it:
# 「最後一公里」 at the end of a heading closes a phrase, not a sentence.
SENTENCE_END_REGEX = re.compile(r"(?:[。！？!?…：:]|[。！？!?…][」』”\"）)])\s*$")


# An in-body heading is short and bold; 30 characters covers the longest newspaper subheads
# seen in the mirror pages (two clauses of about 12 characters) with room to spare.
HEADING_MAX_CHARS = 30


CAPTION_MAX_CHARS = 200
# On unknown sites a plain block after a picture is its caption only up to this length (a
# caption line, not the story's first paragraph; realpages TW-sinatw-2020a lost its lead).
STRICT_CAPTION_MAX_CHARS = 40


SKIPPED_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "select", "template")


VISIBLE_TEXT_XPATH = ".//text()[not({})]".format(
    " or ".join(f"ancestor::{tag}" for tag in SKIPPED_TAGS)
)
UNCAPTIONED_TEXT_XPATH = ".//text()[not({})]".format(
    " or ".join(f"ancestor::{tag}" for tag in (*SKIPPED_TAGS, "figcaption"))
)
logger = logging.getLogger(__name__)

# No article has this many pictures (the archive keeps ARCHIVE_MAX_IMAGES, 500 by default); a
# page with 100,000 held the crawl's only thread for 20 s, and its downloads timed out meanwhile.
READ_MAX_IMAGES = 1000


def node_text(node: Selector) -> str:
    """The visible text of a node, without scripts and styles, whitespace collapsed."""
    return " ".join(" ".join(node.xpath(VISIBLE_TEXT_XPATH).getall()).split())


def extract_blocks(
    container: Selector, base_url: str, *, strict_captions: bool = False
) -> tuple[list[Block], list[RawImage]]:
    """Split an article container into body blocks and images with their captions.

    A child holding an image becomes an image; the short (or centred, or caption-classed) block
    right after it is its caption; with ``strict_captions`` (pages of unknown sites) a plain
    block is a caption only when it is very short and ends no sentence, since a story's first
    paragraph often follows its picture. A picture's caption (a <figcaption>, a figure's text) is
    never a paragraph; a long text with a picture floated inside it is one. A short child that
    is all bold, or an h2-h6, is a heading.
    A child that is itself a wrapper of blocks (a div of p's) is walked into.
    """
    blocks: list[Block] = []
    images: list[RawImage] = []
    pending: RawImage | None = None
    for child in _block_children(container):
        if len(images) >= READ_MAX_IMAGES:
            logger.warning("%s: more than %d images; the rest of the page is not read", base_url,
                           READ_MAX_IMAGES)  # fmt: skip
            break
        tag = child.root.tag if isinstance(child.root.tag, str) else ""
        text = node_text(child)
        srcs = [src for src in child.xpath(".//img/@src | .//img/@data-src").getall() if src]
        if srcs:
            caption = node_text(child.xpath(".//figcaption")) if tag == "figure" else ""
            alt = child.xpath(".//img/@alt").get()
            pending = RawImage(src=urljoin(base_url, srcs[0]), caption=caption or None, alt=alt)
            images.append(pending)
            if len(text) > CAPTION_MAX_CHARS and tag != "figure":
                # a paragraph with a picture floated inside it: the text is the story's
                blocks.append(Block("paragraph", text))
                pending = None
            elif text and not caption and text != (alt or ""):
                pending.caption = text
                pending = None
            continue
        if tag in ("figure", "figcaption"):
            # a caption is never body text: its picture's (printed apart, or lazy-loaded and
            # so without an <img>), or dropped; a figure's other text (a table) is the body's
            caption = (
                node_text(child) if tag == "figcaption" else node_text(child.xpath(".//figcaption"))
            )
            if caption and pending is not None and pending.caption is None:
                pending.caption = caption
            pending = None
            text = " ".join(" ".join(child.xpath(UNCAPTIONED_TEXT_XPATH).getall()).split())
            if len(text) <= STRICT_CAPTION_MAX_CHARS:
                continue  # a picture's credit ("Image copyright Getty Images"), not a table
        if not text:
            continue
        if (
            pending is not None
            and pending.caption is None
            and _looks_like_caption(child, text, strict_captions)
        ):
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


def _looks_like_caption(node: Selector, text: str, strict: bool = False) -> bool:
    style_or_class = " ".join(node.xpath("./@style | ./@class").getall())
    if CAPTION_CLASS_REGEX.search(style_or_class) or CENTRED_REGEX.search(style_or_class):
        return len(text) <= CAPTION_MAX_CHARS
    if strict:
        return len(text) <= STRICT_CAPTION_MAX_CHARS and not SENTENCE_END_REGEX.search(text)
    return len(text) <= CAPTION_MAX_CHARS // 2


def _looks_like_heading(node: Selector, text: str) -> bool:
    if len(text) > HEADING_MAX_CHARS or SENTENCE_END_REGEX.search(text):
        return False
    bold = " ".join(" ".join(node.xpath(".//strong//text() | .//b//text()").getall()).split())
    return bold == text
