"""Choosing a page's encoding (crawler/fetch/encoding.py), and `archive extract` / WARC import
decoding saved bytes the same way (crawler/extract/page.py)."""

from __future__ import annotations

import pytest

from crawler.extract.page import extract_record
from crawler.fetch.encoding import choose_encoding

# 香港電台 (RTHK) style Traditional text and a mainland Simplified line.
TRADITIONAL = "香港科技峰會啓動，會場裏外人頭湧湧，綫上綫下同步直播。"
SIMPLIFIED = "在新时代中部地区崛起中争先出彩（推动高质量发展·权威发布）"


def html(title: str, meta: str = "") -> str:
    """A small article page."""
    paragraph = TRADITIONAL * 6
    return f"<html><head>{meta}<title>{title}</title></head><body><p>{paragraph}</p></body></html>"


def with_bad_byte(body: bytes) -> bytes:
    """The bytes with one byte that is no UTF-8 put in the middle of the text."""
    cut = body.index("會場".encode())
    return body[:cut] + b"\xff" + body[cut:]


@pytest.mark.parametrize(
    "label, body, content_type, expected",
    [
        (
            "UTF-8, no charset, one bad byte (#19)",
            with_bad_byte(html("峯會").encode()),
            None,
            "utf-8",
        ),
        (
            "UTF-8 declaring gb2312 (people.com.cn, realpages CN-people-2024a)",
            html(SIMPLIFIED, '<meta charset="gb2312">').encode(),
            None,
            "utf-8",
        ),
        (
            "UTF-8 served as GBK with one bad byte",
            with_bad_byte(html("峯會").encode()),
            "text/html; charset=gbk",
            "utf-8",
        ),
        (
            "real GB2312 stays GB18030",
            html(SIMPLIFIED, '<meta charset="gb2312">').encode("gb18030"),
            None,
            "gb18030",
        ),
        (
            "real Big5 stays Big5-HKSCS",
            html("香港新聞", '<meta charset="big5">').encode("big5hkscs"),
            None,
            "big5hkscs",
        ),
    ],
)
def test_choose_encoding(label: str, body: bytes, content_type: str | None, expected: str) -> None:
    assert choose_encoding(body, content_type) == expected, label


def test_archive_extract_reads_a_utf8_page_with_a_bad_byte_as_chinese() -> None:
    body = with_bad_byte(html("峯會", "").encode())
    record = extract_record("https://example.org/a.html", body, {})
    assert record["title"] == "峯會"
    assert "香港科技峰會啓動" in record["body"]
    assert record["body"].count("\ufffd") == 1


def test_archive_extract_reads_a_utf8_page_declaring_gb2312() -> None:
    body = html(SIMPLIFIED, '<meta charset="gb2312">').encode()
    assert extract_record("https://example.org/a.html", body, {})["title"] == SIMPLIFIED
