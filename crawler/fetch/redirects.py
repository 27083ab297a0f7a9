"""Redirects that go nowhere are recorded, not dropped in silence.

Scrapy's RedirectMiddleware and MetaRefreshMiddleware schedule a redirect's target as a new
request: a loop is then eaten by the duplicate filter and a target off the spider's
``allowed_domains`` by the offsite filter, and the page leaves no trace.
GuardedRedirectMiddleware and GuardedMetaRefreshMiddleware take their places (same settings:
``REDIRECT_ENABLED``, ``REDIRECT_MAX_TIMES``, ``METAREFRESH_ENABLED``, ``METAREFRESH_MAXDELAY``)
and fail such a request instead, so its errback records it in fetch_errors: "redirect loop" or
"redirected off the allowed domains".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest


def is_on_domains(url: str, domains: list[str]) -> bool:
    """Whether the host of ``url`` (its port aside) is one of ``domains`` or a subdomain."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


class RedirectGuard:
    """Fails loops and off-site redirects with a reason (for a redirect middleware of Scrapy)."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise IgnoreRequest(f"redirect loop back to {redirected.url}")
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        if allowed and not is_on_domains(redirected.url, allowed):
            raise IgnoreRequest(f"redirected off the allowed domains to {redirected.url}")
        return super()._redirect(redirected, request, reason)


class GuardedRedirectMiddleware(RedirectGuard, RedirectMiddleware):
    """RedirectMiddleware (3xx and Location) that fails loops and off-site redirects."""


class GuardedMetaRefreshMiddleware(RedirectGuard, MetaRefreshMiddleware):
    """MetaRefreshMiddleware (``<meta http-equiv="refresh">``) that fails loops and off-site
    redirects."""
