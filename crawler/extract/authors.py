"""Author candidates a page offers outside its body, with the false ones dropped at the source.

``<meta name="author">`` on Chinese sites is as often the editor (the page prints 责任编辑：杨煜),
the site (网易), a user id (105464) or a template's placeholder (name, admin) as the reporter;
JSON-LD's author is often the publisher as an Organization. A candidate is kept only when it
is none of these. Byline elements (class or id ``author``, ``byline``, ``writer``, ``reporter``)
that carry a writer's label (本报记者 王乐文 方敏, 作者：南帆), or that the normaliser reads
whole as a writer's credit (上報快訊／范姜佳鈺), are handed on as printed; the normaliser reads
them.
Reads no settings.
"""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector

from crawler.normalise.bylines import parse_byline

PLACEHOLDER_REGEX = re.compile(
    r"^(?:\d+|name|admin|administrator|author|editor|user|unknown|none|null|anonymous|佚名|匿名|"
    r"未知|整合|综合|綜合|本站|小编|小編|网友|網友|[a-z]+\d+)$",
    re.IGNORECASE,
)
# 图/圖 X and 摄影 X are photo credits, never the writer.
PHOTO_CREDIT_REGEX = re.compile(r"^[\s(（]*(?:图|圖|图片|圖片|摄影|攝影|摄|攝)\s*[/／:：]?")
URL_REGEX = re.compile(r"https?://|www\.|\.com\b", re.IGNORECASE)
# An outlet's name (新京报, 每日经济新闻, 新华社官方账号), a reprint's source put in meta author.
OUTLET_SUFFIX_REGEX = re.compile(
    r"(?:报|報|新闻|新聞|网|網|社|台|日报|日報|周刊|週刊|杂志|雜誌|频道|頻道|账号|帳號|号|號|"
    r"News|Times|Post|Daily|Agency|Press)$",
    re.IGNORECASE,
)
EDITOR_LABEL = r"(?:责任编辑|責任編輯|责编|責編|编辑|編輯|小编|小編|审核|審核|校对|校對|监制|監製)"
META_AUTHOR_XPATH = (
    "//meta[@name='author' or @property='article:author' or @name='byl' or @name='dc.creator'"
    " or @name='sailthru.author' or @name='parsely-author']/@content"
)
META_EDITOR_XPATH = "//meta[@name='editor' or @name='contentEditor']/@content"
BYLINE_XPATH = (
    "//body//*[not(self::script or self::style or self::meta or self::link)]"
    "[re:test(concat(' ', @class, ' ', @id, ' '), '(?:^|[\\s_-])(?:author|byline|writer|reporter"
    "|journalist|auth)(?:name|-name|_name|info)?(?:[\\s_-]|$)', 'i')]"
)
EXSLT = {"re": "http://exslt.org/regular-expressions"}
# A byline element is short; a longer one is an author's biography or a comment.
BYLINE_MAX_CHARS = 40
MAX_BYLINES = 3
# Only labelled bylines are handed on: an author-classed element without a writer's label is a
# comment's user name or a self-media account (新京报, 新华社官方账号) as often as a writer.
WRITER_LABEL_REGEX = re.compile(
    r"\s*[:：]?\s*(?:记者|記者|作者|撰文|特约评论员|特約評論員|评论员|評論員|通讯员|通訊員)\s*[:：]?\s*"
    r"|^\s*文\s*[/／丨|:：]|^\s*By\s",
    re.IGNORECASE,
)
SPACE_REGEX = re.compile(r"[\s\u3000\xa0]+")


def _squash(text: str) -> str:
    """Text with whitespace collapsed."""
    return SPACE_REGEX.sub(" ", text).strip()


EDITED_BY_REGEX = re.compile(
    rf"{EDITOR_LABEL}\s*[:：]?\s*[\[【]?\s*(?P<name>[\u4e00-\u9fff·]{{2,4}})(?![\u4e00-\u9fff])"
)


def page_editors(page_text: str) -> set[str]:
    """The names a page prints after an editor's label (责任编辑：杨煜)."""
    return {match.group("name") for match in EDITED_BY_REGEX.finditer(page_text)}


def printed_as_editor(name: str, editors: set[str]) -> bool:
    """Whether the page names ``name`` as its editor (责任编辑：杨煜, meta editor); 青网新闻张毅
    in meta is 责任编辑：张毅 on the page, so the name's last two or three characters suffice."""
    return name in editors or name[-3:] in editors or name[-2:] in editors


def is_false_author(name: str, site_names: list[str], editors: set[str]) -> bool:
    """Whether a metadata author is not a writer: a placeholder, a photo credit, the site, or the
    page's editor."""
    squashed = _squash(name)
    if not squashed or PLACEHOLDER_REGEX.match(squashed) or PHOTO_CREDIT_REGEX.match(squashed):
        return True
    if URL_REGEX.search(squashed):
        return True  # a profile page (https://www.facebook.com/edn168/), not a name
    if OUTLET_SUFFIX_REGEX.search(squashed):
        return True
    lowered = squashed.lower()
    for site in site_names:
        site = _squash(site).lower()
        if site and (lowered in site or site in lowered):
            return True
    return printed_as_editor(squashed, editors)


def metadata_authors(selector: Selector, ld_authors: list[str], site_names: list[str]) -> list[str]:
    """JSON-LD and meta authors that are writers (see the module)."""
    names = [*ld_authors, *selector.xpath(META_AUTHOR_XPATH).getall()]
    if not names:
        return []
    page_text = " ".join(
        selector.xpath("//body//text()[not(ancestor::script or ancestor::style)]").getall()
    )
    editors = page_editors(page_text) | {
        _squash(name) for name in selector.xpath(META_EDITOR_XPATH).getall()
    }
    kept: list[str] = []
    for name in names:
        if is_false_author(name, site_names, editors):
            continue
        if _squash(name) not in kept:
            kept.append(_squash(name))
    return kept


# What follows a writer's label in a real byline: names of 2-4 characters (本报记者 王乐文 方 敏
# has a space inside a name), or a Latin name; words of the page's furniture are never names.
NAME_RUN_REGEX = re.compile(r"^[\u4e00-\u9fff·\s、,，/／]{2,24}$|^[A-Za-z][A-Za-z .'-]{2,40}$")
NOT_NAME_REGEX = re.compile(
    r"文章|其他|其它|更多|编辑|編輯|来源|來源|点击|點擊|阅读|閱讀|专栏|專欄|主页|主頁"
)


# What a byline may print after the names: ／台北報導, ／即時報導, 報道.
REPORT_TAIL_REGEX = re.compile(r"\s*(?:[/／]\s*\S{0,6})?(?:報導|报导|報道|报道)\s*$")


def writer_part(text: str) -> str:
    """A byline line from its writer's label on (2020-10-04 15:05聯合報 記者林宸誼／即時報導 gives
    記者林宸誼／即時報導); the line itself when the label opens it or there is none."""
    match = WRITER_LABEL_REGEX.search(text)
    return text[match.start() :].strip() if match else text


def is_writer_line(text: str) -> bool:
    """Whether a short labelled line names writers (作者：南帆, 本报记者 王乐文 方 敏), not an
    outlet (作者：新京报) or a link's words (作者其他文章)."""
    if not (2 <= len(text) <= BYLINE_MAX_CHARS) or not WRITER_LABEL_REGEX.search(text):
        return False
    rest = REPORT_TAIL_REGEX.sub("", WRITER_LABEL_REGEX.sub(" ", text)).strip(" :：")
    rest = re.sub(r"^(?:本报|本報|新华社|新華社|中新社)\s*", "", rest)
    if not rest or NOT_NAME_REGEX.search(rest) or not NAME_RUN_REGEX.match(rest):
        return False
    parts = [part for part in re.split(r"[\s、,，/／]+", rest) if part]
    return not any(OUTLET_SUFFIX_REGEX.search(part) for part in parts)


# The date and time a byline element prints after the writer (上報快訊／范姜佳鈺 2020年03月12日
# 20:19:00).
TRAILING_DATE_REGEX = re.compile(
    r"\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)
WRITER_ROLES = ("reporter", "author", "correspondent")


def is_credit_line(text: str) -> bool:
    """Whether an unlabelled byline element's text is all a writer's credit as the normaliser
    reads one (上報快訊／范姜佳鈺)."""
    if not (2 <= len(text) <= BYLINE_MAX_CHARS):
        return False
    parsed = parse_byline(text)
    return bool(
        parsed
        and parsed["end"] >= len(text)
        and any(b["role"] in WRITER_ROLES for b in parsed["bylines"])
    )


def byline_texts(selector: Selector) -> list[str]:
    """Short texts of byline elements (本报记者 王乐文 方敏), as printed."""
    found: list[str] = []
    for node in selector.xpath(BYLINE_XPATH, namespaces=EXSLT):
        texts = node.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall()
        text = writer_part(_squash(" ".join(texts)))
        if not is_writer_line(text):
            text = TRAILING_DATE_REGEX.sub("", text)
            if not is_credit_line(text):
                continue
        if not any(text in old or old in text for old in found):
            found.append(text)
        if len(found) >= MAX_BYLINES:
            break
    return found


# A labelled writer inside a header line: 时间：2024.05.11 来源：光明日报 作者：南帆.
HEADER_WRITER_REGEX = re.compile(
    r"(?:作者|記者|记者|撰文)\s*[:：]\s*[\u4e00-\u9fff·]{2,4}(?:[、,，\s]+[\u4e00-\u9fff·]{2,4})*"
)


def header_writers(line: str) -> list[str]:
    """The labelled writers a header line names (作者：南帆), as printed."""
    return [m.group(0) for m in HEADER_WRITER_REGEX.finditer(line) if is_writer_line(m.group(0))]


# Byline lines are looked for among this many text-holding elements before the body and after
# it (realpages CN-xinhuanet-2012a prints its byline in the table row right under the story).
HEADER_LOOKBACK = 30
FOOTER_LOOKAHEAD = 10


def nearby_bylines(container: etree._Element) -> list[str]:
    """Labelled writers' lines printed just before or after the body's element (作者： 记者王敬照
    in a table row under the story)."""
    found: list[str] = []
    before = container.xpath("preceding::*[text()[normalize-space()]]")[-HEADER_LOOKBACK:]
    after = container.xpath(
        f"following::*[text()[normalize-space()]][position() <= {FOOTER_LOOKAHEAD}]"
    )
    for node in [*before, *after]:
        text = writer_part(_squash(node.text_content()))
        if is_writer_line(text) and text not in found:
            found.append(text)
    return found[-MAX_BYLINES:]
