"""Whether a page is an article or a list of articles (a channel, section, tag, index or search
results page), from what any news page shows, with no site's selectors:

- its own metadata: og:type ``article`` and JSON-LD NewsArticle and its kin speak for an article,
  JSON-LD CollectionPage, ItemList and SearchResultsPage for a list;
- its links: how many same-site links to article-shaped URLs (a date or a long id in the path)
  carry a headline, and how many of those are the same shape (one list's items);
- its body: the most prose any one element holds outside links, headline links and the
  teasers beside them; an article prints a body, a list prints headlines and summaries.

A page is a list only when its headline links outweigh what body it has; anything else stays an
article, so an article page is archived as before. lxml only: two XPath passes in C (links,
text outside links), the tree left as it was found; reads no settings. Measured by
scripts/page_kinds.py (BENCHMARKS.md, "List pages and articles").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from parsel import Selector

from crawler.extract.body import text_units

ARTICLE_KIND = "article"
LIST_KIND = "list"
ARTICLE_OG_TYPES = {"article", "news", "news.article"}
ARTICLE_LD_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
}
LIST_LD_TYPES = {"CollectionPage", "ItemList", "SearchResultsPage"}
LD_TYPE_REGEX = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')
LD_NAME_REGEX = re.compile(r'"([A-Za-z]+)"')
# An article's URL: a date (2024/08/30, 202408/30, 2024-08/30, 20240830, 2024/0830) or a long
# id (5 digits and more, or 16 hex digits and more) in its path, and a page at its end.
ARTICLE_URL_REGEX = re.compile(
    r"(?:19|20)\d{2}[-/_]?(?:0[1-9]|1[0-2])(?:[-/_]?(?:0[1-9]|[12]\d|3[01]))?(?!\d)"
    r"|(?<![0-9a-f])[0-9a-f]{16,}(?![0-9a-f])|\d{5,}",
    re.IGNORECASE,
)
# A headline's words in a path: at least four, joined by hyphens (/2024/08/30/a-b-c-d/).
SLUG_REGEX = re.compile(r"[^/]*[a-z][^/]*(?:-[^/-]+){3,}", re.IGNORECASE)
# Files that are no page: pictures, documents, media, feeds.
FILE_REGEX = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|bmp|pdf|docx?|xlsx?|pptx?|zip|rar|mp[34]|m4a|mov|avi|xml|rss|json|txt)$",
    re.IGNORECASE,
)
# The last part of a list's own URL: index.html, list_2.html, more_3.html, articlelist.html.
LIST_URL_REGEX = re.compile(
    r"(?:^|[._-])(?:index|list|more|articlelist|default|home|search)(?:[._-]\d+)?"
    r"(?:\.[a-z]+)?$",
    re.IGNORECASE,
)
ANCHOR_XPATH = etree.XPath("//body//a[@href]")
ARTICLE_MARK_XPATH = etree.XPath("count(//body//article | //body//*[@itemprop='articleBody'])")
# Text outside links and what is never text (lxml parses <noscript> and <template> as markup).
TEXT_XPATH = etree.XPath(
    "//body//text()[normalize-space()][not(ancestor::a or ancestor::script or ancestor::style"
    " or ancestor::noscript or ancestor::template or ancestor::select or ancestor::textarea)]"
)
PARAGRAPH_TAGS = {"p", "div", "td", "li", "dd", "section", "article", "blockquote", "pre"}
# Inline elements that print a body of their own when they hold line breaks (info.gov.hk's
# press releases are one <span> of text and <br>s).
INLINE_BODY_TAGS = {"span", "font"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# A headline: from 4 units (a CJK character or a Latin word is one unit); shorter link texts
# are "more", page numbers, dates.
HEADLINE_MIN_UNITS = 4
# A block of this many units outside links, with a sentence in it, is prose (body.py's
# PROSE_MIN_UNITS); a card's headline and date printed outside its link are not.
PROSE_MIN_UNITS = 12
SENTENCE_REGEX = re.compile(r"[。！？；]|[.!?][\"'”’]?(?:\s|$)")
# Levels above a link that can make one list's items alike (li > a, div.item > h3 > a).
ITEM_LEVELS = 4
# SECOND_LEVEL: the labels under a country code that registered domains sit below (com.hk).
SECOND_LEVEL = {"com", "net", "org", "gov", "edu", "co", "ac", "or", "ne", "go", "idv"}
# A list's body prose is less than this many units per headline link of its largest group;
# a page whose own URL has an article's shape is a list only with less body than the second
# (a line: a day's index of press releases, dated like its releases). Set on
# scripts/page_kinds.py's sets (2026-12-06): the mirror's lists hold at most 27 units per
# alike link (dotdotnews' cards), its articles with related-news blocks 217 units and up;
# the three AEB posts that structure alone takes for lists hold 25 to 43 units of body.
LIST_BODY_UNITS_PER_LINK = 40
ARTICLE_URL_LIST_MAX_BODY = 40
# At least this much body prose is an article's, whatever links it has beside it (the real
# list pages hold 20 to 93 units).
ARTICLE_BODY_UNITS = 300
# What a page's classification reads at most, so that a hostile page (100,000 captions, 10 MB
# of text) costs no more than a large real one: links, text nodes, characters of a block.
MAX_LINKS = 5000
MAX_TEXTS = 20000
MAX_BLOCK_CHARS = 5000


@dataclass(frozen=True)
class PageKind:
    """What a page is: ``kind`` (article or list), ``why`` (one line), and for a list its
    same-site article links, in page order."""

    kind: str
    why: str
    article_links: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return self.kind == LIST_KIND


@cache
def site_of(host: str) -> str:
    """The site a host belongs to: its last two labels, three under a country's second level
    (``www.hkcd.com.hk`` -> ``hkcd.com.hk``)."""
    labels = host.lower().rstrip(".").split(".")
    if labels[-1].isdigit() or ":" in host:  # an IP address is a site of its own
        return host.lower()
    keep = 3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def is_article_url(url: str, site: str) -> bool:
    """Whether ``url`` is an article page of ``site`` by its shape: a date or a long id in its
    path, and a page (not a folder, not an index) at its end."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # an unparsable link (a bad port, a broken IPv6 address)
        return False
    if parts.scheme not in ("http", "https") or site_of(host) != site:
        return False
    return is_article_path(parts.path)


def is_article_path(path: str) -> bool:
    """Whether a URL's path has an article's shape (see :func:`is_article_url`)."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if not last or FILE_REGEX.search(last) or LIST_URL_REGEX.search(last):
        return False
    if SLUG_REGEX.fullmatch(last):
        return True
    # A folder (/news/232109/) is a channel unless its name is a headline's slug.
    return not path.endswith("/") and ARTICLE_URL_REGEX.search(path) is not None


def absolute_url(href: str, url: str, origin: str) -> str:
    """A link's absolute URL without its fragment (urljoin only for relative paths, the rare
    and slow case)."""
    href = href.partition("#")[0]
    if href.startswith(("http://", "https://")):
        return href
    if href.startswith("//"):
        return f"{origin.partition(':')[0]}:{href}"
    if href.startswith("/"):
        return origin + href
    return urljoin(url, href)


def metadata_kind(selector: Selector) -> str | None:
    """What the page's own metadata says it is (article, list), None when it says neither."""
    og_type = (selector.xpath("//meta[@property='og:type']/@content").get() or "").strip()
    if og_type.lower() in ARTICLE_OG_TYPES:
        return ARTICLE_KIND
    types: set[str] = set()
    for script in selector.xpath("//script[@type='application/ld+json']/text()").getall():
        for found in LD_TYPE_REGEX.findall(script):
            types.update(LD_NAME_REGEX.findall(found))
    if types & ARTICLE_LD_TYPES:
        return ARTICLE_KIND
    if types & LIST_LD_TYPES:
        return LIST_KIND
    return None


def headline_links(root: etree._Element, url: str, site: str) -> list[tuple[str, etree._Element]]:
    """The page's links with a headline to same-site article URLs, in page order (its own URL
    left out; the first MAX_LINKS links of a page are read)."""
    own = urldefrag(url).url
    parts = urlsplit(own)
    origin = f"{parts.scheme}://{parts.netloc}"
    links: list[tuple[str, etree._Element]] = []
    for anchor in ANCHOR_XPATH(root)[:MAX_LINKS]:
        href = anchor.get("href").strip()
        # Most links (menus, pictures, pages of the list) have no article's shape at all.
        if not (ARTICLE_URL_REGEX.search(href) or "-" in href):
            continue
        if text_units(anchor.text_content()) < HEADLINE_MIN_UNITS:
            continue
        target = absolute_url(href, own, origin)
        if target == own:
            continue
        if target.startswith(origin + "/"):  # the page's own host: no need to split the URL
            same_site = is_article_path(target[len(origin) :].partition("?")[0])
        else:
            same_site = is_article_url(target, site)
        if same_site:
            links.append((target, anchor))
    return links


def body_units(root: etree._Element) -> int:
    """The most prose units any one element holds in its paragraphs and theirs (teasers left
    out); counting stops at ARTICLE_BODY_UNITS, which is an article's whatever else."""
    prose: dict[etree._Element, int] = defaultdict(int)
    for block, text in block_texts(root).items():
        units = text_units(text[:MAX_BLOCK_CHARS])
        if units >= PROSE_MIN_UNITS and SENTENCE_REGEX.search(text) and not _is_teaser(block):
            parent = block.getparent()
            for holder in (block, parent, parent.getparent() if parent is not None else None):
                if holder is not None:
                    prose[holder] += units
                    if prose[holder] >= ARTICLE_BODY_UNITS:
                        return prose[holder]
    return max(prose.values(), default=0)


def block_texts(root: etree._Element) -> dict[etree._Element, str]:
    """The text each block prints itself outside links, scripts and headings: every text node
    of the page (found by lxml in C) added to the nearest block above it."""
    texts: dict[etree._Element, list[str]] = defaultdict(list)
    for text in TEXT_XPATH(root)[:MAX_TEXTS]:
        element = text.getparent()
        if text.is_tail:
            element = element.getparent()
        while element is not None:
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag in HEADING_TAGS:
                break
            if tag in PARAGRAPH_TAGS or (
                tag in INLINE_BODY_TAGS and element.find("br") is not None
            ):
                texts[element].append(text)
                break
            element = element.getparent()
    return {block: "".join(parts) for block, parts in texts.items()}


def _is_teaser(element: etree._Element) -> bool:
    """Whether a paragraph is another story's summary: it holds a headline link, or the
    element before it is (or holds) one."""
    if _headline_link(element) is not None:
        return True
    before = element.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()
    return before is not None and _headline_link(before) is not None


def _headline_link(element: etree._Element) -> etree._Element | None:
    """The first link in ``element`` (itself included) whose text is a headline."""
    for anchor in element.iter("a"):
        if text_units(anchor.text_content()) >= HEADLINE_MIN_UNITS:
            return anchor
    return None


def largest_group(links: list[tuple[str, etree._Element]]) -> int:
    """How many distinct URLs the largest set of same-shaped links holds: links whose
    ancestors, up to a shared one, have the same tags and classes (one list's items)."""
    groups: dict[tuple[etree._Element, str], set[str]] = defaultdict(set)
    for target, anchor in links:
        shape = ""
        node = anchor
        for _ in range(ITEM_LEVELS):
            shape += f"/{node.tag}.{node.get('class') or ''}"
            parent = node.getparent()
            if parent is None:
                break
            groups[parent, shape].add(target)
            node = parent
    return max(map(len, groups.values()), default=0)


def classify_page(selector: Selector, url: str) -> PageKind:
    """Whether the page at ``url`` is an article or a list of articles.

    Args:
        selector: the page, parsed (parsel; its lxml tree is read, never changed).
        url: the page's URL: links are read against it, and only those of its own site count.

    Returns:
        A PageKind: for a list, why (``list page: 12 headline links, 2 units of body``) and
        its article links in page order, without repeats.

    Example: ``classify_page(response.selector, response.url).is_list``
    """
    said = metadata_kind(selector)
    if said == ARTICLE_KIND:
        # Taken at its word, even where a home page calls itself an article: an article
        # page is never kept from the archive.
        return PageKind(ARTICLE_KIND, "article by its og:type or JSON-LD")
    site = site_of(urlsplit(url).hostname or "")
    links = headline_links(selector.root, url, site)
    targets = list(dict.fromkeys(target for target, _ in links))
    if not targets:
        return PageKind(ARTICLE_KIND, "no article links")
    body = body_units(selector.root)
    why = f"{len(targets)} headline links, {body} units of body"
    if body >= ARTICLE_BODY_UNITS:
        return PageKind(ARTICLE_KIND, f"article by its body; {why}")
    # One <article> (or articleBody) marks an article page; a list's teasers are several.
    if ARTICLE_MARK_XPATH(selector.root) == 1 and body >= ARTICLE_URL_LIST_MAX_BODY:
        return PageKind(ARTICLE_KIND, f"article by its <article> and body; {why}")
    group = largest_group(links)
    why = f"{len(targets)} headline links ({group} alike), {body} units of body"
    most = LIST_BODY_UNITS_PER_LINK * group
    if is_article_url(url, site):
        most = min(most, ARTICLE_URL_LIST_MAX_BODY)
    if said == LIST_KIND or body < most:
        return PageKind(LIST_KIND, f"list page: {why}", tuple(targets))
    return PageKind(ARTICLE_KIND, f"article by its body; {why}")
