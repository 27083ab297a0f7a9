"""The 大公報 / 大公文匯 spider on saved pages: article fields of both sites, the date fallbacks,
list paging on takungpao.com.hk and tkww.hk, and which links are articles."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.crawl.campaign import Campaign
from spiders.takungpao import TakungpaoSpider
from tests.helpers import TESTS

MIRROR = TESTS / "mirror"
TKP = "https://www.takungpao.com.hk"
TKWW = "https://www.tkww.hk"
LEAD = "/news/232109/2024/0830/1012364.html"
XINHUA = "/news/232110/2024/0829/1012087.html"
PHOTOS = "/photo/236165/2024/0830/1012402.html"
TKWW_REPRINT = "/a/202408/31/AP66d22bd4e4b0e0f28b25e40d.html"
TKWW_OWN = "/a/202408/29/AP66d0721de4b0b018d2e34801.html"
CAMPAIGN = Campaign(
    name="summit", sources=["takungpao"], keywords=["新質生產力"], since=date(2024, 8, 1)
)


def page(base: str, path: str, body: bytes | None = None) -> HtmlResponse:
    """A mirror file (or ``body``) as the response to its real URL."""
    host = base.removeprefix("https://")
    file = MIRROR / host / ("hongkong/index.html" if path == "/hongkong" else path.lstrip("/"))
    content = file.read_bytes() if body is None else body
    return HtmlResponse(url=base + path, body=content, request=Request(base + path))


def spider(campaign: Campaign = CAMPAIGN) -> TakungpaoSpider:
    instance = TakungpaoSpider()
    instance.campaign = campaign
    return instance


def request_urls(requests: list[Request]) -> list[str]:
    return [request.url for request in requests]


def test_takungpao_article_fields_from_the_site_selectors() -> None:
    raw = spider().parse_article(page(TKP, LEAD))
    assert raw.outlet == "大公報"
    assert raw.title == "李家超：四方向加快發展新質生產力"
    assert raw.subtitle == "「科技+新質生產力高峰論壇」逾300嘉賓出席"
    assert raw.published == "2024-08-30 04:21:37"
    assert raw.authors == ["責任編輯：陳思敏"]
    assert raw.source_line == "來源：大公報"
    assert raw.blocks[0].text.startswith("【大公報訊】記者 梁嘉敏、鄧栢然 報道：由香港中華聯誼會")
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["背靠祖國聯通世界 優勢獨特", "四方向推動產業升級"]


def test_takungpao_image_keeps_its_caption_with_the_credit() -> None:
    raw = spider().parse_article(page(TKP, LEAD))
    assert [(image.src, image.caption) for image in raw.images] == [
        (
            "https://images.takungpao.com/2024/0830/20240830042137512.jpg",
            "行政長官李家超在高峰論壇上致辭。大公報記者 林浩天攝",
        )
    ]
    assert all("林浩天攝" not in block.text for block in raw.blocks)


def test_reprint_keeps_its_source_line_and_agency_dateline() -> None:
    raw = spider().parse_article(page(TKP, XINHUA))
    assert raw.source_line == "來源：新華社"
    assert raw.blocks[0].text.startswith("新華社香港8月29日電（記者 劉明遠、陳曉琪）")


def test_photo_story_without_the_date_line_takes_the_meta_date() -> None:
    response = page(TKP, PHOTOS)
    assert spider().parse_article(response).published is None
    raw = spider().extract(response)
    assert raw.published == "2024-08-30T06:12:08+08:00"
    assert raw.title == "【組圖】科技+新質生產力高峰論壇剪影"
    assert [image.caption for image in raw.images][-1] == (
        "論壇吸引約300名政商學界人士出席。大公報記者 温嘉豪攝"
    )
    assert len(raw.images) == 4


def test_page_without_any_date_falls_back_to_the_day_in_its_url() -> None:
    body = (MIRROR / "www.takungpao.com.hk" / PHOTOS.lstrip("/")).read_bytes()
    stripped = body.replace(b'property="article:published_time"', b'property="x"')
    assert spider().extract(page(TKP, PHOTOS, stripped)).published == "2024-08-30"


def test_tkww_article_fields_with_the_json_ld_date() -> None:
    raw = spider().parse_article(page(TKWW, TKWW_REPRINT))
    assert raw.outlet == "大公文匯"
    assert raw.title == "各界熱議高峰論壇 冀港把握新質生產力機遇"
    assert raw.subtitle == "立法會議員：政府四方向切中要害"
    assert raw.published == "Sat Aug 31 04:30:12 HKT 2024"
    assert raw.source_line == "來源：大公報"
    assert raw.authors == ["責任編輯：黃詩晴"]
    assert raw.blocks[0].text.startswith("【大公報訊】記者鄧栢然、葉詠詩報道：")
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["議員：要有配套政策落地", "商界：善用灣區製造優勢"]


def test_tkww_figure_caption() -> None:
    raw = spider().parse_article(page(TKWW, TKWW_OWN))
    assert [image.caption for image in raw.images] == [
        "李家超在論壇上致辭。大公文匯全媒體記者 麥可兒攝"
    ]
    assert raw.blocks[0].text.startswith("【大公文匯全媒體報道】記者 何嘉敏：")


def test_takungpao_list_yields_articles_and_the_next_page() -> None:
    urls = request_urls(list(spider().parse_list(page(TKP, "/news/232109/index.html"))))
    assert urls[0] == TKP + "/news/232109/2024/0902/1013420.html"
    assert TKP + PHOTOS in urls and TKP + XINHUA in urls
    assert urls[-1] == TKP + "/news/232109/index_2.html"
    assert len(urls) == 8


def test_takungpao_list_skips_items_older_than_since() -> None:
    urls = request_urls(list(spider().parse_list(page(TKP, "/news/232109/index_2.html"))))
    assert urls == [
        TKP + "/news/232109/2024/0816/1007455.html",
        TKP + "/news/232109/index_3.html",
    ]


def test_takungpao_paging_stops_at_a_page_older_than_since() -> None:
    assert list(spider().parse_list(page(TKP, "/news/232109/index_3.html"))) == []
    unbounded = spider(replace(CAMPAIGN, since=None))
    urls = request_urls(list(unbounded.parse_list(page(TKP, "/news/232109/index_3.html"))))
    assert urls == [
        TKP + "/news/232109/2024/0722/998731.html",
        TKP + "/news/232109/index_4.html",
    ]


def test_tkww_list_yields_articles_and_the_next_page() -> None:
    urls = request_urls(list(spider().parse_list(page(TKWW, "/hongkong"))))
    assert urls == [
        TKWW + TKWW_REPRINT,
        TKWW + "/a/202408/30/AP66d0d63ee4b0512a7226349e.html",
        TKWW + TKWW_OWN,
        TKWW + "/hongkong/more_2.html",
    ]


def test_tkww_paging_stops_at_a_page_older_than_since() -> None:
    assert list(spider().parse_list(page(TKWW, "/hongkong/more_3.html"))) == []


@pytest.mark.parametrize(
    "url, article",
    [
        (TKP + LEAD, True),
        (TKP + "/news/232109/2024/0708/993826.html", True),
        ("https://www.takungpao.com/news/232109/2024/0830/1012364.html", True),
        (TKP + "/news/232109/index_2.html", False),
        (TKP + LEAD + "#comments", True),
        (TKWW + TKWW_OWN, True),
        ("https://tkww.hk" + TKWW_OWN, True),
        (TKWW + "/hongkong/more_2.html", False),
        (TKWW + LEAD, False),
        (TKP + TKWW_OWN, False),
        ("https://www.wenweipo.com" + TKWW_OWN, False),
    ],
    ids=[
        "takungpao",
        "six-digit-id",
        "simplified-host",
        "takungpao-list",
        "fragment",
        "tkww",
        "tkww-bare-host",
        "tkww-list",
        "takungpao-path-on-tkww",
        "tkww-path-on-takungpao",
        "other-host",
    ],
)
def test_article_urls_are_told_from_other_links(url: str, article: bool) -> None:
    assert spider().is_article_url(url) is article
