"""Decoding legacy Chinese pages right when their charset is missing or wrong.

Scrapy decodes a page by the charset of its Content-Type header, then its BOM, then its meta
charset, and only then guesses (UTF-8, else cp1252). Hong Kong and mainland sites often serve
Big5 or GB pages with no charset at all, or with a server's default ``ISO-8859-1``, which
Scrapy would read as cp1252 mojibake. DecodeMiddleware (a downloader middleware after
decompression) picks the encoding instead:

1. UTF-8 when the body is UTF-8 but for a few bad bytes (which are replaced), whatever the page
   declares: legacy GB or Big5 text is never valid UTF-8, while UTF-8 pages that declare gb2312
   are common, and a GB18030 decoder reads UTF-8 bytes "without error" as mojibake (#16, #19);
2. else the first of BOM, header charset and meta charset that is not a Western single-byte one
   and decodes the whole body without error;
3. else what charset_normalizer detects in the body;
4. else Scrapy's choice stands.

Big5 is read as Big5-HKSCS (a superset: 啓, 綫, 峯 and 嘅 are HKSCS characters Hong Kong servers
send under the label "big5") and GB2312/GBK as GB18030. Reads no settings; the stat
``archive/encoding/<codec>`` counts pages whose encoding was changed.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes
from scrapy.http import TextResponse
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# Labels a misconfigured server sends by default; never trusted over detection.
WESTERN_CODECS = {"ascii", "cp1252", "iso8859-1", "latin-1"}
SUPERSETS = {"big5": "big5hkscs", "cp950": "big5hkscs", "gb2312": "gb18030", "gbk": "gb18030"}
# A body counts as UTF-8 when at most this share of its non-ASCII bytes fails to decode: one bad
# byte in a page of Chinese text, not a legacy page (where most multibyte sequences fail).
UTF8_MAX_BAD_SHARE = 0.01
# charset_normalizer reads this much of a body: enough for any page's text, bounded in time.
DETECT_BYTES = 256 * 1024


def codec_name(label: str | None) -> str | None:
    """The Python codec of a charset label, Big5 and GB widened to their supersets."""
    if not label:
        return None
    resolved = resolve_encoding(label)
    if resolved is None:
        return None
    name = codecs.lookup(resolved).name
    return SUPERSETS.get(name, name)


def decodes(body: bytes, codec: str) -> bool:
    """Whether ``body`` decodes as ``codec`` without error."""
    try:
        body.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def is_mostly_utf8(body: bytes) -> bool:
    """Whether ``body`` has non-ASCII text that decodes as UTF-8 but for a few bad bytes."""
    non_ascii = len(body) - len(body.decode("ascii", "ignore"))
    if not non_ascii:
        return False
    bad = len(body.decode("utf-8", "replace")) - len(body.decode("utf-8", "ignore"))
    return bad <= UTF8_MAX_BAD_SHARE * non_ascii


def choose_encoding(body: bytes, content_type: str | None) -> str | None:
    """The codec to read an HTML ``body`` served with ``content_type`` in; None if unknown.

    Example: a UTF-8 page declaring ``<meta charset="gb2312">`` gives ``"utf-8"``."""
    bom = codec_name(read_bom(body)[0])
    if bom:
        return bom
    if is_mostly_utf8(body):
        return "utf-8"
    declared = [
        codec_name(read_bom(body)[0]),
        codec_name(http_content_type_encoding(content_type or "")),
        codec_name(html_body_declared_encoding(body)),
    ]
    for codec in declared:
        if codec and codec not in WESTERN_CODECS and decodes(body, codec):
            return codec
    best = from_bytes(body[:DETECT_BYTES]).best() if body else None
    if best is not None:
        return codec_name(best.encoding)
    return None


class DecodeMiddleware:
    """Downloader middleware that sets each HTML response's encoding (see the module)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DecodeMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        codec = choose_encoding(response.body, content_type)
        if codec is None or codec == codec_name(response.encoding):
            return response
        self.crawler.stats.inc_value(f"archive/encoding/{codec}")
        return response.replace(encoding=codec)
