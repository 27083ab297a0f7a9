"""The 香港商報 spider on saved pages: article fields, list paging, the search answer."""

from __future__ import annotations

import tracemalloc
from dataclasses import replace
from datetime import date
from urllib.parse import quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parsel import Selector
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from crawler.crawl.campaign import Campaign
from spiders.hkcd import HkcdSpider, search_links, unquoted
from tests.helpers import TESTS

MIRROR = TESTS / "mirror" / "www.hkcd.com.hk"
BASE = "https://www.hkcd.com.hk"
FIRST = "/hkcdweb/content/2024/08/30/content_8652301.html"
CAMPAIGN = Campaign(
    name="summit", sources=["hkcd"], keywords=["新質生產力"], since=date(2024, 8, 1)
)


def page(path: str) -> HtmlResponse:
    """A mirror file as the response to its real URL."""
    body = (MIRROR / path.lstrip("/")).read_bytes()
    return HtmlResponse(url=BASE + path, body=body, request=Request(BASE + path))


def spider(campaign: Campaign = CAMPAIGN) -> HkcdSpider:
    instance = HkcdSpider()
    instance.campaign = campaign
    return instance


def test_article_fields_from_the_site_selectors() -> None:
    raw = spider().parse_article(page(FIRST))
    assert raw.outlet == "香港商報"
    assert raw.title == "港府循四大方向 發展新質生產力"
    assert raw.subtitle == "特首：善用自身優勢積極創新變革"
    assert raw.published == "2024-08-30 04:21:37"
    assert raw.authors == ["香港商報", "責任編輯：李嘉欣"]
    assert raw.blocks[0].text.startswith("【香港商報訊】記者王丹丹報道：昨日")
    headings = [block.text for block in raw.blocks if block.kind == "heading"]
    assert headings == ["建設國際科創中心重要引擎", "打造國際高端人才集聚高地"]


def test_article_images_are_absolute_with_their_captions() -> None:
    raw = spider().parse_article(page(FIRST))
    assert [(image.src, image.caption) for image in raw.images] == [
        (
            BASE + "/hkcdweb/images/2024-08/30/a8652301_1.jpg",
            "香港中華聯誼會舉辦的「科技+新質生產力」高峰論壇昨舉行。 記者 蔡啓文攝",
        ),
        (BASE + "/hkcdweb/images/2024-08/30/a8652301_2.jpg", "啓動儀式。中聯辦網站圖片"),
    ]
    assert all("啓動儀式" not in block.text for block in raw.blocks)


def test_list_page_yields_articles_in_the_window_and_the_next_page() -> None:
    requests = list(spider().parse_list(page("/hkcdweb/hongkongMacao.list.html")))
    articles = [r.url for r in requests if "/content/" in r.url]
    pages = [r.url for r in requests if r.url.endswith(".list_2.html")]
    assert articles and all(url.startswith(BASE + "/hkcdweb/content/20") for url in articles)
    assert pages == [BASE + "/hkcdweb/hongkongMacao.list_2.html"]


def test_paging_stops_at_a_page_older_than_since() -> None:
    older = list(spider().parse_list(page("/hkcdweb/hongkongMacao.list_4.html")))
    assert older == []
    unbounded = spider(replace(CAMPAIGN, since=None))
    requests = list(unbounded.parse_list(page("/hkcdweb/hongkongMacao.list_4.html")))
    assert BASE + "/hkcdweb/hongkongMacao.list_5.html" in [r.url for r in requests]


def test_search_answer_is_decoded_into_article_requests() -> None:
    links = (
        f'<a href="{BASE}{FIRST}"><h6>港府循四大方向 發展新質生產力</h6><i>2024-08-30</i></a>'
        f'<a href="{BASE}/hkcdweb/content/2024/07/02/content_8630001.html"><h6>舊聞</h6>'
        "<i>2024-07-02</i></a>"
    )
    response = TextResponse(
        url=BASE + "/hkcdweb/php/getSearchResult.php",
        body=quote(links, safe="").encode(),
        encoding="utf-8",
    )
    assert [r.url for r in spider().parse_search(response)] == [BASE + FIRST]


# Texts rich in escapes, whole and cut short (%E6%96 without its last byte, %4, %), bad ones
# (%G1, %%) and characters outside ASCII between them.
ESCAPED = st.lists(
    st.sampled_from(["%E6%96%B0", "%E6%96", "%3C", "%4", "%", "%G1", "%%41", "a", "新", "é", " "])
    | st.text(max_size=3)
).map("".join)
# Search answers: links with and without an h6, nested in lists and in other links, relative,
# with no href, and text and NULs between them.
ANSWER_PARTS = st.sampled_from(
    [
        f'<a href="{BASE}{FIRST}"><h6>港府循四大方向</h6><i>2024-08-30</i></a>',
        '<a href="/hkcdweb/content/2024/09/01/content_1.html"><span><h6>一</h6></span></a>',
        '<a href="/no-heading.html">無標題</a>',
        "<a><h6>no href</h6></a>",
        '<ul><li><a href="/in-list.html"><h6>列</h6></a></li><li>',
        '<a href="/outer.html"><b>外</b><a href="/inner.html"><h6>內</h6></a></a>',
        "</li></ul>",
        "<div>",
        "</div>",
        "文字 &amp; text",
        "\x00",
    ]
)
ANSWERS = st.lists(ANSWER_PARTS, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=ESCAPED, chunk=st.integers(min_value=1, max_value=12))
def test_unquoting_in_chunks_is_unquote(text: str, chunk: int) -> None:
    assert "".join(unquoted(text, chunk)) == unquote(text)


@settings(max_examples=200, deadline=None)
@given(answer=ANSWERS, chunk=st.integers(min_value=1, max_value=40), encoded=st.booleans())
def test_search_links_read_in_pieces_are_the_xpaths(answer: str, chunk: int, encoded: bool) -> None:
    whole = Selector(text=answer).xpath("//a[.//h6]/@href").getall() if answer.strip() else []
    text = quote(answer, safe="") if encoded and answer else answer
    assert list(search_links(text, chunk)) == whole


def test_a_long_search_answer_is_read_in_little_memory() -> None:
    """unquote holds some 57 bytes per character of a long run of escapes at once (180 MB for
    the 3 MB answer of a search listing 10,000 articles); search_links a chunk's worth."""
    item = f'<a href="{BASE}{FIRST}"><h6>港府循四大方向 發展新質生產力</h6><i>2024-08-30</i></a>'
    answer = quote(item * 3000, safe="")  # 1 MB
    tracemalloc.start()
    try:
        links = sum(1 for _ in search_links(answer))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert links == 3000
    assert peak < 8 * len(answer)


@pytest.mark.parametrize(
    "url, article",
    [
        (BASE + FIRST, True),
        ("https://hkcd.com/hkcdweb/content/2024/08/30/content_8652301.html", True),
        ("https://www.example.com/hkcdweb/content/2024/08/30/content_8652301.html", False),
        (BASE + "/hkcdweb/hongkongMacao.list.html", False),
        (BASE + "/hkcdweb/content/2024/08/30/content_8652301.html#comments", True),
    ],
    ids=["www", "bare-host", "other-host", "list", "fragment"],
)
def test_article_urls_are_told_from_other_links(url: str, article: bool) -> None:
    assert spider().is_article_url(url) is article
