"""Article text: whitespace, boilerplate, promotion blocks and paragraphs broken by the layout."""

from __future__ import annotations

import pytest

from crawler.items import Block
from crawler.normalise.text import (
    clean_blocks,
    collapse_whitespace,
    is_boilerplate,
    join_broken_paragraphs,
)


def P(text: str) -> Block:
    """A paragraph block."""
    return Block("paragraph", text)


def H(text: str) -> Block:
    """A heading block."""
    return Block("heading", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  李家超  表示  ", "李家超 表示"),
        ("大灣區創新成果巡展\u3000深圳站正式啓動", "大灣區創新成果巡展 深圳站正式啓動"),
        ("科技\xa0創新", "科技 創新"),
        ("國際創\n科中心", "國際創科中心"),
        ("國際創，\n  科中心", "國際創，科中心"),
        ("Hong\nKong", "Hong Kong"),
        ("零\u200b寬\ufeff字元", "零寬字元"),
        ("a \t b\r\n c", "a b c"),
        ("王丹\u202e丹", "王丹丹"),
        (
            "\u2066記者\u2069 \u200e李\u200f明\u202a\u202b\u202c\u202d\u2067\u2068\u061c",
            "記者 李明",
        ),
        ("", ""),
    ],
    ids=[
        "spaces",
        "ideographic-space",
        "no-break-space",
        "hard-wrap",
        "hard-wrap-after-comma",
        "latin-newline",
        "zero-width",
        "mixed-whitespace",
        "bidi-override",
        "bidi-isolates-and-marks",
        "empty",
    ],
)
def test_collapse_whitespace(text, expected):
    assert collapse_whitespace(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("碼上看", True),
        ("码上看", True),
        ("掃碼睇圖文", True),
        ("掃碼睇片", True),
        ("掃碼睇文", True),
        ("扫码看视频", True),
        ("分享到：", True),
        ("分享：微信 微博 Facebook", True),
        ("微信 | 微博", True),
        ("責任編輯：李嘉欣", True),
        ("【責任編輯：李嘉欣】", True),
        ("责任编辑：李嘉欣", True),
        ("相關新聞", True),
        ("相关阅读", True),
        ("延伸閱讀", True),
        ("【打印】【關閉】", True),
        ("Copyright © 香港商報 版權所有 All Rights Reserved.", True),
        ("（完）", True),
        ("  ", True),
        ("李家超表示，政府會全力支持。", False),
        ("建設國際科創中心重要引擎", False),
        ("大灣區創新成果巡展 深圳站正式啓動", False),
        ("分享經驗是論壇的重點。", False),
    ],
    ids=[
        "mashangkan",
        "mashangkan-hans",
        "scan-pictures",
        "scan-video",
        "scan-text",
        "scan-hans",
        "share-to",
        "share-bar",
        "share-icons",
        "editor",
        "editor-brackets",
        "editor-hans",
        "related",
        "related-hans",
        "further-reading",
        "print-close",
        "copyright",
        "end-mark",
        "blank",
        "sentence",
        "heading",
        "promo-title-alone",
        "share-in-sentence",
    ],
)
def test_is_boilerplate(text, expected):
    assert is_boilerplate(text) is expected


JOIN_CASES = [
    (
        [
            P("大力倡導創科思維、創科研發、創科合作，大力推進國際創"),
            P("科中心建設，大力推進產學研融合。"),
        ],
        [P("大力倡導創科思維、創科研發、創科合作，大力推進國際創科中心建設，大力推進產學研融合。")],
    ),
    (
        [P("在加速發展新質生產力方面，核心就是以科技賦"), P("能，實現高質量經濟發展。")],
        [P("在加速發展新質生產力方面，核心就是以科技賦能，實現高質量經濟發展。")],
    ),
    (
        [
            P("過去兩年，當局引進逾100家重點科技企業來港發展或拓展業"),
            P("務，加速構建本地創科產業體系。"),
        ],
        [P("過去兩年，當局引進逾100家重點科技企業來港發展或拓展業務，加速構建本地創科產業體系。")],
    ),
    (
        [P("他表示，香港要做好三件事，"), P("包括發展創科。")],
        [P("他表示，香港要做好三件事，包括發展創科。")],
    ),
    (
        [P("The summit brought together"), P("scholars and business leaders.")],
        [P("The summit brought together scholars and business leaders.")],
    ),
    (
        [P("李家超指出，政府正從四個方向發展："), P("——持續加大創新力度。")],
        [P("李家超指出，政府正從四個方向發展："), P("——持續加大創新力度。")],
    ),
    ([P("論壇昨日舉行。"), P("李家超致辭。")], [P("論壇昨日舉行。"), P("李家超致辭。")]),
    (
        [H("建設國際科創中心重要引擎"), P("李家超說，新質生產力……")],
        [H("建設國際科創中心重要引擎"), P("李家超說，新質生產力……")],
    ),
    (
        [P("香港發展新質生產力條件優越"), P("鄭雁雄認同，香港條件優越。")],
        [P("香港發展新質生產力條件優越"), P("鄭雁雄認同，香港條件優越。")],
    ),
    (
        [P("他說，香港有三大優勢，"), P("一、連通世界。")],
        [P("他說，香港有三大優勢，"), P("一、連通世界。")],
    ),
    (
        [P("他說，論壇匯聚各界，"), P("啓動儀式。中聯辦網站圖片")],
        [P("他說，論壇匯聚各界，"), P("啓動儀式。中聯辦網站圖片")],
    ),
    (
        [P("他說，「這是香港的機遇」，"), P("【一周港藝】 國際時尚匯展")],
        [P("他說，「這是香港的機遇」，"), P("【一周港藝】 國際時尚匯展")],
    ),
    ([P("他說，論壇匯聚各界，"), H("科中心")], [P("他說，論壇匯聚各界，"), H("科中心")]),
]
JOIN_IDS = [
    "seed-guoji-chuangke",
    "seed-keji-funeng",
    "seed-tuozhan-yewu",
    "ends-with-comma",
    "english",
    "colon-then-list-item",
    "complete-sentences",
    "heading-not-joined",
    "heading-like-paragraph",
    "numbered-item",
    "caption-not-joined",
    "bracketed-title-not-joined",
    "next-is-heading",
]


@pytest.mark.parametrize(("blocks", "expected"), JOIN_CASES, ids=JOIN_IDS)
def test_join_broken_paragraphs(blocks, expected):
    assert join_broken_paragraphs(blocks) == expected


SEED_TAIL = [
    P("他說：「一個國際化的都市必然要孕育世界級的人才。」"),
    H("碼上看"),
    P("大灣區創新成果巡展 深圳站正式啓動"),
    P("掃碼睇圖文"),
    P("【一周港藝】 國際時尚匯展免費入場"),
    P("掃碼睇片"),
    P("深港口岸暑期人氣爆棚 出入境超4276萬人次"),
    P("掃碼睇文"),
    P("香港中華聯誼會舉辦的「科技+新質生產力」高峰論壇昨舉行。 記者 蔡啓文攝"),
]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (SEED_TAIL, [SEED_TAIL[0], SEED_TAIL[-1]]),
        (
            [P("正文第一段。"), P("熱門視頻"), P("掃碼睇片"), P("正文第二段。")],
            [P("正文第一段。"), P("正文第二段。")],
        ),
        (
            [
                P("正文。"),
                H("相關新聞"),
                P("鄭雁雄：發展新質生產力關鍵是做起來"),
                P("孫東：香港要孕育世界級人才"),
            ],
            [P("正文。")],
        ),
        (
            [P("  李家超\u3000表示，  "), P(""), P("政府會支持。"), P("責任編輯：李嘉欣")],
            [P("李家超 表示，政府會支持。")],
        ),
        (
            [P("論壇舉行。"), H("三中全會精神對港發展具指導意義"), P("鄭雁雄表示，……。")],
            [P("論壇舉行。"), H("三中全會精神對港發展具指導意義"), P("鄭雁雄表示，……。")],
        ),
        (
            [P("正文。"), P("分享到："), P("微信 微博 Facebook"), P("【打印】【關閉】")],
            [P("正文。")],
        ),
    ],
    ids=[
        "seed-promotion",
        "qr-item-mid-article",
        "related-news",
        "whitespace-join-editor",
        "headings-kept",
        "share-bar",
    ],
)
def test_clean_blocks(blocks, expected):
    assert clean_blocks(blocks) == expected
