"""A page's headline as printed: the visible heading that matches what the page calls itself
(og:title, JSON-LD headline, <title>), else that name without the site's.

Titles carry the site's name (``… - RTHK``, ``…｜中央社 CNA``, ``信報即時新聞 -- …``,
``…_网易新闻``, sohu's ``…_中国_法国_全球`` keywords), and a meta attribute with an unescaped
quote is cut short, so the visible h1 is trusted first, when it matches; reads no settings.
"""

from __future__ import annotations

import re

from parsel import Selector

# Separators a site puts between headline and its own name (or section and keywords).
TITLE_SEPARATOR_REGEX = re.compile(r"\s+[-–—|｜:]{1,2}\s+|\s*[_｜|]\s*|\s+-{2}\s+|\s*(?:--|::)\s*")
SPACE_REGEX = re.compile(r"[\s\u3000\xa0]+")
HEADING_XPATH = (
    "//h1 | //h2 | //*[contains(@class, 'title') or contains(@class, 'headline')"
    " or contains(@id, 'title')][not(self::title or self::head or self::meta)]"
)
# Visible headings are 4 to 200 characters: shorter is a section name, longer a paragraph.
HEADING_MIN_CHARS, HEADING_MAX_CHARS = 4, 200
# A heading whose text is this similar to the page's own name is its headline; 0.6 keeps a
# headline whose <title> adds a site name and section of up to its own length.
MATCH_MIN_RATIO = 0.6
MAX_HEADINGS = 40


def squash(text: str | None) -> str:
    """Text with whitespace collapsed."""
    return SPACE_REGEX.sub(" ", text or "").strip()


def strip_site_name(title: str, site_names: list[str]) -> str:
    """A page name without the site's: the longest part between separators, unless a site name
    is one of two parts (then the other)."""
    parts = [part.strip() for part in TITLE_SEPARATOR_REGEX.split(title) if part.strip()]
    if len(parts) <= 1:
        return title.strip()
    names = [squash(name).lower() for name in site_names if name]
    kept = [
        part
        for part in parts
        if not any(name and (name in part.lower() or part.lower() in name) for name in names)
    ]
    return max(kept or parts, key=len)


def heading_texts(selector: Selector) -> list[str]:
    """Texts of the page's visible heading candidates, in page order."""
    found = []
    for node in selector.xpath(HEADING_XPATH)[:MAX_HEADINGS]:
        text = squash(
            " ".join(node.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall())
        )
        if HEADING_MIN_CHARS <= len(text) <= HEADING_MAX_CHARS:
            found.append(text)
    return found


def bigrams(text: str) -> set[str]:
    """The character bigrams of a text."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def match_ratio(heading: str, name: str) -> float:
    """How well a heading matches a page name: 1.0 when the name contains it whole, else the
    Dice overlap of their character bigrams (difflib's ratio cost a page 15 ms)."""
    if not heading or not name:
        return 0.0
    if heading in name:
        return 0.5 + 0.5 * len(heading) / len(name) if len(heading) < len(name) else 1.0
    a, b = bigrams(heading), bigrams(name)
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def choose_title(selector: Selector, names: list[str | None], site_names: list[str]) -> str | None:
    """The headline: the heading best matching the page's names (og:title, JSON-LD, <title>),
    else the first name without the site's.

    Example: <title>是你嗎？ 1-2月期發票 - 自由財經</title> with <h1>是你嗎？ 1-2月期發票</h1>
    gives the h1's text."""
    names = [squash(name) for name in names if name and squash(name)]
    headings = heading_texts(selector)
    best, best_ratio = None, 0.0
    for heading in headings:
        ratio = max((match_ratio(heading, name) for name in names), default=0.0)
        if ratio > best_ratio:
            best, best_ratio = heading, ratio
    if best is not None and best_ratio >= MATCH_MIN_RATIO:
        return best
    if names:
        return strip_site_name(names[0], site_names)
    return headings[0] if headings else None
