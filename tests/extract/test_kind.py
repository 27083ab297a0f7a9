"""List pages told from article pages (crawler/extract/kind.py), on whole pages.

Rows: every site's list and article pages of the project's mirror (tests/mirror, modelled on the
real sites' layouts), and the real Taiwan article pages of tests/realpages (adbar/htmldate,
Apache-2.0; see its README). The classifier's accuracy on the real article sets (realpages, the
article-extraction-benchmark) and on real list pages is measured by scripts/page_kinds.py
(BENCHMARKS.md).
"""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest

from crawler.extract.kind import classify_page, is_article_url, site_of
from crawler.extract.page import page_response
from tests.helpers import MIRROR, TESTS

LIST_PAGES = [
    "www.hkcd.com.hk/hkcdweb/index.html",
    "www.hkcd.com.hk/hkcdweb/china.list.html",
    "www.hkcd.com.hk/hkcdweb/hongkongMacao.list_3.html",
    "www.locpg.gov.cn/jsdt/index.html",
    "www.locpg.gov.cn/ztzl/2024kjxzslt/index.html",
    "www.locpg.hk/jsdt/index.htm",
    "www.wenweipo.com/immed/hongkong/index.html",
    "www.wenweipo.com/todaywenwei/whnews/more_2.html",
    "www.takungpao.com.hk/news/232109/index.html",
    "www.takungpao.com.hk/finance/236132/index.html",
    "www.tkww.hk/hongkong/more_3.html",
    "www.dotdotnews.com/immed/hknews/index.html",
    "www.news.gov.hk/chi/categories/admin/html/articlelist.html",
    "www.info.gov.hk/gia/general/202409/20c.htm",
    "www.info.gov.hk/gia/general/202408/29c.htm",
]
ARTICLE_PAGES = [
    "www.hkcd.com.hk/hkcdweb/content/2024/07/12/content_8629311.html",
    "www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html",
    "www.locpg.gov.cn/20240829/54d8e0ac900c31ea50a64efe4a85813d/c.html",
    "www.locpg.hk/jsdt/2024-08/30/c_1130081276.htm",
    "www.wenweipo.com/a/202408/30/AP66d0dac519ce067ef726ae48.html",
    "www.takungpao.com.hk/news/232109/2024/0830/1012364.html",
    "www.tkww.hk/a/202408/29/AP66d0721de4b0b018d2e34801.html",
    "www.dotdotnews.com/a/202408/29/AP66cff67db78659f76e00a16b.html",
    "www.news.gov.hk/chi/202408/20240829_140238_644.html",
    "www.info.gov.hk/gia/general/202409/20/P2024092000412.htm",
    "www.info.gov.hk/gia/general/202408/29/P2024082900188.htm",
    "www.chinanews.com.cn/ga/2024/08-30/10278123.shtml",
    "www.bastillepost.com/hongkong/article/14297331.html",
]
REALPAGES = {
    "TW-udn-2020a": "https://money.udn.com/money/story/7307/4900434",
    "TW-upmedia-2020a": "https://www.upmedia.mg/news_info.php?SerialNo=54356",
}


def kind_of_mirror_page(path: str):
    """The kind of a mirror page, read at its real URL."""
    url = f"https://{path}"
    return classify_page(page_response(url, (MIRROR / path).read_bytes(), {}).selector, url)


@pytest.mark.parametrize("path", LIST_PAGES)
def test_list_pages_are_lists_with_their_article_links(path: str) -> None:
    kind = kind_of_mirror_page(path)
    assert kind.is_list, kind.why
    assert kind.why.startswith("list page: ")
    site = site_of(path.split("/")[0])
    assert kind.article_links and all(is_article_url(url, site) for url in kind.article_links)
    assert len(set(kind.article_links)) == len(kind.article_links)


@pytest.mark.parametrize("path", ARTICLE_PAGES)
def test_article_pages_are_articles(path: str) -> None:
    kind = kind_of_mirror_page(path)
    assert not kind.is_list, kind.why
    assert kind.article_links == ()


@pytest.mark.parametrize("page_id, url", REALPAGES.items())
def test_real_article_pages_are_articles(page_id: str, url: str) -> None:
    body = gzip.decompress((TESTS / "realpages" / "pages" / f"{page_id}.html.gz").read_bytes())
    assert not classify_page(page_response(url, body, {}).selector, url).is_list


def test_the_list_links_are_the_pages_articles_in_order() -> None:
    kind = kind_of_mirror_page("www.locpg.gov.cn/jsdt/index.html")
    assert [url.rsplit("/", 3)[1] for url in kind.article_links] == [
        "20240920", "20240830", "20240830", "20240829"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "url, expected",
    [
        # the sites' article URLs: a date, a long id or both
        ("https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html", True),
        ("https://www.locpg.gov.cn/20240829/54d8e0ac900c31ea50a64efe4a85813d/c.html", True),
        ("https://www.takungpao.com.hk/news/232109/2024/0830/1012364.html", True),
        ("https://www.news.gov.hk/chi/202408/20240829_140238_644.html", True),
        ("https://news.youth.cn/gj/202405/t20240520_15263156.htm", True),
        # English slugs (the AEB's blogs)
        ("https://vortexcannon.org/dare-to-play-3-october-pack-2/", True),
        # lists, pages of lists, channel folders, files
        ("https://www.takungpao.com.hk/news/232109/index_2.html", False),
        ("https://www.takungpao.com.hk/news/232109/", False),
        ("https://www.hkcd.com.hk/hkcdweb/hongkongMacao.list_3.html", False),
        ("https://www.wenweipo.com/immed/hongkong/more_2.html", False),
        ("https://vortexcannon.org/wp-content/uploads/2017/07/dp3_1_en.png", False),
        ("mailto:news@example.org", False),
    ],
)
def test_article_urls_by_shape(url: str, expected: bool) -> None:
    assert is_article_url(url, site_of(urlsplit(url).hostname or "")) is expected


def test_article_urls_of_another_site_are_not_followed() -> None:
    assert not is_article_url(
        "https://www.locpg.hk/jsdt/2024-08/30/c_1130081276.htm", "locpg.gov.cn"
    )


@pytest.mark.parametrize(
    "host, site",
    [
        ("www.hkcd.com.hk", "hkcd.com.hk"),
        ("news.wenweipo.com", "wenweipo.com"),
        ("www.locpg.gov.cn", "locpg.gov.cn"),
        ("www.info.gov.hk", "info.gov.hk"),
        ("127.0.0.1", "127.0.0.1"),
    ],
)
def test_sites_of_hosts(host: str, site: str) -> None:
    assert site_of(host) == site
