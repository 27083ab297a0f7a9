"""Compare our extraction with trafilatura's on the mirror pages: title, date, author, body.

For every article page listed in tests/expected/<source>.json it runs, on the same bytes:

- ours: the site spider plus the normaliser (what a crawl stores);
- generic: our generic extractor plus the normaliser, as for a site that has no spider;
- trafilatura: ``trafilatura.bare_extraction(..., with_metadata=True)``.

A field counts as right when it equals what tests/expected says (title; publication day;
the reporters, for author: every expected reporter named and no other person) and, for the
body, when its character-bigram F1 against the site spider's body is at least 0.9 (the spider's
body is checked by hand on the seed articles by the normaliser tests). Prints one table.

Usage: .venv/bin/python scripts/compare_extractors.py [--json]
Needs the `bench` extra (trafilatura): pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import HtmlResponse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.extract.generic import extract_generic  # noqa: E402
from crawler.extract.page import extract_record  # noqa: E402
from crawler.normalise import normalise_article  # noqa: E402

EXPECTED = REPO / "tests" / "expected"
MIRROR = REPO / "tests" / "mirror"
FIELDS = ("title", "date", "author", "body")
# Bodies within this bigram F1 of the reference count as the same text; it tolerates a
# missing byline line or caption but not a missing paragraph.
BODY_MIN_F1 = 0.9


def bigrams(text: str) -> Counter:
    """Character bigrams of a text with whitespace removed."""
    compact = "".join(text.split())
    return Counter(compact[i : i + 2] for i in range(len(compact) - 1))


def body_f1(found: str, reference: str) -> float:
    """Bigram F1 of two texts (1.0 for two empty texts)."""
    a, b = bigrams(found), bigrams(reference)
    if not a and not b:
        return 1.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def page_bytes(url: str) -> bytes:
    parts = urlsplit(url)
    return (MIRROR / parts.hostname / parts.path.lstrip("/")).read_bytes()


def our_fields(record: dict) -> dict:
    reporters = [b["name"] for b in record["bylines"] if b["role"] == "reporter"]
    return {
        "title": record["title"],
        "date": (record["published"] or "")[:10],
        "author": reporters,
        "body": record["body"] or "",
    }


def trafilatura_fields(url: str, body: bytes) -> dict:
    import trafilatura

    html = HtmlResponse(url=url, body=body).text
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return {"title": None, "date": "", "author": [], "body": ""}
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
    return {
        "title": data.get("title"),
        "date": (data.get("date") or "")[:10],
        "author": authors,
        "body": data.get("text") or "",
    }


def scores(found: dict, entry: dict, reference_body: str) -> dict[str, bool]:
    return {
        "title": found["title"] == entry["title"],
        "date": found["date"] == entry["published"][:10],
        "author": found["author"] == entry["reporters"],
        "body": body_f1(found["body"], reference_body) >= BODY_MIN_F1,
    }


def compare() -> dict[str, dict[str, dict[str, int]]]:
    """Right answers per source, extractor and field (plus the number of pages)."""
    table: dict[str, dict[str, dict[str, int]]] = {}
    for expected_file in sorted(EXPECTED.glob("*.json")):
        entries = json.loads(expected_file.read_text(encoding="utf-8"))
        counts = {name: Counter() for name in ("ours", "generic", "trafilatura")}
        for entry in entries:
            body = page_bytes(entry["url"])
            ours = our_fields(extract_record(entry["url"], body, {}))
            response = HtmlResponse(url=entry["url"], body=body)
            raw = extract_generic(Selector(text=response.text), entry["url"])
            generic = our_fields(normalise_article(raw))
            found = {
                "ours": ours,
                "generic": generic,
                "trafilatura": trafilatura_fields(entry["url"], body),
            }
            for name, fields in found.items():
                right = scores(fields, entry, ours["body"])
                counts[name].update(field for field, ok in right.items() if ok)
        table[expected_file.stem] = {
            name: {"pages": len(entries), **{f: c[f] for f in FIELDS}} for name, c in counts.items()
        }
    return table


def print_table(table: dict) -> None:
    print(f"{'source':<12} {'extractor':<12} {'pages':>5} " + " ".join(f"{f:>7}" for f in FIELDS))
    totals: dict[str, Counter] = {}
    for source, rows in table.items():
        for name, row in rows.items():
            totals.setdefault(name, Counter()).update(row)
            cells = " ".join(f"{row[f]:>7}" for f in FIELDS)
            print(f"{source:<12} {name:<12} {row['pages']:>5} {cells}")
    for name, row in totals.items():
        share = " ".join(f"{row[f] / row['pages']:>7.0%}" for f in FIELDS)
        print(f"{'all':<12} {name:<12} {row['pages']:>5} {share}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    table = compare()
    if parser.parse_args().json:
        print(json.dumps(table, indent=2))
    else:
        print_table(table)


if __name__ == "__main__":
    main()
