"""One page for `archive extract`: the bytes of a saved file, or of one URL fetched with the
crawl's limits.

A URL is fetched as the crawl would: http and https only, redirects followed only on the same
host (never to another host or scheme), the whole download bounded by ``DOWNLOAD_TIMEOUT`` and
its size (as sent and once decompressed) by ``DOWNLOAD_MAXSIZE`` (crawler/settings.py), gzip and
deflate bodies decoded. Anything else is an ArchiveError with the reason, for a one-line error.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import zlib
from email.message import Message
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from crawler import settings
from crawler.errors import ArchiveError
from crawler.fetch.politeness import user_agent

SCHEMES = ("http", "https")
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
# A stalled read gives up after this long even when the whole download has time left.
STALL_SECONDS = 5.0
# wbits for zlib: 32 + 15 reads a gzip or a zlib header, -15 raw deflate (some servers send it).
GZIP_OR_ZLIB, RAW_DEFLATE = 47, -15
DECODED_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


class SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to http(s) on the same host, at most MAX_REDIRECTS times."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        if new.scheme not in SCHEMES or new.hostname != old.hostname:
            fp.close()  # urllib closes the redirect's answer only when it follows it
        if new.scheme not in SCHEMES:
            raise ArchiveError(f"cannot fetch {req.full_url}: it redirects to {newurl} (not http)")
        if new.hostname != old.hostname:
            raise ArchiveError(
                f"cannot fetch {req.full_url}: it redirects to another host ({new.hostname})"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def read_page(file_or_url: str) -> tuple[str | None, bytes, dict[str, str]]:
    """The page's URL (None for a saved file), bytes and HTTP headers, from a saved file or over
    the network."""
    if urlsplit(file_or_url).scheme in SCHEMES:
        return fetch(file_or_url)
    if "://" in file_or_url:
        raise ArchiveError(f"cannot fetch {file_or_url}: only http and https URLs are fetched")
    path = Path(file_or_url)
    try:
        if path.stat().st_size > settings.DOWNLOAD_MAXSIZE:
            raise ArchiveError(f"cannot read {path}: larger than {settings.DOWNLOAD_MAXSIZE} bytes")
        body = path.read_bytes()
    except OSError as error:
        raise ArchiveError(f"cannot read {path}: {error.strerror or error}") from error
    return None, body, {}


def fetch(
    url: str,
    timeout: float = settings.DOWNLOAD_TIMEOUT,
    max_bytes: int = settings.DOWNLOAD_MAXSIZE,
) -> tuple[str, bytes, dict[str, str]]:
    """Download one page within ``timeout`` seconds and ``max_bytes``; its final URL, decoded
    body and headers, or an ArchiveError with the reason."""
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(SameHostRedirects)
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"}
    )
    try:
        with opener.open(request, timeout=min(timeout, STALL_SECONDS)) as answer:
            raw = _read_within(answer, url, deadline, timeout, max_bytes)
            body = _decoded(raw, answer.headers, url, max_bytes)
            headers = {k: v for k, v in answer.headers.items() if k.lower() not in DECODED_HEADERS}
            return answer.geturl(), body, headers
    except urllib.error.HTTPError as error:
        error.close()
        if 300 <= error.code < 400:
            reason = f"more than {MAX_REDIRECTS} redirects, or a redirect loop"
        else:
            reason = f"HTTP {error.code} {error.reason}"
        raise ArchiveError(f"cannot fetch {url}: {reason}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = " ".join(str(getattr(error, "reason", error)).split())
        raise ArchiveError(f"cannot fetch {url}: {reason}") from error


def _read_within(answer: IO[bytes], url: str, deadline: float, timeout: float, cap: int) -> bytes:
    """The body as sent, refused once it passes ``cap`` bytes or the deadline."""
    declared = answer.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise ArchiveError(f"cannot fetch {url}: {declared} bytes, more than {cap} allowed")
    chunks: list[bytes] = []
    size = 0
    while chunk := answer.read1(CHUNK_BYTES):
        size += len(chunk)
        if size > cap:
            raise ArchiveError(f"cannot fetch {url}: more than {cap} bytes")
        if time.monotonic() > deadline:
            raise ArchiveError(f"cannot fetch {url}: not done after {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _decoded(raw: bytes, headers: Message, url: str, cap: int) -> bytes:
    """The body with its Content-Encoding (gzip, deflate) undone, at most ``cap`` bytes."""
    encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("identity", ""):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise ArchiveError(f"cannot fetch {url}: cannot decode Content-Encoding {encoding}")
    for wbits in (GZIP_OR_ZLIB, RAW_DEFLATE):
        inflater = zlib.decompressobj(wbits)
        try:
            body = inflater.decompress(raw, cap + 1)
        except zlib.error:
            continue
        if len(body) > cap or inflater.unconsumed_tail:
            raise ArchiveError(f"cannot fetch {url}: decompresses to more than {cap} bytes")
        return body
    raise ArchiveError(f"cannot fetch {url}: its {encoding} body is damaged")
