"""The archive database: schema, saving, re-crawls, full-text index, errors."""

from __future__ import annotations

import copy
import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from crawler.dedup import minhash as dedup
from crawler.errors import NotAnArchive
from crawler.query import search
from crawler.query.search import fts_query, search_articles
from crawler.store import Archive, article_id, clusters, search_index
from crawler.store.records import page_validators
from crawler.store.schema import MIGRATIONS
from crawler.store.search_index import drop_search_index, index_text, register_index_function
from tests.helpers import HKCD_RECORD as RECORD
from tests.helpers import HKCD_URL as URL


@pytest.fixture
def archive(db_path: Path):
    archive = Archive.open(db_path)
    yield archive
    archive.close()


def save(archive: Archive, record: dict, when: str = "2024-08-30T00:00:00+00:00") -> str:
    return archive.save_article(record, crawl_id=None, http_status=200, fetched_at=when)


def test_new_article_is_stored_with_children(archive: Archive) -> None:
    assert save(archive, RECORD) == "new"
    row = archive.db["articles"].get(article_id(URL))
    assert (row["title"], row["outlet"], row["captions"]) == (
        "港府循四大方向 發展新質生產力",
        "香港商報",
        "啓動儀式。",
    )
    assert [r["name"] for r in archive.db["bylines"].rows] == ["王丹丹"]
    assert [r["source"] for r in archive.db["images"].rows] == ["中聯辦網站"]
    assert archive.db["article_urls"].get(URL)["http_status"] == 200


def test_recrawl_of_unchanged_page_only_moves_last_seen(archive: Archive) -> None:
    save(archive, RECORD, "2024-08-30T00:00:00+00:00")
    assert save(archive, copy.deepcopy(RECORD), "2024-09-01T00:00:00+00:00") == "unchanged"
    row = archive.db["articles"].get(article_id(URL))
    assert (row["first_seen"], row["last_seen"]) == (
        "2024-08-30T00:00:00+00:00",
        "2024-09-01T00:00:00+00:00",
    )
    counts = [archive.db[t].count for t in ("articles", "article_urls", "bylines", "images")]
    assert counts == [1, 1, 1, 1]


def test_changed_page_replaces_fields_and_children(archive: Archive) -> None:
    save(archive, RECORD)
    edited = copy.deepcopy(RECORD)
    edited["bylines"] = [{"role": "reporter", "name": "李明", "outlet": "香港商報"}]
    assert save(archive, edited, "2024-09-01T00:00:00+00:00") == "updated"
    assert [r["name"] for r in archive.db["bylines"].rows] == ["李明"]
    assert archive.db["articles"].count == 1


def hits(archive: Archive, query: str) -> int:
    match = "SELECT count(*) FROM articles_search WHERE articles_search MATCH ?"
    return archive.db.execute(match, [fts_query(query)]).fetchone()[0]


@pytest.mark.parametrize(
    "query, found",
    [
        ("新質生產力", 1),
        ("新质生产力", 1),
        ("啓動儀式", 1),
        ("特首", 1),
        ("王丹丹", 1),
        ("無關的詞語", 0),
    ],
    ids=["body", "simplified-query", "caption", "subtitle-two-chars", "byline-in-body", "absent"],
)
def test_search_index_follows_the_articles(archive: Archive, query: str, found: int) -> None:
    save(archive, RECORD)
    assert hits(archive, query) == found


def test_search_index_stays_in_sync_on_update_and_delete(archive: Archive) -> None:
    save(archive, RECORD)
    edited = {**copy.deepcopy(RECORD), "body": "完全不同的正文內容", "content_hash": "sha256:def"}
    save(archive, edited)
    assert (hits(archive, "香港商報訊"), hits(archive, "不同的正文")) == (0, 1)
    # Another program deleting in plain SQL, without our foreign-key bookkeeping.
    archive.db.execute("PRAGMA foreign_keys = OFF")
    archive.db.execute("DELETE FROM articles")
    assert hits(archive, "不同的正文") == 0
    archive.db.execute("INSERT INTO articles_search(articles_search) VALUES('integrity-check')")


def test_archive_runs_in_wal_mode_with_foreign_keys(archive: Archive) -> None:
    assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError):
        archive.db.execute("INSERT INTO bylines (article_id, name) VALUES ('missing', 'x')")


def test_crawl_rows_record_start_and_finish(archive: Archive) -> None:
    crawl_id = archive.start_crawl(source="hkcd", campaign="summit", since="2024-08-01")
    archive.record_fetch_error(crawl_id, url=URL, reason="HTTP 404", http_status=404)
    archive.finish_crawl(crawl_id, status="finished", counts={"pages": 3, "errors": 1})
    row = archive.db["crawls"].get(crawl_id)
    assert (row["status"], row["pages"], row["errors"], row["since"]) == (
        "finished",
        3,
        1,
        "2024-08-01",
    )
    assert archive.db["fetch_errors"].count == 1


def test_reopening_applies_no_migration_twice(db_path: Path) -> None:
    first = Archive.open(db_path)
    applied = [row["name"] for row in first.db["_sqlite_migrations"].rows]
    first.close()
    archive = Archive.open(db_path)
    assert [row["name"] for row in archive.db["_sqlite_migrations"].rows] == applied
    assert applied[0] == "m001_initial"
    archive.close()


def test_a_reader_never_sees_a_half_made_archive(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the first crawl creates the archive, a reader sees no tables or all of them."""
    seen: list[set[str]] = []
    last = MIGRATIONS._migrations[-1]
    migrate = last.fn

    def look_then_migrate(db: sqlite_utils.Database) -> None:
        reader = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        seen.append({row[0] for row in reader.execute("SELECT name FROM sqlite_master")})
        reader.close()
        migrate(db)

    monkeypatch.setattr(last, "fn", look_then_migrate)
    Archive.open(db_path).close()
    assert seen == [set()]


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not the archives you are looking for\n" * 20)
    with pytest.raises(NotAnArchive, match="is not an archive database"):
        Archive.open(path)
    assert path.read_text().startswith("these are not")


def test_a_second_address_of_the_same_page_is_a_duplicate(archive: Archive) -> None:
    save(archive, RECORD)
    other = "https://www.hkcd.com/newsTopic_content.php?id=8652301"
    outcome = save(archive, {**RECORD, "url": other, "canonical_url": other})
    assert outcome == "duplicate"
    assert archive.db["articles"].count == 1
    assert {row["url"] for row in archive.db["article_urls"].rows} == {URL, other}


def test_a_reprint_by_another_outlet_is_its_own_article_in_a_cluster(archive: Archive) -> None:
    body = "\n\n".join(
        f"第{n}段：特區政府正從四個方向加快發展新質生產力，推動科技創新和產業升級。"
        for n in range(8)
    )
    save(archive, {**RECORD, "body": body})
    reprint_url = "https://www.locpg.hk/jsdt/2024-08/30/c_1130081276.htm"
    reprint = {
        **RECORD,
        "url": reprint_url,
        "canonical_url": reprint_url,
        "outlet": "中聯辦網站",
        "original_outlet": "香港商報",
        "source_line": "来源：香港商报",
        "body": body,
    }
    assert save(archive, reprint) == "new"
    rows = {row["outlet"]: row for row in archive.db["articles"].rows}
    assert rows["香港商報"]["cluster_id"] == rows["中聯辦網站"]["cluster_id"] is not None
    cluster = archive.db["clusters"].get(rows["香港商報"]["cluster_id"])
    assert (cluster["original_id"], cluster["size"]) == (rows["香港商報"]["id"], 2)


@pytest.mark.parametrize("merge_every", [1, 2, 3, 1000], ids=lambda n: f"merge-every-{n}")
def test_near_duplicates_are_found_before_and_after_the_bucket_merge(
    archive: Archive, merge_every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clusters, "MERGE_EVERY", merge_every)
    story = "\n\n".join(
        f"第{n}段：特區政府正從四個方向加快發展新質生產力，推動科技創新和產業升級。"
        for n in range(8)
    )
    other = "\n\n".join(
        f"第{n}段：立法會今日三讀通過條例草案，市民可於明年起申領津貼。" for n in range(8)
    )
    urls = [f"https://www.locpg.hk/jsdt/2024-08/30/c_11300812{n}.htm" for n in range(4)]
    bodies = [story, other, story + "\n\n（來源：香港商報）", other]

    def record(n: int, body: str) -> dict:
        text_hash = "sha256:" + hashlib.sha256(body.encode()).hexdigest()
        url = urls[n]
        return {**RECORD, "url": url, "canonical_url": url, "outlet": f"報{n}", "body": body,
                "content_hash": text_hash}  # fmt: skip

    for n, body in enumerate(bodies):
        save(archive, record(n, body))
    clusters_of = {row["url"]: row["cluster_id"] for row in archive.db["articles"].rows}
    assert clusters_of[urls[0]] == clusters_of[urls[2]] != clusters_of[urls[1]]
    assert clusters_of[urls[1]] == clusters_of[urls[3]] is not None
    # An edit takes the old text's rows out of whichever table holds them.
    assert save(archive, record(3, story), "2024-08-31T00:00:00+00:00") == "updated"
    rows = archive.db.execute(
        "SELECT bucket, minhash_id FROM lsh_buckets UNION ALL SELECT * FROM lsh_recent"
    ).fetchall()
    expected = {
        (bucket, minhash_id)
        for minhash_id, blob in archive.db.execute("SELECT id, signature FROM minhashes")
        for bucket in dedup.band_keys(dedup.from_blob(blob))
    }
    assert sorted(rows) == sorted(expected)
    clusters_of = {row["url"]: row["cluster_id"] for row in archive.db["articles"].rows}
    assert clusters_of[urls[1]] is None
    assert len({clusters_of[url] for url in (urls[0], urls[2], urls[3])}) == 1


@pytest.mark.parametrize(
    "stored_by, asked_by, found",
    [
        ("live", "live", True),
        ("mirror", "live", False),
        ("replay", "live", False),
        ("mirror", "mirror", True),
        (None, "live", True),
    ],
    ids=["live", "mirror-not-for-live", "replay-not-for-live", "mirror-for-mirror", "no-crawl"],
)
def test_validators_come_only_from_crawls_of_the_same_origin(
    archive: Archive, stored_by: str | None, asked_by: str, found: bool
) -> None:
    crawl = None if stored_by is None else archive.start_crawl(source="hkcd", origin=stored_by)
    capture = {"etag": '"v1"', "last_modified": "Fri, 30 Aug 2024 04:21:37 GMT"}
    archive.save_article(
        RECORD, crawl_id=crawl, http_status=200, fetched_at="2024-08-30T00:00:00+00:00",
        capture=capture,
    )  # fmt: skip
    seen = page_validators(archive.db, URL, "any", asked_by)
    assert (seen is not None and seen["etag"] == '"v1"') is found


# The search index's columns before m012, and bm25's weights in that order.
TITLE_FIRST = ("title", "subtitle", "body", "captions")
TITLE_FIRST_WEIGHTS = (10.0, 5.0, 1.0, 2.0)


def test_an_archive_indexed_with_its_text_is_converted_in_place(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """m009 (#21): an archive whose index kept a copy of the text keeps every article findable
    with the same results, and the copy is gone."""
    db = sqlite_utils.Database(db_path)
    MIGRATIONS.apply(db, stop_before="m009_index_without_text")
    texts = {
        "港府發展新質生產力": "特區政府推動科技創新",
        "AI 高峰論壇": "新质生产力论坛在香港举行",
    }
    for number, (title, body) in enumerate(texts.items()):
        url = f"https://www.hkcd.com/content/{number}"
        db["articles"].insert(
            {
                "id": article_id(url),
                "url": url,
                "canonical_url": url,
                "outlet": "香港商報",
                "title": title,
                "body": body,
                "content_hash": f"sha256:{number}",
                "first_seen": "2024-08-30",
                "last_seen": "2024-08-30",
            }
        )
        rowid = db.execute("SELECT rowid FROM articles WHERE url = ?", [url]).fetchone()[0]
        db.execute(
            "INSERT INTO articles_search (rowid, title, subtitle, body, captions) "
            "VALUES (?, ?, '', ?, '')",
            [rowid, index_text(title), index_text(body)],
        )
    db.conn.commit()
    queries = ["新質生產力", "科技", "ai", "論壇 香港"]
    with monkeypatch.context() as patch:
        patch.setattr(search, "WEIGHTS", TITLE_FIRST_WEIGHTS)
        before = {q: search_articles(db, q) for q in queries}
    assert "articles_search_content" in db.table_names()
    db.close()
    archive = Archive.open(db_path)
    assert {q: search_articles(archive.db, q) for q in queries} == before
    assert [len(found) for found in before.values()] == [2, 1, 1, 1]
    assert "articles_search_content" not in archive.db.table_names()
    archive.db.execute("INSERT INTO articles_search(articles_search) VALUES('integrity-check')")


def test_m012_puts_the_body_first_in_the_search_index(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive whose index (m009's) had the title first is indexed afresh with the body
    first, with the same results."""
    db = sqlite_utils.Database(db_path)
    register_index_function(db.conn)
    MIGRATIONS.apply(db, stop_before="m012_body_first_in_search_index")
    drop_search_index(db)
    with monkeypatch.context() as patch:
        patch.setattr(search_index, "SEARCH_COLUMNS", TITLE_FIRST)
        search_index.create_search_index(db)
    archive = Archive(db)
    headlines = {
        "港府發展新質生產力": "特區政府推動科技創新",
        "AI 高峰論壇": "新质生产力论坛在香港举行",
    }
    for number, (title, body) in enumerate(headlines.items()):
        url = f"https://www.hkcd.com/content/{number}"
        save(archive, {**RECORD, "url": url, "canonical_url": url, "title": title,
                       "body": body, "content_hash": f"sha256:{number}"})  # fmt: skip
    queries = ["新質生產力", "科技", "ai", "論壇 香港", "李家超"]
    with monkeypatch.context() as patch:
        patch.setattr(search, "WEIGHTS", TITLE_FIRST_WEIGHTS)
        before = {q: search_articles(db, q) for q in queries}
    assert search_index.search_columns_in_place(db) == TITLE_FIRST
    db.close()
    archive = Archive.open(db_path)
    assert search_index.search_columns_in_place(archive.db) == search_index.SEARCH_COLUMNS
    assert {q: search_articles(archive.db, q) for q in queries} == before
    assert [len(found) for found in before.values()] == [2, 1, 1, 1, 0]
    assert before["新質生產力"][0]["title"] == "港府發展新質生產力"
    archive.db.execute("INSERT INTO articles_search(articles_search) VALUES('integrity-check')")


def test_m010_converts_an_archive_s_near_duplicate_index_in_place(db_path: Path) -> None:
    """An archive of the 32-band index (m002's tables) keeps its signatures, gets the compact
    buckets, and finds a reprint of what it held."""
    db = sqlite_utils.Database(db_path)
    MIGRATIONS.apply(db, stop_before="m010_compact_lsh_index")
    key = article_id(RECORD["canonical_url"])
    db["articles"].insert(
        {
            "id": key,
            "url": URL,
            "canonical_url": URL,
            "outlet": RECORD["outlet"],
            "content_hash": RECORD["content_hash"],
            "first_seen": "2024-08-30",
            "last_seen": "2024-08-30",
            "body": RECORD["body"],
        }
    )
    sig = dedup.signature(RECORD["body"])
    db["minhashes"].insert({"article_id": key, "signature": dedup.to_blob(sig)})
    # What the 32-band index kept: a bucket (a 63-bit hash) and the article id a row.
    db["lsh_buckets"].insert_all({"bucket": 2**62 + band, "article_id": key} for band in range(32))
    db.close()
    archive = Archive.open(db_path)
    assert archive.db.execute("SELECT article_id, signature FROM minhashes").fetchall() == [
        (key, dedup.to_blob(sig))
    ]
    buckets = archive.db.execute("SELECT bucket, minhash_id FROM lsh_buckets").fetchall()
    assert sorted(buckets) == sorted((bucket, 1) for bucket in set(dedup.band_keys(sig)))
    reprint = "https://www.locpg.hk/jsdt/2024-08/30/c_1130081276.htm"
    save(archive, {**RECORD, "url": reprint, "canonical_url": reprint, "outlet": "中聯辦網站"})
    clusters = {row["cluster_id"] for row in archive.db["articles"].rows}
    assert len(clusters) == 1 and None not in clusters
    archive.close()
