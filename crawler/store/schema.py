"""The archive's schema, as sqlite-utils migrations applied in order when an archive is opened.

A schema change is a new migration at the end of this module, never an edit of an old one:
archives made by earlier versions are brought up to date by the migrations they lack.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from crawler.store.clusters import create_bucket_table, create_lsh_index, fill_lsh_buckets
from crawler.store.search_index import (
    SEARCH_COLUMNS,
    SEARCH_TABLE,
    create_search_index,
    drop_search_index,
    index_all_articles,
    search_columns_in_place,
)

MIGRATIONS = Migrations("archive")
# m001's index (m003 replaced it with crawler/query/search.py's): what archives made by the first
# version hold until they are opened again.
FTS_COLUMNS = ["title", "subtitle", "body", "captions"]
FTS_TOKENIZER = "trigram"
# m003's index (m009 replaced it with crawler/store/search_index.py's): an FTS5 table that kept
# the text as indexed beside its postings, and the trigger that deleted its rows.
BIGRAM_TEXT_TABLE_SQL = (
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(title, subtitle, body, captions, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
BIGRAM_TEXT_TRIGGER_SQL = (
    f"CREATE TRIGGER {SEARCH_TABLE}_delete AFTER DELETE ON articles BEGIN "
    f"DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid; END"
)


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


@MIGRATIONS()
def m002_dedup_and_revisions(db: sqlite_utils.Database) -> None:
    """Clusters of near-duplicates with their MinHash index, and earlier versions of articles."""
    db["clusters"].create(
        {"id": int, "original_id": str, "size": int, "created": str, "updated": str},
        pk="id",
        foreign_keys=[("original_id", "articles", "id")],
    )
    # ALTER TABLE keeps the FTS triggers on articles, which a table transform would drop.
    db.execute("ALTER TABLE articles ADD COLUMN cluster_id INTEGER REFERENCES clusters(id)")
    articles = db["articles"]
    articles.add_column("similarity", float)
    articles.add_column("version_first_seen", str)
    articles.create_index(["cluster_id"])
    db.execute("UPDATE articles SET version_first_seen = first_seen")
    db["minhashes"].create(
        {"article_id": str, "signature": bytes},
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["lsh_buckets"].create(
        {"bucket": int, "article_id": str},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["lsh_buckets"].create_index(["bucket"])
    db["lsh_buckets"].create_index(["article_id"])
    db["revisions"].create(
        {
            "id": int,
            "article_id": str,
            "first_seen": str,
            "last_seen": str,
            "replaced_at": str,
            "content_hash": str,
            "record_hash": str,
            "title": str,
            "body": str,
            "record": str,
            "paragraphs_added": int,
            "paragraphs_removed": int,
            "paragraphs_changed": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["revisions"].create_index(["article_id"])
    db["crawls"].add_column("articles_duplicate", int)


@MIGRATIONS()
def m003_chinese_search(db: sqlite_utils.Database) -> None:
    """The folded-bigram search index (crawler/query/search.py) in place of the trigram one."""
    db["articles"].disable_fts()
    db.execute(BIGRAM_TEXT_TABLE_SQL)
    db.execute(BIGRAM_TEXT_TRIGGER_SQL)
    index_all_articles(db)


@MIGRATIONS()
def m004_captures_and_revalidation(db: sqlite_utils.Database) -> None:
    """Where each capture's bytes are (WARC file, offset, length), the validators a page was
    served with (ETag, Last-Modified), article pages the campaign skipped, the latest capture of
    other pages (lists, feeds), and what each crawl fetched."""
    urls = db["article_urls"]
    urls.add_column("warc_file", str)
    urls.add_column("warc_offset", int)
    urls.add_column("warc_length", int)
    urls.add_column("etag", str)
    urls.add_column("last_modified", str)
    crawls = db["crawls"]
    for column in ("not_modified", "requests", "bytes"):
        crawls.add_column(column, int)
    crawls.add_column("warc_files", str)
    db["skipped_pages"].create(
        {
            "url": str,
            "reason": str,
            "filter_key": str,
            "first_seen": str,
            "last_seen": str,
            "etag": str,
            "last_modified": str,
            "crawl_id": int,
        },
        pk="url",
        foreign_keys=[("crawl_id", "crawls", "id")],
    )
    db["page_captures"].create(
        {
            "url": str,
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "etag": str,
            "last_modified": str,
            "last_seen": str,
            "crawl_id": int,
        },
        pk="url",
        foreign_keys=[("crawl_id", "crawls", "id")],
    )


@MIGRATIONS()
def m005_fetch_attempts(db: sqlite_utils.Database) -> None:
    """How many times a page that could not be fetched was tried (first try plus retries)."""
    db["fetch_errors"].add_column("attempts", int)


@MIGRATIONS()
def m006_crawl_origin(db: sqlite_utils.Database) -> None:
    """Where each crawl's pages came from: live, mirror or replay (NULL for crawls made before
    it was kept, taken as live)."""
    db["crawls"].add_column("origin", str)


@MIGRATIONS()
def m007_crawl_failure(db: sqlite_utils.Database) -> None:
    """Why a crawl failed (the disk full …), beside its status ``failed``."""
    db["crawls"].add_column("failure", str)


@MIGRATIONS()
def m008_outlet_source_and_date_basis(db: sqlite_utils.Database) -> None:
    """Where an article's outlet came from (host, byline, metadata, none) and the day its
    relative dates and dateline were read against (published, fetched); issue #17."""
    db["articles"].add_column("outlet_source", str)
    db["articles"].add_column("date_basis", str)


@MIGRATIONS()
def m009_index_without_text(db: sqlite_utils.Database) -> None:
    """The search index without its copy of the text (#21): m003's table and trigger give way to
    an external-content table over a view (crawler/store/search_index.py), indexed afresh from
    the articles. The pages the old table held are free pages until the archive is vacuumed."""
    db.execute(f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_delete")
    db.execute(f"DROP TABLE {SEARCH_TABLE}")
    create_search_index(db)
    index_all_articles(db)


@MIGRATIONS()
def m010_compact_lsh_index(db: sqlite_utils.Database) -> None:
    """The near-duplicate index in half the space (#21): signatures under an integer id,
    bucket rows of two integers in a WITHOUT ROWID table with no second index, 48 bands of 5
    rows in place of 32 of 4. Stored signatures are kept; their buckets are recomputed."""
    db.execute("ALTER TABLE minhashes RENAME TO minhashes_old")
    db.execute("DROP TABLE lsh_buckets")
    create_lsh_index(db)
    db.execute(
        "INSERT INTO minhashes (article_id, signature)"
        " SELECT article_id, signature FROM minhashes_old ORDER BY rowid"
    )
    db.execute("DROP TABLE minhashes_old")
    fill_lsh_buckets(db)


@MIGRATIONS()
def m011_recent_buckets(db: sqlite_utils.Database) -> None:
    """A small table for new LSH bucket rows, merged into lsh_buckets in key order (#21)."""
    create_bucket_table(db, "lsh_recent")


@MIGRATIONS()
def m012_body_first_in_search_index(db: sqlite_utils.Database) -> None:
    """The search index with the body as its first column (#21: 30% smaller), indexed afresh
    from the articles when its columns were in another order."""
    if search_columns_in_place(db) == SEARCH_COLUMNS:
        return
    drop_search_index(db)
    create_search_index(db)
    index_all_articles(db)
