"""Benchmark of Chinese full-text search: the folded-bigram index against the alternatives.

For each size, synthetic articles (about 1,000 characters of clauses of the mirror's pages, as
in bench_dedup.py, half of them in Simplified script) go into three SQLite files side by side:

- bigram: an archive (crawler/store's schema) with our index (crawler/store/search_index.py):
  folded text as character bigrams in an external-content FTS5 table, searched by
  crawler.query.search.search_articles (`archive search`, relevance order, snippets and all);
- trigram: FTS5's trigram tokenizer on the original text, with a LIKE scan for two-character
  words, which trigram cannot find;
- like: no index, a LIKE scan over the folded text for every query.

It reports index time and size (bytes per article, and per table for the archive), query
latency (p50, p95, top 20) for two-, three- and four-character words, Latin words, quoted
phrases and two-word (AND) queries, and how many of the queries return the same articles as the
LIKE scan (the reference; Latin words as whole words, streamed over the articles, so at any
size), and the peak resident memory of the queries at each size. Without ``--json`` it prints
the growth table, one row per size.

Usage: .venv/bin/python scripts/bench_search.py [--sizes 10000 100000] [--kinds bigram]
       [--keep DIR] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

import sqlite_utils

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

from bench_dedup import clause_pool  # noqa: E402

from crawler.normalise.script import to_simplified  # noqa: E402
from crawler.query.search import fts_query, search_articles  # noqa: E402
from crawler.store import Archive, article_id  # noqa: E402
from crawler.store.search_index import INSERT, fold, index_rows  # noqa: E402

ARTICLE_CHARS = 1000
QUERIES_PER_KIND = 30
LIMIT = 20
BATCH = 5000
SEED = 6
KINDS = ["bigram", "trigram", "like"]
# A line on standard error every so many articles built, for runs that take long.
PROGRESS_EVERY = 100_000
# sqlite-utils' wrapper of each open connection, made once (making one takes milliseconds).
WRAPPED: dict[int, sqlite_utils.Database] = {}
OUTLETS = ("香港商報", "文匯報", "大公報", "政府新聞網", "新華社")


def articles(size: int, pool: list[str]) -> Iterator[tuple[str, str]]:
    """(title, body) pairs; every other one in Simplified script."""
    rng = random.Random(SEED)
    for number in range(size):
        clauses, chars = [], 0
        while chars < ARTICLE_CHARS:
            clauses.append(rng.choice(pool))
            chars += len(clauses[-1])
        title, body = clauses[0], "".join(clauses[1:])
        if number % 2:
            title, body = to_simplified(title), to_simplified(body)
        yield title, body


def queries(pool: list[str]) -> dict[str, list[str]]:
    """Words of two and four Chinese characters from the pool, and Latin words."""
    rng = random.Random(SEED + 1)
    runs = [run for clause in pool for run in re.findall(r"[\u4e00-\u9fff]{4,}", clause)]
    latin = sorted({w.lower() for c in pool for w in re.findall(r"[A-Za-z]{2,}", c)})

    def cut(size: int) -> str:
        run = rng.choice([run for run in runs if len(run) >= size])
        start = rng.randint(0, len(run) - size)
        return run[start : start + size]

    return {
        "2 chars": [cut(2) for _ in range(QUERIES_PER_KIND)],
        "3 chars": [cut(3) for _ in range(QUERIES_PER_KIND)],
        "4 chars": [cut(4) for _ in range(QUERIES_PER_KIND)],
        "Latin": [rng.choice(latin) for _ in range(QUERIES_PER_KIND)] if latin else [],
        "phrase": [f'"{cut(6)}"' for _ in range(QUERIES_PER_KIND)],
        "AND": [f"{cut(2)} {cut(3)}" for _ in range(QUERIES_PER_KIND)],
    }


def build(path: Path, kind: str, rows: Iterator[tuple[str, str]]) -> float:
    """Create one index kind over ``rows``; return the seconds it took."""
    if kind == "bigram":
        return build_archive(path, rows)
    db = sqlite3.connect(path)
    db.create_function("fold", 1, fold, deterministic=True)
    db.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
    started = time.perf_counter()
    if kind == "trigram":
        db.execute("CREATE VIRTUAL TABLE idx USING fts5(title, body, tokenize='trigram')")
    number = 0
    while chunk := [(number := number + 1, *row) for row in islice(rows, BATCH)]:
        db.executemany("INSERT INTO articles VALUES (?, ?, ?)", chunk)
        if kind == "trigram":
            db.executemany("INSERT INTO idx (rowid, title, body) VALUES (?, ?, ?)", chunk)
        db.commit()
    seconds = time.perf_counter() - started
    db.execute("VACUUM")
    db.close()
    return seconds


def build_archive(path: Path, rows: Iterator[tuple[str, str]]) -> float:
    """An archive of the articles (rowid = their number), indexed as the store indexes them."""
    archive = Archive.open(path)
    db = archive.db
    started = time.perf_counter()
    number = 0
    while chunk := [(number := number + 1, *row) for row in islice(rows, BATCH)]:
        records = [article_row(n, title, body) for n, title, body in chunk]
        with db.conn:
            db.conn.executemany(
                f"INSERT INTO articles ({', '.join(records[0])}) "
                f"VALUES ({', '.join('?' for _ in records[0])})",
                [tuple(record.values()) for record in records],
            )
            db.conn.executemany(INSERT, index_rows(iter(records)))
        if number % PROGRESS_EVERY == 0:
            print(f"{number:,} articles: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with db.conn:
        db.execute("INSERT INTO articles_search (articles_search) VALUES ('optimize')")
    seconds = time.perf_counter() - started
    db.execute("VACUUM")
    archive.close()
    return seconds


def article_row(number: int, title: str, body: str) -> dict:
    """A row of articles as the store writes it, for the synthetic article ``number``."""
    url = f"https://news.example.hk/{number}"
    day = f"2024-{number % 12 + 1:02d}-{number % 28 + 1:02d}"
    return {
        "rowid": number,
        "id": article_id(url),
        "url": url,
        "canonical_url": url,
        "outlet": OUTLETS[number % len(OUTLETS)],
        "title": title,
        "subtitle": None,
        "published": f"{day}T10:{number % 60:02d}:00+08:00",
        "body": body,
        "captions": None,
        "script": "hant" if number % 2 else "hans",
        "content_hash": f"sha256:{number:064x}",
        "first_seen": f"{day}T12:00:00+00:00",
        "last_seen": f"{day}T12:00:00+00:00",
        "version_first_seen": f"{day}T12:00:00+00:00",
    }


def run_query(db: sqlite3.Connection, kind: str, word: str) -> list[int]:
    """The ids one index kind returns for a word, best LIMIT first."""
    if kind == "bigram":
        archive = WRAPPED.setdefault(id(db), sqlite_utils.Database(db))
        found = search_articles(archive, word, limit=LIMIT, all_versions=True)
        return [row["id"] for row in found]
    if kind == "trigram" and len(word) >= 3:
        phrase = '"' + word.replace('"', '""') + '"'
        sql = f"SELECT rowid FROM idx WHERE idx MATCH ? ORDER BY rank LIMIT {LIMIT}"
        return [r[0] for r in db.execute(sql, [phrase])]
    sql = f"SELECT id FROM articles WHERE fold(title || ' ' || body) LIKE ? LIMIT {LIMIT}"
    return [r[0] for r in db.execute(sql, [f"%{fold(word)}%"])]


def matching_ids(db: sqlite3.Connection, kind: str, word: str) -> set[int]:
    """Every id the bigram or trigram index finds for a word (to compare with the LIKE scan)."""
    if kind == "trigram" and len(word) < 3:
        like = "SELECT id FROM articles WHERE fold(title || ' ' || body) LIKE ?"
        return {r[0] for r in db.execute(like, [f"%{fold(word)}%"])}
    if kind == "bigram":
        sql = "SELECT rowid FROM articles_search WHERE articles_search MATCH ?"
        return {r[0] for r in db.execute(sql, [fts_query(word)])}
    phrase = '"' + word.replace('"', '""') + '"'
    return {r[0] for r in db.execute("SELECT rowid FROM idx WHERE idx MATCH ?", [phrase])}


def scanned_ids(rows: Iterator[tuple[str, str]], queries: set[str]) -> dict[str, set[int]]:
    """The reference: for each query, the ids whose folded text holds every word of it (Latin
    words as whole words, a quoted phrase as one), in one pass over the articles."""
    tests = {query: [_word_test(word) for word in fold(query).strip('"').split()]
             for query in queries}  # fmt: skip
    found: dict[str, set[int]] = {query: set() for query in queries}
    for number, (title, body) in enumerate(rows, 1):
        text = fold(f"{title} {body}")
        for query, words in tests.items():
            if all(test(text) for test in words):
                found[query].add(number)
    return found


def _word_test(word: str) -> Callable[[str], object]:
    """Whether a folded text holds the word (a Latin word only as a whole word)."""
    if re.fullmatch(r"[a-z0-9]+", word):
        return re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])").search
    return lambda text: word in text


def reset_peak_memory() -> None:
    """Start a new peak resident memory (Linux: VmHWM), so the queries' own peak is read."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_memory_mb() -> float | None:
    """The process's peak resident memory since the last reset, in MB (None off Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return round(int(match.group(1)) / 1024, 1) if match else None


def measure(
    size: int,
    pool: list[str],
    words: dict[str, list[str]],
    kinds: list[str] = KINDS,
    keep: Path | None = None,
) -> dict:
    """Index time and size, latencies and agreement of the index kinds at one size; with
    ``keep``, the databases are built in that folder and kept, and one found there is reused
    (its build time then unknown)."""
    result: dict = {"articles": size}
    with tempfile.TemporaryDirectory() as scratch:
        folder = keep or Path(scratch)
        dbs = {}
        for kind in kinds:
            path = folder / f"{kind}-{size}.db"
            seconds = None if path.exists() else build(path, kind, articles(size, pool))
            db = sqlite3.connect(path)
            db.create_function("fold", 1, fold, deterministic=True)
            dbs[kind] = db
            result[kind] = {
                "index_seconds": seconds and round(seconds, 2),
                "mb": path.stat().st_size / 1e6,
                "bytes_per_article": round(path.stat().st_size / size),
            }
            if kind == "bigram":
                result[kind]["tables_bytes_per_article"] = table_sizes(db, size)
        for kind, db in dbs.items():
            reset_peak_memory()
            for label, batch in words.items():
                times, cpu = [], []
                for word in batch:
                    started, used = time.perf_counter(), time.process_time()
                    run_query(db, kind, word)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - used) * 1000)
                # CPU time beside wall time: on a shared machine the wall time is mostly waiting.
                result[kind][label] = {
                    "p50_ms": round(statistics.median(times), 2),
                    "p95_ms": round(statistics.quantiles(times, n=20)[-1], 2),
                    "cpu_p50_ms": round(statistics.median(cpu), 2),
                    "cpu_p95_ms": round(statistics.quantiles(cpu, n=20)[-1], 2),
                }
            result[kind]["query_peak_mb"] = peak_memory_mb()
        reference = scanned_ids(articles(size, pool), {w for b in words.values() for w in b})
        for kind in (k for k in kinds if k != "like"):
            same = sum(matching_ids(dbs[kind], kind, w) == ids for w, ids in reference.items())
            result[kind]["same_as_like"] = f"{same}/{len(reference)}"
        for db in dbs.values():
            db.close()
    return result


def table_sizes(db: sqlite3.Connection, size: int) -> dict[str, int]:
    """Bytes per article of each table with its indexes (the index's shadow tables as one)."""
    sql = """
    SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s
    LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1 ORDER BY 2 DESC
    """
    sizes: dict[str, int] = {}
    for name, total in db.execute(sql):
        table = "articles_search" if name.startswith("articles_search") else name
        sizes[table] = sizes.get(table, 0) + round(total / size)
    return sizes


def growth_table(results: list[dict], labels: list[str]) -> list[str]:
    """The markdown table of the archive's growth: one row per size."""
    lines = [
        "| articles | build s | bytes/article | "
        + " | ".join(f"{label} p50/p95 ms (CPU p95)" for label in labels)
        + " | same as LIKE |",
        "|---:|---:|---:|" + "---:|" * len(labels) + "---:|",
    ]
    for result in (r for r in results if "bigram" in r):
        row = result["bigram"]
        cells = " | ".join(
            f"{row[x]['p50_ms']:.1f}/{row[x]['p95_ms']:.1f} ({row[x]['cpu_p95_ms']:.1f})"
            for x in labels
        )
        lines.append(
            f"| {result['articles']:,} | {row['index_seconds'] or 0:.0f} | "
            f"{row['bytes_per_article']:,} | {cells} | {row.get('same_as_like', '-')} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--kinds", nargs="+", default=KINDS, choices=KINDS)
    parser.add_argument(
        "--keep", type=Path, help="build the databases in this folder and keep them"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    arguments = parser.parse_args()
    pool = clause_pool()
    words = queries(pool)
    results = [
        measure(size, pool, words, arguments.kinds, arguments.keep) for size in arguments.sizes
    ]
    if arguments.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    print("\n".join(growth_table(results, list(words))))
    for result in results:
        for kind in (k for k in KINDS if k in result and k != "bigram"):
            row = result[kind]
            cells = ", ".join(
                f"{label} {row[label]['p50_ms']:.1f}/{row[label]['p95_ms']:.1f} ms"
                for label in words
            )
            print(
                f"{result['articles']:,} {kind}: built in {row['index_seconds'] or 0:.0f} s, "
                f"{row['mb']:.0f} MB; {cells}; same as LIKE {row.get('same_as_like', '-')}"
            )


if __name__ == "__main__":
    main()
