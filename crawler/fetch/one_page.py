"""One page for `archive extract`: the bytes of a saved file, or of one URL fetched over the
network with the crawl's User-Agent."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from crawler.errors import ArchiveError
from crawler.fetch.politeness import user_agent

FETCH_TIMEOUT = 20


def read_page(file_or_url: str) -> tuple[str | None, bytes, dict[str, str]]:
    """The page's URL (None for a saved file), bytes and HTTP headers, from a saved file or over
    the network."""
    if file_or_url.startswith(("http://", "https://")):
        return fetch(file_or_url)
    path = Path(file_or_url)
    try:
        body = path.read_bytes()
    except OSError as error:
        raise ArchiveError(f"cannot read {path}: {error.strerror or error}") from error
    return None, body, {}


def fetch(url: str) -> tuple[str, bytes, dict[str, str]]:
    """Download one page; an ArchiveError with the reason when that fails."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as answer:
            return answer.geturl(), answer.read(), dict(answer.headers.items())
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ArchiveError(f"cannot fetch {url}: {reason}") from error
