"""Where a page's article body is: the element whose subtree holds the most prose and the
least of everything else (links, menus, widgets), on a tree cleaned of what is never text.

Each block (a paragraph, a list item, a div or cell with text of its own) is prose when its
text, less its link text, is long enough and mostly not links; prose counts for every element
above it, the rest (links, short lines, noise) counts against. The element with the best
balance wins, so a wrapper of many short paragraphs beats its single longest paragraph and
loses to nothing that also holds the page's menus and lists; of the elements scoring nearly as
well, the smallest wins (the story without the wrapper's comments box or hidden dialogs).
Noise is judged by tag (nav, aside, footer) and by whole class or id tokens (``sidebar``, not
``no-sidebar``), and never on an element that holds most of the page's prose (an ASP.NET
page-wide ``<form>``).
lxml only, one pass over the tree; reads no settings.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

logger = logging.getLogger(__name__)

# Never text: removed before anything is scored.
DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "canvas",
    "object",
    "embed",
    "button",
    "select",
    "textarea",
    "input",
    "option",
    "link",
    "meta",
)
NOISE_TAGS = {"nav", "aside", "footer"}
# Whole class/id tokens (or their first part before - or _) that mark page furniture.
NOISE_WORDS = {
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menubar",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "crumbs",
    "footer",
    "related",
    "recommend",
    "recommended",
    "comment",
    "comments",
    "share",
    "sharing",
    "social",
    "copyright",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adsbygoogle",
    "sponsor",
    "sponsored",
    "promo",
    "newsletter",
    "subscribe",
    "popular",
    "trending",
    "hot",
    "toolbar",
    "fontsize",
    "tags",
    "pagination",
    "pager",
    "login",
    "banner",
}
# Words that mark furniture as the first part of a token too (``sidebar-right``,
# ``related_news``); short or common words (ad, hot, tag, nav) only as whole tokens, since
# WordPress marks articles ``tag-amazon`` and sites wrap pages in ``nav-offset``.
NOISE_PREFIXES = {
    "navbar",
    "menu",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "related",
    "recommend",
    "comment",
    "comments",
    "share",
    "social",
    "copyright",
    "advert",
    "advertisement",
    "sponsor",
    "newsletter",
}
# Overlays that are never the article, by the first part of a token (``cookie-notice``) or its
# last (``cli-modal``), never a substring (Yahoo wraps articles in ``filterNonGdprEmbeds``) nor
# a first part of a state (nypost marks its article ``modal-enabled``).
NOISE_FIRST_PARTS = {"cookie", "cookies", "gdpr", "consent"}
NOISE_LAST_PARTS = {"cookie", "cookies", "modal", "popup", "consent"}
# The page and its main article elements are never removed as noise.
NEVER_NOISE_TAGS = {"html", "body", "main", "article"}
TOKEN_SPLIT_REGEX = re.compile(r"[\s]+")
PART_SPLIT_REGEX = re.compile(r"[-_]")
BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "td",
    "li",
    "dd",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "header",
    "form",
    "center",
    "table",
    "tr",
    "ul",
    "ol",
    "dl",
    "body",
}
CJK_REGEX = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD_REGEX = re.compile(r"[^\W\d_\u3400-\u9fff\uf900-\ufaff]+|\d+")
# A block is prose from 12 units of text (a CJK character or a Latin word is one unit): a short
# Chinese sentence or a one-line English one. Shorter lines are bylines, dates, buttons, menus.
# Measured on realpages and the AEB: 8 let "分享到 微信 微博 QQ空间" share bars win on short
# stories; 20 lost one-sentence paragraphs of wire copy.
PROSE_MIN_UNITS = 12
# Pages with no block that long: every block of 2 units or more counts.
SHORT_PROSE_MIN_UNITS = 2
# A block ending a sentence, however short, is text (a story's one-line paragraph).
SENTENCE_END_REGEX = re.compile(r"[。！？!?.…」』”\"）)]\s*$")
# More than this share of a block's text in links makes it a link list, not prose. English
# news links words inside its sentences: 0.35 gave AEB F1 0.927, 0.5 gives 0.928 (0.6: 0.929,
# kept at 0.5 so that a line half links stays furniture); realpages unchanged (2026-12-06).
PROSE_MAX_LINK_SHARE = 0.5
# An element holding this share of the page's prose is the article, whatever its class says.
# 0.5 kept caijing's footer disclaimer (most of a one-paragraph story's page) as the body;
# 0.8 fixed it and left the AEB's F1 as it was (0.919, 2026-12-06).
MOST_PROSE_SHARE = 0.8
# Deeper than this, the page is not walked (libxml2's own limit is 256 without huge_tree; real
# pages seen are under 60 deep): the extractor gives up on it with a warning.
MAX_DEPTH = 2000
# Of the elements scoring at least this share of the best score, the smallest is the article:
# the best is often a wrapper that adds a comments box, a photo strip or hidden dialogs to the
# story (AEB sputniknews, realpages CN-gmw-2024a), each about as much prose as furniture. Measured
# on the AEB (2026-12-06): 0.85 F1 0.965, 0.82 0.965, 0.8 0.962 (it takes a related-posts box
# for one page's story); realpages body F1 0.977 at 0.82 and 0.85, 0.983 at 0.8.
NEAR_BEST_SHARE = 0.82


def text_units(text: str) -> int:
    """A text's length in units: CJK characters plus Latin words and numbers."""
    return len(CJK_REGEX.findall(text)) + len(WORD_REGEX.findall(text))


def class_tokens(element: etree._Element) -> list[str]:
    """The lowercase class and id tokens of an element."""
    found = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return [token for token in TOKEN_SPLIT_REGEX.split(found) if token]


def is_noise_token(token: str) -> bool:
    """Whether a class or id token names page furniture: the token itself or its first part
    (``related-news``, ``share_bar``), never a part further in (``no-sidebar``,
    ``content-with-sidebar``)."""
    if token in NOISE_WORDS or PART_SPLIT_REGEX.split(token, 1)[0] in NOISE_PREFIXES:
        return True
    parts = PART_SPLIT_REGEX.split(token)
    return parts[0] in NOISE_FIRST_PARTS or (len(parts) > 1 and parts[-1] in NOISE_LAST_PARTS)


def looks_like_noise(element: etree._Element) -> bool:
    """Whether an element is page furniture by its tag or class/id tokens."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in NOISE_TAGS:
        return True
    if tag in NEVER_NOISE_TAGS:
        return False
    return any(is_noise_token(token) for token in class_tokens(element))


def clean_tree(root: etree._Element) -> None:
    """Remove what is never article text: scripts, styles, templates, form controls, comments."""
    etree.strip_elements(
        root, *DROPPED_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False
    )


TOO_DEEP_XPATH = etree.XPath(f"boolean(//*[count(ancestor::*) > {MAX_DEPTH}])")


def is_too_deep(root: etree._Element) -> bool:
    """Whether any element is nested deeper than MAX_DEPTH (in C: a Python walk of a page of
    100,000 pictures took 1.7 s)."""
    return bool(TOO_DEEP_XPATH(root))


@dataclass
class Tally:
    """What a subtree holds: units of prose and units of other text, and its prose blocks."""

    prose: float = 0.0
    other: float = 0.0
    blocks: int = 0


def own_text(element: etree._Element) -> tuple[str, str]:
    """The text a block prints itself (inline children included, block children not) and the
    part of it inside links."""
    parts = [element.text or ""]
    links: list[str] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag not in BLOCK_TAGS:
            parts.append(child.text_content())
            links.extend(a.text_content() for a in child.iter("a"))
        parts.append(child.tail or "")
    return "".join(parts), " ".join(links)


def score_tree(
    root: etree._Element, min_units: int = PROSE_MIN_UNITS
) -> dict[etree._Element, Tally]:
    """Every element's tally of prose and other text, its subtree's included; a block is prose
    from ``min_units`` units, unless the same text is printed again elsewhere on the page,
    under another parent (an advert's feedback box, a teaser repeated in two lists)."""
    tallies: dict[etree._Element, Tally] = {}
    elements = [e for e in root.iter(etree.Element) if e.tag != "head" and _not_in_head(e)]
    texts = {
        element: own_text(element)
        for element in elements
        if element.tag in BLOCK_TAGS and element.tag not in NEUTRAL_TAGS
    }
    # Where each text is printed: the same text under two different parents is furniture
    # repeated (an advert's feedback box), under one parent it is the story repeating itself.
    parents: dict[str, set[int]] = {}
    for element, (text, _) in texts.items():
        parents.setdefault(" ".join(text.split()), set()).add(id(element.getparent()))
    for element in elements:
        tally = tallies.setdefault(element, Tally())
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in BLOCK_TAGS or tag in NEUTRAL_TAGS:
            continue
        text, links = texts[element]
        units = text_units(text)
        if not units:
            continue
        link_units = text_units(links) if links else 0
        prose = units - link_units
        is_prose = prose >= min_units and link_units <= PROSE_MAX_LINK_SHARE * units
        repeated = len(parents[" ".join(text.split())]) > 1
        if is_prose and not repeated and not _is_teaser(element):
            tally.prose += prose
            tally.other += link_units
            tally.blocks += 1
        elif not link_units and not repeated and SENTENCE_END_REGEX.search(text):
            continue  # a short sentence (第一段，講述峰會的開幕。) is text, not furniture
        else:
            tally.other += units
    for element in reversed(elements):
        parent = element.getparent()
        if parent is not None and parent in tallies:
            tallies[parent].prose += tallies[element].prose
            tallies[parent].other += tallies[element].other
            tallies[parent].blocks += tallies[element].blocks
    return tallies


# Captions and headings belong to the article (its pictures, its headline and subheads):
# neither prose nor against it.
NEUTRAL_TAGS = {"figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}
HEADING_LINK_TAGS = ("h2", "h3", "h4", "h5", "h6")
# A link of this many units beside a paragraph is another story's headline (a teaser).
TEASER_LINK_UNITS = 4
# A teaser's wrapper is small (headline, byline, date, summary, picture); an article's section
# under a linked subheading has more. 5 measured on the AEB: 3 missed teasers with a picture
# and a time, more than 6 took list articles' sections ("10 things in tech") for teasers.
TEASER_MAX_CHILDREN = 5


def _is_teaser(block: etree._Element) -> bool:
    """Whether a paragraph is another story's summary: its wrapper (above any wrappers of it
    alone) also holds that story's headline as a link (an h2-h6 with a link, a header holding
    one, or a link of a few words beside it)."""
    node, wrapper = block, block.getparent()
    while wrapper is not None and len(wrapper) == 1 and wrapper.tag not in ("body", "html"):
        node, wrapper = wrapper, wrapper.getparent()
    if wrapper is None or wrapper.tag in ("body", "html") or len(wrapper) > TEASER_MAX_CHILDREN:
        return False
    for sibling in wrapper:
        if sibling is node or not isinstance(sibling.tag, str):
            continue
        if sibling.tag in HEADING_LINK_TAGS and sibling.find(".//a") is not None:
            return True
        if sibling.tag == "header" and HEADING_LINK_XPATH(sibling):
            return True
        if sibling.tag == "a" and text_units(sibling.text_content()) >= TEASER_LINK_UNITS:
            return True
    return False


HEADING_LINK_XPATH = etree.XPath(
    "boolean(" + " | ".join(f".//{tag}//a" for tag in HEADING_LINK_TAGS) + ")"
)


def _not_in_head(element: etree._Element) -> bool:
    """Whether an element is outside the page's <head>."""
    parent = element.getparent()
    return parent is None or parent.tag != "head"


def drop_noise(root: etree._Element, tallies: dict[etree._Element, Tally]) -> bool:
    """Remove furniture subtrees, but never one that holds most of the page's prose; the tallies
    of the elements above a removed one are lessened by its tally (scoring again cost a page
    8 ms). Whether any was removed."""
    removed = False
    total = tallies[root].prose if root in tallies else 0.0
    for element in list(root.iter(etree.Element)):
        if element is root or element not in tallies or not looks_like_noise(element):
            continue  # not in tallies: inside a subtree already removed (or in <head>)
        tally = tallies[element]
        if tally.prose >= MOST_PROSE_SHARE * total and tally.prose > tally.other:
            continue
        for ancestor in element.iterancestors():
            if ancestor in tallies:
                tallies[ancestor].prose -= tally.prose
                tallies[ancestor].other -= tally.other
                tallies[ancestor].blocks -= tally.blocks
        for gone in element.iter():
            tallies.pop(gone, None)
        _remove_keeping_tail(element)
        removed = True
    return removed


def _remove_keeping_tail(element: etree._Element) -> None:
    """Remove an element from its tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def best_container(root: etree._Element) -> etree._Element | None:
    """The element holding the article body (see the module); None for a page with no text.

    A page whose every paragraph is short (a brief, a test page) is scored again with short
    blocks counted as prose."""
    tallies = score_tree(root)
    drop_noise(root, tallies)
    best = _best_scored(tallies)
    if best is None:
        best = _best_scored(score_tree(root, SHORT_PROSE_MIN_UNITS))
    return best


def _best_scored(tallies: dict[etree._Element, Tally]) -> etree._Element | None:
    """The smallest element scoring near the most prose over other text, if any has prose."""
    best, best_score = None, 0.0
    for element, tally in tallies.items():
        score = tally.prose - tally.other
        if element.tag == "html":
            continue  # the page's <body> holds whatever <html> does
        if tally.prose > 0 and score > best_score:
            best, best_score = element, score
    if best is None:
        return None
    size = tallies[best].prose + tallies[best].other
    for element, tally in tallies.items():
        if (
            tally.prose - tally.other >= NEAR_BEST_SHARE * best_score
            and tally.prose + tally.other < size
            and tally.blocks > 1  # a story, not its longest paragraph (an interview's answer)
        ):
            best, size = element, tally.prose + tally.other
    return best


INLINE_BREAK_TAGS = {"br"}


def wrap_loose_text(container: etree._Element) -> None:
    """Put text printed straight into a block element (``<div>一段<br>二段<p>…</p></div>``) into
    paragraphs of its own, split at line breaks, so it is read like the page's ``<p>`` s."""
    for element in list(container.iter(*LOOSE_TEXT_HOSTS)):
        if not _has_loose_text(element):
            continue
        runs: list[list] = [[]]
        text = element.text
        element.text = None
        items: list = [text] if text and text.strip() else []
        for child in list(element):
            tail = child.tail
            child.tail = None
            items.append(child)
            if tail and tail.strip():
                items.append(tail)
        for child in list(element):
            element.remove(child)
        for item in items:
            tag = item.tag if not isinstance(item, str) and isinstance(item.tag, str) else ""
            if tag in BLOCK_TAGS:
                runs.append([item])
                runs.append([])
            elif tag in INLINE_BREAK_TAGS:
                runs.append([])
            else:
                runs[-1].append(item)
        for run in runs:
            _append_run(element, run)


LOOSE_TEXT_HOSTS = ("div", "td", "section", "article", "main", "body", "center", "font", "span")


def _has_loose_text(element: etree._Element) -> bool:
    """Whether a block element prints text outside any child of its own, beside block children
    or line breaks."""
    loose = (element.text or "").strip() or any((child.tail or "").strip() for child in element)
    if not loose:
        return False
    return any(
        isinstance(child.tag, str) and (child.tag in BLOCK_TAGS or child.tag in INLINE_BREAK_TAGS)
        for child in element
    )


def _append_run(element: etree._Element, run: list) -> None:
    """Append one run of the rebuilt element: a block child as it is, inline pieces in a <p>."""
    if not run:
        return
    first = run[0]
    if len(run) == 1 and not isinstance(first, str) and first.tag in BLOCK_TAGS:
        element.append(first)
        return
    if all(isinstance(item, str) and not item.strip() for item in run):
        return
    paragraph = etree.SubElement(element, "p")
    for item in run:
        if isinstance(item, str):
            last = paragraph[-1] if len(paragraph) else None
            if last is None:
                paragraph.text = (paragraph.text or "") + item
            else:
                last.tail = (last.tail or "") + item
        else:
            paragraph.append(item)


# A caption is a few lines (the longest in the AEB's galleries is about 90 words); an element
# with more text than this is no caption, whatever its class says.
CAPTION_MAX_UNITS = 120


def mark_captions(container: etree._Element) -> None:
    """Make captions printed outside a <figure> (``<div class="image-caption">``, a gallery's
    ``caption-text``) <figcaption> s, read as their picture's caption and never as body text."""
    for element in container.iter(etree.Element):
        if (
            element is not container
            and element.tag != "figcaption"
            and "caption" in (element.get("class") or "").lower()
            and element.find(".//img") is None
            and text_units(element.text_content()) <= CAPTION_MAX_UNITS
        ):
            element.tag = "figcaption"


def flatten_blocks(container: etree._Element) -> etree._Element:
    """A new <div> whose children are the container's leaf blocks in page order (paragraphs out
    of their wrappers, spans and cells; inline runs between blocks put in a <p>), for a reader
    that walks one level only."""
    holds_block: set[etree._Element] = set()
    for element in reversed(list(container.iter(etree.Element))):
        parent = element.getparent()
        if parent is not None and (element.tag in BLOCK_TAGS or element in holds_block):
            holds_block.add(parent)
    for row in container.iter("tr"):
        if not any(cell in holds_block for cell in row):
            holds_block.discard(row)  # a data table's row is one line: its cells side by side
    flat = etree.Element("div")
    stack: list[etree._Element] = [container]
    while stack:
        node = stack.pop()
        if node not in holds_block or (
            node is not container and (node.tag == "figcaption" or is_picture_box(node))
        ):
            flat.append(_detached(node))
            continue
        children: list[etree._Element] = []
        run: list[etree._Element] = []
        for child in node:
            if child.tag in BLOCK_TAGS or child in holds_block:
                if run:
                    children.append(_paragraph_of(run))
                    run = []
                children.append(child)
            else:
                run.append(child)
        if run:
            children.append(_paragraph_of(run))
        stack.extend(reversed(children))
    return flat


# A picture's box holds one image and at most a caption's worth of text (realpages' longest
# caption is 96 characters; 200 leaves room, and a story's paragraph is never in such a box).
PICTURE_BOX_MAX_CHARS = 200
LEAF_TEXT_TAGS = ("p", "div", "span", "figcaption", "h2", "h3", "h4", "h5", "h6", "li", "td")


def is_picture_box(element: etree._Element) -> bool:
    """Whether an element is one picture with its caption (<figure>, or <div class="img"><img>
    <p>caption</p></div>), to be read whole rather than walked into."""
    if element.tag == "figure":
        return True
    images = element.findall(".//img")
    if len(images) != 1:
        return False
    texts = [
        block
        for block in element.iter(*LEAF_TEXT_TAGS)
        if block is not element and "".join(block.itertext()).strip()
    ]
    if len(texts) > 1:
        return False  # a short story of several paragraphs around its picture
    return len("".join(element.itertext()).strip()) <= PICTURE_BOX_MAX_CHARS


def _detached(element: etree._Element) -> etree._Element:
    """The element without its tail, ready to move under another parent."""
    element.tail = None
    return element


def _paragraph_of(run: list[etree._Element]) -> etree._Element:
    """A <p> holding a run of inline elements (with their tails)."""
    paragraph = etree.Element("p")
    for element in run:
        paragraph.append(element)
    return paragraph


# A block of the body more than half of whose text is links is a list of other pages (related
# links, tags, a section menu), unless it is a byline (记者 <a>张三</a>).
BODY_MAX_LINK_SHARE = 0.5
# A repeated block is dropped only when a few words (a counter, a date, "Image 1 of 8"): a
# story repeats its lines too (an interview's question to each guest, a meal plan's "Portion Fix
# Containers: 1 Green, 1 Red"); 80 lost those on the AEB (F1 0.955 -> 0.957 at 4), captions
# are dropped as captions (mark_captions).
REPEATED_MAX_UNITS = 4
# Labels of the ad slots a story is printed around, never its text.
AD_LABEL_REGEX = re.compile(
    r"^(?:advertisements?|ads?|sponsored|continue reading below|廣告|广告|贊助|赞助"
    r"|(?:story|article) continues below(?: this)? ad(?:vertisement)?)$",
    re.IGNORECASE,
)
BYLINE_HINT_REGEX = re.compile(r"记者|記者|作者|撰文|通讯员|通訊員|^\s*By\s", re.IGNORECASE)


def prune_blocks(flat: etree._Element) -> None:
    """Remove from a flattened body the link lists and the short blocks printed again above (a
    gallery repeating its captions), keeping pictures and bylines."""
    seen: set[str] = set()
    for block in list(flat):
        if block.find(".//img") is not None or block.tag == "img":
            continue
        text = " ".join("".join(block.itertext()).split())
        units = text_units(text)
        links = sum(text_units("".join(a.itertext())) for a in block.iter("a"))
        if (
            (text in seen and units <= REPEATED_MAX_UNITS)
            or AD_LABEL_REGEX.match(text)
            or (
                units and links > BODY_MAX_LINK_SHARE * units and not BYLINE_HINT_REGEX.search(text)
            )
        ):
            flat.remove(block)
            continue
        if text:
            seen.add(text)
