"""Dates and times as the Hong Kong and mainland press print them, to ISO 8601.

Three jobs, all without I/O:

- :func:`parse_date` finds the first absolute date (and time) in a text: 2024-08-30,
  2024/8/30, 2024.08.30, 2024年8月30日, 二〇二四年八月三十日, 民國113年2月22日, 8月30日 (year
  from ``reference``), English "30 Aug 2024", "Aug 30, 2024", "Sat Oct 03 07:23:11 HKT 2026",
  ISO with offsets, and times 10:15, 10時15分, 上午10時, 下午3時半, "16:46 2024-09-25".
- :func:`find_published` reads labelled texts (發佈時間：… 更新時間：…) into (published, updated).
- :func:`resolve_relative_dates` resolves 昨日, 今早, 噚日, 前日, 昨（23日）, 25日, 本月3日,
  上周五, 星期二 … against the publication date; vague ones (日前, 近日) are left out.

A date alone is written ``YYYY-MM-DD``; a date with a time ``YYYY-MM-DDTHH:MM:SS+08:00``. Times
are Hong Kong time unless the text states another offset, in which case they are converted to
Hong Kong time so that every stored time sorts on one clock. Full-width digits count as digits.

Reads no settings.
"""

from __future__ import annotations

import datetime as dt
import re

HKT = dt.timezone(dt.timedelta(hours=8), "HKT")

# Full-width digits, letters and punctuation that dates use, folded one character for one, so
# that match positions in the folded text are positions in the original.
FULLWIDTH_TABLE = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
CJK_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

_MONTH_NAME = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_TZ = (
    r"(?P<tz>\s*(?:HKT|HKST|CST|香港時間|香港时间|北京時間|北京时间|"
    r"(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|GMT|UTC|Z|[+-]\d{2}:?\d{2})(?![A-Za-z]))?"
)
_CLOCK = r"(?P<hh>[01]?\d|2[0-3])\s*:\s*(?P<mi>[0-5]\d)(?:\s*:\s*(?P<ss>[0-5]\d)(?:\.\d+)?)?"
_AMPM = r"(?:\s*(?P<ap>[AaPp]\.?[Mm]\.?))?"
_CJK_CLOCK = (
    r"(?P<cap>上午|下午|中午|晚上|晚間|晚间|凌晨|早上|清晨|早晨|傍晚|夜間|夜间|深夜|午夜)?\s*"
    r"(?P<ch>[01]?\d|2[0-3])\s*(?:時|时|點|点)\s*(?:(?P<cm>[0-5]?\d)\s*分|(?P<half>半)|正)?"
    r"(?:\s*(?P<cs>[0-5]?\d)\s*秒)?"
)
# A time after a date: "10:15", "10:15 PM", "上午10時15分", "香港時間12時35分", "下午3:30".
_TIME = (
    r"(?:(?P<cap2>上午|下午|中午|晚上|凌晨|早上|清晨|傍晚)?\s*"
    + _CLOCK
    + _AMPM
    + r"|"
    + _CJK_CLOCK
    + r")"
)
_WEEKDAY_NOTE = r"(?:\s*[（(]?\s*(?:星期|週|周|禮拜|礼拜)[一二三四五六日天]\s*[）)]?)?"
_AFTER_DATE = (
    _WEEKDAY_NOTE
    + r"(?:(?:[\sT|,，]|&nbsp;)*(?:香港時間|香港时间|北京時間|北京时间|HKT)?\s*"
    + _TIME
    + _TZ
    + r")?"
)

ISO_DATE_REGEX = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.])\s*(?P<m>1[0-2]|0?[1-9])\s*(?P=sep)\s*"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)" + _AFTER_DATE
)
CJK_DATE_REGEX = re.compile(
    r"(?:(?P<roc>民國|民国)\s*(?P<ry>\d{2,3})|(?<!\d)(?P<y>(?:19|20)\d{2}))\s*年\s*"
    r"(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日號号]" + _AFTER_DATE
)
CJK_NUMERAL_DATE_REGEX = re.compile(
    r"(?P<y>[〇零○Ｏ一二三四五六七八九]{4})\s*年\s*(?P<m>十[一二]?|[一二三四五六七八九])\s*月\s*"
    r"(?P<d>三十[一]?|二?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日號号]"
)
TIME_FIRST_REGEX = re.compile(
    r"(?<!\d)" + _CLOCK + r"\s+(?P<y>(?:19|20)\d{2})(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=sep)"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)" + _TZ
)
ENGLISH_DMY_REGEX = re.compile(
    r"(?<![\dA-Za-z])(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+"
    + _MONTH_NAME
    + r",?\s+(?P<y>(?:19|20)\d{2})(?!\d)(?:,?\s+"
    + _CLOCK
    + _AMPM
    + _TZ
    + r")?",
    re.IGNORECASE,
)
ENGLISH_MDY_REGEX = re.compile(
    r"(?<![A-Za-z])" + _MONTH_NAME + r"\s+(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?,?\s+"
    r"(?:" + _CLOCK + _TZ + r"\s+)?(?P<y>(?:19|20)\d{2})(?!\d)"
    r"(?:,?\s+(?:at\s+)?(?P<hh2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?::(?P<ss2>[0-5]\d))?"
    r"(?:\s*(?P<ap2>[AaPp]\.?[Mm]\.?))?(?P<tz2>\s*(?:HKT|GMT\s*[+-]\s*\d{1,2}|UTC|GMT))?)?",
    re.IGNORECASE,
)
ENGLISH_TIME_FIRST_REGEX = re.compile(
    r"(?<![\d:])"
    + _CLOCK
    + _AMPM
    + r",?\s+(?P<d>3[01]|[12]\d|0?[1-9])\s+"
    + _MONTH_NAME
    + r",?\s+(?P<y>(?:19|20)\d{2})(?!\d)"
    + _TZ,
    re.IGNORECASE,
)
MONTH_DAY_REGEX = re.compile(
    r"(?<![\d年])(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日號号]" + _AFTER_DATE
)
PUBLISHED_LABEL_REGEX = re.compile(
    r"(?P<upd>更新時間|更新时间|更新日期|更新於|更新于|最後更新|最后更新|最新更新|修改時間|修改时间|"
    r"Last\s+updated|Last\s+modified|Updated(?:\s+on)?|Modified)"
    r"|(?P<pub>發佈時間|發布時間|发布时间|發佈日期|發布日期|发布日期|發佈於|發布於|发布于|"
    r"發表時間|发表时间|發表日期|发表日期|刊發時間|刊发时间|刊出日期|出版日期|出版時間|出版时间|"
    r"見報日期|见报日期|發稿時間|发稿时间|出版|"
    # a bare 時間 labels a date, but 香港時間12時35分 is a clock reading after one
    r"(?<!香港)(?<!北京)(?<!當地)(?<!当地)(?:時間|时间)|日期|Published(?:\s+on)?|Posted(?:\s+on)?|"
    r"Publish\s+(?:time|date)|Date)",
    re.IGNORECASE,
)

DATE_REGEXES = (
    ISO_DATE_REGEX,
    CJK_DATE_REGEX,
    CJK_NUMERAL_DATE_REGEX,
    TIME_FIRST_REGEX,
    ENGLISH_DMY_REGEX,
    ENGLISH_MDY_REGEX,
    ENGLISH_TIME_FIRST_REGEX,
)


def to_ascii_digits(text: str) -> str:
    """Fold full-width ASCII (０-９, ：, ／ …) to half-width, keeping every position."""
    return text.translate(FULLWIDTH_TABLE)


def cjk_number(text: str) -> int:
    """Value of a small Chinese numeral: 二〇二四 (digit by digit), 三十一, 十二, 八."""
    if "十" not in text:
        value = 0
        for char in text:
            value = value * 10 + CJK_DIGITS[char]
        return value
    tens, _, units = text.partition("十")
    return (CJK_DIGITS[tens] if tens else 1) * 10 + (CJK_DIGITS[units] if units else 0)


def _offset(tz: str | None) -> dt.timezone:
    """The UTC offset a time-zone note states; Hong Kong time when it states none."""
    tz = (tz or "").strip().upper().replace(" ", "")
    if tz in ("Z", "UTC", "GMT"):
        return dt.UTC
    match = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?", tz)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
        return dt.timezone(sign * dt.timedelta(minutes=minutes))
    return HKT


EVENING_MARKERS = ("下午", "晚上", "晚間", "晚间", "傍晚", "夜間", "夜间", "深夜", "pm")


def _hour(hour: int, marker: str | None) -> int:
    """A 12-hour clock reading with 上午/下午/PM … turned into a 24-hour one."""
    marker = (marker or "").lower().replace(".", "")
    if marker in EVENING_MARKERS and hour < 12:
        return hour + 12
    if marker in ("中午",) and hour < 11:
        return hour + 12
    if marker in ("凌晨", "午夜", "am") and hour == 12:
        return 0
    return hour


def _time_of(match: re.Match[str]) -> tuple[int, int, int, str | None] | None:
    """(hour, minute, second, tz) from whichever time groups of a date match are filled."""
    groups = match.groupdict()
    tz = groups.get("tz") or groups.get("tz2")
    if groups.get("hh") is not None:
        marker = groups.get("ap") or groups.get("cap2")
        return _hour(int(groups["hh"]), marker), int(groups["mi"]), int(groups["ss"] or 0), tz
    if groups.get("hh2") is not None:
        hour = _hour(int(groups["hh2"]), groups.get("ap2"))
        return hour, int(groups["mi2"]), int(groups["ss2"] or 0), tz
    if groups.get("ch") is not None:
        minute = 30 if groups.get("half") else int(groups.get("cm") or 0)
        hour = _hour(int(groups["ch"]), groups.get("cap"))
        return hour, minute, int(groups.get("cs") or 0), tz
    return None


def _year(match: re.Match[str], reference: dt.date | None) -> int | None:
    """The year a date match names (民國 years converted), else the reference's year."""
    groups = match.groupdict()
    if groups.get("ry"):
        return int(groups["ry"]) + 1911
    year = groups.get("y")
    if year is None:
        return reference.year if reference else None
    return int(year) if year.isdigit() else cjk_number(year)


def _format(match: re.Match[str], reference: dt.date | None) -> str | None:
    """ISO text for a date match, or None when the date does not exist."""
    groups = match.groupdict()
    year = _year(match, reference)
    if year is None:
        return None
    if groups.get("mon"):
        month = MONTHS[groups["mon"].lower().rstrip(".")]
    else:
        month = int(groups["m"]) if groups["m"].isdigit() else cjk_number(groups["m"])
    day = int(groups["d"]) if groups["d"].isdigit() else cjk_number(groups["d"])
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    time = _time_of(match)
    if time is None:
        return date.isoformat()
    hour, minute, second, tz = time
    if hour > 23:
        return date.isoformat()
    moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=_offset(tz))
    return moment.astimezone(HKT).isoformat()


def find_dates(text: str, *, reference: dt.date | None = None) -> list[tuple[int, int, str]]:
    """Every absolute date in ``text`` as (start, end, ISO), in order, overlaps removed."""
    folded = to_ascii_digits(text)
    regexes = (*DATE_REGEXES, MONTH_DAY_REGEX) if reference else DATE_REGEXES
    found: list[tuple[int, int, str]] = []
    for regex in regexes:
        for match in regex.finditer(folded):
            iso = _format(match, reference)
            if iso:
                found.append((match.start(), match.end(), iso))
    found.sort(key=lambda item: (item[0], -item[1]))
    result: list[tuple[int, int, str]] = []
    for start, end, iso in found:
        if result and start < result[-1][1]:
            continue
        result.append((start, end, iso))
    return result


def parse_date(text: str, *, reference: dt.date | None = None) -> str | None:
    """Return the first date (with its time, if printed) in ``text`` as ISO 8601.

    Args:
        text: any text holding a date, such as "發佈時間：2024-09-25 16:46 HKT".
        reference: supplies the year of a date printed without one (8月30日).

    Returns:
        "2024-08-30" for a date, "2024-08-30T10:15:00+08:00" when a time is known, or None.

    Example: ``parse_date("2024年8月30日 上午10時15分") == "2024-08-30T10:15:00+08:00"``.
    """
    dates = find_dates(text, reference=reference)
    return dates[0][2] if dates else None


def find_published(texts: list[str]) -> tuple[str | None, str | None]:
    """Return (published, updated) ISO dates from labelled texts.

    Labels are 發佈時間/发布时间/發布日期/Published … for the first and 更新時間/更新时间/
    最後更新/Updated … for the second; one text may hold both. When no text has a
    publication label, the first date in an unlabelled text counts as published.

    Example: ``find_published(["發佈時間：09:10 2024-09-25", "更新時間：16:46 2024-09-25"])``
    gives ``("2024-09-25T09:10:00+08:00", "2024-09-25T16:46:00+08:00")``.
    """
    published = updated = fallback = None
    for text in texts:
        if not text:
            continue
        labels = list(PUBLISHED_LABEL_REGEX.finditer(text))
        if not labels:
            fallback = fallback or parse_date(text)
            continue
        if labels[0].start() > 0:
            fallback = fallback or parse_date(text[: labels[0].start()])
        for index, label in enumerate(labels):
            stop = labels[index + 1].start() if index + 1 < len(labels) else len(text)
            value = parse_date(text[label.end() : stop])
            if value is None:
                continue
            if label.group("upd"):
                updated = updated or value
            else:
                published = published or value
    return published or fallback, updated


# Relative day words and their offset from the publication day. 昨/今 alone are handled apart.
RELATIVE_WORDS = {
    -3: ("大前日", "大前天"),
    -2: ("前日", "前天", "前晚"),
    -1: (
        "昨日",
        "昨天",
        "昨晚",
        "昨晨",
        "昨早",
        "昨中午",
        "昨午",
        "昨夜",
        "昨宵",
        "噚日",
        "尋日",
        "寻日",
        "琴日",
        "擒日",
        "噚晚",
        "尋晚",
        "琴晚",
        "yesterday",
        "last night",
    ),
    0: (
        "今日",
        "今天",
        "今早",
        "今晨",
        "今朝",
        "今午",
        "今晚",
        "今夜",
        "今宵",
        "today",
        "tonight",
        "this morning",
        "this afternoon",
        "this evening",
    ),
    1: (
        "明日",
        "明天",
        "明早",
        "明晚",
        "明晨",
        "聽日",
        "听日",
        "聽朝",
        "听朝",
        "聽晚",
        "听晚",
        "tomorrow",
    ),
    2: ("後日", "后日", "後天", "后天"),
    3: ("大後日", "大后日", "大後天", "大后天"),
}
WORD_OFFSETS = {word: offset for offset, words in RELATIVE_WORDS.items() for word in words}
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEK_PREFIXES = {
    "上上": -2,
    "上": -1,
    "本": 0,
    "今個": 0,
    "今个": 0,
    "呢個": 0,
    "呢个": 0,
    "這個": 0,
    "这个": 0,
    "這": 0,
    "这": 0,
    "下": 1,
    "下下": 2,
}
MONTH_PREFIXES = {
    "本月": 0,
    "今月": 0,
    "上月": -1,
    "上個月": -1,
    "上个月": -1,
    "下月": 1,
    "下個月": 1,
    "下个月": 1,
}

# A date in brackets after a relative word, in Arabic or Chinese numerals: （23日）, (8月29日),
# （八月二十九日） as the government's press releases print it, (6/6) as Taiwan's papers do.
_BRACKET = (
    r"(?:\s*[（(]\s*(?:(?P<{0}m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*[月/]\s*)?"
    r"(?P<{0}d>3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|"
    r"卅一?|[一二三四五六七八九])\s*[日號号]?\s*[）)])?"
)
# 去年5月, 今年3月3日 and 3天前, 2小時前: read in a pass of their own (kept out of
# RELATIVE_REGEX, whose every alternative is tried at every character).
COUNTED_REGEX = re.compile(
    r"(?P<year>去年|今年|明年)\s*(?P<ymonth>1[0-2]|0?[1-9])\s*月"
    r"(?:\s*(?P<yday>3[01]|[12]\d|0?[1-9])\s*日)?"
    r"|(?<![\d.:/\-A-Za-z])(?P<ago>\d{1,3})\s*(?P<unit>分鐘|分钟|小時|小时|個小時|个小时|天)\s*前"
)
RELATIVE_REGEX = re.compile(
    r"(?P<tw>[昨今明前])\s*[（(]\s*(?P<twd>3[01]|[12]\d|0?[1-9])\s*[）)]\s*日"
    r"|(?P<word>"
    + "|".join(sorted(WORD_OFFSETS, key=len, reverse=True))
    + r"|(?P<bare>[昨今]))"
    + _BRACKET.format("b")
    + r"|(?P<wprefix>"
    + "|".join(sorted(WEEK_PREFIXES, key=len, reverse=True))
    + r")?"
    r"(?:個|个)?(?:星期|禮拜|礼拜|週|周)(?P<wday>[一二三四五六日天])"
    + _BRACKET.format("w")
    + r"|(?P<mprefix>"
    + "|".join(sorted(MONTH_PREFIXES, key=len, reverse=True))
    + r")\s*"
    r"(?P<mday>3[01]|[12]\d|0?[1-9])\s*[日號号]"
    r"|(?<![\d.:/\-A-Za-z])(?P<day>3[01]|[12]\d|0?[1-9])\s*日",
    re.IGNORECASE,
)
# Characters before a relative word that make it part of another word: 目前日本, 時至今日,
# 香港的明天 (a figure of speech), 至今, 每周一.
NOT_BEFORE_FORMER = set("目提之此以年月日空史從从當当眼事戰战會会賽赛面生先早較较門门跟臨临節节的")
NOT_BEFORE_WORD = {
    "前日": NOT_BEFORE_FORMER,
    "前天": NOT_BEFORE_FORMER,
    "前晚": NOT_BEFORE_FORMER,
    "今日": set("至時时的"),
    "今天": set("至的"),
    "明天": set("的"),
    "明日": set("的"),
    "昨天": set("的"),
    "昨日": set("的"),
}
NOT_BEFORE_BARE = set("至如現现當当古迄而從从自距于於今昨是")
# 今 alone means "today" only before a verb or time word: 今舉行, 今起, 今上午 (not 今年, 今次).
BARE_TODAY_NEXT = set(
    "起舉举將将在於于出公發发宣召開开抵訪访赴到啟啓启再正會会與与表指稱称率亦也已仍續续進进迎"
    "來来離离展落截提向接簽签晤見见主齊齐同為为由上下午晚早晨（(再辦办聯联"
)
NOT_AFTER_WORD = {
    "前日": "本",
    "前天": "文氣气然下台堂",
    "後天": "性的因努培形習习失缺獲获",
    "后天": "性的因努培形習习失缺獲获",
    "今日": "頭头美",
    "明日": "大之世",
    "明天": "之",
}
# 上星期一群年輕人 is "last week, a group of young people", not "last Monday".
NOT_AFTER_MONDAY = set("群個个些批名位次項项直度起同道連连系眾众般切致定邊边方年眼行家")
NOT_BEFORE_WEEKDAY = set("每逢隔一二兩两三四五六七八九十幾几數数多個个")
NOT_BEFORE_DAY = set("第連连首每近頭头逾約约共多月年號号")
NOT_AFTER_DAY = (
    "內",
    "内",
    "間",
    "间",
    "遊",
    "游",
    "以",
    "來",
    "来",
    "後",
    "后",
    "前",
    "平均",
    "之",
    "左右",
    "夜",
    "行",
    "團",
    "团",
    "制",
    "假",
    "期",
    "工作",
    "計",
    "计",
)


def _number(text: str) -> int:
    """A day or month number in Arabic or Chinese numerals (29, 二十九, 廿九, 卅一)."""
    if text.isdigit():
        return int(text)
    return cjk_number(text.replace("廿", "二十").replace("卅", "三十"))


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) ``delta`` months away."""
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def nearest_date(day: int, month: int | None, around: dt.date) -> dt.date | None:
    """The date with this day (and month) nearest to ``around``: 昨（31日）, 8月29日電."""
    candidates = []
    for delta in (-1, 0, 1):
        if month is None:
            year, mon = _shift_month(around.year, around.month, delta)
        else:
            year, mon = around.year + delta, month
        try:
            candidates.append(dt.date(year, mon, day))
        except ValueError:
            continue
    return min(candidates, key=lambda date: abs(date - around)) if candidates else None


def resolve_day(day: int, published: dt.date) -> dt.date | None:
    """25日 or 3日電: this month, or the previous month when the day is later than publication."""
    delta = 0 if day <= published.day else -1
    for _ in range(3):
        year, month = _shift_month(published.year, published.month, delta)
        try:
            return dt.date(year, month, day)
        except ValueError:
            delta -= 1
    return None


def _word_date(match: re.Match[str], text: str, published: dt.date) -> dt.date | None:
    """The date of 昨日, 今早, 噚日 or 昨（23日）, or None when the word is part of another."""
    word = match.group("word")
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end("word") : match.end("word") + 1]
    if match.group("bare"):
        if before in NOT_BEFORE_BARE or (word == "今" and after not in BARE_TODAY_NEXT):
            return None
        offset = -1 if word == "昨" else 0
    else:
        if before in NOT_BEFORE_WORD.get(word, ()) or (
            after and after in NOT_AFTER_WORD.get(word, "")
        ):
            return None
        offset = WORD_OFFSETS[word.lower()]
    around = published + dt.timedelta(days=offset)
    if match.group("bd"):
        bm = _number(match.group("bm")) if match.group("bm") else None
        return nearest_date(_number(match.group("bd")), bm, around)
    return around


def _weekday_date(match: re.Match[str], text: str, published: dt.date) -> dt.date | None:
    """The date of 周三, 上週五, 本星期日, or None for 每周一 and a weekday note after a date."""
    start = match.start()
    before = text[start - 1] if start else ""
    if not match.group("wprefix") and before in NOT_BEFORE_WEEKDAY:
        return None
    if before and before in "（(" and text[: start - 1].rstrip()[-1:] in ("日", "號", "号", "天"):
        return None
    if match.group("wday") == "一" and text[match.end("wday") : match.end("wday") + 1] in (
        NOT_AFTER_MONDAY
    ):
        return None
    weekday = WEEKDAYS[match.group("wday")]
    if match.group("wd"):
        wm = _number(match.group("wm")) if match.group("wm") else None
        return nearest_date(_number(match.group("wd")), wm, published)
    prefix = match.group("wprefix")
    if prefix is None:
        return published - dt.timedelta(days=(published.weekday() - weekday) % 7)
    monday = published - dt.timedelta(days=published.weekday())
    return monday + dt.timedelta(days=7 * WEEK_PREFIXES[prefix] + weekday)


def _day_date(match: re.Match[str], text: str, published: dt.date) -> dt.date | None:
    """The date of 本月3日, 上月28日 or 25日 alone, or None for 3日內, 第3日, 8月25日."""
    if match.group("mprefix"):
        year, month = _shift_month(
            published.year, published.month, MONTH_PREFIXES[match.group("mprefix")]
        )
        try:
            return dt.date(year, month, int(match.group("mday")))
        except ValueError:
            return None
    start = match.start()
    before = text[:start].rstrip()[-1:] if start else ""
    after = text[match.end() : match.end() + 2]
    if before in NOT_BEFORE_DAY or after.startswith(NOT_AFTER_DAY):
        return None
    if before in "至到-~～、" and "月" in text[max(0, start - 8) : start]:
        return None
    if re.search(r"[〇零一二三四五六七八九十]$", text[:start]):
        return None
    return resolve_day(int(match.group("day")), published)


def _counted(match: re.Match[str], text: str, published: dt.date) -> dict:
    """3天前, 2小時前 (the day itself) or 去年5月 (a month) as a mentioned date."""
    if match.group("year"):
        return _year_month(match, text, published)
    # 3天前 counts days; 29日前 is "before the 29th", so 日 is no unit here.
    days = int(match.group("ago")) if match.group("unit") == "天" else 0
    date = published - dt.timedelta(days=days)
    return {"text": text[match.start() : match.end()], "date": date.isoformat()}


def _year_month(match: re.Match[str], text: str, published: dt.date) -> dict:
    """去年5月 -> the month (YYYY-MM); 去年5月3日 -> the day, the year counted from publication."""
    year = published.year + {"去年": -1, "今年": 0, "明年": 1}[match.group("year")]
    month = int(match.group("ymonth"))
    day = match.group("yday")
    try:
        date = dt.date(year, month, int(day)).isoformat() if day else f"{year}-{month:02d}"
    except ValueError:
        date = f"{year}-{month:02d}"
    return {"text": text[match.start() : match.end()], "date": date}


def resolve_relative_dates(text: str, published: dt.date) -> list[dict]:
    """Resolve the relative dates of ``text`` against the publication day (Hong Kong time).

    Handles 昨日/昨天/昨, 今日/今天/今 (before a verb), 今早/今晨/昨晚/昨午/昨中午, Cantonese
    噚日/琴日/今朝/聽日, 前日/前天, 明日/明天, 後日, 昨（23日） and 今日(20日) (the bracket
    wins), Taiwanese 昨（29）日/今（30）日, 25日 alone (this month, or the previous one when
    later than publication), 本月X日, 上月X日, 上周X/上週X/下周X, 周X/星期X (the most recent
    such day, publication day included).
    Counted offsets in digits (3天前; 1小時前 is the day itself) and 去年5月 (a month, YYYY-MM) or
    去年5月3日 are resolved too. Vague words (日前, 近日, 早前, 一個多月前) are left out.

    Returns:
        ``[{"text": "昨日", "date": "2024-08-29"}, ...]`` in order of appearance.

    Example: ``resolve_relative_dates("高峰論壇昨舉行", date(2024, 8, 30))`` gives
    ``[{"text": "昨", "date": "2024-08-29"}]``.
    """
    return [entry for _, entry in find_relative_dates(text, published)]


def find_relative_dates(text: str, published: dt.date) -> list[tuple[int, dict]]:
    """:func:`resolve_relative_dates` with where each date starts in ``text``."""
    folded = to_ascii_digits(text)
    found = []
    for match in RELATIVE_REGEX.finditer(folded):
        if match.group("tw"):
            offset = {"昨": -1, "今": 0, "明": 1, "前": -2}[match.group("tw")]
            around = published + dt.timedelta(days=offset)
            date = nearest_date(int(match.group("twd")), None, around)
        elif match.group("word"):
            date = _word_date(match, folded, published)
        elif match.group("wday"):
            date = _weekday_date(match, folded, published)
        else:
            date = _day_date(match, folded, published)
        if date is not None:
            entry = {"text": text[match.start() : match.end()], "date": date.isoformat()}
            found.append((match.start(), entry))
    found += [
        (match.start(), _counted(match, text, published))
        for match in COUNTED_REGEX.finditer(folded)
    ]
    return sorted(found, key=lambda pair: pair[0])


URL_DATE_REGEX = re.compile(r"/(20\d\d)[/-]?(\d\d)[/-]?(\d\d)/")


def date_in_url(url: str) -> dt.date | None:
    """The date a news URL carries in its path (/2024/08/30/, /2024-08/30/, /20240830/)."""
    match = URL_DATE_REGEX.search(url.split("?", 1)[0].split("#", 1)[0])
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None
