"""Benchmark of a whole crawl over loopback, and of storage.

Crawl: a mirror of 香港商報 with ``--pages`` article pages (the mirror's pages copied under new
ids, listed twenty to a list page) is served on 127.0.0.1 and crawled by the real `archive
crawl` twice per round: with our item pipelines (normalise, campaign filter, store with dedup
and search index) and with none (Scrapy alone: download, spider, extraction). The ratio says
what the pipelines cost.

Storage: articles per second through ``Archive.save_article`` (the full write: article, bylines,
images, URLs, search index, near-duplicate index), the database's size per 1,000 articles, and
the search index's share of it.

Usage: .venv/bin/python scripts/bench_crawl.py [--pages 2000] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.fetch.mirror import serve_mirror  # noqa: E402

HOST = "www.hkcd.com.hk"
SOURCE = REPO / "tests" / "mirror" / HOST
PER_LIST_PAGE = 20
ARTICLE_REGEX = re.compile(r"content/(\d{4})/(\d\d)/(\d\d)/content_(\d+)\.html$")


def build_mirror(root: Path, pages: int) -> None:
    """A 香港商報 mirror of ``pages`` summit articles under ``root``."""
    shutil.copytree(SOURCE, root / HOST, ignore=shutil.ignore_patterns("content"))
    templates = [
        p
        for p in sorted((SOURCE / "hkcdweb" / "content").rglob("*.html"))
        if "新質生產力" in p.read_text(encoding="utf-8")
    ]
    links = []
    for number in range(pages):
        template = templates[number % len(templates)]
        year, month, day, _ = ARTICLE_REGEX.search(template.as_posix()).groups()
        relative = f"hkcdweb/content/{year}/{month}/{day}/content_{9000000 + number}.html"
        html = template.read_text(encoding="utf-8").replace("</h2>", f" 之{number}</h2>", 1)
        target = root / HOST / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        links.append(
            f'<a class="newItem " href="/{relative}"><h6>第{number}篇</h6>'
            f'<span class="date">{year}-{month}-{day}</span></a>'
        )
    lists = [links[i : i + PER_LIST_PAGE] for i in range(0, len(links), PER_LIST_PAGE)]
    for index, items in enumerate(lists, 1):
        name = "hongkongMacao.list.html" if index == 1 else f"hongkongMacao.list_{index}.html"
        after = (
            f'<div class="item next"><a href="hongkongMacao.list_{index + 1}.html">下一頁</a></div>'
            if index < len(lists)
            else ""
        )
        page = f'<html><body><div class="list">{"".join(items)}</div>{after}</body></html>'
        (root / HOST / "hkcdweb" / name).write_text(page, encoding="utf-8")


def crawl(mirror_url: str, db: Path, pipelines: bool) -> dict:
    """One `archive crawl` of the mirror; its summary."""
    settings = [] if pipelines else ["-s", "ITEM_PIPELINES={}"]
    command = [
        sys.executable,
        "-m",
        "crawler",
        "crawl",
        "--source",
        "hkcd",
        "--mirror",
        mirror_url,
        "--since",
        "2024-01-01",
        "--db",
        str(db),
        "--format",
        "json",
        "-s",
        "PROGRESS_INTERVAL=0",
        "-s",
        "LOG_LEVEL=WARNING",
        *settings,
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)["sources"][0]


def crawl_rates(pages: int, rounds: int) -> dict:
    """Median pages/s with and without the item pipelines."""
    rates: dict[str, list[float]] = {"pipelines on": [], "pipelines off": []}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        build_mirror(root / "mirror", pages)
        with serve_mirror(root / "mirror") as server:
            for round_ in range(rounds):
                for label, on in (("pipelines on", True), ("pipelines off", False)):
                    summary = crawl(server.url, root / f"{label}-{round_}.db", on)
                    rates[label].append(summary["pages"] / summary["seconds"])
    result = {label: round(statistics.median(values), 1) for label, values in rates.items()}
    result["pipeline cost"] = round(1 - result["pipelines on"] / result["pipelines off"], 3)
    return result


def storage(articles: int = 2000) -> dict:
    """Articles/s through the store, size per 1,000 articles, the search index's share."""
    from bench_dedup import clause_pool, synthetic

    from crawler.store import Archive

    pool = clause_pool()
    template = json.loads((REPO / "tests" / "expected" / "hkcd.json").read_text())[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.db"
        archive = Archive.open(path)
        started = time.perf_counter()
        for number, (_, body) in enumerate(synthetic(articles, pool)):
            url = f"https://bench.example/{number}.html"
            record = {
                "url": url,
                "canonical_url": url,
                "outlet": "香港商報",
                "title": body[:24],
                "subtitle": None,
                "published": template["published"],
                "bylines": [{"role": "reporter", "name": "王丹丹", "outlet": "香港商報"}],
                "body": body,
                "images": [],
                "content_hash": f"sha256:{number}",
            }
            archive.save_article(record, crawl_id=None, http_status=200, fetched_at="2024-09-01")
        seconds = time.perf_counter() - started
        archive.close()
        size = path.stat().st_size
        connection = sqlite3.connect(path)
        index = connection.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_search%'"
        ).fetchone()[0]
        tables = connection.execute(TABLE_SIZES_SQL).fetchall()
        connection.close()
    return {
        "articles/s": round(articles / seconds, 1),
        "MB per 1,000 articles": round(size / articles * 1000 / 1e6, 2),
        "search index share": round(index / size, 3),
        "bytes per article by table": {name: round(total / articles) for name, total in tables},
    }


# Pages of each table with its indexes (the search index's shadow tables as one), largest first.
TABLE_SIZES_SQL = """
SELECT CASE WHEN t LIKE 'articles_search%' THEN 'articles_search' ELSE t END AS name,
       sum(pgsize) AS total
FROM (SELECT coalesce(m.tbl_name, s.name) AS t, s.pgsize FROM dbstat s
      LEFT JOIN sqlite_master m ON m.name = s.name)
GROUP BY name ORDER BY total DESC
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    sys.path.insert(0, str(REPO / "scripts"))
    results = {"crawl": crawl_rates(arguments.pages, arguments.rounds), "storage": storage()}
    if arguments.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    for section, values in results.items():
        print(section + ": " + ", ".join(f"{k} {v}" for k, v in values.items()))


if __name__ == "__main__":
    main()
