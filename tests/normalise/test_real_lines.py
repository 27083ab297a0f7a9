"""Real lines from public news pages, each wrapped as a one-article page on a host with no
spider, through normalise_article: the outlet, dateline, reporters, photographer, credit
source and relative dates they print.

The table is real_lines.tsv beside this file, one printed line a row with the page it was
found on; the expected values were written by reading the line. A cell "-" is not checked;
an empty cell expects nothing (no outlet, no reporters). Columns: kind (lead, byline,
trailer, header, source, caption), page (the outlet the page declares, as og:site_name
would), published (the page's date), line, url, outlet, place, date, reporters (the writers:
reporter, author and correspondent roles, 、-joined, the exact set), photographer, source,
relative (text=date pairs joined by ;).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crawler.items import Block, RawArticle, RawImage
from crawler.normalise import normalise_article

TABLE = Path(__file__).with_name("real_lines.tsv")
WRITERS = ("reporter", "author", "correspondent")
FACETS = ("outlet", "place", "date", "reporters", "photographer", "source", "relative")


def _rows() -> list[dict]:
    """The table's rows, comments left out."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    names = ("kind", "page", "published", "line", "url", *FACETS)
    return [dict(zip(names, row, strict=True)) for row in csv.reader(lines, delimiter="\t")]


ROWS = _rows()


def _page(row: dict) -> RawArticle:
    """The line as the only text of a page with no spider: a caption under its image, any
    other line as the article's one paragraph."""
    raw = RawArticle(
        url=row["url"], outlet="", site_name=row["page"] or None, published=row["published"]
    )
    if row["kind"] == "caption":
        raw.blocks = [Block("paragraph", "正文。")]
        raw.images = [RawImage(src=row["url"] + "#image", caption=row["line"])]
    else:
        raw.blocks = [Block("paragraph", row["line"])]
    return raw


def _facts(record: dict) -> dict:
    """The facets of a record, as the table writes them."""
    image = record["images"][0] if record["images"] else {}
    photographers = [b["name"] for b in record["bylines"] if b["role"] == "photographer"]
    return {
        "outlet": record["outlet"] or "",
        "place": record["dateline"]["place"] or "",
        "date": record["dateline"]["date"] or "",
        "reporters": sorted({b["name"] for b in record["bylines"] if b["role"] in WRITERS}),
        "photographer": image.get("photographer") or "、".join(photographers),
        "source": image.get("source") or "",
        "relative": {(d["text"], d["date"]) for d in record["mentioned_dates"]},
    }


def _expected(row: dict, facet: str):
    """The expected value of one facet, in the shape of :func:`_facts`."""
    cell = row[facet]
    if facet == "reporters":
        return sorted(filter(None, cell.split("、")))
    if facet == "relative":
        return {tuple(pair.split("=")) for pair in cell.split(";") if pair}
    return cell


CASES = [
    pytest.param(row, facet, id=f"{number:03d}-{facet}")
    for number, row in enumerate(ROWS, 1)
    for facet in FACETS
    if row[facet] != "-"
]


@pytest.mark.parametrize(("row", "facet"), CASES)
def test_real_line(row: dict, facet: str) -> None:
    got = _facts(normalise_article(_page(row)))[facet]
    want = _expected(row, facet)
    if facet == "relative":
        assert want <= got, row["line"]
    else:
        assert got == want, row["line"]
