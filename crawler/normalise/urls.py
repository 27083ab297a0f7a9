"""Canonical URLs: one address per page, whatever host alias, scheme or tracking the link carried.

The rules are data (the tables below), applied in order by :func:`canonicalise_url`:

1. scheme and host: lower case, ``https``, host aliases and mobile hosts mapped onto the site's
   main host (``hkcd.com`` and ``www.hkcd.com`` are ``www.hkcd.com.hk``; ``m.`` and ``mobile.``
   hosts of a site we know are its desktop host);
2. script variants: a Simplified copy of the same page (``/zh-hans/`` paths, crntt's ``gb.``
   host) canonicalises to the Traditional one, so the copies share an address;
3. the path: crntt's short form ``/doc/2_4_107240423_1_1003123915.html`` becomes the long form
   ``/doc/1072/4/0/4/107240423.html``; a default index page (``index.html``) becomes its folder;
   non-ASCII characters and spaces in the path are percent-encoded;
4. the query: tracking parameters (``utm_*``, ``from``, ``share`` …) go, the rest is sorted;
5. the fragment goes.

Reads no settings. Pure functions: no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

HOST_ALIASES = {
    "hkcd.com": "www.hkcd.com.hk",
    "www.hkcd.com": "www.hkcd.com.hk",
    "hkcd.com.hk": "www.hkcd.com.hk",
    "m.hkcd.com.hk": "www.hkcd.com.hk",
    "locpg.gov.cn": "www.locpg.gov.cn",
    "wenweipo.com": "www.wenweipo.com",
    "takungpao.com.hk": "www.takungpao.com.hk",
    "tkww.hk": "www.tkww.hk",
    "dotdotnews.com": "www.dotdotnews.com",
    "news.gov.hk": "www.news.gov.hk",
    "info.gov.hk": "www.info.gov.hk",
    "gb.crntt.com": "hk.crntt.com",
    "bj.crntt.com": "hk.crntt.com",
    "www.crntt.com": "hk.crntt.com",
    "stheadline.com": "www.stheadline.com",
    "std.stheadline.com": "www.stheadline.com",
}
MOBILE_HOST_REGEX = re.compile(r"^(?:m|mobile|wap|amp)\.(?P<site>.+)$")
SIMPLIFIED_PATH_REGEX = re.compile(r"^/zh-(?:hans|cn|sc)(?=/)", re.IGNORECASE)
TRADITIONAL_PATH_REGEX = re.compile(r"^/zh-(?:hant|hk|tw|tc)(?=/)", re.IGNORECASE)
CRNTT_SHORT_REGEX = re.compile(r"^/doc/\d+_\d+_(?P<doc>\d{6,})_\d+_\d+\.html$")
CRNTT_HOST = "hk.crntt.com"
# Characters a path keeps as they are; anything else (spaces, Chinese) is percent-encoded, as
# RFC 3986 writes it, so a link found encoded and one found raw canonicalise alike.
PATH_SAFE = "/%:@!$&'()*+,;=~-._"
DEFAULT_PAGE_REGEX = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?|shtml)$", re.IGNORECASE)
TRACKING_PARAMETERS = frozenset(
    {
        "from",
        "share",
        "share_token",
        "shareid",
        "spm",
        "fbclid",
        "gclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "isappinstalled",
        "scene",
        "srcid",
        "ref",
        "wt.mc_id",
        "_ga",
    }
)
TRACKING_PREFIXES = ("utm_", "share_", "hmsr")
# crntt's long form names its document twice: the path and docid=; the path is enough.
CRNTT_QUERY_PARAMETERS = frozenset({"coluid", "kindid", "docid", "mdate"})


def canonical_host(host: str) -> str:
    """The main host of a site: aliases and mobile hosts mapped, lower case."""
    host = host.lower().rstrip(".")
    if host in HOST_ALIASES:
        return HOST_ALIASES[host]
    mobile = MOBILE_HOST_REGEX.match(host)
    if mobile:
        desktop = "www." + mobile.group("site")
        return HOST_ALIASES.get(mobile.group("site"), desktop)
    return host


def crntt_long_path(doc: str) -> str:
    """crntt's long document path: 107240423 -> /doc/1072/4/0/4/107240423.html."""
    return f"/doc/{doc[:4]}/{doc[4]}/{doc[5]}/{doc[6]}/{doc}.html"


def is_tracking(name: str) -> bool:
    """Whether a query parameter only tracks the visit."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonicalise_url(url: str) -> str:
    """The canonical form of an http(s) URL (any other URL is returned as it is).

    Example: ``canonicalise_url("http://hkcd.com/hkcdweb/content/2024/08/30/content_8652301.html?utm_source=x#top")``
    gives ``"https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"``.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url
    host = canonical_host(parts.hostname)
    path = parts.path or "/"
    path = SIMPLIFIED_PATH_REGEX.sub("", path)
    path = TRADITIONAL_PATH_REGEX.sub("", path)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(name, value) for name, value in pairs if not is_tracking(name)]
    if host == CRNTT_HOST:
        short = CRNTT_SHORT_REGEX.match(path)
        if short:
            path = crntt_long_path(short.group("doc"))
        query = [(k, v) for k, v in query if k.lower() not in CRNTT_QUERY_PARAMETERS]
    path = quote(DEFAULT_PAGE_REGEX.sub("/", path), safe=PATH_SAFE)
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return urlunsplit(("https", host + port, path, urlencode(sorted(query)), ""))
