"""The 中聯辦 spider on saved pages: both article layouts (one GB2312), 来源 lines of reprints,
list paging on the current host, the summit's topic page and the older host's list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.crawl.campaign import Campaign
from crawler.normalise import normalise_article
from spiders.hkcd import HkcdSpider
from spiders.locpg import LocpgSpider, info_date, source_line
from tests.helpers import TESTS

MIRROR = TESTS / "mirror"
GOV = "https://www.locpg.gov.cn"
HK = "https://www.locpg.hk"
SPEECH = "/20240829/d05bf7d88d127a98c29dc72be0091c95/c.html"
DAKUNG = "/20240830/d6102dc18d6894c97f99be8533d1c710/c.html"
REPRINT = "/jsdt/2024-08/30/c_1130081276.htm"
HKCD_ORIGINAL = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"
CAMPAIGN = Campaign(
    name="summit", sources=["locpg"], keywords=["新质生产力"], since=date(2024, 8, 1)
)


def page(url: str) -> HtmlResponse:
    """A mirror file as the response to its real URL (no charset in headers, as served)."""
    host, _, path = url.removeprefix("https://").partition("/")
    body = (MIRROR / host / path).read_bytes()
    return HtmlResponse(url=url, body=body, request=Request(url))


def spider(campaign: Campaign = CAMPAIGN) -> LocpgSpider:
    instance = LocpgSpider()
    instance.campaign = campaign
    return instance


def test_own_report_fields_from_the_news_cn_layout() -> None:
    raw = spider().parse_article(page(GOV + SPEECH))
    assert raw.outlet == "中聯辦網站"
    assert raw.title == "郑雁雄出席“科技+新质生产力”高峰论坛并致辞"
    assert raw.subtitle is None
    assert raw.published == "2024-08-29 19:36:12"
    assert raw.source_line == "来源：中联办网站"
    assert raw.authors == ["责任编辑:刘洋"]
    assert raw.blocks[-1].text.startswith("行政长官李家超出席开幕式并致辞。")
    assert raw.blocks[0].text == (
        "8月29日，由香港中华联谊会主办的“科技+新质生产力”高峰论坛在港举行。"
        "中央政府驻港联络办主任郑雁雄出席开幕式并致辞。"
    )


def test_own_report_photos_keep_their_site_credit() -> None:
    raw = spider().parse_article(page(GOV + SPEECH))
    folder = GOV + SPEECH.removesuffix("c.html")
    assert [image.caption for image in raw.images] == [
        "8月29日，中央政府驻港联络办主任郑雁雄出席“科技+新质生产力”高峰论坛并致辞。（中联办网站图片）",
        "图为论坛启动仪式。（中联办网站图片）",
    ]
    assert all(image.src.startswith(folder) for image in raw.images)
    assert all("中联办网站图片" not in block.text for block in raw.blocks)


def test_newspaper_reprint_has_subtitle_headings_and_source_line() -> None:
    raw = spider().parse_article(page(GOV + DAKUNG))
    assert raw.subtitle == "高峰论坛逾300嘉宾共商创科发展"
    assert raw.source_line == "来源：大公报"
    assert raw.blocks[0].text.startswith("【大公报讯】记者郭悦报道：")
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["两年引进逾百家重点企业", "独角兽榜单显香港基因"]


def test_gb2312_reprint_on_the_older_layout_is_decoded() -> None:
    response = page(HK + REPRINT)
    raw = spider().parse_article(response)
    assert response.encoding == "gb18030"
    assert raw.title == "港府循四大方向 发展新质生产力"
    assert raw.published == "2024-08-30"
    assert raw.source_line == "来源：香港商报"
    assert raw.blocks[0].text.startswith("【香港商报讯】记者王丹丹报道：昨日，「科技+新质生产力")
    assert "——持续加大创新力度。" in " ".join(block.text for block in raw.blocks)
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["建设国际科创中心重要引擎", "打造国际高端人才集聚高地"]
    assert [image.caption for image in raw.images] == [
        "香港中华联谊会举办的「科技+新质生产力」高峰论坛昨举行。 记者 蔡启文摄",
        "启动仪式。中联办网站图片",
    ]


def test_reprint_record_names_the_newspaper_and_matches_its_text() -> None:
    reprint = normalise_article(spider().parse_article(page(HK + REPRINT)))
    original = normalise_article(HkcdSpider().parse_article(page(HKCD_ORIGINAL)))
    assert (reprint["outlet"], reprint["original_outlet"]) == ("中聯辦網站", "香港商報")
    assert reprint["content_hash"] == original["content_hash"]


@pytest.mark.parametrize(
    "info, source, published",
    [
        ("来源：香港商报 发布时间：2024-08-30 【字体：大 中 小】", "来源：香港商报", "2024-08-30"),
        ("来源：中联办网站 | 2024-08-29 19:36:12", "来源：中联办网站", "2024-08-29 19:36:12"),
        ("来源:新华社", "来源:新华社", None),
        ("【字体：大 中 小】", None, None),
    ],
    ids=["older-info", "mobile-info", "ascii-colon", "no-info"],
)
def test_info_lines_give_source_and_date(
    info: str, source: str | None, published: str | None
) -> None:
    assert (source_line([info]), info_date([info])) == (source, published)


def test_news_list_yields_articles_in_the_window_and_the_next_page() -> None:
    requests = list(spider().parse_list(page(GOV + "/jsdt/index.html")))
    assert [r.url for r in requests] == [
        GOV + "/20240920/ef5b0fb088c9830a9afd2ec2e3d107f8/c.html",
        GOV + DAKUNG,
        GOV + "/20240830/0d67847b793454224546fe8a7c0ae592/c.html",
        GOV + "/20240829/54d8e0ac900c31ea50a64efe4a85813d/c.html",
        GOV + "/jsdt/index_1.html",
    ]


def test_paging_stops_at_a_page_older_than_since() -> None:
    assert list(spider().parse_list(page(GOV + "/jsdt/index_2.html"))) == []
    unbounded = spider(replace(CAMPAIGN, since=None))
    requests = list(unbounded.parse_list(page(GOV + "/jsdt/index_2.html")))
    assert GOV + "/jsdt/index_3.html" in [r.url for r in requests]


def test_topic_page_links_reprints_on_both_hosts() -> None:
    urls = [r.url for r in spider().parse_list(page(GOV + "/ztzl/2024kjxzslt/index.html"))]
    assert len(urls) == 7
    assert HK + REPRINT in urls
    assert GOV + SPEECH in urls


def test_older_host_list_skips_items_before_the_window() -> None:
    urls = [r.url for r in spider().parse_list(page(HK + "/jsdt/index.htm"))]
    assert urls == [HK + "/jsdt/2024-09/15/c_1130098812.htm", HK + REPRINT]


@pytest.mark.parametrize(
    "url, article",
    [
        (GOV + SPEECH, True),
        ("https://locpg.gov.cn" + SPEECH, True),
        (HK + REPRINT, True),
        (HK + "/2024-07/02/c_5821.htm", True),
        (GOV + "/jsdt/2024-08/30/c_1130081276.htm", True),
        (GOV + "/jsdt/index_1.html", False),
        (GOV + "/ztzl/2024kjxzslt/index.html", False),
        (GOV + "/20240829/d05bf7d88d127a98/c.html", False),
        ("https://www.news.cn" + SPEECH, False),
    ],
    ids=[
        "current",
        "bare-host",
        "older-host",
        "older-short-id",
        "older-path-current-host",
        "list",
        "topic",
        "short-hex",
        "news-cn",
    ],
)
def test_article_urls_are_told_from_other_links(url: str, article: bool) -> None:
    assert spider().is_article_url(url) is article
