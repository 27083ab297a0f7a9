"""A page's publication date from page-level evidence, with the time it prints.

Metadata (JSON-LD, ``article:published_time`` and kin, ``<time datetime>``) and the URL give the
day; the line the page prints by its headline (``2024-05-09 22:27:01``, ``发布时间：…``,
``2024年05月10日 00:26``, a bare span beside 來源) gives the time as printed, which metadata
often lacks or gives in another zone. Dates inside the story's paragraphs never count: a line
is read only when its element's text is short (a date line, not a sentence). Reads no settings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque

from lxml import etree
from parsel import Selector

from crawler.normalise.dates import date_in_url, parse_date

# A date with a time of day, as news pages print them by the headline.
DATE_TIME_REGEX = re.compile(
    r"(?:19|20)\d{2}\s*(?:[-/.年]|\s)\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?[^\d\n]{0,12}?"
    r"\d{1,2}\s*[:：]\s*\d{2}"
)
# A year printed apart from month/day (<em>2024</em> <span>05/09</span>), joined for parsing.
SPLIT_YEAR_REGEX = re.compile(r"((?:19|20)\d{2})\s+(\d{1,2})\s*[-/.]\s*(\d{1,2})")
# A date line is short; a longer text is a sentence of the story or a list.
DATE_LINE_MAX_CHARS = 80
DATE_LINE_MAX_CHILDREN = 8
# Elements read on either side of the headline: a page's date line is among the first few
# dozen elements with text of their own; 300 leaves room for long headers and mobile copies.
MAX_ELEMENTS = 300
SKIPPED_TAGS = {"script", "style", "noscript", "template", "head", "title", "meta"}


def _line_of(element: etree._Element) -> str | None:
    """The short date line an element with text of its own prints (its text, or its parent's
    when the date is split over spans: <em>2024</em> <span>05/09</span> <span>22:27</span>)."""
    for node in (element, element.getparent()):
        if node is None or len(node) > DATE_LINE_MAX_CHILDREN:
            return None  # a date line has a few spans at most; a story has many paragraphs
        text = " ".join(node.text_content().split())
        if len(text) <= DATE_LINE_MAX_CHARS and DATE_TIME_REGEX.search(text):
            return SPLIT_YEAR_REGEX.sub(r"\1-\2-\3", text)
    return None


def _has_own_text(element: etree._Element) -> bool:
    """Whether an element prints text itself (not only through its children)."""
    if (element.text or "").strip():
        return True
    return any((child.tail or "").strip() for child in element)


def printed_date_times(selector: Selector) -> list[str]:
    """ISO date-times printed on short lines near the headline: those after the first h1 in page
    order, then those before it, nearest first."""
    before: deque[etree._Element] = deque(maxlen=MAX_ELEMENTS)
    after: list[etree._Element] = []
    first: list[etree._Element] = []
    for element in selector.root.iter(etree.Element):
        if element.tag in SKIPPED_TAGS or not _has_own_text(element):
            continue
        if len(first) < MAX_ELEMENTS:
            first.append(element)
        if after or element.tag == "h1":
            after.append(element)
            if len(after) >= MAX_ELEMENTS:
                break
        else:
            before.append(element)
    # With no headline, the page's first elements in order.
    ordered = after + list(reversed(before)) if after else first
    found = []
    for element in ordered:
        line = _line_of(element)
        value = parse_date(line) if line else None
        if value and "T" in value:
            found.append(value)
    return found


def _day(value: str | None) -> dt.date | None:
    """The calendar day an ISO date string starts with."""
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def choose_published(selector: Selector, url: str, declared: str | None) -> str | None:
    """The publication date: the printed date-time on the day that metadata (``declared``) or the
    URL gives, else the declared value, else the first printed date-time.

    Example: meta ``2024-05-10T05:54:20+08:00`` and a line ``2024年05月10日 00:26`` by the
    headline give ``2024-05-10T00:26:00+08:00``."""
    day = _day(parse_date(declared) if declared else None) or _day(declared) or date_in_url(url)
    printed = printed_date_times(selector)
    if day is not None:
        for value in printed:
            if _day(value) == day:
                return value
        return declared or day.isoformat()
    return declared or (printed[0] if printed else None)
