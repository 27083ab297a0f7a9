"""People's names in bylines and photo credits: split lists, strip titles, join spaced names.

Chinese names lose the spaces printed inside them (王 丹丹 -> 王丹丹, 李　明 -> 李明); two names
separated only by a space stay two (張三 李四). Latin names keep their spaces and case. Titles
and verbs printed against a name (記者, 主任, 報道, 攝) are never part of it.

Reads no settings.
"""

from __future__ import annotations

import re
from pathlib import Path

from crawler.normalise.outlets import is_known_outlet
from crawler.normalise.script import fold_words

SURNAMES_TXT = Path(__file__).parent / "data" / "surnames.txt"
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_REGEX = re.compile(f"[{HAN}]")
# Characters of a Chinese or transliterated name (·‧• join the parts of a foreign name).
NAME_CHARS = f"{HAN}·‧•・"
COMPOUND_SURNAMES = (
    "歐陽",
    "欧阳",
    "司徒",
    "司馬",
    "司马",
    "上官",
    "諸葛",
    "诸葛",
    "慕容",
    "夏侯",
    "皇甫",
    "東方",
    "东方",
    "尉遲",
    "尉迟",
    "公孫",
    "公孙",
    "令狐",
    "長孫",
    "长孙",
    "宇文",
    "澹臺",
    "澹台",
    "端木",
    "西門",
    "西门",
    "南宮",
    "南宫",
    "軒轅",
    "轩辕",
    "鍾離",
    "钟离",
)
# Titles and verbs that may be printed against a name but are never part of it.
NAME_AFFIXES = (
    "首席記者",
    "首席记者",
    "高級記者",
    "高级记者",
    "攝影記者",
    "摄影记者",
    "特約記者",
    "特约记者",
    "實習記者",
    "实习记者",
    "見習記者",
    "见习记者",
    "本報記者",
    "本报记者",
    "記者",
    "记者",
    "通訊員",
    "通讯员",
    "總編輯",
    "总编辑",
    "責任編輯",
    "责任编辑",
    "編輯",
    "编辑",
    "主編",
    "主编",
    "主任",
    "特派員",
    "特派员",
    "報道",
    "報導",
    "报道",
    "报导",
    "採寫",
    "采写",
    "撰文",
    "整理",
    "攝影",
    "摄影",
    "攝",
    "摄",
    "教授",
    "博士",
    "先生",
    "女士",
    "小姐",
)
AFFIX_PATTERN = "|".join(sorted(NAME_AFFIXES, key=len, reverse=True))
LEADING_AFFIX_REGEX = re.compile(rf"^(?:{AFFIX_PATTERN})\s*")
TRAILING_AFFIX_REGEX = re.compile(rf"\s*(?:{AFFIX_PATTERN})$")
NAME_LIST_SEPARATOR_REGEX = re.compile(r"\s*(?:[、,，;；/／&＆]|\band\b)\s*|\s+[及和與与]\s+")
LATIN_NAME_REGEX = re.compile(r"^[A-Za-z][A-Za-z.'\- ]*[A-Za-z.]$")
# Words that stand where a name does but are none: compilers' and desks' credits, titles, and
# template placeholders (OOO, ○○○, 某某) left in a page.
NOT_A_NAME_REGEX = re.compile(
    r"^(?:整合|综合|綜合|整理|編譯|编译|記者|记者|編輯|编辑|本報|本报|本網|本网|本台|網站|网站|"
    r"新聞|新闻|通訊|通讯|[OoＯ○〇XxＸ×某*＊]+)$|[OoＯ○〇XxＸ×*＊]{2,}|某某|"
    r"(?:組|组|部|處|处|室|科|中心|社|報|报|網|网|台|會|会|辦|办|局|署|委|團|团|隊|队|站|頻道|频道)$"
)


def _load_surnames(path: Path) -> frozenset[str]:
    """The surnames of the data file, in both scripts."""
    words = [
        word
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for word in line.split()
    ]
    return frozenset(words) | {form for pair in fold_words(words) for form in pair}


SURNAMES = _load_surnames(SURNAMES_TXT)


def strip_affixes(name: str) -> str:
    """Remove titles and verbs printed before or after a name (記者, 主任, 報道, 攝)."""
    previous = None
    while previous != name:
        previous = name
        name = LEADING_AFFIX_REGEX.sub("", name)
        name = TRAILING_AFFIX_REGEX.sub("", name).strip()
    return name


def _join_spaced(pieces: list[str]) -> list[str]:
    """Group the space-separated pieces of Chinese names into whole names."""
    if all(len(piece) == 1 for piece in pieces):
        if len(pieces) >= 4 and len(pieces) % 2 == 0:
            return ["".join(pieces[i : i + 2]) for i in range(0, len(pieces), 2)]
        return ["".join(pieces)]
    names: list[str] = []
    pending = ""
    for piece in pieces:
        if pending:
            names.append(pending + piece)
            pending = ""
        elif len(piece) == 1 or (piece in COMPOUND_SURNAMES and len(pieces) > 1):
            pending = piece
        else:
            names.append(piece)
    if pending:
        if names:
            names[-1] += pending
        else:
            names.append(pending)
    return names


def split_names(text: str, *, min_han: int = 2, pen_names: bool = False) -> list[str]:
    """Split a printed list of names into clean names; with ``pen_names`` (a writer's label
    vouches for them: 作者︱春春), names of 2 to 4 characters need no surname.

    Example: ``split_names("李明、張 華") == ["李明", "張華"]``,
    ``split_names("Jane Doe and John Smith") == ["Jane Doe", "John Smith"]``.
    """
    names: list[str] = []
    for part in NAME_LIST_SEPARATOR_REGEX.split(text.strip()):
        part = strip_affixes(part.strip(" \u3000:：()（）[]【】"))
        if not part:
            continue
        if HAN_REGEX.search(part):
            names.extend(_join_spaced(part.split()))
        else:
            names.append(re.sub(r"\s+", " ", part))
    # An outlet's name stays, for the caller to take as the outlet (作者：香港商報).
    return [
        name
        for name in names
        if is_plausible_name(name, min_han=min_han)
        or is_known_outlet(name)
        or (pen_names and is_pen_name(name))
    ]


# What stands in a writer's place but names no one: 佚名 (anonymous), 小编, 网友, 本站.
NO_WRITER_REGEX = re.compile(
    r"佚名|匿名|未知|不詳|不详|小編|小编|網友|网友|本站|admin", re.IGNORECASE
)


def is_pen_name(name: str) -> bool:
    """Whether a labelled writer's name of 2 to 4 characters with no surname (春春, 胖胖) can be
    a pen name: no title, desk or placeholder."""
    return (
        bool(re.fullmatch(f"[{HAN}]{{2,4}}", name))
        and name not in NAME_AFFIXES
        and not NOT_A_NAME_REGEX.search(name)
        and not NO_WRITER_REGEX.search(name)
    )


def is_plausible_name(name: str, *, min_han: int = 2, strict: bool = True) -> bool:
    """Whether ``name`` could be a person's name (not a verb, title, digit code or sentence).

    ``min_han`` is the fewest Chinese characters accepted: 1 where a label vouches for the
    name (記者：甲), 2 elsewhere. ``strict`` also asks a Chinese name for a surname and 2 to 4
    characters, and rejects desks, compilers' credits and placeholders (整合, 採訪組, OOO).
    """
    if not name or name in NAME_AFFIXES or any(char.isdigit() for char in name):
        return False
    if strict and NOT_A_NAME_REGEX.search(name):
        return False
    if HAN_REGEX.search(name):
        if not re.fullmatch(f"[{NAME_CHARS}A-Za-z]{{{min_han},12}}", name):
            return False
        return not strict or len(name) == 1 or not HAN_REGEX.match(name) or is_chinese_name(name)
    return bool(LATIN_NAME_REGEX.match(name)) and len(name.split()) <= 5


def has_surname(name: str) -> bool:
    """Whether ``name`` starts with a Chinese surname, single or compound."""
    return name[:1] in SURNAMES or name[:2] in SURNAMES


def is_chinese_name(name: str) -> bool:
    """Whether ``name`` reads as a Chinese personal name: a surname and one to three more
    characters (two to four for a compound surname), or a transliteration joined by ·."""
    if re.search("[·‧•・]", name):
        return True
    if not re.fullmatch(f"[{HAN}]+", name):
        return False
    compound = name[:2] in SURNAMES and len(name) > 2
    return has_surname(name) and 2 <= len(name) <= (5 if compound else 4)
