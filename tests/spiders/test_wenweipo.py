"""The 文匯報 spider on saved pages: article fields, channel and paper-index paging, the Big5
PDF edition, the ``editions`` argument."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date

import pytest
from scrapy import Request
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse

from crawler.crawl.campaign import Campaign
from spiders.wenweipo import WenweipoSpider
from tests.helpers import TESTS

MIRROR = TESTS / "mirror"
BASE = "https://www.wenweipo.com"
PDF = "https://pdf.wenweipo.com"
ZHENG = "/a/202408/30/AP66d0da7d2c4957d96fe2bc3d.html"
LEE = "/a/202408/30/AP66d0da98be69c6664da63764.html"
SUN = "/a/202408/30/AP66d0dac519ce067ef726ae48.html"
FORUM_AI = "/a/202408/30/AP66d0db24eb6c68677079e694.html"
RAILWAY = "/a/202409/05/AP66d96e60dd9ab7fecfa82adc.html"
CAMPAIGN = Campaign(
    name="summit", sources=["wenweipo"], keywords=["新質生產力"], since=date(2024, 8, 1)
)


def page(url: str, body: bytes | None = None) -> HtmlResponse:
    """The mirror file of a real URL as the response to it (the encoding left to Scrapy)."""
    host, _, path = url.removeprefix("https://").partition("/")
    body = body if body is not None else (MIRROR / host / path).read_bytes()
    return HtmlResponse(url=url, body=body, request=Request(url))


def www(path: str) -> HtmlResponse:
    file = path.strip("/") + ("/index.html" if "." not in path else "")
    return page(BASE + path, (MIRROR / "www.wenweipo.com" / file).read_bytes())


def spider(campaign: Campaign = CAMPAIGN, **kwargs: str) -> WenweipoSpider:
    instance = WenweipoSpider(**kwargs)
    instance.campaign = campaign
    return instance


def test_article_fields_from_the_site_selectors() -> None:
    raw = spider().parse_article(www(ZHENG))
    assert raw.outlet == "文匯報"
    assert raw.title == "鄭雁雄：發展新質生產力關鍵是做起來"
    assert raw.subtitle == "出席「科技+新質生產力」高峰論壇 冀各界全情投入銳意進取"
    assert raw.published == "2024-08-30 04:30:53"
    assert raw.authors == ["鄭嘉雯、費曉峰"]
    assert raw.blocks[0].text.startswith(
        "【香港文匯報訊】記者 鄭嘉雯、費曉峰 報道：由香港中華聯誼會"
    )
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["科技創新起決定性作用", "四大優勢得天獨厚"]


def test_article_figures_become_images_with_their_captions() -> None:
    raw = spider().parse_article(www(ZHENG))
    image = "https://img.wenweipo.com/2024/08/30/AP66d0da7d2c4957d96fe2bc3d_{}.jpg"
    assert [(i.src, i.caption) for i in raw.images] == [
        (image.format(1), "■鄭雁雄在「科技+新質生產力」高峰論壇上致辭。 香港文匯報記者 曾浩然 攝"),
        (image.format(2), "■論壇吸引約300名政商學界人士出席。 香港文匯報記者 曾浩然 攝"),
    ]


def test_standalone_byline_stays_first_in_the_body() -> None:
    raw = spider().parse_article(www(LEE))
    assert raw.title == "特首：四方向加快發展新質生產力"
    assert [block.text for block in raw.blocks[:1]] == ["香港文匯報記者 鄭嘉雯"]
    assert raw.authors == ["香港文匯報"]


def test_older_layout_rich_text_container_and_info_bar_time() -> None:
    raw = spider().parse_article(www(RAILWAY))
    assert raw.title == "全國鐵路暑運發送旅客逾9億人次 創同期新高"
    assert raw.subtitle is None
    assert raw.published == "2024-09-05 16:40"
    assert raw.blocks[0].text.startswith("【香港文匯報訊】（記者 郭若溪 北京報道）為期62天")
    assert [i.caption for i in raw.images] == ["■暑運期間，北京南站旅客絡繹不絕。 中新社"]


def test_title_bar_heading_when_there_is_no_og_title() -> None:
    html = (MIRROR / "www.wenweipo.com" / SUN.strip("/")).read_text(encoding="utf-8")
    without_og = "\n".join(line for line in html.splitlines() if "og:title" not in line)
    raw = spider().parse_article(page(BASE + SUN, without_og.encode("utf-8")))
    assert raw.title == "孫東：以人才推動科技 以科技引領產業"


def test_channel_page_yields_articles_in_the_window_and_the_next_page() -> None:
    requests = list(spider().parse_list(www("/immed/hongkong")))
    assert [r.url for r in requests] == [
        BASE + "/a/202409/10/AP66dfefbde662e3fb71bdd2dc.html",
        BASE + "/a/202409/03/AP66d61df5cf709d306d4f370d.html",
        BASE + "/a/202408/31/AP66d22aae8d3110684d5059b3.html",
        BASE + LEE,
        BASE + ZHENG,
        BASE + "/immed/hongkong/more_2.html",
    ]


def test_paging_stops_at_a_page_older_than_since() -> None:
    assert list(spider().parse_list(www("/immed/hongkong/more_3.html"))) == []
    unbounded = spider(replace(CAMPAIGN, since=None))
    requests = list(unbounded.parse_list(www("/immed/hongkong/more_3.html")))
    assert [r.url for r in requests] == [
        BASE + "/a/202407/25/AP66a226fdc3c02ab97bd84234.html",
        BASE + "/immed/hongkong/more_4.html",
    ]


def test_paper_index_follows_the_pdf_editions_of_days_in_the_window() -> None:
    instance = spider()
    requests = list(instance.parse_list(www("/todaywenwei/whnews/more_2.html")))
    editions = [r.url for r in requests if r.callback == instance.parse_edition]
    assert editions == [PDF + "/2024/08/27/pdf1.htm", PDF + "/2024/08/13/pdf1.htm"]
    assert BASE + "/todaywenwei/whnews/more_3.html" in [r.url for r in requests]


def test_paper_index_skips_editions_older_than_since() -> None:
    assert list(spider().parse_list(www("/todaywenwei/whnews/more_3.html"))) == []


@pytest.mark.parametrize(
    "day, title, first",
    [
        ("2024/08/30", "香港文匯報 電子版 2024年08月30日", "鄭雁雄：發展新質生產力關鍵是做起來"),
        ("2024/08/31", "香港文匯報 電子版 2024年08月31日", "各界：論壇為港發展新質生產力指路"),
    ],
    ids=["http-equiv-charset", "meta-charset"],
)
def test_pdf_edition_is_decoded_from_big5(day: str, title: str, first: str) -> None:
    response = page(f"{PDF}/{day}/pdf1.htm")
    assert response.xpath("//title/text()").get() == title
    assert response.xpath("//div[@class='pdf_c2br']//li/a/text()").get() == first


def test_pdf_edition_lists_the_days_printed_articles() -> None:
    requests = list(spider().parse_edition(page(PDF + "/2024/08/30/pdf1.htm")))
    assert [r.url for r in requests] == [BASE + ZHENG, BASE + LEE, BASE + SUN, BASE + FORUM_AI]


def test_editions_argument_requests_those_days_editions() -> None:
    async def collect(instance: WenweipoSpider) -> list[Request]:
        return [request async for request in instance.start()]

    instance = spider(channels="inland", editions="2024-08-30,2024-08-31")
    requests = asyncio.run(collect(instance))
    assert [r.url for r in requests] == [
        BASE + "/immed/inland",
        PDF + "/2024/08/30/pdf1.htm",
        PDF + "/2024/08/31/pdf1.htm",
    ]


@pytest.mark.parametrize(
    "arguments, message",
    [({"editions": "30/08/2024"}, "editions"), ({"channels": "sports"}, "unknown sports")],
    ids=["edition-not-a-date", "unknown-channel"],
)
def test_bad_arguments_are_usage_errors(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        WenweipoSpider(**arguments)


@pytest.mark.parametrize(
    "url, article",
    [
        (BASE + ZHENG, True),
        ("https://wenweipo.com" + ZHENG, True),
        (BASE + ZHENG + "#comments", True),
        (BASE + "/a/202408/30/AP66d0da7d2c4957d96fe2bc3.html", False),
        (BASE + "/immed/hongkong/more_2.html", False),
        (PDF + "/2024/08/30/pdf1.htm", False),
        ("https://www.dotdotnews.com" + ZHENG, False),
    ],
    ids=["www", "bare-host", "fragment", "short-id", "list", "pdf-edition", "other-host"],
)
def test_article_urls_are_told_from_other_links(url: str, article: bool) -> None:
    assert spider().is_article_url(url) is article
