"""Bylines and datelines of the Hong Kong, mainland and Taiwan press.

:func:`parse_byline` reads the byline printed at the start of a text (or a credit line that is
all of a text) with a small grammar, all of whose parts are optional but at least one present:

    head    = 【OUTLET (PLACE DATE) 訊】 | OUTLET 訊 | OUTLET PLACE DATE 電
            | (OUTLET 記者 NAME PLACE DATE 電)
    roles   = role (SEP role)*          # 記者甲 通訊員乙 / 文：記者 甲 ／ 圖：乙
    role    = LABEL ：NAMES | (OUTLET|本報)? TITLE NAMES (PLACE)? (報道|攝)?
    via     = ／據 OUTLET 報導
    english = By NAME (and NAME)* in PLACE | Xinhua | Updated: … | HONG KONG, Aug. 29 (Xinhua) --

OUTLET is any outlet in :mod:`crawler.normalise.outlets` or a word ending in 報/社/網/台/新聞;
PLACE is any word between an agency and its date, or a gazetteer place where it runs into a
name (:mod:`crawler.normalise.places`); NAMES are split by :mod:`crawler.normalise.names`.
Roles: reporter, photographer, editor, translator, agency, author, correspondent.

Reads no settings.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

from crawler.normalise.dates import MONTHS, cjk_number, resolve_day, to_ascii_digits
from crawler.normalise.names import (
    NAME_CHARS,
    SURNAMES,
    is_chinese_name,
    is_plausible_name,
    split_names,
)
from crawler.normalise.outlets import (
    LATIN_OUTLET_PATTERN,
    OUTLET_PATTERN,
    OUTLET_SUFFIXES,
    canonical_outlet,
    is_known_outlet,
)
from crawler.normalise.places import PLACES, is_place, split_place_suffix

__all__ = ["canonical_outlet", "parse_byline", "split_trailing_byline"]

_SUFFIX = "|".join(OUTLET_SUFFIXES)
# Separators pages print in bylines beyond full-width ASCII, folded one character for one:
# 記者︰陳 (U+FE30), 作者︱春春 (U+FE31), 文丨政能亮 (U+4E28), 記者﹕李 (U+FE55).
SEPARATOR_TABLE = str.maketrans("︰﹕∶︱︲丨│┃", "::::||||")
_HAN = r"\u4e00-\u9fff"
_GENERIC_OUTLET = rf"[{_HAN}A-Za-z0-9.]{{1,10}}?(?:{_SUFFIX})"
_OWN = r"本報|本报|本網|本网|本台|本刊"
_OUTLET = rf"(?:{_OWN}|{OUTLET_PATTERN}|{_GENERIC_OUTLET})"
# 8月29日, 29日, or in Chinese numerals 九月二十七日 (中新社北京九月二十七日電).
_DATE = (
    r"(?:(?:(?P<month>1[0-2]|0?[1-9])\s*月\s*)?(?P<day>3[01]|[12]\d|0?[1-9])\s*日"
    r"|(?:(?P<cmonth>十[一二]?|[一二三四五六七八九])月)?"
    r"(?P<cday>三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])日)"
)
_KIND = r"社評|社评|專電|专电|快訊|快讯|專訊|专讯|訊|讯|消息|電|电|報道|报道|報導|报导"
_OPEN = r"[【\[〔(《]"
_CLOSE = r"[】\]〕)》]"

# 新華社香港8月29日電, (中央社記者黃名璽台北3日電), 本報北京8月29日電, 中新網8月29日電;
# 據新華社平壤6月27日電 (a paper reprinting the agency's dispatch).
AGENCY_DATELINE_REGEX = re.compile(
    rf"(?P<open>{_OPEN})?\s*(?:據|据)?\s*(?P<outlet>{_OUTLET})"
    rf"(?:\s*[/|]\s*)?(?:(?P<title>記者|记者|特派記者|特派记者|特派員|特派员)\s*)?"
    rf"(?P<place>[^\d\s()\[\]【】,:。;]{{0,16}}?)\s*{_DATE}\s*"
    rf"(?P<kind>綜合外電報導|综合外电报道|綜合報導|综合报道|外電報導|專電|专电|電|电|訊|讯|消息|報道|报道|報導)"
    rf"\s*(?P<close>{_CLOSE})?"
)
# A desk printed before a dateline's place: 【本報兩會報道組北京5日電】.
DESK_REGEX = re.compile(
    r"^.*?(?:報道組|报道组|採訪組|采访组|報道團|报道团|記者組|记者组|特派組|特派组)"
)
HEADER_MAX_CHARS = 60
# The first characters of gazetteer places: no other text can open a dateline of its own.
PLACE_FIRST = frozenset(place[0] for place in PLACES)
# 瀋陽8月14日電 (姜月恆): a dateline whose agency the page left out, on a gazetteer place.
# (北京七日電): the same in brackets, as papers print it after a dispatch.
PLACE_DATELINE_REGEX = re.compile(
    rf"(?P<popen>[(（])?(?P<place>[^\s\d()\[\]【】,:。;]{{2,8}}?)\s*{_DATE}\s*(?:電|电|訊|讯)"
    r"(?(popen)\s*[)）]|(?![\u4e00-\u9fff]))"
)
# (姜月恆), （张三 李四）: people in brackets right after a dateline, with no title.
DATELINE_NAMES_REGEX = re.compile(
    r"\s*[(（]\s*(?P<names>[\u4e00-\u9fff·]{2,6}(?:\s*[、, ]\s*[\u4e00-\u9fff·]{2,6})*)\s*[)）]"
)
# 【香港商報訊】, 【點新聞報道】, 【明報專訊】, (星島日報報道), 【本報北京8月29日訊】.
# The outlet and a place printed against it are split by the gazetteer afterwards (a place
# alternation inside this regex would cost its compilation at every import).
OUTLET_MARKER_REGEX = re.compile(
    rf"{_OPEN}\s*(?P<outlet>[^\s【】\[\]()〔〕《》]{{1,20}}?)\s*"
    rf"(?:{_DATE})?\s*(?P<kind>{_KIND})\s*{_CLOSE}"
)
# 【橙新聞】, 【Now新聞台】, 【商台新聞】: an outlet alone in brackets, known or a broadcaster's
# name; section names (【國際新聞】, 【娛樂新聞】) are none.
OUTLET_ALONE_REGEX = re.compile(
    rf"[【\[〔]\s*(?P<outlet>{OUTLET_PATTERN}|[^\s【】\[\]〔〕]{{1,10}}?"
    r"(?:新聞台|新闻台|電台|电台|電視台|电视台|電視|电视|新聞|新闻|台))\s*[】\]〕]"
)
SECTION_REGEX = re.compile(
    r"^(?:國際|国际|兩岸|两岸|中國|中国|內地|内地|娛樂|娱乐|體育|体育|財經|财经|港聞|港闻|本地|即時|即时|"
    r"社會|社会|要聞|要闻|焦點|焦点|熱點|热点|今日|晨早|午間|午间|晚間|晚间|深宵|每日|重點|重点|突發|突发|"
    r"最新|天氣|天气|交通|專題|专题|特備|特备|新聞|新闻|電視|电视)"
)
# A header line of a TV, radio or online item: "- 有線新聞 - 2024年02月07日",
# "now新聞 | 2024-02-07 18:30", "信報財經新聞 ・ 1 天前".
HEADER_REGEX = re.compile(
    r"[\s\-–—•·|]*(?P<outlet>[^\s\-–—|・·•]{2,14}?)\s*[\-–—|·•・]?\s*"
    r"(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*[(（]?[^\d)）]{0,4}[)）]?)?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,3}\s*(?:分鐘|分钟|小時|小时|天)前)[\s\-–—|]*"
)
# 仇志榮報道。 / （李明報道） / (王小明、李大華報導): people and a verb, no title.
BARE_CREDIT_REGEX = re.compile(
    r"(?P<open>[(\[【])?\s*(?P<names>[\u4e00-\u9fff·]{2,6}(?:\s*[、,]\s*[\u4e00-\u9fff·]{2,6})*)\s*"
    r"(?:綜合|综合)?(?:報道|報導|报道|报导)(?(open)\s*[)\]】]|\s*[。.]?"
    r"(?:\s*/\s*(?P<place>[\u4e00-\u9fff]{2,6}))?\s*$)"
)
# 林良齊／台北報導, （陳大文／台中報導）, 王小明/綜合報導: people, a slash, a place and the verb.
SLASH_CREDIT_REGEX = re.compile(
    r"(?P<open>[(\[【〔])?\s*(?P<names>[\u4e00-\u9fff·]{2,6}(?:\s*[、,]\s*[\u4e00-\u9fff·]{2,6})*)"
    r"\s*[/∕]\s*(?P<place>[^\s/∕()\[\]【】〔〕,:。]{1,8}?)\s*(?:即時|即时)?"
    r"(?:報導|報道|报道|报导|專電|专电)(?(open)\s*[)\]】〕])"
)
# （钟才文）, （羅森）, (张三 李四): people alone in brackets, as a whole credit line or the end of
# a story; what else such brackets hold (（完）, （周一）, （张某）, （高清组图）) is none.
BRACKET_NAMES_REGEX = re.compile(
    r"[(\[【]\s*(?P<names>[\u4e00-\u9fff·]{2,6}(?:\s*[、, ]\s*[\u4e00-\u9fff·]{2,6})*)"
    r"\s*[)\]】]\s*$"
)
BRACKET_NOT_NAME_REGEX = re.compile(
    r"某|完|續|续|待|圖|图|視頻|视频|高清|全文|[周週][一二三四五六日末]|星期|雙語|双语|組|组|篇|版|稿|"
    r"攝|摄|供|譯|译|編|编"
)
# An outlet's report, a slash and its writer: 上報快訊／范姜佳鈺.
SLASH_NAMES_REGEX = re.compile(
    r"\s*[/∕]\s*(?P<names>[\u4e00-\u9fff·]{2,6}(?:[、,][\u4e00-\u9fff·]{2,6})*)"
)
# Where a bare credit's verb must fall, so that texts with none are not parsed for one.
REPORTED_HINT_REGEX = re.compile(r"報道|報導|报道|报导")
BARE_CREDIT_MAX_CHARS = 48
# 記者蘇永耀/台北報導, 特派記者賴錦宏/北京報導: the place after a slash.
# 記者孫偉倫/綜合報導, 記者方炳超/特稿, 記者X/台北即時報導: a kind of report and no place.
PLACE_REPORT_REGEX = re.compile(
    r"\s*[/∕]\s*(?:(?:綜合報導|综合报道|綜合報道|综合报导|特稿|專訪|专访|專題|专题|即時報導|即时报导)"
    r"|(?P<place>[^\s/∕\]〕)】,:。]{1,10}?)\s*"
    r"(?:即時報導|即时报导|報導|報道|报道|报导|專電|专电|電|电))"
)
# 記者李昭安、程嘉文/台北/聯合報, 記者劉懿萱/台北聯合報: place and paper, no verb.
PLACE_OUTLET_REGEX = re.compile(r"\s*[/∕]\s*(?P<tail>[^\s]{3,20}?)\s*$")
# 端傳媒記者 吳婧 陳倩兒 發自香港、成都: the places a dispatch came from (the first is kept).
DISPATCH_FROM_REGEX = re.compile(
    r"\s*(?:發自|发自)\s*(?P<place>[^\s、,，。:：]{2,8}?)(?:[、,，][^\s、,，。:：]{2,8}?)*(?=[\s,，:：。]|$)"
)
# An outlet printed after the byline, ending the line (特派記者賴錦宏/北京報導聯合報).
TRAILING_OUTLET_REGEX = re.compile(r"\s*(?P<outlet>[^\s/∕]{2,12})\s*$")
# 香港商報網訊, 文匯網訊, 大公網訊, 本報訊, 央視網消息, 新华网快讯.
PLAIN_OUTLET_REGEX = re.compile(
    rf"(?P<outlet>{_OUTLET})\s*(?P<kind>專訊|专讯|快訊|快讯|訊|讯|消息)(?=[\s:,(（記记【/]|$)"
    rf"|(?P<known>{OUTLET_PATTERN})\s*(?:報道|报道|報導|报导)(?=[\s:,(（]|$)"
)
_REPORTED = r"報道|报道|報導|报导|電|电|消息|訊|讯"
# (来源:央视新闻客户端 总台记者 王斌): the source named before the people of a bracketed credit.
# (No outlet alternation here: each one compiled at import slows every start-up.)
BRACKET_SOURCE_REGEX = re.compile(r"(?:本文)?(?:來源|来源)\s*[:：]\s*[^\s()（）\[\]【】]{2,16}\s+")
# A writer named after his posts, at the end of a credit (作者：中国国际经济交流中心世界经济研究部
# 部长、研究员徐占忱): the name after the last title.
AFFILIATED_NAME_REGEX = re.compile(
    r"[^()\[\]【】:]{2,60}?(?:研究員|研究员|教授|講師|讲师|博士|學者|学者|主任|部長|部长|院長|院长|"
    r"所長|所长|秘書長|秘书长|評論員|评论员|作家|律師|律师|會長|会长|理事長|理事长|總監|总监|專家|专家|"
    r"分析師|分析师|經濟學家|经济学家)\s*(?P<name>[\u4e00-\u9fff·]{2,5})\s*(?=[)\]】]|$)"
)
# The source printed after a credit's names: 中青报·中青网记者 魏其濛 来源：中国青年报.
TRAILING_SOURCE_REGEX = re.compile(r"\s*(?:來源|来源)\s*:\s*[^\s:]{2,16}\s*$")
VIA_REGEX = re.compile(
    rf"\s*[/|,]?\s*(?:根據|根据|據|据)\s*《?(?:(?P<via>{OUTLET_PATTERN})》?\s*(?:{_REPORTED})?"
    rf"|(?P<generic>{_GENERIC_OUTLET})》?\s*(?:{_REPORTED}))"
)
COMPILED_REGEX = re.compile(
    r"\s*(?:綜合|综合)(?P<sources>(?:[^\s,:。]{2,12}?[、及和與与])*[^\s,:。]{2,12}?)?"
    r"(?:報道|报道|報導|报导|消息)"
)
ENGLISH_ROLE_REGEX = re.compile(
    r"\s*[;(]?\s*(?P<label>(?:Additional\s+)?Reporting|Writing|Editing|Photos?|Translated|"
    r"Compiled)\s+by\s+(?P<names>[A-Z][\w.'\-]*(?:[ ][A-Z][\w.'\-]*){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'\-]*(?:[ ][A-Z][\w.'\-]*){0,3})*)\s*[;)]?"
)
ENGLISH_ROLES = {
    "reporting": "reporter",
    "additional reporting": "reporter",
    "writing": "author",
    "editing": "editor",
    "photo": "photographer",
    "photos": "photographer",
    "translated": "translator",
    "compiled": "author",
}
LIST_SEPARATOR_REGEX = re.compile(r"[、及和與与]")

ROLE_LABELS = {
    "reporter": (
        "文字記者",
        "文字记者",
        "記者/編輯",
        "记者/编辑",
        "記者",
        "记者",
        "文字",
        "撰文",
        "撰稿",
        "採寫",
        "采写",
        "採訪",
        "采访",
        "實習記者",
        "实习记者",
        "實習生",
        "实习生",
        "特約記者",
        "特约记者",
        "文",
        "Text",
        "Reporter",
        "Reporting",
    ),
    "photographer": (
        "攝影記者",
        "摄影记者",
        "攝影",
        "摄影",
        "攝像",
        "摄像",
        "圖片",
        "图片",
        "圖",
        "图",
        "攝",
        "摄",
        "Photo",
        "Photos",
        "Photographer",
    ),
    "editor": (
        "責任編輯",
        "责任编辑",
        "值班編輯",
        "值班编辑",
        "責編",
        "责编",
        "編輯",
        "编辑",
        "主編",
        "主编",
        "編審",
        "编审",
        "審校",
        "审校",
        "校對",
        "校对",
        "核稿",
        "監製",
        "监制",
        "統籌",
        "统筹",
        "排版",
        "美編",
        "美编",
        "Editor",
        "Edited by",
    ),
    "translator": (
        "譯者",
        "译者",
        "翻譯",
        "翻译",
        "編譯",
        "编译",
        "譯",
        "译",
        "Translator",
        "Translated by",
    ),
    "author": ("作者", "Author"),
    "correspondent": ("通訊員", "通讯员"),
}
LABEL_ROLES = {label: role for role, labels in ROLE_LABELS.items() for label in labels}
BOTH_LABELS = (
    "記者、攝影",
    "记者、摄影",
    "記者/攝影",
    "记者/摄影",
    "文字、攝影",
    "文字、摄影",
    "採訪、攝影",
    "采访、摄影",
    "文/圖",
    "文/图",
    "圖/文",
    "图/文",
    "文、圖",
    "文、图",
    "圖文",
    "图文",
    "文圖",
    "文图",
    "文/攝",
    "文/摄",
    "文、攝",
    "文、摄",
    "文及圖",
    "文及图",
    "採訪/攝影",
    "采访/摄影",
)
_LABEL = "|".join(
    re.escape(label) for label in sorted((*LABEL_ROLES, *BOTH_LABELS), key=len, reverse=True)
)
ROLE_LABEL_REGEX = re.compile(
    rf"(?P<label>{_LABEL})\s*[:/|｜]\s*|(?P<spaced>責任編輯|责任编辑|責編|责编|編輯|编辑|作者|攝影|摄影)\s+(?=[{_HAN}])",
    re.IGNORECASE,
)
_TITLE = (
    r"(?:[駐驻][\u4e00-\u9fff]{1,3}?)?(?:首席|高級|高级|資深|资深|特派|特約|特约|見習|见习|實習|实习|"
    r"全媒體|全媒体|融媒體|融媒体|視頻|视频|攝影|摄影|文字)?(?:記者|记者)"
    r"|通訊員|通讯员|特派員|特派员|專欄作者|专栏作者|特約撰稿人|特约撰稿人|實習生|实习生"
    r"|(?:特約|特约)?(?:評論員|评论员)"
)
# Who a reporter works for, printed against the title, when it is no outlet of the table:
# 半月谈记者, 中青报·中青网记者, 总台央视记者, 法庭記者, 政能亮特约评论员. Words that open a
# sentence instead (他对记者说, 多名记者, 随后记者) are none.
_ORG = r"(?:(?![的對对向告跟和與与讓让被隨随據据在從从是有名位個个等多])[一-鿿A-Za-z·]){1,8}?"
ROLE_TITLE_REGEX = re.compile(
    rf"(?P<org>{_OWN}|{OUTLET_PATTERN}|{_ORG})??\s*(?P<title>{_TITLE})"
    r"(?!會|会|招待|證|证|節|节|協會|协会|站|們|们|團|团|群|席|室|處|处|部)\s*[:/]?\s*"
)
_STOP = (
    r"記者|记者|通訊員|通讯员|責任|责任|編輯|编辑|攝影|摄影|攝|摄|報道|報導|报道|报导|撰文|整理|"
    r"採寫|采写|編譯|编译|翻譯|翻译|實習|实习|特約|特约|見習|见习|本報|本报|據|据|綜合|综合|連線|连线|"
    r"排版|美編|美编|主任|昨日|昨天|昨晚|昨|今日|今天|今早|今晨|出版|發佈|發布|发布|更新|最後|最后|時間|时间|"
    r"日期|來源|来源|核稿|校對|校对|審校|审校|發自|发自|(?<![\u4e00-\u9fff])(?:文|圖|图|譯|译|攝|摄)\s*[:/|｜]"
)
# Names run on through spaces, 、 and commas, and through a spaced slash between Latin names
# (華爾街日報記者 Jeremy Page / Betsy McKay).
NAME_RUN_REGEX = re.compile(
    rf"(?:(?!{_STOP})[{NAME_CHARS}A-Za-z.'\-]|[ 、,&](?=\s*(?!{_STOP})[{NAME_CHARS}A-Za-z])"
    r"|(?<=[A-Za-z]) / (?=[A-Z]))+"
)
# Two names run together (郑园园罗晋标) are read only when each half is a surname and two more.
SIX_HAN_REGEX = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{6}(?![\u4e00-\u9fff])")
DESK_CREDIT_REGEX = re.compile(
    r"[\u4e00-\u9fff]{0,4}?(?:攝影組|摄影组|攝影部|摄影部|採訪組|采访组|編輯部|编辑部)(?![\u4e00-\u9fff])"
)
# The local part of an e-mail address printed after a byline's names, cut off by the run.
EMAIL_TAIL_REGEX = re.compile(r"[ 、,]*[A-Za-z][A-Za-z._\-]*$")
EMAIL_NEXT_CHARS = frozenset("0123456789@")
REPORT_VERB_REGEX = re.compile(
    r"(?:\s*[/、]?\s*(?:連線|连线|綜合|综合|整理|編譯|编译|採寫|采写|撰文|報道|報導|报道|报导|拍攝|拍摄|"
    r"(?:攝影|摄影|攝|摄)(?![影\s]*(?:[:/|｜]|記者|记者))(?!影?\s+(?!報|报|撰|採|采|整理)[\u4e00-\u9fff]{2})"
    r"|電|电))+"
)
PHOTO_VERB_REGEX = re.compile(r"攝|摄")
# Words that start a sentence after 記者 (記者了解到, 記者發現), never part of a name.
NOT_NAME_REGEX = re.compile(
    r"了解|獲悉|获悉|發現|发现|注意|看到|得知|查詢|查询|致電|致电|表示|指出|從|从|在|於|對|对|到|"
    r"昨|已|也|又|還|还|並|并|是|將|将|會|会|就|這|这|那"
)
CLOSE_REGEX = re.compile(rf"\s*{_CLOSE}")
# The end of a dispatch printed after its last credit: （完）, 【完】, (完), ——完——.
END_MARK_REGEX = re.compile(r"\s*(?:[(\[【（]\s*完\s*[)\]】）]|[-—]{1,2}\s*完\s*[-—]{1,2})\s*$")
ROC_CODE_REGEX = re.compile(r"\s*(?P<roc>1\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)")
ROLE_SEPARATOR_REGEX = re.compile(r"[\s/|;,、]*")
# Bullets, and a date printed before a byline on a list page (2025.11.29記者方炳超/特稿).
BULLET_REGEX = re.compile(
    r"[\s■●◆▲★]*(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}\s*(?=記者|记者|文|【|〔|\[|\())?"
)

_ENGLISH_NAME = r"[A-Z][\w.'\-]*(?:[ ][A-Z][\w.'\-]*){0,3}"
BY_REGEX = re.compile(
    rf"By\s+(?P<names>{_ENGLISH_NAME}(?:\s*(?:,|and|&)\s*{_ENGLISH_NAME})*)"
    r"(?:\s+in\s+(?P<place>[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)*))?"
    rf"(?:\s*[|,]\s*(?P<outlet>{LATIN_OUTLET_PATTERN}))?"
    r"(?:\s*\|\s*(?:Updated|Published)\s*:?\s*\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)?"
)
ENGLISH_AGENCY_LINE_REGEX = re.compile(
    rf"(?P<outlet>{LATIN_OUTLET_PATTERN})\s*\|\s*(?:Updated|Published)\s*:?\s*"
    r"(?:\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)?"
)
ENGLISH_DATELINE_REGEX = re.compile(
    r"(?P<place>[A-Z][A-Za-z .'\-]+),\s*(?P<mon>[A-Z][a-z]{2,8})\.?\s*(?P<day>\d{1,2})\s*"
    rf"\((?P<outlet>{LATIN_OUTLET_PATTERN})\)\s*(?:--|—|-)?"
)


def _date_of(month: str | None, day: str | None, published: dt.date | None) -> str | None:
    """ISO date of a dateline's 8月29日 or 3日: the last such day up to the day after publication
    (a dispatch is filed before it is printed; the day after allows for time zones)."""
    if not day or published is None:
        return None
    if month is None:
        date = resolve_day(int(day), published + dt.timedelta(days=1))
        return date.isoformat() if date else None
    for year in (published.year, published.year - 1):
        try:
            date = dt.date(year, int(month), int(day))
        except ValueError:
            return None
        if date <= published + dt.timedelta(days=1):
            return date.isoformat()
    return None


def _month_day(match: re.Match[str]) -> tuple[str | None, str | None]:
    """The month and day a dateline match printed, in digits or Chinese numerals."""
    if match.group("cday"):
        month = match.group("cmonth")
        return (str(cjk_number(month)) if month else None), str(cjk_number(match.group("cday")))
    return match.group("month"), match.group("day")


class _Result:
    """The byline being read: outlet, people, dateline and via."""

    def __init__(self, page_outlet: str | None, published: dt.date | None) -> None:
        self.page_outlet = canonical_outlet(page_outlet) if page_outlet else None
        self.published = published
        self.outlet: str | None = None
        self.printed: str | None = None
        self.bylines: list[dict] = []
        self.place: str | None = None
        self.date: str | None = None
        self.via: str | None = None

    def set_outlet(self, printed: str) -> None:
        """Record the byline's outlet (本報 means the page's own)."""
        if self.outlet is not None:
            return
        self.printed = printed
        self.outlet = self.page_outlet if printed.startswith("本") else canonical_outlet(printed)

    def add(self, role: str, name: str, outlet: str | None = None) -> None:
        """Add one person (or agency) once; an outlet's name in a person's place is the outlet."""
        if role != "agency" and is_known_outlet(name):
            self.set_outlet(name)
            return
        entry = {"role": role, "name": name, "outlet": outlet or self.outlet or self.page_outlet}
        if entry not in self.bylines:
            self.bylines.append(entry)

    def as_dict(self, end: int) -> dict:
        """The result in the shape documented by :func:`parse_byline`."""
        return {
            "outlet": self.outlet or (self.page_outlet if self.bylines else None),
            "outlet_as_printed": self.printed,
            "bylines": self.bylines,
            "dateline": {"place": self.place, "date": self.date},
            "via": self.via,
            "end": end,
        }


def _generic_outlet_ok(name: str) -> bool:
    """Whether a bracketed word is an outlet: known, 本報, or ending like one (not 綜合)."""
    name = name.strip()
    if name.startswith("本") or is_known_outlet(name):
        return True
    return name.endswith(OUTLET_SUFFIXES) and not name.startswith(("綜合", "综合", "專題", "专题"))


def _place_and_outlet(tail: str) -> tuple[str, str] | None:
    """台北/聯合報 or 台北聯合報 after a byline's slash: (place, known outlet), or None."""
    head, slash, outlet = tail.replace("∕", "/").partition("/")
    if slash:
        return (head, outlet) if is_known_outlet(outlet) and 0 < len(head) <= 6 else None
    for cut in range(1, min(7, len(tail) - 1)):
        if REPORTED_HINT_REGEX.search(tail[:cut]):
            return None
        if is_known_outlet(tail[cut:]):
            return tail[:cut], tail[cut:]
    return None


def _split_marker(name: str) -> tuple[str | None, str | None]:
    """The outlet and place of a bracketed marker's name: 香港商報深圳 -> (香港商報, 深圳),
    本報北京 -> (本報, 北京), 明報 -> (明報, None); (None, None) when it names no outlet."""
    outlet, place = split_place_suffix(name)
    if place and _generic_outlet_ok(outlet):
        return outlet, place
    return (name, None) if _generic_outlet_ok(name) else (None, None)


def _broadcaster_ok(name: str) -> bool:
    """Whether a bracketed name ending 新聞/台 is a broadcaster's, not a section's (國際新聞)."""
    return not SECTION_REGEX.match(name) and not name.startswith(("本", "綜合", "综合"))


def _read_bracket_names(folded: str, pos: int, result: _Result) -> int:
    """Read （钟才文） or （张三 李四） when it is all that is left of the text; ``pos`` if none."""
    match = BRACKET_NAMES_REGEX.match(folded, pos)
    if not match or BRACKET_NOT_NAME_REGEX.search(match.group("names")):
        return pos
    names = [name for name in re.split(r"[、, ]+", match.group("names").strip()) if name]
    valid = all(is_chinese_name(name) and not is_known_outlet(name) for name in names)
    return _add_reporters(names, result, match.end()) if valid else pos


def _read_slash_names(folded: str, pos: int, result: _Result) -> int:
    """Read ／范姜佳鈺 after an outlet's report (上報快訊); ``pos`` if none."""
    match = SLASH_NAMES_REGEX.match(folded, pos)
    if not match or folded[match.end() : match.end() + 1] not in ("", " "):
        return pos
    names = match.group("names").replace(",", "、").split("、")
    valid = all(is_chinese_name(name) and not is_place(name) for name in names)
    return _add_reporters(names, result, match.end()) if valid else pos


def _add_reporters(names: list[str], result: _Result, end: int) -> int:
    """Add each name as a reporter; return ``end``, where the reading goes on."""
    for name in names:
        result.add("reporter", name)
    return end


def _read_bare_credit(folded: str, pos: int, result: _Result) -> int:
    """Read 仇志榮報道。, （李明報道） or 林良齊／台北報導: names with no title; ``pos`` if none."""
    if not REPORTED_HINT_REGEX.search(folded, pos, pos + BARE_CREDIT_MAX_CHARS):
        return _read_bracket_names(folded, pos, result)
    slash = SLASH_CREDIT_REGEX.match(folded, pos)
    if slash:
        names = [name.strip() for name in re.split(r"[、,]", slash.group("names"))]
        if not all(is_chinese_name(name) for name in names):
            return pos
        for name in names:
            result.add("reporter", name)
        place = slash.group("place")
        if place not in ("綜合", "综合") and not REPORTED_HINT_REGEX.search(place):
            result.place = place
        return slash.end()
    match = BARE_CREDIT_REGEX.match(folded, pos)
    if not match:
        return pos
    names = [name.strip() for name in re.split(r"[、,]", match.group("names"))]
    if not all(is_chinese_name(name) for name in names):
        return pos
    for name in names:
        result.add("reporter", name)
    if match.group("place") and is_place(match.group("place")):
        result.place = match.group("place")
    return match.end()


def _read_dateline_names(folded: str, pos: int, result: _Result) -> int:
    """Read (姜月恆) or (张三 李四) after a dateline; ``pos`` if none."""
    match = DATELINE_NAMES_REGEX.match(folded, pos)
    if not match:
        return pos
    names = [name for name in re.split(r"[、, ]+", match.group("names").strip()) if name]
    valid = all(is_chinese_name(name) for name in names)
    return _add_reporters(names, result, match.end()) if valid else pos


def _split_name_place(run: str) -> tuple[list[str], str | None]:
    """Split 黃名璽台北 or 黃名璽、鄭鴻達台北 into names and the place printed against them."""
    head, _, last = run.rpartition("、")
    rest, place = split_place_suffix(last)
    if place is None and re.fullmatch(f"[{_HAN}]{{4,7}}", last):
        rest, place = (last[:3], last[3:]) if len(last) >= 5 else (last[:2], last[2:])
    names = split_names(f"{head}、{rest}" if head else rest, min_han=1)
    return names, place


def _name_pair(token: str) -> tuple[str, str] | None:
    """Two three-character names printed with no space between: 本报记者郑园园罗晋标."""
    first, second = token[:3], token[3:]
    if all(
        is_chinese_name(half) and half[:2] not in SURNAMES and not is_place(half)
        for half in (first, second)
    ):
        return first, second
    return None


def _read_names(
    folded: str, pos: int, *, pen_names: bool = False
) -> tuple[list[str], str | None, int]:
    """Read a list of names at ``pos``: (names, place printed before 報道, end); ``pen_names``
    where a writer's label vouches for names with no surname (作者︱春春)."""
    match = NAME_RUN_REGEX.match(folded, pos)
    if not match:
        return [], None, pos
    run = match.group().rstrip(" 、,&")
    end = pos + len(run)
    email = EMAIL_TAIL_REGEX.search(run) if folded[end : end + 1] in EMAIL_NEXT_CHARS else None
    if email:
        # 记者:李相起 winwin0625@theasian.asia: the address is not a name.
        run = run[: email.start()].rstrip(" 、,&")
    place = None
    if REPORT_VERB_REGEX.match(folded, end):
        head, space, last = run.rpartition(" ")
        if space and is_place(last):
            run, place = head, last
        else:
            rest, place = split_place_suffix(last)
            if place is not None:
                run = f"{head}{space}{rest}".strip()
    run = SIX_HAN_REGEX.sub(lambda m: " ".join(_name_pair(m.group()) or (m.group(),)), run)
    names = []
    # A pen name (春春) is read only where the label vouches for one name alone.
    alone = pen_names and not re.search(r"[\s、,&]", run)
    for token in split_names(run, min_han=1, pen_names=alone):
        if NOT_NAME_REGEX.search(token) and not is_known_outlet(token):
            return [], None, pos
        if re.fullmatch(f"[{_HAN}]{{5,}}", token):
            token, token_place = split_place_suffix(token)
            place = place or token_place
            if len(token) > 4:
                return [], None, pos
        names.append(token)
    return names, place, end


def _read_role(folded: str, pos: int, result: _Result) -> int:
    """Read one role item (記者 甲 報道, 文：記者 甲, 責任編輯：乙 1130222); ``pos`` if none."""
    label = ROLE_LABEL_REGEX.match(folded, pos)
    title = None if label else ROLE_TITLE_REGEX.match(folded, pos)
    if not (label or title):
        return pos
    cursor = (label or title).end()
    org = None
    if label:
        text = label.group("label") or label.group("spaced")
        roles = (
            ["reporter", "photographer"]
            if text in BOTH_LABELS
            else [LABEL_ROLES.get(text) or LABEL_ROLES[text.title()]]
        )
        inner = ROLE_TITLE_REGEX.match(folded, cursor)
        if inner:
            org, cursor = inner.group("org"), inner.end()
            org = org if org and _generic_outlet_ok(org) else None
        desk = DESK_CREDIT_REGEX.match(folded, cursor)
        if desk:
            # 攝影|攝影組: a desk is credited, no person; the roles after it are still read.
            return desk.end()
    else:
        org = title.group("org")
        if org and not _generic_outlet_ok(org):
            org = None  # 法庭記者, 总台央视记者: a beat or a desk, not the outlet
        title_text = title.group("title")
        roles = [
            "photographer"
            if title_text.startswith(("攝影", "摄影"))
            else "correspondent"
            if title_text in ("通訊員", "通讯员")
            else "author"
            if title_text.endswith(("評論員", "评论员"))
            else "reporter"
        ]
    writer = bool(label) and roles[0] in ("author", "reporter")
    names, place, cursor = _read_names(folded, cursor, pen_names=writer)
    if not names and writer:
        affiliated = AFFILIATED_NAME_REGEX.match(folded, cursor)
        if affiliated and is_chinese_name(affiliated.group("name")):
            names, cursor = [affiliated.group("name")], affiliated.end()
    if not names:
        return pos
    dispatch = DISPATCH_FROM_REGEX.match(folded, cursor)
    if dispatch:
        place, cursor = place or dispatch.group("place"), dispatch.end()
    slash = PLACE_OUTLET_REGEX.match(folded, cursor)
    paper = _place_and_outlet(slash.group("tail")) if slash else None
    if paper:
        (place, org), cursor = paper, slash.end()
    else:
        slash = None
    if not slash:
        slash = PLACE_REPORT_REGEX.match(folded, cursor)
    if slash and not paper:
        place, cursor = slash.group("place"), slash.end()
        trailing = TRAILING_OUTLET_REGEX.match(folded, cursor)
        if trailing and is_known_outlet(trailing.group("outlet")):
            org, cursor = trailing.group("outlet"), trailing.end()
    verb = None if slash else REPORT_VERB_REGEX.match(folded, cursor)
    if verb:
        cursor = verb.end()
        if PHOTO_VERB_REGEX.search(verb.group()):
            reported = re.search(r"報|报|撰|採|采|整理|連線|连线|綜合|综合", verb.group())
            roles = ["reporter", "photographer"] if reported else ["photographer"]
    elif not slash and folded[cursor : cursor + 1] in (",", "。", ";"):
        return pos
    if org and (not org.startswith("本") or result.outlet is None):
        result.set_outlet(org)
    outlet = canonical_outlet(org) if org and not org.startswith("本") else None
    for name in names:
        for role in roles:
            result.add(role, name, outlet)
    if place and result.place is None:
        result.place = place
    return cursor


def _read_roles(folded: str, pos: int, result: _Result) -> int:
    """Read role items, bare or in brackets, from ``pos``; return the end (``pos`` if none).

    A bracket counts only when it closes right after its roles: (記者 張三), (譯者：甲/核稿：乙).
    """
    while True:
        start = ROLE_SEPARATOR_REGEX.match(folded, pos).end()
        if folded[start : start + 1] in ("(", "[", "【", "〔"):
            saved = (list(result.bylines), result.place, result.date)
            source = BRACKET_SOURCE_REGEX.match(folded, start + 1)
            opened = source.end() if source else start + 1
            inner = _read_roles(folded, opened, result)
            close = CLOSE_REGEX.match(folded, inner) if inner > opened else None
            if not close:
                result.bylines, result.place, result.date = saved
                return pos
            cursor = close.end()
        else:
            cursor = _read_role(folded, start, result)
            if cursor == start:
                return pos
        roc = ROC_CODE_REGEX.match(folded, cursor)
        if roc and any(b["role"] in ("editor", "translator") for b in result.bylines):
            cursor = roc.end()
            result.date = result.date or _roc_date(roc.group("roc"))
        pos = cursor


def _roc_date(code: str) -> str | None:
    """A Taiwan date code (民國 year + MMDD, 1130222) as an ISO date."""
    try:
        return dt.date(int(code[:3]) + 1911, int(code[3:5]), int(code[5:7])).isoformat()
    except ValueError:
        return None


def _read_head(folded: str, pos: int, result: _Result) -> int:
    """Read an outlet marker or agency dateline at ``pos``; return the end (``pos`` if none)."""
    dateline = AGENCY_DATELINE_REGEX.match(folded, pos)
    if dateline and bool(dateline.group("open")) == bool(dateline.group("close")):
        outlet = dateline.group("outlet")
        if _generic_outlet_ok(outlet):
            result.set_outlet(outlet)
            place = DESK_REGEX.sub("", dateline.group("place")).strip() or None
            if dateline.group("title") and place:
                names, place = _split_name_place(place)
                for name in names:
                    result.add("reporter", name)
            result.place = place
            result.date = _date_of(*_month_day(dateline), result.published)
            return dateline.end()
    marker = OUTLET_MARKER_REGEX.match(folded, pos)
    outlet, place = _split_marker(marker.group("outlet").strip()) if marker else (None, None)
    if marker and outlet:
        result.set_outlet(outlet)
        result.place = place
        result.date = _date_of(*_month_day(marker), result.published)
        return marker.end()
    alone = OUTLET_ALONE_REGEX.match(folded, pos)
    if alone and (is_known_outlet(alone.group("outlet")) or _broadcaster_ok(alone.group("outlet"))):
        result.set_outlet(alone.group("outlet"))
        return alone.end()
    first = folded[pos + 1 : pos + 2] if folded[pos : pos + 1] in "(（" else folded[pos : pos + 1]
    bare = PLACE_DATELINE_REGEX.match(folded, pos) if first in PLACE_FIRST else None
    if bare and is_place(bare.group("place")):
        result.place = bare.group("place")
        result.date = _date_of(*_month_day(bare), result.published)
        return bare.end()
    header = HEADER_REGEX.fullmatch(folded, pos) if len(folded) - pos <= HEADER_MAX_CHARS else None
    if header and _generic_outlet_ok(header.group("outlet")):
        result.set_outlet(header.group("outlet"))
        return header.end()
    plain = PLAIN_OUTLET_REGEX.match(folded, pos)
    if plain and plain.group("known") and folded[plain.end() : plain.end() + 1] == ",":
        _add_sources(plain.group("known"), result)
        return plain.end()
    if plain and _generic_outlet_ok(plain.group("outlet") or plain.group("known")):
        result.set_outlet(plain.group("outlet") or plain.group("known"))
        return plain.end()
    return pos


def _add_sources(sources: str, result: _Result) -> None:
    """Record the agencies of 綜合新華社、中新社報道 as the byline's via."""
    agencies = [
        canonical_outlet(name)
        for name in LIST_SEPARATOR_REGEX.split(sources)
        if name and _generic_outlet_ok(name)
    ]
    for agency in agencies:
        result.add("agency", agency, agency)
    if agencies:
        result.via = "、".join(agencies)


def _read_english_roles(folded: str, pos: int, result: _Result) -> int:
    """Read "Reporting by A; Editing by B" credits (Reuters style) from ``pos``."""
    while match := ENGLISH_ROLE_REGEX.match(folded, pos):
        role = ENGLISH_ROLES[re.sub(r"\s+", " ", match.group("label")).lower()]
        for name in split_names(match.group("names")):
            result.add(role, name)
        pos = match.end()
    return pos


def _parse_english(folded: str, pos: int, result: _Result) -> int:
    """Read an English byline or dateline at ``pos``; return the end (``pos`` if none)."""
    roles = _read_english_roles(folded, pos, result)
    if roles > pos:
        return roles
    agency = ENGLISH_AGENCY_LINE_REGEX.match(folded, pos)
    if agency:
        result.set_outlet(agency.group("outlet"))
        return agency.end()
    dateline = ENGLISH_DATELINE_REGEX.match(folded, pos)
    if dateline and dateline.group("mon").lower() in MONTHS:
        result.set_outlet(dateline.group("outlet"))
        result.place = dateline.group("place").strip()
        month = str(MONTHS[dateline.group("mon").lower()])
        result.date = _date_of(month, dateline.group("day"), result.published)
        return dateline.end()
    by = BY_REGEX.match(folded, pos)
    if by:
        if by.group("outlet"):
            result.set_outlet(by.group("outlet"))
        names = split_names(by.group("names"))
        for name in filter(is_known_outlet, names):
            result.set_outlet(name)
        for name in itertools.filterfalse(is_known_outlet, names):
            result.add("reporter", name)
        result.place = by.group("place")
        return by.end()
    return pos


def parse_byline(
    text: str, *, page_outlet: str | None = None, published: dt.date | None = None
) -> dict | None:
    """Parse the byline or dateline printed at the start of ``text``.

    Args:
        text: a paragraph or credit line, as printed.
        page_outlet: the outlet of the page, for 本報訊 and 本報記者.
        published: the publication day, for the year of 8月29日電 and the month of 3日電.

    Returns:
        None when ``text`` opens with no byline, else ``{"outlet", "outlet_as_printed",
        "bylines": [{"role", "name", "outlet"}], "dateline": {"place", "date"}, "via",
        "end"}``, ``end`` being the index in ``text`` where the article text begins.

    Example: ``parse_byline("【香港商報訊】記者王丹丹報道：昨日…")`` gives outlet 香港商報,
    bylines ``[{"role": "reporter", "name": "王丹丹", "outlet": "香港商報"}]`` and end 16.
    """
    folded = to_ascii_digits(text or "").translate(SEPARATOR_TABLE)
    result = _Result(page_outlet, published)
    start = BULLET_REGEX.match(folded).end()
    pos = _parse_english(folded, start, result)
    if pos == start:
        pos = _read_bare_credit(folded, start, result)
    if pos == start:
        pos = _read_head(folded, start, result)
        if pos > start and result.outlet:
            pos = _read_slash_names(folded, pos, result)
        if result.place or result.date:
            pos = _read_dateline_names(folded, pos, result)
        compiled = COMPILED_REGEX.match(folded, pos)
        if compiled:
            pos = compiled.end()
            _add_sources(compiled.group("sources") or "", result)
        pos = _read_roles(folded, pos, result)
        via = VIA_REGEX.match(folded, pos)
        if via and _generic_outlet_ok(via.group("via") or via.group("generic")):
            result.via = canonical_outlet(via.group("via") or via.group("generic"))
            result.add("agency", result.via, result.via)
            pos = via.end()
            pos = _read_roles(folded, pos, result)
        source = TRAILING_SOURCE_REGEX.match(folded, pos) if result.bylines else None
        pos = source.end() if source else pos
    if pos == start:
        return None
    pos = re.match(r"[\s:,]*", folded[pos:]).end() + pos
    return result.as_dict(pos)


def strip_end_mark(text: str) -> str:
    """``text`` without the end mark of a dispatch printed last: （完）, 【完】, ——完——."""
    match = END_MARK_REGEX.search(text)
    return text[: match.start()] if match else text


def split_trailing_byline(
    text: str, *, page_outlet: str | None = None, published: dt.date | None = None
) -> tuple[str, dict | None]:
    """Split a credit printed at the end of a paragraph: "……。（記者 張三）", "責任編輯：李嘉欣".

    Returns:
        (the text before the credit, the parsed credit) or (text, None) when there is none.
    """
    folded = to_ascii_digits(text).translate(SEPARATOR_TABLE)
    done = END_MARK_REGEX.search(folded)
    if done:
        # 《……。（記者 張三）（完）》: the end mark goes with the credit.
        before, parsed = split_trailing_byline(
            text[: done.start()], page_outlet=page_outlet, published=published
        )
        return (before, parsed) if parsed else (text, None)
    candidates = [m.start() for m in re.finditer(rf"{_OPEN}|(?<=[。！？!?」\s])", folded)]
    for start in candidates:
        if len(folded) - start > 60:
            continue
        parsed = parse_byline(text[start:], page_outlet=page_outlet, published=published)
        if parsed and parsed["end"] >= len(text) - start and parsed["bylines"]:
            return text[:start].rstrip(), parsed
    return text, None


def is_person_name(text: str) -> bool:
    """Whether an author field holds a person's name rather than an outlet's."""
    return not is_known_outlet(text) and is_plausible_name(re.sub(r"\s+", "", text))
