"""Pages built to break the extractor (#19): JSON-LD and HTML nested deeper than any parser
goes. Extraction keeps going, says so in a warning and keeps what it can read."""

from __future__ import annotations

import logging

import pytest

from crawler.extract.page import extract_record

PARAGRAPH = "峯會正文第一段，講述峯會的開幕和與會者。"
ARTICLE = "<article><h1>峯會</h1><p>" + PARAGRAPH + "</p></article>"


def page(head: str = "", body: str = ARTICLE) -> bytes:
    """A page with ``head`` in its <head> and ``body`` in its <body>."""
    return (
        f"<html><head><meta charset='utf-8'><title>峯會</title>{head}</head>"
        f"<body>{body}</body></html>"
    ).encode()


def json_ld(text: str) -> str:
    """A JSON-LD script element."""
    return f'<script type="application/ld+json">{text}</script>'


@pytest.mark.parametrize(
    "label, head, warning",
    [
        ("objects 50,000 deep", json_ld('{"a":' * 50_000 + "1" + "}" * 50_000), "too deep"),
        ("lists 50,000 deep", json_ld("[" * 50_000 + "]" * 50_000), "too deep"),
        (
            "@graph 200 deep (parses, too deep to walk)",
            json_ld('{"@graph":[' * 200 + '{"@type":"NewsArticle"}' + "]}" * 200),
            "nested over",
        ),
    ],
)
def test_deeply_nested_json_ld_is_skipped_with_a_warning(
    label: str, head: str, warning: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="crawler.extract.generic"):
        record = extract_record("https://example.org/a.html", page(head=head), {})
    assert record["body"] == PARAGRAPH, label
    assert any(warning in message for message in caplog.messages), caplog.messages


def test_html_nested_100000_deep_keeps_its_paragraph_and_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    deep = "<div>" * 100_000 + f"<p>{PARAGRAPH}</p>" + "</div>" * 100_000
    with caplog.at_level(logging.WARNING, logger="crawler.extract.generic"):
        record = extract_record("https://example.org/a.html", page(body=deep), {})
    assert record["body"] == PARAGRAPH
    assert any("nested over" in message for message in caplog.messages), caplog.messages


def test_html_nested_100000_deep_with_no_paragraph_warns_that_it_gives_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    deep = "<div>" * 100_000 + "</div>" * 100_000
    with caplog.at_level(logging.WARNING, logger="crawler.extract.generic"):
        record = extract_record("https://example.org/a.html", page(body=deep), {})
    assert record["body"] == ""
    assert any("no body" in message for message in caplog.messages), caplog.messages
