"""Signals of our own, sent through Scrapy's signal manager.

fetch_failed(url, reason, http_status, attempts): a page could not be fetched after ``attempts``
tries (or could not be read as an article); sent by
spiders.base.NewsSpider.on_error, recorded by crawler.pipelines.StorePipeline in fetch_errors.

page_not_modified(url, seen_at): an article page answered 304 Not Modified to a revalidation;
sent by crawler.fetch.refresh.RefreshMiddleware, StorePipeline moves the page's last-seen times.

warc_file_opened(path): a WARC file was started (``path`` as the archive stores it), before any
capture goes into it; sent by crawler.warc.writer.WarcWriter, a cluster worker names the file
in Redis at once (crawler/cluster/worker.py), so a killed worker's files are all known.

page_captured(url, seen_at, capture): a page that is no article (a list, a feed) was captured
with validators; sent by crawler.fetch.refresh.RefreshMiddleware, StorePipeline keeps where.

page_skipped(url, reason, seen_at, etag, last_modified): a listed page that is no article (a list
page whose articles were followed) was not archived; sent by spiders.generic.GenericSpider
(local crawls only), StorePipeline keeps it in skipped_pages with why.
"""

fetch_failed = object()
page_not_modified = object()
page_captured = object()
page_skipped = object()
warc_file_opened = object()
