"""normalise_article on the seed page's three articles (香港商報, 2024-08-30) and a reprint."""

from __future__ import annotations

import re

import pytest

from crawler.items import Block, RawArticle, RawImage
from crawler.normalise import normalise_article
from tests.helpers import TESTS

SEED = TESTS / "normalise_cases" / "summit-2024-hkcd-page.txt"
BASE = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/"
RECORD_KEYS = {
    "url",
    "canonical_url",
    "outlet",
    "outlet_source",
    "date_basis",
    "title",
    "subtitle",
    "published",
    "updated",
    "bylines",
    "dateline",
    "body",
    "sections",
    "images",
    "mentioned_dates",
    "script",
    "source_line",
    "original_outlet",
    "content_hash",
}


def _seed_articles() -> list[RawArticle]:
    """Split the seed page into its three articles, as a spider would hand them over."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    starts = [i for i, line in enumerate(lines) if re.match(r"#{1,2} (港府|鄭雁雄|孫東)", line)]
    banner = lines.index("## 2024科技+新質生產力高峰論壇")
    spans = [(starts[0], banner), (starts[1], starts[2]), (starts[2], len(lines))]
    articles = []
    for number, (start, stop) in enumerate(spans, start=1):
        raw = RawArticle(
            url=f"{BASE}content_865230{number}.html",
            outlet="香港商報",
            published="2024-08-30",
            authors=["香港商報"],
        )
        for line in lines[start:stop]:
            if line.startswith("# ") or (line.startswith("## ") and raw.title is None):
                raw.title = line.lstrip("# ")
            elif line.startswith("## "):
                raw.subtitle = line[3:]
            elif line.startswith("### "):
                raw.blocks.append(Block("heading", line[4:]))
            else:
                raw.blocks.append(Block("paragraph", line))
        articles.append(raw)
    articles[0].images.append(RawImage(src=f"{BASE}a1.jpg", caption="啓動儀式。中聯辦網站圖片"))
    return articles


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """The three seed articles, normalised."""
    return [normalise_article(raw) for raw in _seed_articles()]


def test_record_has_exactly_the_documented_keys(records):
    assert all(set(record) == RECORD_KEYS for record in records)


@pytest.mark.parametrize(
    ("index", "title", "bylines"),
    [
        (
            0,
            "港府循四大方向 發展新質生產力",
            [{"role": "reporter", "name": "王丹丹", "outlet": "香港商報"}],
        ),
        (
            1,
            "鄭雁雄：發展新質生產力關鍵是做起來",
            [{"role": "reporter", "name": "王丹丹", "outlet": "香港商報"}],
        ),
        (2, "孫東：香港要孕育世界級人才", []),
    ],
    ids=["lee-ka-chiu", "zheng-yanxiong", "sun-dong"],
)
def test_seed_outlet_title_and_bylines(records, index, title, bylines):
    record = records[index]
    assert record["outlet"] == "香港商報"
    assert record["title"] == title
    assert record["bylines"] == bylines
    assert record["published"] == "2024-08-30"
    assert record["script"] == "Hant"


@pytest.mark.parametrize("index", [0, 1, 2], ids=["lee-ka-chiu", "zheng-yanxiong", "sun-dong"])
def test_seed_yesterday_resolves_to_29_august(records, index):
    assert records[index]["mentioned_dates"][0] == {"text": "昨日", "date": "2024-08-29"}


def test_seed_subtitle_and_sections(records):
    assert records[0]["subtitle"] == "特首：善用自身優勢積極創新變革"
    assert records[0]["sections"] == ["建設國際科創中心重要引擎", "打造國際高端人才集聚高地"]


def test_seed_byline_prefix_stays_in_the_body(records):
    assert records[0]["body"].startswith("【香港商報訊】記者王丹丹報道：昨日，「科技+新質生產力")
    assert records[2]["body"].startswith("【香港商報訊】昨日，創新科技及工業局局長孫東")


@pytest.mark.parametrize(
    ("index", "joined"),
    [
        (1, "大力推進國際創科中心建設，大力推進產學研融合"),
        (2, "核心就是以科技賦能，實現高質量經濟發展。"),
        (2, "引進逾100家重點科技企業來港發展或拓展業務，加速構建本地創科產業體系"),
    ],
    ids=["guoji-chuang-ke", "keji-funeng", "tuozhan-yewu"],
)
def test_seed_broken_paragraphs_are_joined(records, index, joined):
    assert joined in records[index]["body"]


def test_seed_promotion_block_is_gone(records):
    body = records[2]["body"]
    for promo in ("碼上看", "掃碼睇", "大灣區創新成果巡展", "國際時尚匯展", "出入境超4276萬人次"):
        assert promo not in body
    assert body.endswith("一個國際化的都市必然要孕育世界級的人才。」")


def test_seed_captions_become_images(records):
    assert records[0]["images"] == [
        {
            "src": f"{BASE}a1.jpg",
            "caption": "啓動儀式。",
            "source": "中聯辦網站",
            "photographer": None,
            "caption_raw": "啓動儀式。中聯辦網站圖片",
        }
    ]
    assert "中聯辦網站圖片" not in records[0]["body"]
    assert records[2]["images"][-1]["photographer"] == "蔡啓文"
    assert records[2]["images"][-1]["caption"] == (
        "香港中華聯誼會舉辦的「科技+新質生產力」高峰論壇昨舉行。"
    )


def test_seed_vague_dates_are_not_resolved(records):
    assert "一個多月前" not in [m["text"] for m in records[1]["mentioned_dates"]]


def test_reprint_keeps_page_outlet_and_names_the_original():
    raw = RawArticle(
        url="http://www.locpg.gov.cn/20240830/0123456789abcdef0123456789abcdef/c.html",
        outlet="中聯辦網站",
        title="港府循四大方向 发展新质生产力",
        published="2024-08-30 09:00",
        source_line="来源：香港商報",
        blocks=[Block("paragraph", "【香港商报讯】记者王丹丹报道：昨日，论坛在本港举办。")],
    )
    record = normalise_article(raw)
    assert record["outlet"] == "中聯辦網站"
    assert record["original_outlet"] == "香港商報"
    assert record["published"] == "2024-08-30T09:00:00+08:00"
    assert record["bylines"] == [{"role": "reporter", "name": "王丹丹", "outlet": "香港商報"}]


@pytest.mark.parametrize(
    ("line", "bylines"),
    [
        ("来源：人民网 作者：李婕", [("author", "李婕")]),
        ("来源：新华社 作者：张三、李四", [("author", "张三"), ("author", "李四")]),
        ("來源：香港商報 編輯：黃世雅", [("editor", "黃世雅")]),
        ("2020-03-09  来源: 学习时报 作者:", []),
    ],
    ids=["author", "two-authors", "editor", "empty-author"],
)
@pytest.mark.parametrize("where", ["field", "body"])
def test_people_after_a_source_line_are_bylines(line, bylines, where):
    # 来源：X 作者：Y dropped Y (#17).
    raw = RawArticle(
        url="https://a.example/1",
        outlet="",
        published="2024-08-30",
        source_line=line if where == "field" else None,
        blocks=[
            Block("paragraph", "論壇昨日舉行。"),
            *([Block("paragraph", line)] * (where == "body")),
        ],
    )
    record = normalise_article(raw)
    assert [(b["role"], b["name"]) for b in record["bylines"]] == bylines


def test_traditional_and_simplified_copies_hash_alike():
    hant = RawArticle(
        url="https://a.example/1",
        outlet="香港商報",
        blocks=[Block("paragraph", "香港發展新質生產力條件優越。")],
    )
    hans = RawArticle(
        url="https://b.example/1",
        outlet="中聯辦網站",
        blocks=[Block("paragraph", "香港发展新质生产力条件优越。")],
    )
    assert normalise_article(hant)["content_hash"] == normalise_article(hans)["content_hash"]


def test_trailing_editor_line_becomes_a_byline_and_leaves_the_body():
    raw = RawArticle(
        url="https://www.hkcd.com.hk/x.html",
        outlet="香港商報",
        published="2024-08-30",
        blocks=[
            Block("paragraph", "【香港商報訊】記者王丹丹報道：昨日，論壇舉行。"),
            Block("paragraph", "責任編輯：李嘉欣"),
        ],
    )
    record = normalise_article(raw)
    assert record["bylines"][-1] == {"role": "editor", "name": "李嘉欣", "outlet": "香港商報"}
    assert "責任編輯" not in record["body"]


def test_press_release_takes_its_closing_date_and_drops_it():
    raw = RawArticle(
        url="https://www.info.gov.hk/gia/general/202408/29/P2024082900512.htm",
        outlet="政府新聞公報",
        title="行政長官在高峰論壇致辭",
        blocks=[
            Block("paragraph", "以下為行政長官李家超今日（八月二十九日）在論壇的致辭："),
            Block("paragraph", "大家好！"),
            Block("paragraph", "完"),
            Block("paragraph", "2024年8月29日（星期四）"),
            Block("paragraph", "香港時間12時35分"),
        ],
    )
    record = normalise_article(raw)
    assert record["published"] == "2024-08-29T12:35:00+08:00"
    assert record["body"] == "以下為行政長官李家超今日（八月二十九日）在論壇的致辭：\n\n大家好！"
    assert record["mentioned_dates"] == [{"text": "今日（八月二十九日）", "date": "2024-08-29"}]


def test_agency_copy_on_a_newspaper_page():
    raw = RawArticle(
        url="https://www.takungpao.com.hk/news/232108/2024/0830/1.html",
        outlet="大公報",
        title="高峰論壇在港舉行",
        published="2024-08-30 06:00",
        authors=["大公報"],
        blocks=[
            Block("paragraph", "新華社香港8月29日電（記者 劉明洋、韋驊）論壇29日在香港舉行。"),
            Block("paragraph", "論壇由香港中華聯誼會主辦。（完）"),
            Block("paragraph", "【編輯:黃鈺涵】"),
        ],
        images=[RawImage(src="a.jpg", caption="李家超在論壇上致辭。新華社記者 劉明洋 攝")],
    )
    record = normalise_article(raw)
    assert record["outlet"] == "大公報"
    assert record["bylines"] == [
        {"role": "reporter", "name": "劉明洋", "outlet": "新華社"},
        {"role": "reporter", "name": "韋驊", "outlet": "新華社"},
        {"role": "editor", "name": "黃鈺涵", "outlet": "大公報"},
    ]
    assert record["dateline"] == {"place": "香港", "date": "2024-08-29"}
    assert record["images"][0]["source"] == "新華社"
    assert record["images"][0]["photographer"] == "劉明洋"
    assert record["mentioned_dates"] == [{"text": "29日", "date": "2024-08-29"}]


def test_caption_paragraph_fills_the_image_that_has_none_and_qr_codes_go():
    raw = RawArticle(
        url="https://www.hkcd.com.hk/y.html",
        outlet="香港商報",
        published="2024-08-30",
        blocks=[
            Block("paragraph", "【香港商報訊】昨日，論壇舉行。"),
            Block("paragraph", "啓動儀式。中聯辦網站圖片"),
            Block("paragraph", "他說，香港要做好準備。"),
        ],
        images=[
            RawImage(src="a.jpg", alt="啟動儀式 Kick-off Ceremony"),
            RawImage(src="qr.png", alt="掃碼睇片"),
        ],
    )
    record = normalise_article(raw)
    assert record["images"] == [
        {
            "src": "a.jpg",
            "caption": "啓動儀式。",
            "source": "中聯辦網站",
            "photographer": None,
            "caption_raw": "啓動儀式。中聯辦網站圖片",
        }
    ]
    assert record["body"] == "【香港商報訊】昨日，論壇舉行。\n\n他說，香港要做好準備。"


def test_authors_field_names_people_not_outlets():
    raw = RawArticle(
        url="https://www.hkcd.com.hk/z.html",
        outlet="香港商報",
        authors=["香港商報", "作者：香港商報網", "記者 林雪兒", "何文軒"],
        blocks=[Block("paragraph", "論壇舉行。")],
    )
    assert normalise_article(raw)["bylines"] == [
        {"role": "reporter", "name": "林雪兒", "outlet": "香港商報"},
        {"role": "author", "name": "何文軒", "outlet": "香港商報"},
    ]


def test_reporter_credit_closing_a_short_paragraph_is_a_byline_not_a_caption():
    raw = RawArticle(
        url="https://www.dotdotnews.com/a/202409/02/AP66d56dbae6cd032eb0b20e67.html",
        outlet="點新聞",
        published="2024-09-02",
        blocks=[
            Block("paragraph", "【點新聞報道】科技+新質生產力高峰論壇的討論持續發酵。"),
            Block("paragraph", "有社團表示，期望加強對中小企業的支援。（點新聞記者 林浩賢）"),
        ],
    )
    record = normalise_article(raw)
    assert {"role": "reporter", "name": "林浩賢", "outlet": "點新聞"} in record["bylines"]
    assert record["images"] == []
    assert record["body"].endswith("中小企業的支援。（點新聞記者 林浩賢）")


BIDI_RAW = RawArticle(
    url=f"{BASE}content_8652309.html",
    outlet="香港商報",
    title="港府\u202e循四大方向",
    subtitle="\u2066特首\u2069：善用優勢",
    published="2024-08-30",
    authors=["王丹\u200f丹"],
    blocks=[Block("paragraph", "【香港商報訊】記者王丹\u202e丹報道：昨日，論壇在本港\u200e舉辦。")],
    images=[RawImage(src=f"{BASE}a9.jpg", caption="啓動\u2067儀式。中聯辦網站圖片")],
    source_line="來源：\u202a香港商報\u202c",
)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("title", "港府循四大方向"),
        ("subtitle", "特首：善用優勢"),
        ("body", "【香港商報訊】記者王丹丹報道：昨日，論壇在本港舉辦。"),
        ("bylines", [{"role": "reporter", "name": "王丹丹", "outlet": "香港商報"}]),
        ("source_line", "來源：香港商報"),
    ],
    ids=["title", "subtitle", "body", "bylines", "source-line"],
)
def test_bidi_controls_are_stripped_from_every_text_field(field, expected):
    # Issue #19: 王丹\u202e丹 stored as printed was missed by a search for 王丹丹.
    assert normalise_article(BIDI_RAW)[field] == expected


def test_bidi_controls_are_stripped_from_captions():
    image = normalise_article(BIDI_RAW)["images"][0]
    assert (image["caption"], image["caption_raw"]) == ("啓動儀式。", "啓動儀式。中聯辦網站圖片")
