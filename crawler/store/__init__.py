"""The archive database: every write (the store package is the only code that writes SQL).
May import crawler.normalise, crawler.dedup, crawler.warc.capture and crawler.errors; never
spiders, the CLI, Datasette (serve) or the readers in crawler.query.

Built on sqlite-utils. The schema is a list of migrations (crawler/store/schema.py), applied
when an archive is opened for writing; the database runs in WAL mode so that readers (Datasette,
``archive search``) never block a crawl. Each article is saved in one transaction together with
its URLs, bylines, images, earlier version and place in the near-duplicate index
(crawler/store/clusters.py), so an interrupted crawl never leaves half an article behind.

Example::

    archive = Archive.open("archive.db")
    crawl_id = archive.start_crawl(source="hkcd", campaign="summit")
    archive.save_article(record, crawl_id=crawl_id, http_status=200, fetched_at=now)
    archive.finish_crawl(crawl_id, status="finished", counts={...})
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from crawler.dedup.diff import diff_summary
from crawler.dedup.minhash import DEFAULT_MIN_SIMILARITY
from crawler.errors import ArchiveError, NewerArchive, NotAnArchive, is_disk_full
from crawler.normalise.urls import canonicalise_url
from crawler.store.cluster_rebuild import Progress, Rebuilt, rebuild_clusters
from crawler.store.clusters import index_article
from crawler.store.domains import registered_domain
from crawler.store.records import find_article, stored_record
from crawler.store.schema import MIGRATIONS
from crawler.store.search_index import (
    rebuild_search_index,
    register_index_function,
    unindex_article,
    write_search_row,
)
from crawler.warc.capture import utc_now

# Readers and a crawl share the archive (WAL); a writer waits this long for a lock.
BUSY_TIMEOUT_MS = 30_000
# SQLite's page cache for the archive's connection, in KiB (its default is 2,000): each new
# article probes the near-duplicate index at 48 random places and the search index at many, and
# past about 10,000 articles those pages no longer fit the default (#21).
CACHE_KIB = 65_536

Outcome = Literal["new", "updated", "unchanged", "duplicate"]


def article_id(canonical_url: str) -> str:
    """A stable id for an article: the first 16 hex digits of the SHA-1 of its canonical URL."""
    return hashlib.sha1(canonical_url.encode()).hexdigest()[:16]


def check_known_migrations(db: sqlite_utils.Database, path: str | Path) -> None:
    """Raise :class:`NewerArchive` when ``db`` holds migrations this version does not know."""
    if "_sqlite_migrations" not in db.table_names():
        return
    known = {migration.name for migration in MIGRATIONS._migrations}
    applied = [
        row[0]
        for row in db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATIONS.name]
        )
    ]
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise NewerArchive(
            f"{path} was written by a newer version of summit-archive (schema {unknown[-1]}); "
            "upgrade it (pip install -U summit-archive) to use this archive"
        )


class Archive:
    """An archive database opened for writing.

    :param db: an open sqlite-utils Database; use :meth:`Archive.open` to open a file.
    :param min_similarity: the estimated Jaccard similarity from which two articles are
        near-duplicates (see crawler/dedup/minhash.py).
    """

    def __init__(self, db: sqlite_utils.Database, min_similarity: float = DEFAULT_MIN_SIMILARITY):
        self.db = db
        self.min_similarity = min_similarity

    @classmethod
    def open(cls, path: str | Path, min_similarity: float = DEFAULT_MIN_SIMILARITY) -> Archive:
        """Open (or create) the archive at ``path`` and bring its schema up to date.

        Raises :class:`NotAnArchive` when the file is not an SQLite database, and
        :class:`NewerArchive` (leaving it untouched) when a newer version wrote it.
        """
        try:
            db = sqlite_utils.Database(path)
            check_known_migrations(db, path)
            register_index_function(db.conn)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            db.execute("PRAGMA foreign_keys = ON")
            # In WAL mode NORMAL cannot corrupt the archive; a power cut may lose the last
            # transactions, which a re-crawl fetches again. It saves an fsync per article.
            db.execute("PRAGMA synchronous = NORMAL")
            db.enable_wal()
            # One transaction for all pending migrations: a reader never sees a half-made
            # archive (tables without their search index).
            with db.atomic():
                MIGRATIONS.apply(db)
        except sqlite3.OperationalError as error:
            if "readonly" in str(error) or "unable to open" in str(error):
                raise ArchiveError(f"cannot write to the archive {path}: {error}") from error
            raise NotAnArchive(f"{path} is not an archive database: {error}") from error
        except sqlite3.DatabaseError as error:
            raise NotAnArchive(f"{path} is not an archive database: {error}") from error
        return cls(db, min_similarity)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def reindex(self) -> int:
        """Rebuild the search index from the articles; return how many were indexed."""
        with self.db.atomic():
            return rebuild_search_index(self.db)

    def rebuild_clusters(
        self, workers: int | None = None, progress: Progress | None = None
    ) -> Rebuilt:
        """Rebuild the near-duplicate index and the clusters from the articles' texts, at this
        archive's threshold (crawler/store/cluster_rebuild.py), in ``workers`` processes (one
        a core by default). Raises ArchiveError when the disk fills up: the transaction rolls
        back and the old index and clusters stay."""
        try:
            return rebuild_clusters(self.db, self.min_similarity, utc_now(), workers, progress)
        except (sqlite3.OperationalError, OSError) as error:
            if not is_disk_full(error):
                raise
            raise ArchiveError(
                f"disk full while rebuilding the clusters ({error}); they are as they were"
            ) from error

    def start_crawl(
        self,
        *,
        source: str,
        campaign: str | None = None,
        since: str | None = None,
        until: str | None = None,
        settings: Mapping[str, Any] | None = None,
        origin: str = "live",
    ) -> int:
        """Add a row to crawls for a run of one source and return its id. ``origin`` says
        where its pages come from: live, mirror or replay (ARCHIVE_CRAWL_ORIGIN).

        Earlier runs of the source and campaign still marked ``running`` never finished (the
        process was killed: only one crawl of a campaign runs at a time, crawler/crawl/lock.py);
        they are marked ``interrupted``.
        """
        with self.db.atomic():
            self.db.execute(
                "UPDATE crawls SET status = 'interrupted' WHERE status = 'running'"
                " AND source = ? AND campaign IS ?",
                [source, campaign],
            )
            table = self.db["crawls"].insert(
                {
                    "source": source,
                    "campaign": campaign,
                    "since": since,
                    "until": until,
                    "started": utc_now(),
                    "status": "running",
                    "settings": json.dumps(settings or {}, ensure_ascii=False, sort_keys=True),
                    "origin": origin,
                }
            )
        assert table.last_pk is not None
        return int(table.last_pk)

    def finish_crawl(
        self,
        crawl_id: int,
        *,
        status: str,
        counts: Mapping[str, int],
        warc_files: list[str] | None = None,
        failure: str | None = None,
    ) -> None:
        """Close a crawl's row with its final status, counts, the WARC files it wrote and, for
        a failed one, why.

        On a full disk the write-ahead log is checkpointed (which may give back the room an
        aborted article took) and the row written once more; sqlite3.OperationalError if that
        fails too.
        """
        row = {"finished": utc_now(), "status": status, "failure": failure, **counts}
        if warc_files is not None:
            row["warc_files"] = json.dumps(warc_files, ensure_ascii=False)
        try:
            with self.db.atomic():
                self.db["crawls"].update(crawl_id, row)
        except sqlite3.OperationalError as error:
            if not is_disk_full(error):
                raise
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with self.db.atomic():
                self.db["crawls"].update(crawl_id, row)

    def record_fetch_error(
        self,
        crawl_id: int,
        *,
        url: str,
        reason: str,
        http_status: int | None = None,
        attempts: int = 1,
    ) -> None:
        """Add a row to fetch_errors for a page that could not be archived after ``attempts``
        tries."""
        with self.db.atomic():
            self.db["fetch_errors"].insert(
                {
                    "crawl_id": crawl_id,
                    "url": url,
                    "reason": reason,
                    "http_status": http_status,
                    "attempts": attempts,
                    "time": utc_now(),
                }
            )

    def record_skipped(
        self,
        url: str,
        *,
        reason: str,
        filter_key: str,
        crawl_id: int | None,
        seen_at: str,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Remember an article page the campaign skipped, so a re-crawl need not fetch it again.

        ``filter_key`` identifies the campaign filter (keywords, window) that judged it: under
        another filter the page is judged afresh.
        """
        row = {
            "url": url,
            "reason": reason,
            "filter_key": filter_key,
            "last_seen": seen_at,
            "etag": etag,
            "last_modified": last_modified,
            "crawl_id": crawl_id,
        }
        with self.db.atomic():
            pages = self.db["skipped_pages"]
            if pages.count_where("url = ?", [url]):
                pages.update(url, row)
            else:
                pages.insert({**row, "first_seen": seen_at})

    def record_page_capture(
        self, url: str, *, crawl_id: int | None, seen_at: str, capture: Mapping[str, Any]
    ) -> None:
        """Keep where the latest capture of a page that is no article (a list, a feed) is, and
        its validators, so a re-crawl can revalidate it and reuse the capture on a 304."""
        row = {field: capture.get(field) for field in CAPTURE_FIELDS}
        with self.db.atomic():
            self.db["page_captures"].upsert(
                {"url": url, **row, "last_seen": seen_at, "crawl_id": crawl_id}, pk="url"
            )

    def mark_not_modified(self, url: str, *, crawl_id: int | None, seen_at: str) -> bool:
        """A page answered 304 Not Modified: move its last-seen times, nothing else.

        Returns whether the URL was known (an archived article's or a skipped page's).
        """
        seen = {"last_seen": seen_at, "crawl_id": crawl_id}
        with self.db.atomic():
            row = next(iter(self.db["article_urls"].rows_where("url = ?", [url], limit=1)), None)
            if row is not None:
                self.db["article_urls"].update(url, seen)
                self._touch(row["article_id"], seen_at, crawl_id)
                return True
            if self.db["skipped_pages"].count_where("url = ?", [url]):
                self.db["skipped_pages"].update(url, seen)
                return True
        return False

    def save_article(
        self,
        record: Mapping[str, Any],
        *,
        crawl_id: int | None,
        http_status: int,
        fetched_at: str,
        capture: Mapping[str, Any] | None = None,
    ) -> Outcome:
        """Store one article record; say whether it was new, updated, unchanged or a duplicate.

        - A page already archived (by canonical URL, or by a URL it was seen at) whose record
          is the same only has its last-seen times moved; a changed one keeps its old version
          in ``revisions`` and is updated, bylines, images and similarity index included.
        - A new page whose text is the same as an article of the same outlet (a second address
          of one page) is that article's ``duplicate``: only its URL is added.
        - Any other page is a new article, put in the cluster of its near-duplicates (reprints
          by other outlets, copies in the other script, trimmed copies).

        ``capture`` (keys of CAPTURE_FIELDS) says where the page's bytes are in a WARC file and
        which validators (ETag, Last-Modified) it was served with; it is kept on the URL's row.

        A record with no outlet (the page named none) gets its host's registered domain, with
        ``outlet_source`` ``domain`` (#18: a NOT NULL column, and an import of any host).

        Everything happens in one transaction.
        """
        if not record.get("outlet"):
            record = {
                **record,
                "outlet": registered_domain(record["url"]),
                "outlet_source": "domain",
            }
        with self.db.atomic():
            existing = self._find_article(record)
            if existing is None:
                twin = self._find_twin(record)
                outcome: Outcome = "duplicate" if twin else "new"
                key = twin["id"] if twin else article_id(record["canonical_url"])
                if twin:
                    self._touch(key, fetched_at, crawl_id)
                else:
                    self._write_article(
                        key, record, crawl_id, first_seen=fetched_at, seen_at=fetched_at
                    )
                    self._write_children(key, record)
                    write_search_row(self.db, key)
                    index_article(self.db, key, record["body"], self.min_similarity, fetched_at)
            elif existing["record_hash"] != record_hash(record):
                outcome = "updated"
                key = existing["id"]
                self._keep_revision(existing, record, fetched_at)
                unindex_article(self.db, key)
                self._write_article(
                    key, record, crawl_id, first_seen=existing["first_seen"], seen_at=fetched_at
                )
                self.db.execute("DELETE FROM bylines WHERE article_id = ?", [key])
                self.db.execute("DELETE FROM images WHERE article_id = ?", [key])
                self._write_children(key, record)
                write_search_row(self.db, key)
                if existing["content_hash"] != record["content_hash"]:
                    index_article(self.db, key, record["body"], self.min_similarity, fetched_at)
            else:
                outcome = "unchanged"
                key = existing["id"]
                self._touch(key, fetched_at, crawl_id)
            self._write_url(key, record, crawl_id, http_status, fetched_at, capture or {})
        return outcome

    def _find_article(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """The article stored under the record's canonical URL, or seen at its URL."""
        return find_article(self.db, record["canonical_url"], record["url"])

    def _find_twin(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """An article of the same outlet on the same site with the same text (script folded),
        if any: a second address of one page. The same text on another site is a reprint,
        even when its lead names the same outlet (中新網 printing 【香港商報訊】…)."""
        if not record.get("body"):
            return None
        rows = self.db["articles"].rows_where(
            "content_hash = ? AND outlet = ?", [record["content_hash"], record["outlet"]]
        )
        site = _site(record["url"])
        return next((row for row in rows if _site(row["url"]) == site), None)

    def _touch(self, key: str, fetched_at: str, crawl_id: int | None) -> None:
        self.db["articles"].update(key, {"last_seen": fetched_at, "crawl_id": crawl_id})

    def _keep_revision(
        self, existing: Mapping[str, Any], record: Mapping[str, Any], replaced_at: str
    ) -> None:
        """Keep the stored version of an article in revisions before it is replaced."""
        changes = diff_summary(existing["body"] or "", record.get("body") or "")
        self.db["revisions"].insert(
            {
                "article_id": existing["id"],
                "first_seen": existing["version_first_seen"] or existing["first_seen"],
                "last_seen": existing["last_seen"],
                "replaced_at": replaced_at,
                "content_hash": existing["content_hash"],
                "record_hash": existing["record_hash"],
                "title": existing["title"],
                "body": existing["body"],
                "record": json.dumps(
                    stored_record(self.db, existing["id"]), ensure_ascii=False, sort_keys=True
                ),
                "paragraphs_added": changes["added"],
                "paragraphs_removed": changes["removed"],
                "paragraphs_changed": changes["changed"],
            }
        )

    def _write_article(
        self,
        key: str,
        record: Mapping[str, Any],
        crawl_id: int | None,
        *,
        first_seen: str,
        seen_at: str,
    ) -> None:
        """Write the article's row: a version first seen at ``seen_at``."""
        row = {
            "id": key,
            **_article_row(record),
            "record_hash": record_hash(record),
            "first_seen": first_seen,
            "last_seen": seen_at,
            "version_first_seen": seen_at,
            "crawl_id": crawl_id,
        }
        self.db["articles"].upsert(row, pk="id")

    def _write_children(self, key: str, record: Mapping[str, Any]) -> None:
        self.db["bylines"].insert_all(
            {"article_id": key, "position": position, **_pick(byline, BYLINE_FIELDS)}
            for position, byline in enumerate(record.get("bylines") or [])
        )
        self.db["images"].insert_all(
            {"article_id": key, "position": position, **_pick(image, IMAGE_FIELDS)}
            for position, image in enumerate(record.get("images") or [])
        )

    def _write_url(
        self,
        key: str,
        record: Mapping[str, Any],
        crawl_id: int | None,
        http_status: int,
        fetched_at: str,
        capture: Mapping[str, Any],
    ) -> None:
        urls = self.db["article_urls"]
        seen = {
            "last_seen": fetched_at,
            "http_status": http_status,
            "crawl_id": crawl_id,
            **{field: capture[field] for field in CAPTURE_FIELDS if field in capture},
        }
        if urls.count_where("url = ?", [record["url"]]):
            urls.update(record["url"], {"article_id": key, **seen})
        else:
            urls.insert(
                {
                    "url": record["url"],
                    "article_id": key,
                    "outlet": record["outlet"],
                    "first_seen": fetched_at,
                    "source_line": record.get("source_line"),
                    **seen,
                }
            )


BYLINE_FIELDS = ("role", "name", "outlet")
CAPTURE_FIELDS = ("warc_file", "warc_offset", "warc_length", "etag", "last_modified")
IMAGE_FIELDS = ("src", "caption", "caption_raw", "source", "photographer")


def record_hash(record: Mapping[str, Any]) -> str:
    """A hash of everything a page printed (the record less its URL bookkeeping).

    A re-crawl whose record hashes alike changed nothing worth a new version.
    """
    printed = {key: value for key, value in record.items() if key not in ("url", "canonical_url")}
    canonical = json.dumps(printed, ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _pick(mapping: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: mapping.get(field) for field in fields}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _article_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The articles row of a record; bylines and images are child rows of their own."""
    dateline = record.get("dateline") or {}
    images = record.get("images") or []
    return {
        "url": record["url"],
        "canonical_url": record["canonical_url"],
        "outlet": record["outlet"],
        "outlet_source": record.get("outlet_source"),
        "date_basis": record.get("date_basis"),
        "original_outlet": record.get("original_outlet"),
        "title": record.get("title"),
        "subtitle": record.get("subtitle"),
        "published": record.get("published"),
        "updated": record.get("updated"),
        "dateline_place": dateline.get("place"),
        "dateline_date": dateline.get("date"),
        "body": record.get("body") or "",
        "sections": _json(record.get("sections") or []),
        "mentioned_dates": _json(record.get("mentioned_dates") or []),
        "captions": "\n".join(image["caption"] for image in images if image.get("caption")),
        "script": record.get("script"),
        "source_line": record.get("source_line"),
        "content_hash": record["content_hash"],
    }


def _site(url: str) -> str:
    """The registered domain of a URL's canonical host (hkcd.com is hkcd.com.hk's alias)."""
    return registered_domain(canonicalise_url(url))
