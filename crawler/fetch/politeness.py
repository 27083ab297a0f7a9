"""How the crawler introduces itself and paces itself, per campaign and per source.

The User-Agent names the crawler and how to reach its keepers: a campaign's ``contact`` (or a
whole ``user_agent``), else ``$ARCHIVE_CONTACT``, else the project's page. A campaign may set
the politeness settings of :data:`SOURCE_SETTINGS` for one source::

    [sources_settings.govhk]
    download_delay = 2
    concurrent_requests_per_domain = 1

They reach that source's crawl at Scrapy's spider priority (above crawler/settings.py, below
``archive crawl -s``).
"""

from __future__ import annotations

import os

DEFAULT_CONTACT = "https://github.com/summit-archive"
USER_AGENT_FORMAT = "summit-archive/0.1 (research web archive; +{contact})"
# The campaign keys a source may set, and the kind of value each takes.
SOURCE_SETTINGS: dict[str, type | tuple[type, ...]] = {
    "download_delay": (int, float),
    "concurrent_requests_per_domain": int,
    "autothrottle_enabled": bool,
    "autothrottle_start_delay": (int, float),
    "autothrottle_max_delay": (int, float),
    "autothrottle_target_concurrency": (int, float),
    "robotstxt_obey": bool,
    "user_agent": str,
}


def user_agent(contact: str | None = None) -> str:
    """The User-Agent with ``contact`` (default: ``$ARCHIVE_CONTACT``, else the project page)."""
    return USER_AGENT_FORMAT.format(
        contact=contact or os.environ.get("ARCHIVE_CONTACT") or DEFAULT_CONTACT
    )
