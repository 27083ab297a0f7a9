"""Fuzzing: no input makes the normaliser, URL canonicalisation, query translation, the choice
of a page's encoding or the reading of a Retry-After header raise, and every query translation
is an expression SQLite's FTS5 accepts."""

from __future__ import annotations

import datetime as dt
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.fetch.encoding import choose_encoding
from crawler.fetch.retry import parse_retry_after
from crawler.items import Block, RawArticle, RawImage
from crawler.normalise import normalise_article
from crawler.normalise.bylines import parse_byline
from crawler.normalise.captions import split_caption
from crawler.normalise.dates import parse_date, resolve_relative_dates
from crawler.normalise.urls import canonicalise_url
from crawler.query.search import SearchError, fts_query, snippet

# Text that looks like the pages: Chinese, full-width punctuation, digits, dates and credits.
PIECES = st.sampled_from(
    [
        "【",
        "】",
        "香港商報訊",
        "記者",
        "王丹丹",
        "報道",
        "：",
        "昨日",
        "（",
        "）",
        "8月29日電",
        "新華社",
        "攝",
        "圖片",
        "2024年",
        "8月30日",
        "下午3時",
        "上周四",
        "\u3000",
        " ",
        "\n",
        "。",
        "，",
        "／",
        "/",
        "責任編輯",
        "來源",
        "碼上看",
        "(",
        ")",
        "1130222",
        "民國",
        "By",
    ]
)
TEXT = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=40).map("".join))
FTS = sqlite3.connect(":memory:", check_same_thread=False)
FTS.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
FTS.execute("INSERT INTO t VALUES ('新质 质生 生产 产力 ai')")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(text=TEXT, outlet=st.one_of(st.none(), st.sampled_from(["香港商報", "文匯報", ""])))
def test_bylines_never_raise(text: str, outlet: str | None) -> None:
    result = parse_byline(text, page_outlet=outlet, published=dt.date(2024, 8, 30))
    assert result is None or 0 <= result["end"] <= len(text)


@FUZZ
@given(text=TEXT)
def test_captions_never_raise(text: str) -> None:
    assert split_caption(text)["raw"] == text


@FUZZ
@given(text=TEXT, day=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_dates_never_raise(text: str, day: dt.date) -> None:
    parsed = parse_date(text, reference=day)
    assert parsed is None or dt.date.fromisoformat(parsed[:10])
    for mention in resolve_relative_dates(text, day):
        assert dt.date.fromisoformat(mention["date"])


@FUZZ
@given(
    title=st.one_of(st.none(), TEXT),
    blocks=st.lists(st.tuples(st.sampled_from(["paragraph", "heading"]), TEXT), max_size=8),
    captions=st.lists(st.one_of(st.none(), TEXT), max_size=3),
    published=st.one_of(st.none(), TEXT),
    authors=st.lists(TEXT, max_size=3),
)
def test_whole_articles_never_raise(
    title: str | None,
    blocks: list[tuple[str, str]],
    captions: list[str | None],
    published: str | None,
    authors: list[str],
) -> None:
    raw = RawArticle(
        url="https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html",
        outlet="香港商報",
        title=title,
        published=published,
        authors=authors,
        blocks=[Block(kind, text) for kind, text in blocks],  # type: ignore[arg-type]
        images=[
            RawImage(src=f"https://x.example/{n}.jpg", caption=c) for n, c in enumerate(captions)
        ],
    )
    record = normalise_article(raw)
    assert record["content_hash"].startswith("sha256:")
    assert record["script"] in {"Hant", "Hans", "mixed"}


@FUZZ
@given(
    url=st.one_of(
        st.text(max_size=120),
        st.builds(
            lambda scheme, host, path, query: f"{scheme}://{host}/{path}?{query}",
            st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
            st.sampled_from(
                ["hkcd.com", "m.wenweipo.com", "gb.crntt.com", "例子.香港", "[::1]", ""]
            ),
            st.text(max_size=40),
            st.text(max_size=40),
        ),
    )
)
def test_canonical_urls_never_raise_and_are_stable(url: str) -> None:
    canonical = canonicalise_url(url)
    assert canonicalise_url(canonical) == canonical


@FUZZ
@given(
    query=st.one_of(
        st.text(max_size=80),
        st.lists(
            st.sampled_from(
                ['"', "(", ")", "AND", "OR", "NOT", "*", "^", "新質", "港", "AI", " ", "NEAR"]
            ),
            max_size=12,
        ).map(" ".join),
    )
)
def test_queries_either_translate_or_explain(query: str) -> None:
    try:
        expression = fts_query(query)
    except SearchError as error:
        assert str(error)
    else:
        FTS.execute("SELECT count(*) FROM t WHERE t MATCH ?", [expression]).fetchone()
    assert isinstance(snippet("香港商報訊：新質生產力高峰論壇", query), str)


@given(
    body=st.one_of(
        st.binary(max_size=2000),
        TEXT.map(lambda text: text.encode("gb18030")),
        TEXT.map(lambda text: text.encode("utf-8")[:-1]),
    ),
    content_type=st.one_of(
        st.none(), st.sampled_from(["text/html; charset=big5", "text/html; charset=nonsense"])
    ),
)
def test_choosing_an_encoding_never_raises_and_gives_a_codec(
    body: bytes, content_type: str | None
) -> None:
    codec = choose_encoding(body, content_type)
    if codec is not None:
        body.decode(codec, errors="replace")


@given(value=st.one_of(st.none(), st.text(max_size=40), st.binary(max_size=40)))
def test_retry_after_never_raises(value: str | bytes | None) -> None:
    delay = parse_retry_after(value)
    assert delay is None or delay >= 0
