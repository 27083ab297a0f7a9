"""The whole normalisation of one article: a RawArticle in, the article record out.

This is the one entry point spiders and ``archive extract`` call; it combines the other
modules of the package (none of which imports this one):

- dates: published/updated from the page's date texts (else a press release's closing date
  line, the date in the URL, the body's first date, or the dateline's), and the relative
  dates of the body;
- bylines: the body's opening byline (kept in the text as printed), credit lines such as
  責任編輯：… and （記者 張三） (taken out of the text), and ``raw.authors``;
- captions: each image's caption split from its credit; caption paragraphs that a spider left
  in the body are moved to the images;
- text: whitespace, boilerplate, promotion blocks and broken paragraphs;
- script: the script of title and body, and the content hash of the body folded to one script.

Reads no settings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from crawler.items import Block, RawArticle
from crawler.normalise.bylines import (
    canonical_outlet,
    is_person_name,
    parse_byline,
    split_trailing_byline,
    strip_end_mark,
)
from crawler.normalise.captions import has_credit, split_caption
from crawler.normalise.dates import (
    date_in_url,
    find_dates,
    find_published,
    find_relative_dates,
    parse_date,
)
from crawler.normalise.names import split_names
from crawler.normalise.script import detect_script, to_simplified
from crawler.normalise.text import (
    clean_blocks,
    collapse_whitespace,
    is_boilerplate,
    strip_invisible,
    strip_link_trailer,
)
from crawler.normalise.urls import canonicalise_url

SOURCE_LINE_REGEX = re.compile(
    r"^(?:(?:(?:時間|时间|發佈時間|发布时间|發佈|发布|日期)\s*[:：]\s*)?\d[\d\s:/.\-年月日]+)?"
    r"[\s【\[(（]*(?:新聞來源|新闻来源|來源|来源|稿源|出處|出处|轉載自|转载自|Source)\s*[:：]\s*"
    r"(?P<source>[^\s|｜,，)）】\]]+)[\s)）】\]]*"
    r"(?P<credits>(?:(?:作者|編輯|编辑|責任編輯|责任编辑)\s*[:：]\s*\S{0,12}\s*)*)$",
    re.IGNORECASE,
)
DAY_ONLY_REGEX = re.compile(r"\d{1,2}\s*日|[（(]\s*\d{1,2}\s*[）)]\s*日")
AUTHOR_LABEL_REGEX = re.compile(r"^\s*(?:作者|Author|By)\s*[:：]?\s*", re.IGNORECASE)
# A caption left in the body is short; longer paragraphs that end with a credit are text.
CAPTION_MAX_CHARS = 120
# A press release's closing line (2024年8月29日（星期四）香港時間12時35分) is at most this long.
DATE_LINE_MAX_CHARS = 40
# A byline may stand in the first blocks, after a headline or header line kept in the body
# (<article><h1>…, "- 有線新聞 - 2024年02月07日"); a block passed over is at most this long.
HEAD_BLOCKS = 4
HEADLINE_MAX_CHARS = 60
# A story's closing credit (……。（钟才文）) may be followed by blocks of the page's furniture
# that the body kept (a date, 责编, a gallery's captions: realpages CN-gmw-2024a). Any credit
# ending the last paragraph counts; before it, one in brackets, in the last this many
# paragraphs, or further up after a sentence's end.
TAIL_BLOCKS = 4
SENTENCE_END_REGEX = re.compile(r"[。！？!?”」』]$")
CLOSING_BRACKET_REGEX = re.compile(r"[)）】\]]\s*$")
WRITER_ROLES = ("reporter", "author", "correspondent")


def _published_day(published: str | None) -> dt.date | None:
    """The calendar day (Hong Kong time) of an ISO publication date."""
    return dt.date.fromisoformat(published[:10]) if published else None


def _source_of(line: str | None) -> str | None:
    """The canonical outlet named by a source line (來源：香港商報), or None."""
    match = SOURCE_LINE_REGEX.match(line or "")
    return canonical_outlet(match.group("source")) if match else None


def _source_credits(line: str | None, outlet: str | None, day: dt.date | None) -> list[dict]:
    """The people a source line names after its source: 来源：人民网 作者：李婕 (#17: they
    were dropped)."""
    match = SOURCE_LINE_REGEX.match(line or "")
    credits = match.group("credits").strip() if match else ""
    parsed = parse_byline(credits, page_outlet=outlet, published=day) if credits else None
    return parsed["bylines"] if parsed else []


def _is_date_line(text: str) -> bool:
    """Whether a short block is only a date (and time), like a press release's last line."""
    if len(text) > DATE_LINE_MAX_CHARS:
        return False
    dates = find_dates(text)
    return bool(dates) and len(re.sub(r"[\s()（）]", "", text)) - (dates[0][1] - dates[0][0]) <= 8


def _closing_date(blocks: list[Block]) -> tuple[str | None, int] | None:
    """A press release's closing date lines (2024年8月29日（星期四） / 香港時間12時35分):
    (the date and time they give, the index of the first of them), or None."""
    for index in range(max(1, len(blocks) - 3), len(blocks)):
        if _is_date_line(blocks[index].text):
            tail = " ".join(block.text for block in blocks[index:])
            if len(tail) <= 2 * DATE_LINE_MAX_CHARS:
                return parse_date(tail), index
    return None


def _mentioned_dates(body: str, prefix_end: int, day: dt.date | None) -> list[dict]:
    """Relative dates of the body; in the byline prefix only those that are not a dateline's
    day (8月29日電, 3日電), so a header's 1 天前 or 今日 15:23 still counts."""
    if day is None:
        return []
    return [
        found
        for start, found in find_relative_dates(body, day)
        if start >= prefix_end or not DAY_ONLY_REGEX.fullmatch(found["text"])
    ]


def _writers(bylines: list[dict]) -> list[dict]:
    """The bylines that name a writer (reporter, author, correspondent)."""
    return [b for b in bylines if b["role"] in WRITER_ROLES]


def _closing_credit(blocks: list[Block], outlet: str | None, day: dt.date | None) -> list[dict]:
    """The credit that ends the story's last paragraph (……。（記者 張三）, ……。（钟才文）),
    the last paragraph first (see TAIL_BLOCKS)."""
    for index in range(len(blocks) - 1, -1, -1):
        text = blocks[index].text
        if blocks[index].kind != "paragraph":
            continue
        if index < len(blocks) - 1 and not CLOSING_BRACKET_REGEX.search(text):
            continue
        before, tail = split_trailing_byline(text, page_outlet=outlet, published=day)
        if tail and (index >= len(blocks) - TAIL_BLOCKS or SENTENCE_END_REGEX.search(before)):
            return tail["bylines"]
    return []


def _not_photographers(bylines: list[dict], images: list[dict]) -> list[dict]:
    """Bylines without the authors the page credits as photographers only: xinhuanet's
    作者: 刘满仓 on a photo story whose picture says 新华社发（刘满仓摄）."""
    shooters = {image["photographer"] for image in images if image["photographer"]}
    shooters |= {b["name"] for b in bylines if b["role"] == "photographer"}
    reporters = {b["name"] for b in bylines if b["role"] in ("reporter", "correspondent")}
    return [
        b
        for b in bylines
        if not (b["role"] == "author" and b["name"] in shooters and b["name"] not in reporters)
    ]


def _add(bylines: list[dict], found: list[dict]) -> None:
    """Add bylines once per (role, name); a bare author already credited in a role is skipped."""
    for entry in found:
        if any(
            b["name"] == entry["name"] and (b["role"] == entry["role"] or entry["role"] == "author")
            for b in bylines
        ):
            continue
        bylines.append(entry)


def _author_bylines(authors: list[str], outlet: str | None, published: dt.date | None) -> list:
    """Bylines from the page's author fields; an outlet's name there is not a person."""
    found: list[dict] = []
    for author in authors:
        text = collapse_whitespace(author)
        parsed = parse_byline(text, page_outlet=outlet, published=published)
        if parsed and parsed["bylines"]:
            found.extend(b for b in parsed["bylines"] if b["role"] != "agency")
            continue
        bare = AUTHOR_LABEL_REGEX.sub("", text)
        for name in split_names(bare):
            if is_person_name(name) and canonical_outlet(name) != outlet:
                found.append({"role": "author", "name": name, "outlet": outlet})
    return found


def _captioned_authors(raw: RawArticle) -> list[dict]:
    """Authors printed where the page's layout put an image's caption: a line that is all a
    labelled author's credit (光明网 prints 作者︱春春 beside its linked logo: realpages
    CN-gmw-2017a)."""
    found: list[dict] = []
    for image in raw.images:
        text = collapse_whitespace(image.caption or "")
        parsed = parse_byline(text) if text else None
        whole = parsed and parsed["end"] >= len(text) and parsed["bylines"]
        if whole and all(b["role"] == "author" for b in parsed["bylines"]):
            found.extend(parsed["bylines"])
    return found


def _image_records(raw: RawArticle) -> tuple[list[dict], list[dict]]:
    """One record per image, caption split from its credit; QR codes (掃碼睇片) are left out.

    Returns the records and, among them, those whose page printed no caption (only an alt
    text at most), which a caption paragraph of the body may fill.
    """
    images: list[dict] = []
    uncaptioned: list[dict] = []
    for image in raw.images:
        caption_raw = image.caption if image.caption is not None else image.alt
        caption_raw = strip_invisible(caption_raw) if caption_raw else caption_raw
        if caption_raw and is_boilerplate(caption_raw):
            continue
        record = {
            "src": image.src,
            "caption": None,
            "source": None,
            "photographer": None,
            "caption_raw": caption_raw,
        }
        if caption_raw and caption_raw.strip():
            record.update(_caption_record(collapse_whitespace(caption_raw)))
            record["caption_raw"] = caption_raw
        images.append(record)
        if not (image.caption and image.caption.strip()):
            uncaptioned.append(record)
    return images, uncaptioned


def _caption_record(text: str) -> dict:
    """The image fields of a caption: text, source, photographer and the caption as printed."""
    parts = split_caption(text)
    return {
        "caption": parts["caption"] or None,
        "source": parts["source"],
        "photographer": parts["photographer"],
        "caption_raw": text,
    }


@dataclass
class _Blocks:
    """The body's blocks sorted out: text to keep, credit lines, the source line."""

    kept: list[Block] = field(default_factory=list)
    trailing: list[dict] = field(default_factory=list)
    source_line: str | None = None


def _split_blocks(
    blocks: list[Block],
    raw: RawArticle,
    images: list[dict],
    uncaptioned: list[dict],
    outlet: str | None,
    day: dt.date | None,
) -> _Blocks:
    """Take source lines, captions and credit lines out of the body's blocks.

    A caption paragraph goes to the next image that has no caption of its own, or becomes an
    image with no ``src``; a credit line (責任編輯：…, （記者 張三）) after the first block
    becomes bylines.
    """
    parts = _Blocks(source_line=collapse_whitespace(raw.source_line) if raw.source_line else None)
    captions = {collapse_whitespace(image.caption or "") for image in raw.images} - {""}
    for index, block in enumerate(blocks):
        text = block.text
        if parts.source_line is None and SOURCE_LINE_REGEX.match(text):
            parts.source_line = text
        elif text in captions:
            continue
        elif index > 0 and _is_caption(text, outlet, day):
            if uncaptioned:
                uncaptioned.pop(0).update(_caption_record(text))
            else:
                images.append({"src": None, **_caption_record(text)})
        else:
            line = strip_end_mark(text)
            credit = parse_byline(line, page_outlet=outlet, published=day) if index else None
            if credit and credit["end"] >= len(line) and credit["bylines"]:
                parts.trailing.extend(credit["bylines"])
            else:
                parts.kept.append(block)
    return parts


def _is_caption(text: str, outlet: str | None, day: dt.date | None) -> bool:
    """A short paragraph ending with a photo credit, not with a reporter's (點新聞記者 林浩賢)
    and no writer's credit line (中青报·中青网记者 魏其濛 来源：中国青年报)."""
    if len(text) > CAPTION_MAX_CHARS or not has_credit(text):
        return False
    whole = parse_byline(text, page_outlet=outlet, published=day)
    if whole and whole["end"] >= len(text) and _writers(whole["bylines"]):
        return False
    _, tail = split_trailing_byline(text, page_outlet=outlet, published=day)
    return not (tail and any(b["role"] == "reporter" for b in tail["bylines"]))


@dataclass
class _Head:
    """What the body's opening lines say: bylines, dateline, the outlet they name, and where
    the byline prefix ends in the joined body."""

    bylines: list[dict] = field(default_factory=list)
    dateline: dict = field(default_factory=lambda: {"place": None, "date": None})
    outlet: str | None = None
    end: int = 0


def _lead_outlet(head: dict) -> str | None:
    """The outlet a byline names itself (【X訊】, an agency dateline, 據X報道), not the page's."""
    if head["outlet_as_printed"] and head["outlet"]:
        return head["outlet"]
    return head["via"]


def _head_bylines(blocks: list[Block], outlet: str | None, day: dt.date | None) -> _Head:
    """Bylines, dateline and outlet of the body's opening blocks.

    A byline may stand in any of the first HEAD_BLOCKS blocks: short blocks before it (a
    headline kept in the body, a header line) are passed over; full byline lines are read
    one after another until the lead, whose byline prefix stays in its text.
    """
    head = _Head()
    offset = 0
    found = False
    for block in blocks[:HEAD_BLOCKS]:
        parsed = parse_byline(block.text, page_outlet=outlet, published=day)
        if parsed is None:
            if found or len(block.text) > HEADLINE_MAX_CHARS or block.text.endswith("。"):
                break
            offset += len(block.text) + 2
            continue
        found = True
        _add(head.bylines, parsed["bylines"])
        head.outlet = head.outlet or _lead_outlet(parsed)
        if head.dateline["place"] is None and head.dateline["date"] is None:
            head.dateline = parsed["dateline"]
        if parsed["end"] < len(block.text):
            head.end = offset + parsed["end"]
            return head
        offset += len(block.text) + 2
    head.end = offset if found else 0
    return head


def _record_outlet(raw: RawArticle, lead: str | None, source: str | None) -> tuple[str | None, str]:
    """The record's outlet and where it came from: host, byline, metadata or none.

    A spider's outlet (the host table's) is the publisher of the page, whatever its lead
    names (a reprint keeps its reprinting site; the lead's outlet is then the original's);
    on a host with no spider the byline or lead names it (【X訊】, 【X】, X訊, 據X報道, an
    agency dateline, 來源：X), else the page's metadata (og:site_name, JSON-LD publisher).
    """
    if raw.outlet and raw.outlet.strip():
        return canonical_outlet(raw.outlet), "host"
    if lead or source:
        return lead or source, "byline"
    if raw.site_name and raw.site_name.strip():
        return canonical_outlet(raw.site_name), "metadata"
    return None, "none"


def normalise_article(raw: RawArticle) -> dict:
    """Turn a spider's RawArticle into the article record of docs/ARCHITECTURE.md.

    Args:
        raw: the page's fields as printed.

    Returns:
        A dict with exactly the keys url, canonical_url, outlet, title, subtitle, published,
        updated, bylines, dateline, body, sections, images, mentioned_dates, script,
        source_line, original_outlet and content_hash.

    Example: for the seed's first article (published "2024-08-30"), outlet 香港商報, bylines
    ``[{"role": "reporter", "name": "王丹丹", "outlet": "香港商報"}]`` and mentioned_dates
    ``[{"text": "昨日", "date": "2024-08-29"}, ...]``.
    """
    page_outlet = raw.outlet or raw.site_name
    outlet = canonical_outlet(page_outlet) if page_outlet and page_outlet.strip() else None
    published, updated = find_published([raw.published or ""])
    if raw.updated:
        printed_published, printed_updated = find_published([raw.updated])
        updated = printed_updated or printed_published
    blocks = [Block(b.kind, strip_link_trailer(collapse_whitespace(b.text))) for b in raw.blocks]
    blocks = [b for b in blocks if b.text]
    closing = _closing_date(blocks)
    if closing:
        published = published or closing[0]
        blocks = blocks[: closing[1]]
    url_day = date_in_url(raw.url)
    if published is None and url_day:
        published = url_day.isoformat()
    if published is None:
        published = parse_date(" ".join(block.text for block in blocks))
    fetched = _published_day(find_published([raw.fetched_at or ""])[0])
    day = _published_day(published) or fetched
    date_basis = "published" if published else "fetched" if fetched else None

    images, uncaptioned = _image_records(raw)
    parts = _split_blocks(blocks, raw, images, uncaptioned, outlet, day)
    body_blocks = clean_blocks(parts.kept)
    parts.trailing.extend(_closing_credit(body_blocks, outlet, day))

    head = _head_bylines(body_blocks, outlet, day)
    bylines, dateline, prefix_end = head.bylines, head.dateline, head.end
    _add(bylines, _author_bylines(raw.authors, outlet, day))
    _add(bylines, parts.trailing)
    _add(bylines, _source_credits(parts.source_line, outlet, day))
    _add(bylines, _captioned_authors(raw))
    bylines = _not_photographers(bylines, images)

    body = "\n\n".join(block.text for block in body_blocks)
    source_line = parts.source_line
    original = _source_of(source_line)
    record_outlet, outlet_source = _record_outlet(raw, head.outlet, original)
    if outlet is None and record_outlet is not None:
        bylines = [{**b, "outlet": b["outlet"] or record_outlet} for b in bylines]
    return {
        "url": raw.url,
        "canonical_url": canonicalise_url(raw.url),
        "outlet": record_outlet,
        "outlet_source": outlet_source,
        "date_basis": date_basis,
        "title": collapse_whitespace(raw.title) or None if raw.title else None,
        "subtitle": collapse_whitespace(raw.subtitle) or None if raw.subtitle else None,
        "published": published,
        "updated": updated,
        "bylines": bylines,
        "dateline": dateline,
        "body": body,
        "sections": [block.text for block in body_blocks if block.kind == "heading"],
        "images": images,
        "mentioned_dates": _mentioned_dates(body, prefix_end, day),
        "script": detect_script(" ".join(filter(None, [raw.title, body]))),
        "source_line": source_line,
        "original_outlet": original if original != record_outlet else None,
        "content_hash": "sha256:"
        + hashlib.sha256(re.sub(r"\s+", "", to_simplified(body)).encode("utf-8")).hexdigest(),
    }
