"""Download handler that answers requests from WARC captures instead of the network.

Settings:

- ``REPLAY_FILES``: the WARC files to answer from (`archive crawl --replay FILE ...`). The crawl
  runner installs this handler for http and https when it is set.

So a crawl can be re-run offline after the extractors improve: the spiders, middlewares and
pipelines run as in a live crawl, but every answer is a response record of the capture (the
index, request to record, is built when the handler starts; see crawler/warc/reader.py). A
request the capture does not hold gets a 404 with ``X-Archive-Replay: missing``, is counted in
``archive/replay_missing`` and logged. A replayed response carries its record's place and
WARC-Date in ``request.meta[CAPTURE_META]``: the archive's fetch times are the capture's, and
each URL's row points at the bytes in the capture.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import NotConfigured
from scrapy.responsetypes import responsetypes

from crawler.errors import WarcError
from crawler.warc.capture import CAPTURE_META, iso_from_warc_date, stored_path
from crawler.warc.reader import capture_key, index_captures, read_capture, response_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

MISSING_HEADER = b"X-Archive-Replay"


class ReplayDownloadHandler(BaseDownloadHandler):
    """Answers each request with the response the WARC files ``REPLAY_FILES`` hold for it."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        files = crawler.settings.getlist("REPLAY_FILES")
        if not files:
            raise NotConfigured("REPLAY_FILES is not set")
        self.index = index_captures(tuple(Path(file).resolve() for file in files))
        self.db_path = crawler.settings["ARCHIVE_DB_PATH"]

    async def download_request(self, request: Request) -> Response:
        found = self.index.get(capture_key(request.method, request.url, request.body))
        if found is None:
            return self._missing(request)
        try:
            capture = read_capture(*found)
        except WarcError as error:
            # A damaged record, or a payload over the cap (a decompression bomb, #18).
            logger.warning("Unreadable capture of %s: %s", request.url, error)
            return self._missing(request)
        request.meta[CAPTURE_META] = {
            "warc_file": stored_path(capture.path, self.db_path),
            "warc_offset": capture.offset,
            "warc_length": capture.length,
            "fetched_at": iso_from_warc_date(capture.warc_date),
        }
        return response_of(capture, request.url)

    def _missing(self, request: Request) -> Response:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("archive/replay_missing")
        logger.warning("Not in the capture: %s %s", request.method, request.url)
        response_class = responsetypes.from_args(url=request.url)
        return response_class(
            url=request.url,
            status=404,
            headers={MISSING_HEADER: b"missing", b"Content-Type": b"text/plain"},
            body=b"not in the capture",
        )
