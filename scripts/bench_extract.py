"""Benchmark of extraction speed: our spiders + normaliser against trafilatura and GNE.

Two page sets: the mirror's article pages as they are (5-15 KB), and at least 2,000 pages sized
like real news pages (50 to 300 KB), made from the mirror's pages by adding what live pages
carry around an article: navigation menus, inline scripts and styles, related-news and
hot-news blocks, a footer. Every extractor runs on the same pages in the same run (the median
of several rounds on the mirror pages, one round on the large set); the table gives pages per
second and the ratio to trafilatura. On the large set trafilatura, about 12 pages/s, runs on an
even sample of it (every n-th page, ``--sample`` pages), and ours on that sample as well as on
the whole set, so the ratio compares the same pages.

- ours: ``extract_record`` (the site spider's selectors, the generic fallback, the normaliser:
  title, subtitle, published, bylines, dateline, body, sections, captioned images, mentioned
  dates, script, hash);
- trafilatura: ``trafilatura.extract(html, url=…, with_metadata=True, output_format="json")``;
- GNE: ``GeneralNewsExtractor().extract(html)`` when the package installs (mirror pages only);
- page kind: ``classify_page`` (crawler/extract/kind.py) on the parsed page, what a page listed
  to ``archive crawl --url`` costs on top of its extraction.

Usage: .venv/bin/python scripts/bench_extract.py [--pages 2000] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.extract.kind import classify_page  # noqa: E402
from crawler.extract.page import extract_record, page_response  # noqa: E402

SEED = 9
BODY_OPEN_REGEX = re.compile(r"<body[^>]*>", re.IGNORECASE)
MIN_KB, MAX_KB = 50, 300


def mirror_pages() -> list[tuple[str, bytes]]:
    """(url, bytes) of every article page the expected files list."""
    pages = []
    for expected in sorted((REPO / "tests" / "expected").glob("*.json")):
        for entry in json.loads(expected.read_text(encoding="utf-8")):
            parts = urlsplit(entry["url"])
            path = REPO / "tests" / "mirror" / parts.hostname / parts.path.lstrip("/")
            pages.append((entry["url"], path.read_bytes()))
    return pages


def padding(rng: random.Random, titles: list[str], kilobytes: int) -> str:
    """Page furniture of about ``kilobytes``: menus, scripts, styles, news lists."""
    blocks = []
    size = 0
    while size < kilobytes * 1024:
        kind = rng.randrange(4)
        if kind == 0:
            items = "".join(f'<li><a href="/c/{n}.html">欄目{n}</a></li>' for n in range(40))
            block = f'<nav class="menu"><ul>{items}</ul></nav>'
        elif kind == 1:
            block = (
                "<script>var cfg = "
                + json.dumps({"k": [rng.random() for _ in range(200)]})
                + ";</script>"
            )
        elif kind == 2:
            block = (
                "<style>"
                + "".join(f".c{n}{{margin:{n}px;color:#{n:06x}}}" for n in range(150))
                + "</style>"
            )
        else:
            links = "".join(
                f'<li><a href="/a/{rng.randrange(10**7)}.html">{rng.choice(titles)}</a></li>'
                for _ in range(30)
            )
            block = f'<div class="related-news"><h4>相關新聞</h4><ul>{links}</ul></div>'
        blocks.append(block)
        size += len(block.encode())
    return "".join(blocks)


def sized_pages(pages: list[tuple[str, bytes]], count: int) -> list[tuple[str, bytes]]:
    """``count`` pages of 50-300 KB: mirror pages wrapped in page furniture."""
    rng = random.Random(SEED)
    titles = [f"新聞標題第{n}則" for n in range(200)]
    made = []
    for number in range(count):
        url, body = pages[number % len(pages)]
        try:
            html = body.decode("utf-8")
        except UnicodeDecodeError:  # a Big5 or GB2312 page: kept as it is
            made.append((url, body))
            continue
        target = rng.randint(MIN_KB, MAX_KB) - len(body) // 1024
        top, bottom = padding(rng, titles, target // 2), padding(rng, titles, target - target // 2)
        opening = BODY_OPEN_REGEX.search(html)
        cut = opening.end() if opening else 0
        html = html[:cut] + top + html[cut:]
        html = html.replace("</body>", bottom + "</body>", 1)
        made.append((url, html.encode("utf-8")))
    return made


def ours(url: str, body: bytes) -> object:
    return extract_record(url, body, {})


def page_kind(url: str, body: bytes) -> object:
    return classify_page(page_response(url, body, {}).selector, url)


def trafilatura_extractor() -> Callable[[str, bytes], object] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(url: str, body: bytes) -> object:
        return trafilatura.extract(body, url=url, with_metadata=True, output_format="json")

    return run


def gne_extractor() -> Callable[[str, bytes], object] | None:
    try:
        from gne import GeneralNewsExtractor
    except ImportError:
        return None
    extractor = GeneralNewsExtractor()

    def run(url: str, body: bytes) -> object:
        return extractor.extract(body.decode("utf-8", "replace"))

    return run


def pages_per_second(run: Callable[[str, bytes], object], pages: list, rounds: int) -> float:
    """The median over ``rounds`` of pages extracted per second."""
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        for url, body in pages:
            run(url, body)
        rates.append(len(pages) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="size of the large page set")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--sample", type=int, default=400, help="pages of the large set trafilatura runs on"
    )
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    mirror = mirror_pages()
    large = sized_pages(mirror, arguments.pages)
    extractors = {
        "ours": ours,
        "page kind": page_kind,
        "trafilatura": trafilatura_extractor(),
        "gne": gne_extractor(),
    }
    sample = large[:: max(1, len(large) // arguments.sample)][: arguments.sample]
    sets = (
        ("mirror pages", mirror, arguments.rounds, ("ours", "page kind", "trafilatura", "gne")),
        (f"{len(large)} pages of 50-300 KB", large, 1, ("ours", "page kind")),
        # trafilatura takes about three minutes over 2,000 such pages; GNE another minute.
        (f"sample of {len(sample)} of them", sample, 1, ("ours", "trafilatura")),
    )
    results = {}
    for label, pages, rounds, names in sets:
        kb = sum(len(body) for _, body in pages) / len(pages) / 1024
        row = {"pages": len(pages), "mean_kb": round(kb, 1), "rounds": rounds}
        for name, run in extractors.items():
            ran = run and name in names
            row[name] = round(pages_per_second(run, pages, rounds), 1) if ran else None
        results[label] = row
    if arguments.json:
        print(json.dumps(results, indent=2))
        return
    heads = ("pages", "KB", "ours", "page kind", "+kind", "trafilatura", "gne", "ours/traf")
    print(f"{'page set':<28} " + " ".join(f"{head:>11}" for head in heads))
    for label, row in results.items():
        ratio = f"{row['ours'] / row['trafilatura']:.1f}x" if row["trafilatura"] else "-"
        # What classifying a page adds to extracting it, as a share of the extraction's time.
        added = f"+{row['ours'] / row['page kind']:.0%}" if row["page kind"] else "-"
        cells = (row["pages"], row["mean_kb"], row["ours"], row["page kind"] or "-", added)
        print(
            f"{label:<28} "
            + " ".join(f"{cell:>11}" for cell in cells)
            + f" {row['trafilatura'] or '-':>11} {row['gne'] or '-':>11} {ratio:>11}"
        )


if __name__ == "__main__":
    main()
