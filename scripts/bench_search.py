"""Benchmark of Chinese full-text search: the folded-bigram index against the alternatives.

For each size, synthetic articles (about 1,000 characters of clauses of the mirror's pages, as
in bench_dedup.py, half of them in Simplified script) go into three SQLite files side by side:

- bigram: our index (crawler/store/search_index.py): folded text as character bigrams in FTS5
  unicode61, ranked by bm25 (as `archive search --sort relevance` and Datasette);
- trigram: FTS5's trigram tokenizer on the original text, with a LIKE scan for two-character
  words, which trigram cannot find;
- like: no index, a LIKE scan over the folded text for every query.

It reports index time and size, query latency (p50, p95, limit 20) for two-character,
four-character and Latin words, and how many of the queries return the same articles as the
LIKE scan (the reference; Latin words as whole words).

Usage: .venv/bin/python scripts/bench_search.py [--sizes 10000 200000] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

from bench_dedup import clause_pool  # noqa: E402

from crawler.normalise.script import to_simplified  # noqa: E402
from crawler.query.search import (  # noqa: E402
    WEIGHTS,
    fts_query,
)
from crawler.store.search_index import fold, index_text  # noqa: E402

ARTICLE_CHARS = 1000
QUERIES_PER_KIND = 30
LIMIT = 20
BATCH = 5000
SEED = 6
KINDS = ["bigram", "trigram", "like"]


def articles(size: int, pool: list[str]) -> list[tuple[str, str]]:
    """(title, body) pairs; every other one in Simplified script."""
    rng = random.Random(SEED)
    made = []
    for number in range(size):
        clauses, chars = [], 0
        while chars < ARTICLE_CHARS:
            clauses.append(rng.choice(pool))
            chars += len(clauses[-1])
        title, body = clauses[0], "".join(clauses[1:])
        if number % 2:
            title, body = to_simplified(title), to_simplified(body)
        made.append((title, body))
    return made


def queries(pool: list[str]) -> dict[str, list[str]]:
    """Words of two and four Chinese characters from the pool, and Latin words."""
    rng = random.Random(SEED + 1)
    runs = [run for clause in pool for run in re.findall(r"[\u4e00-\u9fff]{4,}", clause)]
    latin = sorted({w.lower() for c in pool for w in re.findall(r"[A-Za-z]{2,}", c)})

    def cut(size: int) -> str:
        run = rng.choice(runs)
        start = rng.randint(0, len(run) - size)
        return run[start : start + size]

    return {
        "2 chars": [cut(2) for _ in range(QUERIES_PER_KIND)],
        "4 chars": [cut(4) for _ in range(QUERIES_PER_KIND)],
        "Latin": [rng.choice(latin) for _ in range(QUERIES_PER_KIND)] if latin else [],
    }


def build(path: Path, kind: str, rows: list[tuple[str, str]]) -> float:
    """Create one index kind over ``rows``; return the seconds it took."""
    db = sqlite3.connect(path)
    db.create_function("fold", 1, fold, deterministic=True)
    db.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
    started = time.perf_counter()
    if kind == "bigram":
        db.execute("CREATE VIRTUAL TABLE idx USING fts5(title, body, tokenize='unicode61')")
    elif kind == "trigram":
        db.execute("CREATE VIRTUAL TABLE idx USING fts5(title, body, tokenize='trigram')")
    for first in range(0, len(rows), BATCH):
        chunk = list(enumerate(rows[first : first + BATCH], first + 1))
        db.executemany("INSERT INTO articles VALUES (?, ?, ?)", [(i, t, b) for i, (t, b) in chunk])
        if kind == "bigram":
            db.executemany(
                "INSERT INTO idx (rowid, title, body) VALUES (?, ?, ?)",
                [(i, index_text(t), index_text(b)) for i, (t, b) in chunk],
            )
        elif kind == "trigram":
            db.executemany(
                "INSERT INTO idx (rowid, title, body) VALUES (?, ?, ?)", chunk_rows(chunk)
            )
        db.commit()
    seconds = time.perf_counter() - started
    db.execute("VACUUM")
    db.close()
    return seconds


def chunk_rows(chunk: list[tuple[int, tuple[str, str]]]) -> list[tuple[int, str, str]]:
    return [(i, t, b) for i, (t, b) in chunk]


def run_query(db: sqlite3.Connection, kind: str, word: str) -> list[int]:
    """The ids one index kind returns for a word, best LIMIT first."""
    if kind == "bigram":
        # As crawler.query.search.search_articles ranks by default (--sort relevance): bm25.
        expression = fts_query(word)
        order = f"bm25(idx, {WEIGHTS[0]}, {WEIGHTS[2]})"
        sql = f"SELECT rowid FROM idx WHERE idx MATCH ? ORDER BY {order} LIMIT {LIMIT}"
        return [r[0] for r in db.execute(sql, [expression])]
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
    phrase = fts_query(word) if kind == "bigram" else '"' + word.replace('"', '""') + '"'
    return {r[0] for r in db.execute("SELECT rowid FROM idx WHERE idx MATCH ?", [phrase])}


def scanned_ids(folded: list[str], word: str) -> set[int]:
    """The reference: ids whose folded text holds the word (Latin words as whole words)."""
    needle = fold(word)
    if re.fullmatch(r"[a-z0-9]+", needle):
        pattern = re.compile(rf"(?<![a-z0-9]){re.escape(needle)}(?![a-z0-9])")
        return {i for i, text in enumerate(folded, 1) if pattern.search(text)}
    return {i for i, text in enumerate(folded, 1) if needle in text}


def measure(
    size: int, pool: list[str], words: dict[str, list[str]], kinds: list[str] = KINDS
) -> dict:
    """Index time and size, latencies and agreement of the index kinds at one size."""
    rows = articles(size, pool)
    result: dict = {"articles": size}
    with tempfile.TemporaryDirectory() as folder:
        dbs = {}
        for kind in kinds:
            path = Path(folder) / f"{kind}.db"
            seconds = build(path, kind, rows)
            db = sqlite3.connect(path)
            db.create_function("fold", 1, fold, deterministic=True)
            dbs[kind] = db
            result[kind] = {"index_seconds": round(seconds, 2), "mb": path.stat().st_size / 1e6}
        for kind, db in dbs.items():
            for label, batch in words.items():
                times = []
                for word in batch:
                    started = time.perf_counter()
                    run_query(db, kind, word)
                    times.append((time.perf_counter() - started) * 1000)
                result[kind][label] = {
                    "p50_ms": round(statistics.median(times), 2),
                    "p95_ms": round(statistics.quantiles(times, n=20)[-1], 2),
                }
        if size <= 20_000 and "like" in dbs:
            folded = [fold(f"{title} {body}") for title, body in rows]
            reference = {w: scanned_ids(folded, w) for b in words.values() for w in b}
            for kind in (k for k in kinds if k != "like"):
                same = sum(matching_ids(dbs[kind], kind, w) == ids for w, ids in reference.items())
                result[kind]["same_as_like"] = f"{same}/{len(reference)}"
        for db in dbs.values():
            db.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--kinds", nargs="+", default=KINDS, choices=KINDS)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    arguments = parser.parse_args()
    pool = clause_pool()
    words = queries(pool)
    results = [measure(size, pool, words, arguments.kinds) for size in arguments.sizes]
    if arguments.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    for result in results:
        print(f"\n{result['articles']} articles")
        print(
            f"{'index':<8} {'build s':>8} {'MB':>7} "
            + " ".join(f"{label + ' p50/p95 ms':>20}" for label in words)
            + f" {'same as LIKE':>13}"
        )
        for kind in (k for k in KINDS if k in result):
            row = result[kind]
            cells = " ".join(
                f"{row[label]['p50_ms']:>9.2f}/{row[label]['p95_ms']:<9.2f}" for label in words
            )
            print(
                f"{kind:<8} {row['index_seconds']:>8.1f} {row['mb']:>7.1f} {cells} "
                f"{row.get('same_as_like', '-'):>13}"
            )


if __name__ == "__main__":
    main()
