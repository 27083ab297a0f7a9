"""The archive database: schema, migrations and every write (the only module that writes SQL).

Built on sqlite-utils. The schema is a list of migrations (``sqlite_utils.migrations``), applied
when an archive is opened for writing; the database runs in WAL mode so that readers (Datasette,
``archive search``) never block a crawl. Each article is saved in one transaction together with
its URLs, bylines and images, so an interrupted crawl never leaves half an article behind.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils
from sqlite_utils.migrations import Migrations

from crawler.errors import NotAnArchive

Outcome = Literal["new", "updated", "unchanged"]

MIGRATIONS = Migrations("archive")
FTS_COLUMNS = ["title", "subtitle", "body", "captions"]
# The trigram tokenizer matches any run of three or more characters, Chinese included, and
# folds Latin case; two-character Chinese words need the search module of issue 6.
FTS_TOKENIZER = "trigram"
BUSY_TIMEOUT_MS = 30_000


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Articles, the URLs they were seen at, bylines, images, crawls and fetch errors."""
    db["crawls"].create(
        {
            "id": int,
            "source": str,
            "campaign": str,
            "since": str,
            "until": str,
            "started": str,
            "finished": str,
            "status": str,
            "pages": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "skipped": int,
            "errors": int,
            "settings": str,
        },
        pk="id",
    )
    db["articles"].create(
        {
            "id": str,
            "url": str,
            "canonical_url": str,
            "outlet": str,
            "original_outlet": str,
            "title": str,
            "subtitle": str,
            "published": str,
            "updated": str,
            "dateline_place": str,
            "dateline_date": str,
            "body": str,
            "sections": str,
            "mentioned_dates": str,
            "captions": str,
            "script": str,
            "source_line": str,
            "content_hash": str,
            "record_hash": str,
            "first_seen": str,
            "last_seen": str,
            "crawl_id": int,
        },
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
        not_null={"url", "canonical_url", "outlet", "content_hash", "first_seen", "last_seen"},
    )
    db["article_urls"].create(
        {
            "url": str,
            "article_id": str,
            "outlet": str,
            "first_seen": str,
            "last_seen": str,
            "http_status": int,
            "source_line": str,
            "crawl_id": int,
        },
        pk="url",
        foreign_keys=[("article_id", "articles", "id"), ("crawl_id", "crawls", "id")],
        not_null={"article_id"},
    )
    db["bylines"].create(
        {"id": int, "article_id": str, "position": int, "role": str, "name": str, "outlet": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["images"].create(
        {
            "id": int,
            "article_id": str,
            "position": int,
            "src": str,
            "caption": str,
            "caption_raw": str,
            "source": str,
            "photographer": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["fetch_errors"].create(
        {
            "id": int,
            "crawl_id": int,
            "url": str,
            "reason": str,
            "http_status": int,
            "time": str,
        },
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
    )
    db["articles"].create_index(["canonical_url"], unique=True)
    db["articles"].create_index(["outlet", "published"])
    db["articles"].create_index(["published"])
    db["articles"].create_index(["content_hash"])
    db["article_urls"].create_index(["article_id"])
    db["bylines"].create_index(["article_id"])
    db["bylines"].create_index(["name"])
    db["images"].create_index(["article_id"])
    db["fetch_errors"].create_index(["crawl_id"])
    db["articles"].enable_fts(FTS_COLUMNS, tokenize=FTS_TOKENIZER, create_triggers=True)


def utc_now() -> str:
    """The current time as ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def article_id(canonical_url: str) -> str:
    """A stable id for an article: the first 16 hex digits of the SHA-1 of its canonical URL."""
    return hashlib.sha1(canonical_url.encode()).hexdigest()[:16]


class Archive:
    """An archive database opened for writing.

    :param db: an open sqlite-utils Database; use :meth:`Archive.open` to open a file.
    """

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    @classmethod
    def open(cls, path: str | Path) -> Archive:
        """Open (or create) the archive at ``path`` and bring its schema up to date.

        Raises :class:`NotAnArchive` when the file is not an SQLite database.
        """
        try:
            db = sqlite_utils.Database(path)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA foreign_keys = ON")
            db.enable_wal()
            MIGRATIONS.apply(db)
        except sqlite3.DatabaseError as error:
            raise NotAnArchive(f"{path} is not an archive database: {error}") from error
        return cls(db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def start_crawl(
        self,
        *,
        source: str,
        campaign: str | None = None,
        since: str | None = None,
        until: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> int:
        """Add a row to crawls for a run of one source and return its id."""
        with self.db.atomic():
            table = self.db["crawls"].insert(
                {
                    "source": source,
                    "campaign": campaign,
                    "since": since,
                    "until": until,
                    "started": utc_now(),
                    "status": "running",
                    "settings": json.dumps(settings or {}, ensure_ascii=False, sort_keys=True),
                }
            )
        assert table.last_pk is not None
        return int(table.last_pk)

    def finish_crawl(self, crawl_id: int, *, status: str, counts: Mapping[str, int]) -> None:
        """Close a crawl's row with its final status and counts."""
        with self.db.atomic():
            self.db["crawls"].update(crawl_id, {"finished": utc_now(), "status": status, **counts})

    def record_fetch_error(
        self, crawl_id: int, *, url: str, reason: str, http_status: int | None = None
    ) -> None:
        """Add a row to fetch_errors for a page that could not be archived."""
        with self.db.atomic():
            self.db["fetch_errors"].insert(
                {
                    "crawl_id": crawl_id,
                    "url": url,
                    "reason": reason,
                    "http_status": http_status,
                    "time": utc_now(),
                }
            )

    def save_article(
        self,
        record: Mapping[str, Any],
        *,
        crawl_id: int | None,
        http_status: int,
        fetched_at: str,
    ) -> Outcome:
        """Store one article record; return whether it was new, updated or unchanged.

        A page already archived under the same canonical URL with the same content only has
        its last-seen times moved; a changed page replaces the stored fields, bylines and
        images. Everything happens in one transaction.
        """
        with self.db.atomic():
            existing = self._find_article(record["canonical_url"])
            if existing is None:
                outcome: Outcome = "new"
                key = article_id(record["canonical_url"])
                self._write_article(
                    key, record, crawl_id, first_seen=fetched_at, last_seen=fetched_at
                )
            elif existing["record_hash"] != record_hash(record):
                outcome = "updated"
                key = existing["id"]
                self._write_article(
                    key, record, crawl_id, first_seen=existing["first_seen"], last_seen=fetched_at
                )
                self.db.execute("DELETE FROM bylines WHERE article_id = ?", [key])
                self.db.execute("DELETE FROM images WHERE article_id = ?", [key])
            else:
                outcome = "unchanged"
                key = existing["id"]
                self.db["articles"].update(key, {"last_seen": fetched_at, "crawl_id": crawl_id})
            if outcome != "unchanged":
                self._write_children(key, record)
            self._write_url(key, record, crawl_id, http_status, fetched_at)
        return outcome

    def _find_article(self, canonical_url: str) -> dict[str, Any] | None:
        rows = self.db["articles"].rows_where("canonical_url = ?", [canonical_url], limit=1)
        return next(iter(rows), None)

    def _write_article(
        self,
        key: str,
        record: Mapping[str, Any],
        crawl_id: int | None,
        *,
        first_seen: str,
        last_seen: str,
    ) -> None:
        row = {
            "id": key,
            **_article_row(record),
            "record_hash": record_hash(record),
            "first_seen": first_seen,
            "last_seen": last_seen,
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
    ) -> None:
        urls = self.db["article_urls"]
        seen = {"last_seen": fetched_at, "http_status": http_status, "crawl_id": crawl_id}
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
