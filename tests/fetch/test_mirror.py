"""The local mirror: URL mapping both ways, files over HTTP, the site search."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from crawler.fetch.mirror import (
    PACKAGED_MIRROR,
    MirrorServer,
    _search_index,
    from_mirror,
    search_results,
    to_mirror,
)

MIRROR_URL = "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    "real, mirrored",
    [
        (
            "https://www.hkcd.com.hk/hkcdweb/index.html",
            "http://127.0.0.1:8123/www.hkcd.com.hk/hkcdweb/index.html",
        ),
        ("https://www.hkcd.com.hk/", "http://127.0.0.1:8123/www.hkcd.com.hk/"),
        (
            "https://www.locpg.gov.cn/jsdt/2024-08/29/c_1212345678.htm?from=rss",
            "http://127.0.0.1:8123/www.locpg.gov.cn/jsdt/2024-08/29/c_1212345678.htm?from=rss",
        ),
    ],
    ids=["page", "root", "query"],
)
def test_urls_map_onto_the_mirror_and_back(real: str, mirrored: str) -> None:
    assert to_mirror(real, MIRROR_URL) == mirrored
    assert from_mirror(mirrored, MIRROR_URL) == real


def test_a_url_off_the_mirror_does_not_map_back() -> None:
    assert from_mirror("http://example.org/a.html", MIRROR_URL) is None


def fetch(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_pages_are_served_under_their_host(mirror: MirrorServer) -> None:
    status, body = fetch(
        f"{mirror.url}/www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"
    )
    assert status == 200
    assert "港府循四大方向 發展新質生產力" in body


@pytest.mark.parametrize(
    "path",
    [
        "/www.hkcd.com.hk/nowhere.html",
        "/www.hkcd.com.hk/_mirror.json",
        "/www.hkcd.com.hk/../conftest.py",
        "/",
    ],
    ids=["missing", "config", "escape", "root"],
)
def test_what_is_not_a_site_page_is_not_found(mirror: MirrorServer, path: str) -> None:
    assert fetch(mirror.url + path)[0] == 404


def test_site_search_answers_percent_encoded_links(mirror: MirrorServer) -> None:
    form = urllib.parse.urlencode({"keyword": "鄭雁雄"}).encode()
    status, body = fetch(f"{mirror.url}/www.hkcd.com.hk/hkcdweb/php/getSearchResult.php", form)
    assert status == 200
    assert "<" not in body
    answer = urllib.parse.unquote(body)
    assert (
        '<a href="https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652302.html">'
        in answer
    )
    assert "<h6>鄭雁雄：發展新質生產力關鍵是做起來</h6><i>2024-08-30</i>" in answer


def test_search_for_an_absent_word_finds_nothing(mirror: MirrorServer) -> None:
    form = urllib.parse.urlencode({"keyword": "不存在的關鍵詞"}).encode()
    assert fetch(f"{mirror.url}/www.hkcd.com.hk/hkcdweb/php/getSearchResult.php", form) == (200, "")


def test_concurrent_searches_share_one_index_build() -> None:
    """A crawl sends its keywords at once; each would otherwise read every page itself, and on
    a large mirror take longer than the crawl waits for an answer."""
    host = PACKAGED_MIRROR / "www.hkcd.com.hk"
    search = json.loads((host / "_mirror.json").read_text(encoding="utf-8"))["search"]
    _search_index.cache_clear()
    start = threading.Barrier(4)
    answers: list[str] = []

    def ask() -> None:
        start.wait()
        answers.append(search_results(host, search, "香港"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _search_index.cache_info().misses == 1
    assert len(set(answers)) == 1 and answers[0]


@pytest.mark.parametrize(
    "error, reported",
    [
        (ConnectionResetError(104, "Connection reset by peer"), False),
        (BrokenPipeError(32, "Broken pipe"), False),
        (ConnectionAbortedError(103, "Software caused connection abort"), False),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), True),
    ],
    ids=["reset", "broken-pipe", "aborted", "a-bug"],
)
def test_a_client_that_hung_up_is_not_reported_as_an_error(
    mirror: MirrorServer, capsys: pytest.CaptureFixture[str], error: Exception, reported: bool
) -> None:
    try:
        raise error
    except Exception:
        mirror.handle_error(None, ("127.0.0.1", 50000))
    assert (type(error).__name__ in capsys.readouterr().err) is reported


def test_the_server_logs_what_it_answered(mirror: MirrorServer) -> None:
    fetch(f"{mirror.url}/www.hkcd.com.hk/robots.txt")
    assert "/robots.txt" in mirror.log.paths("www.hkcd.com.hk")


@pytest.mark.parametrize(
    "conditions, status",
    [
        ({"If-None-Match": "{etag}"}, 304),
        ({"If-None-Match": '"other", {etag}'}, 304),
        ({"If-None-Match": '"other"'}, 200),
        ({"If-None-Match": "*"}, 304),
        ({"If-Modified-Since": "{last_modified}"}, 304),
        ({"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, 200),
        ({"If-Modified-Since": "yesterday"}, 200),
        ({"If-None-Match": '"other"', "If-Modified-Since": "{last_modified}"}, 200),
    ],
    ids=[
        "etag",
        "etag-in-list",
        "other-etag",
        "any",
        "since",
        "since-long-ago",
        "bad-date",
        "etag-first",
    ],
)
def test_conditional_requests_of_an_unchanged_page_get_304(
    mirror: MirrorServer, conditions: dict[str, str], status: int
) -> None:
    url = f"{mirror.url}/www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"
    with urllib.request.urlopen(url, timeout=10) as answer:
        validators = {
            "etag": answer.headers["ETag"],
            "last_modified": answer.headers["Last-Modified"],
        }
    headers = {name: value.format(**validators) for name, value in conditions.items()}
    assert fetch(url, headers=headers)[0] == status
