"""The government spider on saved pages: news.gov.hk stories, info.gov.hk press releases (Big5
among them), category lists with paging, RSS feeds, daily indexes and their window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from scrapy import Request
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.crawl.campaign import Campaign
from crawler.normalise import normalise_article
from spiders.govhk import GovhkSpider, daily_index_window, news_url_stamp
from tests.helpers import TESTS

MIRROR = TESTS / "mirror"
NEWS = "https://www.news.gov.hk"
INFO = "https://www.info.gov.hk"
CE_STORY = "/chi/202408/20240829_124512_301.html"
FEATURE = "/chi/202408/20240831_100015_112.html"
CE_SPEECH = "/gia/general/202408/29/P2024082900351.htm"
SUN_SPEECH = "/gia/general/202408/29/P2024082900402.htm"
CE_PHOTOS = "/gia/general/202408/29/P2024082900567.htm"
SCHEME = "/gia/general/202409/20/P2024092000412.htm"
CAMPAIGN = Campaign(
    name="summit", sources=["govhk"], keywords=["新質生產力"], since=date(2024, 8, 1)
)


def page(base: str, path: str) -> HtmlResponse:
    """A mirror file as the response to its real URL (no charset header, as the mirror sends)."""
    host = base.removeprefix("https://")
    body = (MIRROR / host / path.lstrip("/")).read_bytes()
    return HtmlResponse(url=base + path, body=body, request=Request(base + path))


def feed(base: str, path: str) -> XmlResponse:
    host = base.removeprefix("https://")
    body = (MIRROR / host / path.lstrip("/")).read_bytes()
    return XmlResponse(url=base + path, body=body, request=Request(base + path))


def spider(campaign: Campaign = CAMPAIGN) -> GovhkSpider:
    instance = GovhkSpider()
    instance.campaign = campaign
    return instance


def test_news_story_fields_from_the_site_selectors() -> None:
    raw = spider().parse_article(page(NEWS, CE_STORY))
    assert raw.outlet == "政府新聞網"
    assert raw.title == "特首：四方向發展新質生產力"
    assert raw.subtitle is None
    assert raw.published == "2024年8月29日（星期四） 12:45"
    assert raw.authors == []
    assert raw.blocks[0].text.startswith("行政長官李家超今日在「科技+新質生產力高峰論壇」致辭")
    assert "焦點新聞" not in " ".join(block.text for block in raw.blocks)


def test_news_story_gallery_photos_are_absolute_with_their_captions() -> None:
    raw = spider().parse_article(page(NEWS, CE_STORY))
    assert [(image.src, image.caption) for image in raw.images] == [
        (
            NEWS + "/chi/202408/images/20240829_124512_1.jpg",
            "行政長官李家超今日出席「科技+新質生產力高峰論壇」並致辭。",
        ),
        (
            NEWS + "/chi/202408/images/20240829_124512_2.jpg",
            "李家超（中）與一眾主禮嘉賓主持論壇啓動儀式。",
        ),
    ]


def test_news_feature_keeps_its_bold_subheads_as_headings() -> None:
    raw = spider().parse_article(page(NEWS, FEATURE))
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["善用獨特優勢", "四方向齊發力"]


def test_press_release_fields_and_closing_lines() -> None:
    raw = spider().parse_article(page(INFO, SUN_SPEECH))
    assert raw.outlet == "政府新聞公報"
    assert raw.title == "創新科技及工業局局長在「科技+新質生產力高峰論壇」致辭（只有中文）"
    assert raw.published == "2024-08-29T13:05:00+08:00"
    assert raw.blocks[0].text.startswith("以下為創新科技及工業局局長孫東今日（八月二十九日）")
    assert [block.text for block in raw.blocks[-3:]] == [
        "完",
        "2024年8月29日（星期四）",
        "香港時間13時05分",
    ]


def test_big5_press_release_is_decoded_from_its_meta_charset() -> None:
    response = page(INFO, CE_SPEECH)
    raw = spider().parse_article(response)
    body = " ".join(block.text for block in raw.blocks)
    assert response.encoding == "big5hkscs"
    assert raw.title == "行政長官在「科技+新質生產力高峰論壇」致辭 (只有中文)"
    assert all(phrase in body for phrase in ("在這裏聚首", "科研第一綫", "科技高峯", "啓發"))


def test_big5_press_release_record_dates_from_its_closing_lines() -> None:
    record = normalise_article(spider().extract(page(INFO, CE_SPEECH)))
    assert record["published"] == "2024-08-29T12:35:00+08:00"
    assert record["body"].endswith("多謝各位。")
    assert record["bylines"] == []


def test_press_release_photos_carry_their_captions() -> None:
    raw = spider().parse_article(page(INFO, CE_PHOTOS))
    assert [(image.src, image.caption) for image in raw.images] == [
        (
            INFO + "/gia/general/202408/29/P2024082900567_photo_1262301.jpg",
            "行政長官李家超今日（八月二十九日）上午出席「科技+新質生產力高峰論壇」開幕式並致辭。",
        ),
        (
            INFO + "/gia/general/202408/29/P2024082900567_photo_1262302.jpg",
            "行政長官李家超（中）今日（八月二十九日）上午與其他主禮嘉賓主持"
            "「科技+新質生產力高峰論壇」啓動儀式。",
        ),
    ]


def test_press_release_bold_lines_are_headings() -> None:
    raw = spider().parse_article(page(INFO, SCHEME))
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["計劃詳情", "申請及查詢"]


def test_big5_daily_index_lists_the_days_releases() -> None:
    response = page(INFO, "/gia/general/202408/29c.htm")
    titles = response.xpath("//div[@class='leftBody']//a/text()").getall()
    assert response.encoding == "big5hkscs"
    assert "食環署加強啓德一帶防蚊滅蚊工作" in titles
    assert [r.url for r in spider().parse_daily_index(response)] == [
        INFO + "/gia/general/202408/29/P2024082900188.htm",
        INFO + CE_SPEECH,
        INFO + SUN_SPEECH,
        INFO + CE_PHOTOS,
    ]


def test_daily_index_older_than_since_yields_nothing() -> None:
    assert list(spider().parse_daily_index(page(INFO, "/gia/general/202407/22c.htm"))) == []


@pytest.mark.parametrize(
    "status, errors",
    [(404, 0), (500, 1)],
    ids=["missing-day-is-quiet", "server-error-counts"],
)
def test_daily_index_errors(status: int, errors: int) -> None:
    crawler = get_crawler(GovhkSpider)
    instance = GovhkSpider.from_crawler(crawler, campaign=CAMPAIGN)
    url = INFO + "/gia/general/202408/01c.htm"
    response = HtmlResponse(url=url, status=status, body=b"not found", request=Request(url))
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = response.request
    instance.on_index_error(failure)
    assert crawler.stats.get_value("archive/fetch_error", 0) == errors


def test_category_list_yields_stories_in_the_window_and_the_next_page() -> None:
    response = page(NEWS, "/chi/categories/admin/html/articlelist.html")
    urls = [r.url for r in spider().parse_list(response)]
    assert urls == [
        NEWS + FEATURE,
        NEWS + "/chi/202408/20240829_140238_644.html",
        NEWS + CE_STORY,
        NEWS + "/chi/categories/admin/html/articlelist_2.html",
    ]


def test_paging_stops_at_a_list_page_older_than_since() -> None:
    older = page(NEWS, "/chi/categories/admin/html/articlelist_2.html")
    assert list(spider().parse_list(older)) == []
    unbounded = [r.url for r in spider(replace(CAMPAIGN, since=None)).parse_list(older)]
    assert NEWS + "/chi/categories/admin/html/articlelist_3.html" in unbounded


def test_news_feed_yields_stories_in_the_window() -> None:
    response = feed(NEWS, "/tc/common/html/topstories.rss.xml")
    urls = [r.url for r in spider().parse_feed(response)]
    assert NEWS + CE_STORY in urls
    assert NEWS + "/chi/202407/20240712_162030_118.html" not in urls
    assert len(urls) == 5


def test_press_release_feed_yields_releases_in_the_window() -> None:
    urls = [r.url for r in spider().parse_feed(feed(INFO, "/gia/rss/general_zh.xml"))]
    assert urls == [
        INFO + "/gia/general/202409/25/P2024092500388.htm",
        INFO + SCHEME,
        INFO + "/gia/general/202409/12/P2024091200301.htm",
        INFO + "/gia/general/202409/06/P2024090600433.htm",
    ]


@pytest.mark.parametrize(
    "since, until, today, first, last",
    [
        (
            date(2024, 8, 1),
            date(2024, 8, 31),
            date(2026, 1, 1),
            date(2024, 8, 1),
            date(2024, 8, 31),
        ),
        (date(2024, 8, 1), None, date(2026, 1, 1), date(2024, 8, 1), date(2024, 10, 31)),
        (date(2024, 8, 1), None, date(2024, 8, 10), date(2024, 8, 1), date(2024, 8, 10)),
        (None, date(2024, 9, 30), date(2026, 1, 1), date(2024, 7, 1), date(2024, 9, 30)),
        (date(2024, 8, 1), date(2030, 1, 1), date(2024, 8, 3), date(2024, 8, 1), date(2024, 8, 3)),
    ],
    ids=[
        "since-until",
        "open-ended-92-days",
        "open-ended-to-today",
        "until-only",
        "not-past-today",
    ],
)
def test_daily_index_window(
    since: date | None, until: date | None, today: date, first: date, last: date
) -> None:
    days = daily_index_window(since, until, today)
    assert (days[0], days[-1], len(days)) == (first, last, (last - first).days + 1)


@pytest.mark.parametrize(
    "url, article",
    [
        (NEWS + CE_STORY, True),
        ("https://news.gov.hk" + CE_STORY, True),
        (INFO + CE_SPEECH, True),
        (INFO + CE_SPEECH + "#top", True),
        (INFO + "/gia/general/202408/29c.htm", False),
        (NEWS + "/chi/categories/admin/html/articlelist.html", False),
        (INFO + CE_STORY, False),
        (NEWS + CE_SPEECH, False),
        ("https://www.example.com" + CE_STORY, False),
    ],
    ids=[
        "news-story",
        "news-bare-host",
        "press-release",
        "press-release-fragment",
        "daily-index",
        "category-list",
        "story-path-on-info",
        "release-path-on-news",
        "other-host",
    ],
)
def test_article_urls_are_told_from_other_links(url: str, article: bool) -> None:
    assert spider().is_article_url(url) is article


def test_index_days_argument_must_be_a_positive_number() -> None:
    assert GovhkSpider(index_days="31").index_days == 31
    with pytest.raises(UsageError, match="index_days"):
        GovhkSpider(index_days="a month")


@pytest.mark.parametrize(
    "url, stamp",
    [
        (NEWS + CE_STORY, "2024-08-29T12:45:12+08:00"),
        (NEWS + "/chi/categories/admin/html/articlelist.html", None),
    ],
    ids=["story", "not-a-story"],
)
def test_story_url_carries_its_time(url: str, stamp: str | None) -> None:
    assert news_url_stamp(url) == stamp
