"""`archive import-warc`: captures made by any tool (wget --warc-file, Browsertrix, Heritrix,
pywb, our own crawls) into the archive, through the crawl's own path.

Reads WARC 1.0 and 1.1 and ARC files, gzip or plain, WACZ packages, folders of them and
standard input (crawler/warc/sources.py). Each response (or resource) record of an HTML page at
200 goes through the extraction of `archive extract` (crawler/extract/page.py: the spider of the
URL's host, the generic extractor for hosts with none), the normaliser and the campaign's filter
(keywords, date window), then :meth:`Archive.save_article` (canonical URLs, duplicates,
clusters, revisions; a page naming no outlet gets its registered domain) with the record's
WARC-Date as the fetch time and the record's place in the file as the capture. A revisit
record is resolved to the payload of the capture it refers to (by payload digest, or by
WARC-Refers-To-Target-URI and -Date) when the import has read that capture: where each capture
read lies is kept in a temporary SQLite file (:class:`Originals`), so that memory stays flat
however many captures an import reads. The import is a run of its own in the crawls table
(source ``import-warc``).

Every capture not archived is counted by reason and kept in ``skipped_pages`` with it (not
HTTP, no URI, bad URI, HTTP status, not HTML, too big, duplicate capture, not an article page,
a WACZ page list's non-pages, the campaign's reasons). Request, warcinfo and metadata records
are passed over. A damaged record is logged with its file and offset and the rest is read; a
truncated file is warned of with the offset (crawler/warc/scan.py). Payloads are capped at
``max_size`` (DOWNLOAD_MAXSIZE of the live crawl) and at a decompression ratio.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.crawl.campaign import Campaign
from crawler.errors import WarcError, is_disk_full
from crawler.extract.page import extract_record
from crawler.store import Archive
from crawler.warc.capture import iso_from_warc_date, stored_path, utc_now
from crawler.warc.reader import MAX_PAYLOAD, Capture, capture_of_record
from crawler.warc.scan import NO_URI, Damage, Entry, NotAnArchive, iter_entries
from crawler.warc.sources import Source
from spiders.registry import site_spider_for

logger = logging.getLogger(__name__)

HTML_TYPES = {"text/html", "application/xhtml+xml"}
CAPTURE_TYPES = {"response", "resource", "revisit"}
# The map of originals: what was read (URL and payload digest), and where each capture lies by
# payload digest and by URL and WARC-Date (what a revisit names). Sources are numbered.
ORIGINALS_SCHEMA = """
CREATE TABLE seen (url TEXT, digest TEXT, PRIMARY KEY (url, digest)) WITHOUT ROWID;
CREATE TABLE by_digest (digest TEXT PRIMARY KEY, source INTEGER, offset INTEGER) WITHOUT ROWID;
CREATE TABLE by_date (
    url TEXT, date TEXT, source INTEGER, offset INTEGER, PRIMARY KEY (url, date)
) WITHOUT ROWID;
"""
# A scratch file: no journal, no syncing, a page cache of at most 16 MiB.
ORIGINALS_PRAGMAS = ("journal_mode = OFF", "synchronous = OFF", "cache_size = -16384")
# Writes to the map between commits: each batch is one transaction.
ORIGINALS_BATCH = 10_000


@dataclass
class ImportReport:
    """What an import did: captures read, outcomes of the articles stored, skips by reason,
    damaged records and truncated files (``file@offset: why``)."""

    crawl_id: int
    files: int = 0
    captures: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    damaged: list[str] = field(default_factory=list)


class Originals:
    """Which captures were read so far and where they are, for the duplicates and the revisits
    that refer to them: an SQLite file, not memory (2.3 million captures would take 1.6 GB)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)
        for pragma in ORIGINALS_PRAGMAS:
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(ORIGINALS_SCHEMA)
        self.sources: list[Source] = []
        self.numbers: dict[Source, int] = {}
        self.writes = 0

    @classmethod
    @contextmanager
    def opened(cls) -> Iterator[Originals]:
        """An empty map in a temporary folder, deleted when the block ends, however it ends."""
        with tempfile.TemporaryDirectory(prefix="import-warc-originals-") as folder:
            originals = cls(Path(folder) / "originals.db")
            try:
                yield originals
            finally:
                originals.db.close()

    def first_read(self, url: str, digest: str) -> bool:
        """Whether this URL and payload digest are read for the first time (noted if so)."""
        return self._write("INSERT OR IGNORE INTO seen VALUES (?, ?)", (url, digest)) == 1

    def add(self, source: Source, offset: int, digest: str, url: str, date: str) -> None:
        """Note a capture at ``offset`` of ``source`` (a later one of the same key wins)."""
        if source not in self.numbers:
            self.numbers[source] = len(self.sources)
            self.sources.append(source)
        number = self.numbers[source]
        if digest:
            self._write("REPLACE INTO by_digest VALUES (?, ?, ?)", (digest, number, offset))
        self._write("REPLACE INTO by_date VALUES (?, ?, ?, ?)", (url, date, number, offset))

    def find(self, digest: str, url: str, date: str) -> tuple[Source, int] | None:
        """Where the capture of this payload digest is, else the one of this URL and date."""
        row = None
        if digest:
            row = self.db.execute(
                "SELECT source, offset FROM by_digest WHERE digest = ?", (digest,)
            ).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT source, offset FROM by_date WHERE url = ? AND date = ?", (url, date)
            ).fetchone()
        return (self.sources[row[0]], row[1]) if row else None

    def _write(self, statement: str, parameters: tuple) -> int:
        """Run a write in the open transaction, committed every ORIGINALS_BATCH writes; the
        number of rows it changed. Raises WarcError when the disk is full."""
        try:
            changed = self.db.execute(statement, parameters).rowcount
            self.writes += 1
            if self.writes % ORIGINALS_BATCH == 0:
                self.db.commit()
        except sqlite3.OperationalError as error:
            if not is_disk_full(error):
                raise
            raise WarcError(
                f"no room for the map of the captures read in {self.path.parent} ({error}):"
                " set TMPDIR to a folder on a larger disk"
            ) from error
        return changed


def check_source(source: Source) -> None:
    """Raise :class:`WarcError` unless the source's first record is a WARC or ARC record."""
    with source.open() as stream:
        try:
            # The first record read as the import reads it (a warcinfo, or a capture).
            first = next(iter_entries(stream, read_bodies=True, max_size=MAX_PAYLOAD), None)
        except NotAnArchive as error:
            raise WarcError(f"{source.label} is not a WARC or ARC file: {error}") from error
    if first is None:
        raise WarcError(f"{source.label} is not a WARC or ARC file: it holds no records")


def import_warcs(
    sources: list[Source],
    archive: Archive,
    campaign: Campaign,
    *,
    db_path: str | Path,
    max_size: int = MAX_PAYLOAD,
) -> ImportReport:
    """Import the captures of ``sources`` into ``archive``.

    Args:
        sources: what to read (:func:`crawler.warc.sources.expand_sources`), each checked
            before anything is written.
        archive: the archive to write.
        campaign: whose keywords and date window an article must meet.
        db_path: the archive's file, against which WARC paths are stored.
        max_size: the most bytes a payload may decode to.

    Returns:
        An :class:`ImportReport`. Raises WarcError when a source is not a WARC or ARC.

    Example::

        report = import_warcs(expand_sources([Path("site.warc.gz")]),
                              Archive.open("archive.db"), campaign, db_path="archive.db")
    """
    for source in sources:
        check_source(source)
    crawl_id = archive.start_crawl(
        source="import-warc",
        campaign=campaign.name,
        since=campaign.since and campaign.since.isoformat(),
        until=campaign.until and campaign.until.isoformat(),
        settings={"files": [s.label for s in sources], "keywords": campaign.keywords},
    )
    report = ImportReport(crawl_id)
    status = "failed"
    try:
        with Originals.opened() as originals:
            importer = _Importer(archive, campaign, report, db_path, max_size, originals)
            for source in sources:
                importer.import_source(source)
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
            "errors": len(report.damaged),
        }
        warc_files = sorted({stored_path(s.stored, db_path) for s in sources if s.stored})
        archive.finish_crawl(crawl_id, status=status, counts=counts, warc_files=warc_files)
    return report


@dataclass
class _Importer:
    """One import's state: where it writes, what it has read."""

    archive: Archive
    campaign: Campaign
    report: ImportReport
    db_path: str | Path
    max_size: int
    originals: Originals

    def import_source(self, source: Source) -> None:
        """Import every capture of one source; report its damaged records and go on."""
        for item in self._entries(source):
            if isinstance(item, Damage):
                self._damaged(source, item)
                if NO_URI in item.message:
                    # warcio cannot parse a capture with no target URI: still a capture skipped.
                    self.report.captures += 1
                    self.report.skipped["no URI"] += 1
            elif item.record.rec_type in CAPTURE_TYPES:
                self.report.captures += 1
                self._import_entry(source, item)

    def _entries(self, source: Source) -> Iterator[Entry | Damage]:
        with source.open() as stream:
            try:
                yield from iter_entries(stream, read_bodies=True, max_size=self.max_size)
            except NotAnArchive as error:
                yield Damage(0, f"not a WARC or ARC file: {error}")
            except OSError as error:
                yield Damage(stream.tell(), f"cannot read: {error.strerror or error}", True)

    def _damaged(self, source: Source, damage: Damage) -> None:
        line = f"{source.label}@{damage.offset}: {damage.message}"
        if damage.truncated:
            line = f"{source.label}@{damage.offset}: truncated: {damage.message}"
        self.report.damaged.append(line)
        logger.warning("%s", line)

    def _import_entry(self, source: Source, entry: Entry) -> None:
        """Store one capture as an article, or record why it was skipped."""
        record = entry.record
        url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
        reason = url_problem(url) or entry.problem
        capture = None
        if reason is None:
            capture, reason = self._capture(source, entry, url)
        if reason is None and capture is not None:
            reason = self._page_problem(source, capture)
        article = None
        if reason is None and capture is not None:
            article, reason = self._extract(capture)
        if reason is not None or article is None or capture is None:
            self._skip(url, reason or "not an article", entry, capture)
            return
        self._save(article, capture, addressable=bool(source.stored and entry.addressable))

    def _capture(self, source: Source, entry: Entry, url: str) -> tuple[Capture | None, str | None]:
        """The capture a record holds (a revisit: its original's payload), or why none."""
        record = entry.record
        path = source.stored or source.path
        if record.rec_type == "revisit":
            return self._resolve_revisit(entry, url)
        offset = source.base + entry.offset
        capture = capture_of_record(record, entry.body or b"", path, offset, entry.length)
        digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
        if digest and not self.originals.first_read(url, digest):
            return capture, "duplicate capture"
        if entry.addressable:
            date = record.rec_headers.get_header("WARC-Date") or ""
            self.originals.add(source, entry.offset, digest, url, date)
        return capture, None

    def _resolve_revisit(self, entry: Entry, url: str) -> tuple[Capture | None, str | None]:
        """A revisit as a capture of its own URL and date with its original's payload."""
        headers = entry.record.rec_headers
        place = self.originals.find(
            headers.get_header("WARC-Payload-Digest") or "",
            headers.get_header("WARC-Refers-To-Target-URI") or url,
            headers.get_header("WARC-Refers-To-Date") or "",
        )
        if place is None:
            return None, "revisit of a capture not in the import"
        original = read_original(*place, self.max_size)
        if original is None:
            return None, "revisit of an unreadable capture"
        return Capture(
            url=url,
            status=original.status,
            headers=original.headers,
            body=original.body,
            warc_date=headers.get_header("WARC-Date") or original.warc_date,
            path=original.path,
            offset=original.offset,
            length=original.length,
            protocol=original.protocol,
        ), None

    def _page_problem(self, source: Source, capture: Capture) -> str | None:
        """Why a capture is no article page to extract (None when it may be one)."""
        reason = skip_reason(capture)
        if reason is None and source.pages and capture.url not in source.pages:
            return "not in the WACZ page list"
        return reason

    def _extract(self, capture: Capture) -> tuple[dict | None, str | None]:
        """The capture's article record, or why it is none (an empty page, or one with no title
        and no text, is none, as the crawl's spiders judge: spiders/base.py)."""
        if not capture.body.strip():
            return None, "not an article (empty page)"
        try:
            article = extract_record(
                capture.url,
                capture.body,
                dict(capture.headers),
                fetched_at=iso_from_warc_date(capture.warc_date),
            )
        except (ValueError, LookupError) as error:
            # A page no extractor can read (a broken charset name, an unparsable URL).
            logger.warning("Cannot extract %s: %s", capture.url, error)
            return None, "not an article (unreadable)"
        if not (article.get("title") or "").strip() and not (article.get("body") or "").strip():
            return None, "not an article (no title, no text)"
        reason = (self.campaign.skip_reason(article) or "").replace("_", " ") or None
        return article, reason

    def _skip(self, url: str, reason: str, entry: Entry, capture: Capture | None) -> None:
        """Count a capture not archived, and keep it in skipped_pages (when it has a URL)."""
        self.report.skipped[reason] += 1
        logger.debug("Skipped (%s): %s", reason, url)
        if not url or reason in ("no URI", "bad URI"):
            return
        headers = {n.lower(): v for n, v in capture.headers} if capture else {}
        date = entry.record.rec_headers.get_header("WARC-Date") or ""
        self.archive.record_skipped(
            url,
            reason=reason,
            filter_key=self.campaign.filter_key(),
            crawl_id=self.report.crawl_id,
            seen_at=iso_from_warc_date(date) or utc_now(),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
        )

    def _save(self, article: dict, capture: Capture, *, addressable: bool) -> None:
        """Save an article with its fetch time and (when it can be read back) its capture: a
        revisit's is the record it refers to, which holds the payload."""
        headers = {name.lower(): value for name, value in capture.headers}
        where = {}
        if addressable:
            where = {
                "warc_file": stored_path(capture.path, self.db_path),
                "warc_offset": capture.offset,
                "warc_length": capture.length,
            }
        outcome = self.archive.save_article(
            article,
            crawl_id=self.report.crawl_id,
            http_status=capture.status,
            fetched_at=iso_from_warc_date(capture.warc_date) or utc_now(),
            capture={
                **where,
                "etag": headers.get("etag"),
                "last_modified": headers.get("last-modified"),
            },
        )
        self.report.outcomes[outcome] += 1


def read_original(source: Source, offset: int, max_size: int) -> Capture | None:
    """The capture at ``offset`` of ``source`` (None when it cannot be read back)."""
    with source.open() as stream:
        stream.seek(offset)
        for item in iter_entries(stream, read_bodies=True, max_size=max_size):
            if not isinstance(item, Entry) or item.body is None:
                return None
            path = source.stored or source.path
            return capture_of_record(
                item.record, item.body, path, source.base + offset, item.length
            )
    return None


def url_problem(url: str) -> str | None:
    """Why a record's target URI cannot be archived (None when it can)."""
    if not url:
        return "no URI"
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return "bad URI"
    if parts.scheme not in ("http", "https"):
        return "not HTTP"
    if not parts.hostname:
        return "bad URI"
    return None


def skip_reason(capture: Capture) -> str | None:
    """Why an HTTP capture is no article page to extract (None when it may be one)."""
    if capture.status != 200:
        return f"HTTP {capture.status}"
    if capture.content_type not in HTML_TYPES:
        return f"not HTML ({capture.content_type or 'no media type'})"
    spider_class = site_spider_for(capture.url)
    if spider_class is not None and not spider_class().is_article_url(capture.url):
        return "not an article page"
    return None
