"""Script detection (Hant, Hans, mixed) and folding to Simplified, both through OpenCC."""

from __future__ import annotations

import pytest

from crawler.normalise.script import detect_script, to_simplified


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("港府循四大方向 發展新質生產力", "Hant"),
        ("港府循四大方向 发展新质生产力", "Hans"),
        ("香港商報", "Hant"),
        ("香港商报", "Hans"),
        ("啓動儀式。中聯辦網站圖片", "Hant"),
        ("启动仪式。中联办网站图片", "Hans"),
        ("可在基礎研究、關鍵核心技术攻關、匯聚全球高端人才等方面有所作為，發揮作用。", "Hant"),
        ("港鐵東涌線延線工程進展順利，東涌東站料2029年啟用", "Hant"),
        ("香港集羣連續5年成為全球第二，群策群力", "Hant"),
        ("皇后大道中", "Hant"),
        ("李家超", "Hant"),
        ("The summit opened on Thursday.", "Hant"),
        ("", "Hant"),
        ("香港發展新質生產力條件優越。香港发展新质生产力条件优越。", "mixed"),
        ("【香港商報訊】記者王丹丹報道 / 来源：中联办网站 发布时间：2024-08-30", "mixed"),
        ("新华社香港8月29日电 题：香港特区行政长官李家超出席论坛", "Hans"),
        ("新華社香港8月29日電 題：香港特區行政長官李家超出席論壇", "Hant"),
    ],
    ids=[
        "hant-title",
        "hans-title",
        "hant-outlet",
        "hans-outlet",
        "hant-caption",
        "hans-caption",
        "hant-with-stray-simplified",
        "hk-place-name-chung",
        "hant-variant-and-common",
        "shared-characters-hou",
        "shared-only",
        "no-chinese",
        "empty",
        "both-halves",
        "reprint-header",
        "hans-dateline",
        "hant-dateline",
    ],
)
def test_detect_script(text, expected):
    assert detect_script(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("發展新質生產力", "发展新质生产力"),
        ("发展新质生产力", "发展新质生产力"),
        ("啓動儀式", "启动仪式"),
        ("衞生署", "卫生署"),
        ("香港商報 Hong Kong", "香港商报 Hong Kong"),
    ],
    ids=["hant", "hans-unchanged", "hk-variant-qi", "hk-variant-wei", "latin-kept"],
)
def test_to_simplified(text, expected):
    assert to_simplified(text) == expected
