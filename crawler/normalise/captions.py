"""Photo captions: separate the credit (who took or supplied the picture) from the caption.

A credit is one of a small grammar of forms, bracketed or not, printed at the end of the
caption (or standing alone):

- labelled: 圖片來源：新華社, 圖：新華社, 圖/甲, 攝影：甲, 來源：…, Photo: Xinhua,
  Photo by Jane Doe;
- a verb after the name: 記者 蔡啓文攝, 新華社記者張三 攝;
- a supplier before a noun: 中聯辦網站圖片, 新華社圖片, 中聯辦資料圖片, 受訪者供圖,
  香港XX籌委會提供圖片;
- a phrase alone: 資料圖片, 視頻截圖, 網上圖片;
- a known outlet alone in brackets: （新華社）, (Reuters); English agency style (Xinhua/Li Ming).

``source`` is the organisation credited (as printed, without 圖片 or brackets), ``photographer``
the person; several credits in one caption block are joined with 、. The caption keeps
neither the credit nor its brackets.

Reads no settings.
"""

from __future__ import annotations

import functools
import re

from crawler.normalise.names import HAN, HAN_REGEX, NAME_CHARS, is_plausible_name, split_names
from crawler.normalise.outlets import (
    LATIN_OUTLET_PATTERN,
    OUTLET_PATTERN,
    OUTLET_REGEX,
    is_known_outlet,
)

_TITLE = (
    r"(?:首席|高級|高级|資深|资深|特約|特约|實習|实习|見習|见习|[駐驻][^\s記记]{1,3})?"
    r"(?:攝影記者|摄影记者|攝影師|摄影师|記者|记者|通訊員|通讯员)"
)
_WHO = rf"(?:(?!記者|记者|通訊員|通讯员|攝|摄)[{NAME_CHARS}A-Za-z0-9.&'\- \u3000]){{1,30}}?"
_STANDALONE = (
    r"資料圖片|资料图片|資料相片|资料照片|資料照|资料照|檔案圖片|档案图片|檔案照|档案照|"
    r"視頻截圖|视频截图|影片截圖|片段截圖|"
    r"網上圖片|网上图片|網絡圖片|网络图片|網圖|网图|互聯網圖片|互联网图片|截圖|截图|"
    r"網上截圖|网上截图|網絡截圖|网络截图|電視截圖|电视截图|直播截圖|直播截图|翻攝照片|翻摄照片|"
    r"翻攝圖片|翻摄图片|File photo|"
    r"Screenshot|Handout"
)
_NOUN = (
    r"資料圖片|资料图片|資料圖|资料图|資料相片|資料照片|资料照片|檔案照片|档案照片|檔案圖片|档案图片|"
    r"檔案照|档案照|資料照|资料照|圖片|图片|"
    r"供圖|供图|提供圖片|提供图片|圖片提供|"
    r"图片提供|提供相片|提供|截圖|截图|視頻截圖|视频截图|相片|照片|圖|图|發|发"
)
_LABEL = (
    r"題圖來源|题图来源|題圖來自|题图来自|頭圖來源|头图来源|題圖|题图|頭圖|头图|圖片來源|图片来源|圖片提供|图片提供|圖片|图片|圖源|图源|相片來源|照片來源|來源|来源|"
    r"[上下左右中大小首][圖图]|[圖图][一二三四五六1-6]|[圖图]|攝影|摄影|攝|摄|相|"
    r"Photo(?:graph)?s?|PHOTOS?|Image|Credit|Source"
)
# One credit, in any of its forms; group names tell which form matched.
CREDIT_PATTERN = (
    rf"(?P<standalone>{_STANDALONE})"
    rf"|(?P<elabel>Photo(?:graph)?s?\s+by|Photographed\s+by|Pictured\s+by|Photo\s+courtesy\s+of|"
    rf"Courtesy\s+of)\s+(?P<elwho>[A-Za-z][A-Za-z.'\- ]{{1,40}}?)"
    rf"(?:\s*/\s*(?P<elorg>[A-Za-z][A-Za-z.'\- ]{{1,40}}?))?"
    rf"|(?P<label>{_LABEL})\s*[：:﹕／/|]\s*(?:{_TITLE}\s*[：:﹕]?\s*)?"
    rf"(?:(?P<lfrom>翻攝自|翻摄自|翻攝|翻摄|取自|擷自|撷自|截自)\s*(?P<lfwho>[^（()）\[\]【】]{{1,40}}?)"
    rf"|(?P<lwho>[^：:﹕，,。（()）\[\]【】]{{1,40}}?))"
    rf"|(?:(?P<org>{OUTLET_PATTERN}|本報|本报|本網|本网)\s*)?(?P<title>{_TITLE})\s*"
    rf"(?P<twho>{_WHO})?\s*(?:攝|摄|拍攝|拍摄)?"
    rf"|(?P<oorg>{OUTLET_PATTERN})\s*(?:發|发)?\s*(?P<owho>{_WHO})\s*(?:攝|摄|拍攝|拍摄)"
    rf"|(?P<from>圖取自|图取自|圖擷自|图撷自|圖截自|图截自|擷自|撷自|截自|翻攝自|翻摄自|取自|翻攝|翻摄)"
    r"\s*[：:]?\s*"
    rf"(?P<fwho>[^：:，,。（()）\[\]【】]{{1,40}}?)"
    rf"|(?:圖片|图片|相片|照片|圖|图)由\s*(?P<bywho>{_WHO})\s*(?P<byverb>提供|供圖|供图|拍攝|拍摄|攝|摄)"
    rf"|(?P<vwho>{_WHO})\s*(?:攝影|摄影|攝|摄|拍攝|拍摄)"
    rf"|(?P<nwho>{_WHO})\s*(?P<noun>{_NOUN})"
    rf"|(?P<ewho>{LATIN_OUTLET_PATTERN}|AP(?:\s+Photo)?|EPA(?:-EFE)?|Getty\s+Images)\s*/\s*"
    rf"(?P<ename>[A-Z][A-Za-z.'\- ]{{1,40}})"
    rf"|(?P<outlet>{OUTLET_PATTERN}|{LATIN_OUTLET_PATTERN}|Getty Images|EPA|AP Photo"
    r"|AP(?![A-Za-z]))"
    rf"|(?P<social>[^（()）\[\]【】。，,]{{0,20}}?(?:(?<![A-Za-z])(?:Facebook|FB|Instagram|IG|"
    rf"YouTube|Twitter|Threads)(?![A-Za-z])|微博|微信|網頁|网页|網站|网站|官網|官网)"
    rf"(?:專頁|专页|帖文|截圖|截图)?)"
)
# Taiwanese captions date the credit inside its bracket: （中央社記者王飛華攝 113年8月29日）.
_CREDIT_DATE = r"(?:\s*\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?"
BRACKETED_CREDIT_PATTERN = (
    rf"\s*[（(［\[〔【]\s*(?:{CREDIT_PATTERN}){_CREDIT_DATE}\s*[）)］\]〕】]\s*$"
)
WHOLE_CREDIT_PATTERN = rf"(?:{CREDIT_PATTERN})"
CREDIT_LIST_REGEX = re.compile(
    r"\s*[（(［\[〔【](?P<credits>[^（()）\[\]【】]+[；;/／][^（()）\[\]【】]+)"
    r"[）)］\]〕】]\s*$"
)
CREDIT_LIST_SEPARATOR_REGEX = re.compile(r"[；;/／]")
AGENCY_BEFORE_PATTERN = rf"(?P<org>{OUTLET_PATTERN})\s*(?:發|发)\s*$"
AGENCY_BEFORE_CHARS = 20
# Unbracketed credits must follow the caption's last sentence mark or a space (or be all of it).
TRAILING_CREDIT_PATTERN = rf"(?:(?<=[。！？!?；;.])|(?<=\s)|^)\s*(?:{CREDIT_PATTERN})\s*$"


@functools.cache
def _credit_regex(pattern: str) -> re.Pattern[str]:
    """One of the credit patterns, compiled on first use: each holds the outlet table three
    times, and compiling them at import would slow every process that imports the package."""
    return re.compile(pattern, re.IGNORECASE)


# A labelled credit may follow a comma (…,编辑:黄粟,题图来源:视觉中国); tried on the tail only.
COMMA_CREDIT_REGEX = re.compile(
    rf"(?<=[,，])\s*(?P<label>{_LABEL})\s*[：:﹕／/|]\s*(?P<lwho>[^：:﹕，,。（()）\[\]【】]{{1,30}}?)\s*$",
    re.IGNORECASE,
)
COMMA_TAIL_CHARS = 48
# Nouns after which the word before must be an organisation even in brackets: 新華社發, XX圖.
WEAK_NOUNS = ("圖", "图", "發", "发")
STAFF_CREDIT_REGEX = re.compile(
    rf"^(?:(?P<org>{OUTLET_PATTERN}|本報|本报)\s*)?{_TITLE}\s*(?P<name>.+?)\s*(?:攝|摄)?$"
)
PHOTO_SUFFIX_REGEX = re.compile(r"\s*(?:攝|摄|拍攝|拍摄)$")
SUPPLIED_REGEX = re.compile(r"^(?P<who>.+?)\s*(?:提供|供圖|供图|供稿|授權|授权)$")
ORG_SUFFIX_REGEX = re.compile(
    r"(?:社|報|报|網|网|台|站|局|署|處|处|辦|办|會|会|委|部|院|館|馆|司|團|团|中心|學|学|府|組|组|"
    r"廳|厅|盟|所|隊|队|庫|库|室|館|機構|机构|政府|公司|集團|新聞|新闻|電視|电视|頻道|频道|媒體|"
    r"媒体|官網|官网|微博|微信|公眾號|公众号|受訪者|受访者|受訪人|受访人|主辦方|主办方|大會|大会|"
    r"方面|警方|校方|院方|官方|館方|馆方|資方|讀者|读者|網民|网民|網友|网友|市民|家屬|家属|事主|"
    r"當事人|当事人|用戶|用户|商戶|商户|團體|团体|網絡|网络|網上|网上|互聯網|互联网|資料|资料|檔案|档案|"
    r"截圖|截图|視頻|视频|影片|作者|單位|单位|Facebook|FB|IG|Instagram|YouTube|Twitter|Flickr|"
    r"Threads|"
    r"Images|News|Agency|Press|Daily|Post|Times|Office|Department|Government|Council|TV|China|"
    r"Pictures|Photos|Archive|Handout|Commons)$",
    re.IGNORECASE,
)


def _outlet_desk(who: str) -> str | None:
    """The outlet that opens a desk or programme's name (澎湃人物, 新京報動新聞), if any."""
    match = OUTLET_REGEX.match(who)
    return match.group() if match and match.end() < len(who) else None


def _staff_of_outlet(who: str) -> tuple[str, str] | None:
    """(outlet, person) of a credit that runs an outlet into a name: 中國時報寶智華攝."""
    match = OUTLET_REGEX.match(who)
    if not match:
        return None
    name = PHOTO_SUFFIX_REGEX.sub("", who[match.end() :]).strip()
    return (match.group(), name) if name and is_plausible_name(name) else None


def _is_organisation(who: str) -> bool:
    """Whether a credited name is an organisation (or a kind of source) rather than a person."""
    joined = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", who)
    single_latin_word = not HAN_REGEX.search(who) and len(who.split()) < 2
    return (
        is_known_outlet(who)
        or bool(ORG_SUFFIX_REGEX.search(who))
        or _outlet_desk(joined) is not None
        or single_latin_word
        or not is_plausible_name(joined, strict=False)
    )


def _credit_of(match: re.Match[str]) -> tuple[list[str], list[str]]:
    """(sources, photographers) named by one credit match."""
    groups = match.groupdict()
    if groups["standalone"]:
        return [groups["standalone"]], []
    if groups["title"] is not None:
        names = split_names(groups["twho"] or "")
        return ([groups["org"]] if groups["org"] and groups["org"][0] != "本" else []), names
    if groups["ewho"]:
        source = re.sub(r"\s+Photo$", "", groups["ewho"], flags=re.IGNORECASE)
        return [source], split_names(groups["ename"])
    if groups["outlet"] or groups["social"]:
        return [(groups["outlet"] or groups["social"]).strip()], []
    if groups["elabel"]:
        who = groups["elwho"].strip()
        if groups["elorg"]:
            return [groups["elorg"].strip()], split_names(who)
        if groups["elabel"].lower().startswith(("photo ", "courtesy")) and _is_organisation(who):
            return [who], []
        return [], split_names(who)
    if groups["nwho"] is not None:
        who = groups["nwho"].strip()
        return [who or groups["noun"]], []
    if groups["oorg"]:
        return [groups["oorg"]], split_names(groups["owho"])
    if groups["from"]:
        return [groups["fwho"].strip()], []
    if groups["lfrom"]:
        return [groups["lfwho"].strip()], []
    if groups["bywho"]:
        who = groups["bywho"].strip()
        if groups["byverb"] in ("提供", "供圖", "供图") or _is_organisation(who):
            return [who], []
        return [], split_names(who) or [who]
    who = (groups["lwho"] if groups["label"] else groups["vwho"]).strip()
    supplier = SUPPLIED_REGEX.match(who)
    if supplier:
        # 相：讀者提供, 圖片：受訪者提供: whoever supplied it is the source.
        return [supplier.group("who")], []
    outlet_staff = _staff_of_outlet(who)
    if outlet_staff:
        return [outlet_staff[0]], split_names(outlet_staff[1])
    staff = STAFF_CREDIT_REGEX.match(who)
    if staff:
        org = staff.group("org")
        return ([org] if org and org[0] != "本" else []), split_names(staff.group("name"))
    parts = [part.strip() for part in who.split("/") if part.strip()]
    people = [part for part in parts if not _is_organisation(part) and is_plausible_name(part)]
    if len(parts) > 1 and people:
        # 攝影/REUTERS/Ann Wang/達志影像: agencies and the person, in any order.
        return [part for part in parts if part not in people], people
    if _is_organisation(who):
        return [who], []
    return [], split_names(who) or [who]


def _is_valid(match: re.Match[str], *, bracketed: bool = True) -> bool:
    """Reject matches whose name part is not a name: 論壇昨舉行 before 攝 is a caption, and
    展出多幅珍貴 before 圖片 is too (outside brackets a supplier must look like one)."""
    groups = match.groupdict()
    for key in ("twho", "vwho", "nwho"):
        if groups.get(key) is None:
            continue
        who = groups[key].strip()
        if key == "nwho" and (not bracketed or groups["noun"] in WEAK_NOUNS):
            return bool(who) and _is_organisation(who) and len(who) <= 15
        if key == "nwho":
            return len(who) <= 20
        if not who or (key != "twho" and not is_plausible_name(re.sub(r"\s+", "", who))):
            return False
        if key == "twho" and not split_names(who):
            return False
    if groups.get("title") is not None and groups.get("twho") is None:
        return bool(groups.get("org")) and match.group().rstrip(")）]］〕】 ").endswith(
            ("攝", "摄")
        )
    return True


def _agency_slash(credits: str) -> tuple[list[str], list[str]] | None:
    """(sources, photographers) of a person and agencies joined by slashes, English style:
    (SAUL LOEB/AFP), (JONATHAN NACKSTRAND/AFP/Getty Images)."""
    parts = [part.strip() for part in credits.split("/")]
    agencies = [part for part in parts if is_known_outlet(part)]
    people = [part for part in parts if part not in agencies]
    if (
        agencies
        and len(people) == 1
        and is_plausible_name(people[0])
        and not re.fullmatch(_LABEL, people[0], re.IGNORECASE)
    ):
        return agencies, people
    return None


def _strip_credit_list(text: str) -> tuple[str, list[str], list[str]] | None:
    """Remove a bracket of several credits: （左圖：新華社；右圖：中新社）."""
    match = CREDIT_LIST_REGEX.search(text)
    if not match:
        return None
    sources: list[str] = []
    photographers: list[str] = []
    for part in CREDIT_LIST_SEPARATOR_REGEX.split(match.group("credits")):
        credit = _credit_regex(WHOLE_CREDIT_PATTERN).fullmatch(part.strip())
        if not credit or not _is_valid(credit):
            slashed = _agency_slash(match.group("credits"))
            return (text[: match.start()].rstrip(), *slashed) if slashed else None
        found_sources, found_photographers = _credit_of(credit)
        sources += found_sources
        photographers += found_photographers
    return text[: match.start()].rstrip(), sources, photographers


def _agency_before(text: str, end: int) -> re.Match[str] | None:
    """An agency and 發 printed just before an unbracketed photographer's credit."""
    regex = _credit_regex(AGENCY_BEFORE_PATTERN)
    return regex.search(text, max(0, end - AGENCY_BEFORE_CHARS), end)


def _after_last_space(
    regex: re.Pattern[str], text: str, match: re.Match[str]
) -> re.Match[str] | None:
    """The credit after the last space of a rejected one: 萬松浦朝霞 田恩華攝 is a caption and a
    credit, not one name of nine characters."""
    space = text.rfind(" ", match.start(), match.end())
    return regex.search(text, space + 1) if space > match.start() else None


def _strip_one_credit(
    text: str, *, photo_only: bool = False
) -> tuple[str, list[str], list[str]] | None:
    """Remove the last credit from ``text``: (rest, sources, photographers), or None.

    With ``photo_only`` an outlet named alone ((新華社), Reuters) is not taken for a credit.
    """
    text = text.rstrip(" ；;，,、")
    listed = _strip_credit_list(text)
    if listed:
        return listed
    for pattern in (BRACKETED_CREDIT_PATTERN, TRAILING_CREDIT_PATTERN):
        regex = _credit_regex(pattern)
        match = regex.search(text)
        bracketed = pattern is BRACKETED_CREDIT_PATTERN
        if match and not bracketed and not _is_valid(match, bracketed=False):
            match = _after_last_space(regex, text, match)
        if match and photo_only and match.group("outlet"):
            continue
        if match and _is_valid(match, bracketed=bracketed):
            sources, photographers = _credit_of(match)
            start = match.start()
            agency = _agency_before(text, start) if match.group("vwho") else None
            if agency:
                # 晚会,中新社发 王瑶 摄: the agency after a comma, the photographer after a space.
                sources, start = [agency.group("org"), *sources], agency.start()
            return text[:start].rstrip(" ,，"), sources, photographers
    offset = max(0, len(text) - COMMA_TAIL_CHARS)
    comma = None if photo_only else COMMA_CREDIT_REGEX.search(text, offset)
    if comma:
        credit = _credit_regex(WHOLE_CREDIT_PATTERN).fullmatch(text[comma.start() :].strip())
        if credit and _is_valid(credit):
            sources, photographers = _credit_of(credit)
            return text[: comma.start()].rstrip(" ,，"), sources, photographers
    return None


def has_credit(text: str) -> bool:
    """Whether ``text`` ends with a photo credit (a caption, not a body paragraph).

    An outlet alone in brackets does not count: "……協議。（新華社）" ends a reprinted
    paragraph as often as a caption.
    """
    stripped = _strip_one_credit(text.strip(), photo_only=True)
    return stripped is not None


def _join(values: list[str]) -> str | None:
    """Distinct values joined with 、, or None."""
    unique = [value for index, value in enumerate(values) if value and value not in values[:index]]
    return "、".join(unique) or None


def split_caption(raw: str) -> dict:
    """Separate a photo caption from its credit.

    Args:
        raw: the caption as printed, credit still inside.

    Returns:
        ``{"caption": str, "source": str | None, "photographer": str | None, "raw": raw}``.

    Example: ``split_caption("啓動儀式。中聯辦網站圖片")`` gives caption "啓動儀式。" and source
    "中聯辦網站".
    """
    text = re.sub(r"\s+", " ", raw or "").strip()
    sources: list[str] = []
    photographers: list[str] = []
    while text:
        stripped = _strip_one_credit(text)
        if stripped is None:
            break
        text, found_sources, found_photographers = stripped
        sources[:0] = found_sources
        photographers[:0] = found_photographers
    return {
        "caption": text,
        "source": _join(sources),
        "photographer": _join(photographers),
        "raw": raw,
    }


__all__ = ["HAN", "has_credit", "split_caption"]
