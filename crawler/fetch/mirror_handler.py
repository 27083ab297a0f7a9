"""Download handler that answers the real sites' URLs from a local mirror
(crawler/fetch/mirror.py).

Settings:

- ``MIRROR_URL``: the mirror server's address, e.g. ``http://127.0.0.1:8000``. The crawl runner
  installs this handler for http and https when it is set.

It sits at the transport, below every downloader middleware, so robots.txt, retries, redirects,
stats, the pipelines and the database all see the real URL (https://www.hkcd.com.hk/...) while
the bytes come from 127.0.0.1; a redirect's Location is mapped back the same way. The mirror's
head as received (its own Server and Date, a Location on 127.0.0.1) is not the site's: the
WARC writer rebuilds the head from the response (crawler/warc/writer.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.fetch.as_received import AsReceivedDownloadHandler
from crawler.fetch.mirror import from_mirror, to_mirror
from crawler.warc.capture import FETCH_START_META

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class MirrorDownloadHandler(AsReceivedDownloadHandler):
    """Fetches ``https://host/path`` as ``MIRROR_URL/host/path`` and hands back the real URL."""

    # The mirror's head is not the site's.
    keep_received = False

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.mirror_url: str | None = crawler.settings.get("MIRROR_URL")
        if not self.mirror_url:
            raise NotConfigured("MIRROR_URL is not set")

    async def download_request(self, request: Request) -> Response:
        assert self.mirror_url is not None
        mirrored = request.replace(url=to_mirror(request.url, self.mirror_url))
        response = await super().download_request(mirrored)
        request.meta[FETCH_START_META] = mirrored.meta[FETCH_START_META]
        headers = response.headers.copy()
        location = headers.get(b"Location")
        if location:
            real = from_mirror(
                location.decode("latin-1"), self.mirror_url, request.url.split(":")[0]
            )
            if real:
                headers[b"Location"] = real.encode("latin-1")
        return response.replace(url=request.url, headers=headers)
