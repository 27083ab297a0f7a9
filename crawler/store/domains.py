"""The registered domain of a page's host: the outlet of last resort for a record whose page
named none (an imported capture of a host with no spider, #18).

tldextract reads only the Public Suffix List snapshot bundled with it: no network, no cache on
disk, so an import or a crawl never waits on publicsuffix.org.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import tldextract

# The host of a URL that has none (a dns: or urn: capture).
NO_HOST = "unknown"


@cache
def _extractor() -> tldextract.TLDExtract:
    """tldextract on its bundled snapshot (made on first use: loading it takes ~50 ms)."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(url: str) -> str:
    """``example.com.hk`` for ``https://news.example.com.hk/a``; an IP address or a bare host
    stays as it is; ``unknown`` when the URL has no host."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        host = ""
    if not host:
        return NO_HOST
    return _extractor()(host).top_domain_under_public_suffix or host
