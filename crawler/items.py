"""What a spider hands to the normaliser: the page's fields as printed, before any cleaning.

A spider fills a :class:`RawArticle` from its own selectors (and the generic extractor for
whatever they miss); :func:`crawler.normalise.normalise_article` turns it into the article
record of docs/ARCHITECTURE.md. Nothing here parses or cleans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["paragraph", "heading"]


@dataclass
class Block:
    """One block of the article body, in page order: a paragraph or an in-body heading."""

    kind: BlockKind
    text: str


@dataclass
class RawImage:
    """An image of the article with its caption exactly as printed (credit still inside)."""

    src: str
    caption: str | None = None
    alt: str | None = None


@dataclass
class RawArticle:
    """An article page's fields as the site printed them.

    ``outlet`` is the publisher of the page (the spider's outlet); ``published`` and
    ``updated`` are date texts as printed (or ISO strings from meta tags); ``authors`` are
    byline texts found outside the body (a meta author, a by-line span); the body's own
    byline (【香港商報訊】記者王丹丹報道：…) stays in the first block for the normaliser.
    ``site_name`` is the publisher the page itself declares (og:site_name, JSON-LD publisher,
    application-name), kept apart from ``outlet`` so the record can say where its outlet came
    from; ``fetched_at`` is when the page was fetched (ISO 8601), the day a page that prints
    no date is read against (3月5日電, 昨日).
    """

    url: str
    outlet: str
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    images: list[RawImage] = field(default_factory=list)
    source_line: str | None = None
    site_name: str | None = None
    fetched_at: str | None = None


@dataclass
class ArticleItem:
    """What travels through the item pipelines: the page as printed, then its record.

    The spider fills ``raw`` and the fetch facts; NormalisePipeline fills ``record``.
    ``listed`` marks a page an archivist listed by hand, archived whatever the campaign says.
    ``capture`` holds where the page's bytes are in a WARC file and the validators it was served
    with (crawler/warc/capture.py).
    """

    raw: RawArticle
    http_status: int
    fetched_at: str
    record: dict | None = None
    listed: bool = False
    capture: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Short enough for a log line: Scrapy logs items whole."""
        return f"<ArticleItem {self.raw.url} {self.raw.title!r}>"
