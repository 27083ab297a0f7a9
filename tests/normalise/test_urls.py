"""URL canonicalisation: one table of links as they are found and their canonical form."""

from __future__ import annotations

import pytest

from crawler.normalise.urls import canonicalise_url

HKCD = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"

CASES = [
    (HKCD, HKCD, "already-canonical"),
    ("http://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html", HKCD, "http"),
    ("HTTPS://WWW.HKCD.COM.HK/hkcdweb/content/2024/08/30/content_8652301.html", HKCD, "case"),
    ("https://hkcd.com/hkcdweb/content/2024/08/30/content_8652301.html", HKCD, "alias-hkcd.com"),
    ("https://www.hkcd.com/hkcdweb/content/2024/08/30/content_8652301.html", HKCD, "alias-www"),
    ("https://hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html", HKCD, "alias-bare"),
    (HKCD + "#comments", HKCD, "fragment"),
    (HKCD + "?utm_source=wechat&utm_medium=social", HKCD, "utm"),
    (HKCD + "?from=timeline&isappinstalled=0", HKCD, "wechat-share"),
    (HKCD + "?share_token=abc&fbclid=x1", HKCD, "share-fbclid"),
    ("https://www.hkcd.com.hk:443/hkcdweb/content/2024/08/30/content_8652301.html", HKCD, "port"),
    (
        "https://m.wenweipo.com/a/202408/30/AP66d1a2b3e4b0c5d6e7f8a9b0.html",
        "https://www.wenweipo.com/a/202408/30/AP66d1a2b3e4b0c5d6e7f8a9b0.html",
        "mobile-host",
    ),
    (
        "https://mobile.takungpao.com.hk/news/232109/2024/0830/1001234.html",
        "https://www.takungpao.com.hk/news/232109/2024/0830/1001234.html",
        "mobile-alias",
    ),
    ("https://www.locpg.gov.cn/jsdt/index.html", "https://www.locpg.gov.cn/jsdt/", "index-page"),
    (
        "https://www.info.gov.hk/gia/general/202408/29/default.htm",
        "https://www.info.gov.hk/gia/general/202408/29/",
        "default-page",
    ),
    (
        "https://www.stheadline.com/zh-hans/realtime-china/3379481/標題",
        "https://www.stheadline.com/realtime-china/3379481/%E6%A8%99%E9%A1%8C",
        "zh-hans",
    ),
    (
        "https://www.stheadline.com/zh-hant/realtime-china/3379481/%E6%A8%99%E9%A1%8C",
        "https://www.stheadline.com/realtime-china/3379481/%E6%A8%99%E9%A1%8C",
        "zh-hant-encoded",
    ),
    (
        "https://hk.crntt.com/doc/1072/4/0/4/107240423.html?coluid=93&kindid=15710&docid=107240423&mdate=1217001212",
        "https://hk.crntt.com/doc/1072/4/0/4/107240423.html",
        "crntt-long",
    ),
    (
        "https://hk.crntt.com/doc/2_4_107240423_1_1003123915.html",
        "https://hk.crntt.com/doc/1072/4/0/4/107240423.html",
        "crntt-short",
    ),
    (
        "http://gb.crntt.com/doc/1072/4/0/4/107240423.html?coluid=93",
        "https://hk.crntt.com/doc/1072/4/0/4/107240423.html",
        "crntt-gb",
    ),
    (
        "https://www.news.gov.hk/chi/2024/08/20240829/20240829_123500_456.html?type=category&b=2",
        "https://www.news.gov.hk/chi/2024/08/20240829/20240829_123500_456.html?b=2&type=category",
        "query-sorted",
    ),
    ("https://example.org/story?id=7&ref=home", "https://example.org/story?id=7", "ref-dropped"),
    ("https://example.org", "https://example.org/", "empty-path"),
    ("mailto:desk@hkcd.com.hk", "mailto:desk@hkcd.com.hk", "not-http"),
    ("", "", "empty"),
]


@pytest.mark.parametrize(
    "found, canonical", [case[:2] for case in CASES], ids=[case[2] for case in CASES]
)
def test_canonical_url(found: str, canonical: str) -> None:
    assert canonicalise_url(found) == canonical


@pytest.mark.parametrize("found", [case[0] for case in CASES], ids=[case[2] for case in CASES])
def test_canonicalising_twice_changes_nothing(found: str) -> None:
    assert canonicalise_url(canonicalise_url(found)) == canonicalise_url(found)
