"""How well list pages are told from articles (crawler/extract/kind.py), on real page sets.

Page sets, each read from a folder; a set whose folder is missing is skipped with a note:

- realpages (``--realpages``, default ../shared/realpages): real article pages (``gold.json``
  gives each page's URL);
- aeb (``--aeb``, default ../aeb): the article-extraction-benchmark's 181 article pages
  (``ground-truth.json`` gives the URLs);
- fixtures (tests/realpages): our own real article pages;
- mirror (tests/mirror): the mirror's pages, each an article or a list by its site spider's own
  article URL patterns (``is_article_url``), pages of hosts with no spider articles;
- lists (``--lists``, default ../shared/listpages): real list pages (``pages.json`` gives each
  file's URL and source).

Each page is decoded as a crawl decodes it and classified with its URL; the table gives, per
set, the pages, how many articles were called lists, how many lists were called articles, and
the pages got wrong with the classifier's reason. ``--no-metadata`` ignores og:type and
JSON-LD, to see what the page's structure alone decides.

Usage: .venv/bin/python scripts/page_kinds.py [--realpages DIR] [--aeb DIR] [--lists DIR]
       [--no-metadata]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.extract import kind as page_kind  # noqa: E402
from crawler.extract.page import canonical_url, page_response  # noqa: E402
from spiders.registry import site_spider_for  # noqa: E402

Page = tuple[str, str, str, bytes]  # (name, url, expected kind, bytes)
NO_URL = "https://example.org/page.html"


def realpages(folder: Path) -> Iterator[Page]:
    """The realpages set's article pages."""
    for page in json.loads((folder / "gold.json").read_text(encoding="utf-8"))["pages"]:
        body = gzip.decompress((folder / "pages" / f"{page['id']}.html.gz").read_bytes())
        yield page["id"], page["url"] or canonical_url(body) or NO_URL, "article", body


def aeb(folder: Path) -> Iterator[Page]:
    """The article-extraction-benchmark's article pages."""
    for key, truth in json.loads((folder / "ground-truth.json").read_text("utf-8")).items():
        body = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        yield key[:12], truth["url"], "article", body


def mirror(folder: Path) -> Iterator[Page]:
    """The mirror's pages, labelled by their site spiders' article URL patterns."""
    for path in sorted(folder.rglob("*.htm*")):
        relative = path.relative_to(folder)
        url = f"https://{relative.parts[0]}/{'/'.join(relative.parts[1:])}"
        spider = site_spider_for(url)
        is_article = spider is None or spider().is_article_url(url)
        yield str(relative), url, "article" if is_article else "list", path.read_bytes()


def lists(folder: Path) -> Iterator[Page]:
    """Real list pages, with the URLs pages.json gives."""
    for name, entry in json.loads((folder / "pages.json").read_text("utf-8")).items():
        yield name, entry["url"], "list", gzip.decompress((folder / "pages" / name).read_bytes())


def measure(pages: Iterator[Page]) -> tuple[dict[str, int], list[str]]:
    """Counts of a set's pages and its mistakes, and a line for each mistake."""
    counts = {"article": 0, "list": 0, "false list": 0, "missed list": 0}
    wrong = []
    for name, url, expected, body in pages:
        found = page_kind.classify_page(page_response(url, body, {}).selector, url)
        counts[expected] += 1
        if found.kind != expected:
            counts["false list" if expected == "article" else "missed list"] += 1
            wrong.append(f"{name} ({expected}): {found.why}")
    return counts, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realpages", type=Path, default=REPO.parent / "shared" / "realpages")
    parser.add_argument("--aeb", type=Path, default=REPO.parent / "aeb")
    parser.add_argument("--lists", type=Path, default=REPO.parent / "shared" / "listpages")
    parser.add_argument("--no-metadata", action="store_true", help="ignore og:type, JSON-LD")
    args = parser.parse_args()
    if args.no_metadata:
        page_kind.metadata_kind = lambda selector: None
    sets = {
        "realpages": (args.realpages, realpages),
        "aeb": (args.aeb, aeb),
        "fixtures": (REPO / "tests" / "realpages", realpages),
        "mirror": (REPO / "tests" / "mirror", mirror),
        "lists": (args.lists, lists),
    }
    print("| set | articles | called lists | lists | called articles |")
    print("|---|---|---|---|---|")
    mistakes = []
    for name, (folder, read) in sets.items():
        if not folder.is_dir():
            print(f"| {name} | (no {folder}) | | | |")
            continue
        counts, wrong = measure(read(folder))
        print(
            f"| {name} | {counts['article']} | {counts['false list']} | {counts['list']} | "
            f"{counts['missed list']} |"
        )
        mistakes += [f"{name}: {line}" for line in wrong]
    for line in mistakes:
        print(f"- {line}")


if __name__ == "__main__":
    main()
