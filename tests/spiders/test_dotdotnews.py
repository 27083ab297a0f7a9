"""The 點新聞 spider on saved pages: article fields (date from JSON-LD), list items whose links
are in data-href, paging."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.crawl.campaign import Campaign
from spiders.dotdotnews import DotdotnewsSpider, author_names
from tests.helpers import TESTS

MIRROR = TESTS / "mirror" / "www.dotdotnews.com"
BASE = "https://www.dotdotnews.com"
GUESTS = "/a/202408/29/AP66d050162af21499a5d7f811.html"
LEE = "/a/202408/29/AP66cfe56898a1e2893abe7891.html"
RAINSTORM = "/a/202407/16/AP66961190dc35fa901799ac9a.html"
LANTERNS = "/a/202409/12/AP66e2ce6ed77d4d0f5d20a7cd.html"
CAMPAIGN = Campaign(
    name="summit", sources=["dotdotnews"], keywords=["新質生產力"], since=date(2024, 8, 1)
)


def page(path: str) -> HtmlResponse:
    """A mirror file as the response to its real URL (a folder's index.html for a list)."""
    file = path.strip("/") + ("/index.html" if "." not in path else "")
    body = (MIRROR / file).read_bytes()
    return HtmlResponse(url=BASE + path, body=body, request=Request(BASE + path))


def spider(campaign: Campaign = CAMPAIGN) -> DotdotnewsSpider:
    instance = DotdotnewsSpider()
    instance.campaign = campaign
    return instance


def test_article_fields_from_og_title_and_json_ld() -> None:
    raw = spider().parse_article(page(GUESTS))
    assert raw.outlet == "點新聞"
    assert raw.title == "與會嘉賓：香港發展新質生產力大有可為"
    assert raw.subtitle is None
    assert raw.published == "Thu Aug 29 18:40:22 HKT 2024"
    assert raw.authors == ["黃綺琪"]
    assert raw.blocks[0].text.startswith("【點新聞報道】（點新聞記者 黃綺琪）「科技+新質生產力」")
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["科研成果轉化是關鍵", "年輕人應把握機遇"]


def test_centred_captions_go_with_their_images() -> None:
    raw = spider().parse_article(page(GUESTS))
    image = "https://image.dotdotnews.com/20240829/AP66d050162af21499a5d7f811_{}.jpg"
    assert [(i.src, i.caption) for i in raw.images] == [
        (image.format(1), "論壇吸引約300名政商學界人士出席。（點新聞記者 林浩賢 攝）"),
        (image.format(2), "與會嘉賓在論壇期間交流。（點新聞記者 林浩賢 攝）"),
    ]
    assert all("攝）" not in block.text for block in raw.blocks)


def test_organisation_author_is_the_outlet() -> None:
    raw = spider().parse_article(page(LEE))
    assert raw.authors == ["點新聞"]
    assert raw.published == "Thu Aug 29 11:05:12 HKT 2024"


def test_body_stays_inside_the_rich_text_container() -> None:
    raw = spider().parse_article(page(LANTERNS))
    texts = [block.text for block in raw.blocks]
    assert texts[0].startswith("【點新聞報道】康文署今年中秋")
    assert not any("責任編輯" in text or "相關新聞" in text for text in texts)
    assert [i.caption for i in raw.images] == ["維園綵燈會的大型燈飾正在搭建中。（點新聞記者攝）"]


def test_older_layout_without_rich_text_container() -> None:
    raw = spider().parse_article(page(RAINSTORM))
    assert raw.title == "黃雨警告生效 新界北多區雨量逾60毫米"
    assert raw.blocks[0].text.startswith("【點新聞報道】天文台今日（16日）中午12時15分")
    assert [i.caption for i in raw.images] == ["天文台發出黃雨警告，市區天色昏暗。（點新聞記者攝）"]


@pytest.mark.parametrize(
    "value, names",
    [
        ({"@type": "Person", "name": "黃綺琪"}, ["黃綺琪"]),
        ([{"@type": "Person", "name": "甲"}, "乙"], ["甲", "乙"]),
        ({"@type": "Organization"}, []),
        (None, []),
    ],
    ids=["person", "list", "no-name", "missing"],
)
def test_json_ld_author_names(value: object, names: list[str]) -> None:
    assert author_names(value) == names


def test_list_items_link_through_data_href() -> None:
    requests = list(spider().parse_list(page("/immed/hknews")))
    assert [r.url for r in requests] == [
        BASE + LANTERNS,
        BASE + "/a/202409/02/AP66d56dbae6cd032eb0b20e67.html",
        BASE + "/a/202408/30/AP66d128f16e6887eb6dd9a93b.html",
        BASE + GUESTS,
        BASE + "/a/202408/29/AP66cff67db78659f76e00a16b.html",
        BASE + "/immed/hknews/more_2.html",
    ]


def test_paging_stops_at_a_page_older_than_since() -> None:
    assert list(spider().parse_list(page("/immed/hknews/more_3.html"))) == []
    unbounded = spider(replace(CAMPAIGN, since=None))
    requests = list(unbounded.parse_list(page("/immed/hknews/more_3.html")))
    assert [r.url for r in requests] == [
        BASE + "/a/202407/29/AP66a787ec152ce819dbe0ca50.html",
        BASE + "/immed/hknews/more_4.html",
    ]


@pytest.mark.parametrize(
    "url, article",
    [
        (BASE + GUESTS, True),
        ("https://dotdotnews.com" + GUESTS, True),
        (BASE + GUESTS + "#top", True),
        (BASE + "/a/202408/29/AP66D050162AF21499A5D7F811.html", False),
        (BASE + "/immed/hknews/more_2.html", False),
        ("https://www.wenweipo.com" + GUESTS, False),
    ],
    ids=["www", "bare-host", "fragment", "upper-case-id", "list", "other-host"],
)
def test_article_urls_are_told_from_other_links(url: str, article: bool) -> None:
    assert spider().is_article_url(url) is article
