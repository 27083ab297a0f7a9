"""The body starts with the story: header lines that a container picked up before the first
paragraph (the headline again, date and 发布于 lines, breadcrumbs, menus, a video player's
controls) are taken off, and the writers they name are kept for the byline. Reads no settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract.authors import header_writers
from crawler.extract.body import PROSE_MIN_UNITS, text_units
from crawler.items import Block

# A block that ends a sentence is text, however short (今年是中法建交60周年。).
SENTENCE_END_REGEX = re.compile(r"[。！？!?.…」”\"）)]\s*$")
# Lines that open a story and must stay: bylines and datelines (【香港商報訊】記者…, 〔記者…報導〕,
# 新华社北京5月9日电, 本报讯, （记者 X）, 文／X, By X).
LEAD_REGEX = re.compile(
    r"记者|記者|通讯员|通訊員|作者|撰文|[电電][（(]|[电電]\s|讯|訊|報導|报道|報道|^\s*文\s*[/／丨|:：]|^\s*By\s"
    r"|^\s*[（(〔【\[]",
    re.IGNORECASE,
)
# A source line (来源：新华网) is the normaliser's; it stays.
SOURCE_ONLY_REGEX = re.compile(
    r"^[\s【\[(（]*(?:來源|来源|稿源|出處|出处)\s*[:：]\s*\S+[\s)）】\]]*$"
)
# Header lines are looked for among the first blocks only.
MAX_HEAD_BLOCKS = 12


def is_header_line(text: str, title: str | None) -> bool:
    """Whether a block before the story is page furniture: the headline, or a short line that
    ends no sentence and is no byline (dates, 发布于, breadcrumbs, menu items, player controls)."""
    squashed = "".join(text.split())
    if title and squashed and squashed == "".join(title.split()):
        return True
    if SOURCE_ONLY_REGEX.match(text):
        return False
    if _is_date_line(text) and not SENTENCE_END_REGEX.search(text):
        return True  # 作者： 香港商報 2024-07-10 04:36:20, 时间：2024.05.11 来源：光明日报
    if text_units(text) >= PROSE_MIN_UNITS:
        return False
    if header_writers(text):
        return True
    return not SENTENCE_END_REGEX.search(text) and not LEAD_REGEX.search(text)


DATE_LINE_REGEX = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
DATE_LINE_MAX_CHARS = 80


def _is_date_line(text: str) -> bool:
    """A short line with a full date (时间：2024.05.11 来源：光明日报 作者：南帆)."""
    return len(text) <= DATE_LINE_MAX_CHARS and bool(DATE_LINE_REGEX.search(text))


@dataclass
class Head:
    """What precedes the story in a container: the story's blocks, the writers header lines
    named, and the deck (a heading printed between headline and story)."""

    blocks: list[Block]
    writers: list[str] = field(default_factory=list)
    subtitle: str | None = None


def trim_head(blocks: list[Block], title: str | None) -> Head:
    """The blocks from the story's first line on, the labelled writers the dropped header lines
    named, and the first heading before the story (its deck: 特首：善用自身優勢積極創新變革)."""
    head = Head(blocks)
    start = 0
    while start < min(len(blocks), MAX_HEAD_BLOCKS):
        block = blocks[start]
        if block.kind == "heading" and not LEAD_REGEX.search(block.text):
            head.subtitle = head.subtitle or block.text
        elif is_header_line(block.text, title):
            head.writers.extend(header_writers(block.text))
        else:
            break
        start += 1
    if start < len(blocks):
        head.blocks = blocks[start:]
    else:
        head.writers, head.subtitle = [], None
    return head
