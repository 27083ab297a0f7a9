"""`archive import-warc`: captures made by any tool (wget --warc-file, Browsertrix, Heritrix, our
own crawls) into the archive, through the crawl's own path.

Each response (or resource) record of an HTML page at 200 goes through the extraction of
`archive extract` (crawler/extract/page.py: the spider of the URL's host, the generic extractor
for hosts with none), the normaliser and the campaign's filter (keywords, date window), then
:meth:`Archive.save_article` (canonical URLs, duplicates, clusters, revisions) with the record's
WARC-Date as the fetch time and the record's place in the file as the capture. The import is a
run of its own in the crawls table (source ``import-warc``).

Captures that are not articles are counted as skipped, with the reason: revisit records (no
payload), non-HTTP captures (dns:), HTTP statuses other than 200, media types other than HTML,
pages of a host with a spider that are not its article pages (lists, indexes), and articles
outside the campaign. Request, warcinfo and metadata records are passed over.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.crawl.campaign import Campaign
from crawler.extract.page import extract_record
from crawler.store import Archive
from crawler.warc.capture import iso_from_warc_date, stored_path, utc_now
from crawler.warc.reader import Capture, Entry, capture_of_record, check_warc, iter_records
from spiders.registry import site_spider_for

logger = logging.getLogger(__name__)

HTML_TYPES = {"text/html", "application/xhtml+xml"}
CAPTURE_TYPES = {"response", "resource", "revisit"}


@dataclass
class ImportReport:
    """What an import did: captures read, outcomes of the articles stored, skips by reason."""

    crawl_id: int
    files: int = 0
    captures: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)


def import_warcs(
    paths: list[Path], archive: Archive, campaign: Campaign, *, db_path: str | Path
) -> ImportReport:
    """Import the captures of the WARC files ``paths`` into ``archive``.

    Args:
        paths: WARC files (gzip or not), each checked before anything is imported.
        archive: the archive to write.
        campaign: whose keywords and date window an article must meet.
        db_path: the archive's file, against which WARC paths are stored.

    Returns:
        An :class:`ImportReport`. Raises WarcError when a file is not a WARC.

    Example::

        report = import_warcs([Path("site.warc.gz")], Archive.open("archive.db"), campaign,
                              db_path="archive.db")
    """
    for path in paths:
        check_warc(path)
    crawl_id = archive.start_crawl(
        source="import-warc",
        campaign=campaign.name,
        since=campaign.since and campaign.since.isoformat(),
        until=campaign.until and campaign.until.isoformat(),
        settings={"files": [str(path) for path in paths], "keywords": campaign.keywords},
    )
    report = ImportReport(crawl_id)
    status = "failed"
    try:
        for path in paths:
            for entry in iter_records(path, read_bodies=True):
                if entry.record.rec_type in CAPTURE_TYPES:
                    report.captures += 1
                    _import_entry(entry, path, archive, campaign, report, db_path)
            report.files += 1
        status = "finished"
    finally:
        counts = {
            "pages": report.captures,
            "articles_new": report.outcomes["new"],
            "articles_updated": report.outcomes["updated"],
            "articles_unchanged": report.outcomes["unchanged"],
            "articles_duplicate": report.outcomes["duplicate"],
            "skipped": sum(report.skipped.values()),
            "errors": 0,
        }
        warc_files = [stored_path(path, db_path) for path in paths]
        archive.finish_crawl(crawl_id, status=status, counts=counts, warc_files=warc_files)
    return report


def _import_entry(
    entry: Entry,
    path: Path,
    archive: Archive,
    campaign: Campaign,
    report: ImportReport,
    db_path: str | Path,
) -> None:
    """Store one capture as an article, or count why it was skipped."""
    capture = capture_of_record(entry.record, entry.body or b"", path, entry.offset, entry.length)
    reason = _skip_reason(entry.record.rec_type, capture)
    if reason is None:
        article = extract_record(capture.url, capture.body, dict(capture.headers))
        reason = (campaign.skip_reason(article) or "").replace("_", " ") or None
    if reason is not None:
        report.skipped[reason] += 1
        logger.debug("Skipped (%s): %s", reason, capture.url)
        return
    headers = {name.lower(): value for name, value in capture.headers}
    outcome = archive.save_article(
        article,
        crawl_id=report.crawl_id,
        http_status=capture.status,
        fetched_at=iso_from_warc_date(capture.warc_date) or utc_now(),
        capture={
            "warc_file": stored_path(path, db_path),
            "warc_offset": entry.offset,
            "warc_length": entry.length,
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
        },
    )
    report.outcomes[outcome] += 1


def _skip_reason(record_type: str, capture: Capture) -> str | None:
    """Why a capture is no article page to extract (None when it may be one)."""
    if record_type == "revisit":
        return "revisit"
    if urlsplit(capture.url).scheme not in ("http", "https"):
        return "not HTTP"
    if capture.status != 200:
        return f"HTTP {capture.status}"
    if capture.content_type not in HTML_TYPES:
        return f"not HTML ({capture.content_type or 'no media type'})"
    spider_class = site_spider_for(capture.url)
    if spider_class is not None and not spider_class().is_article_url(capture.url):
        return "not an article page"
    return None
