"""Article records written out for researchers' own tools: JSON lines or CSV, streaming.

CSV flattens the nested fields: bylines as ``role:name (outlet)`` joined by ``; ``, images as
``src | caption | source | photographer`` joined by newlines, sections and mentioned dates joined
by ``; ``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import sqlite_utils

from crawler.normalise.bylines import canonical_outlet
from crawler.query.search import FILTERS_SQL, fts_query
from crawler.store.records import stored_record

CSV_COLUMNS = (
    "id",
    "url",
    "canonical_url",
    "outlet",
    "title",
    "subtitle",
    "published",
    "updated",
    "bylines",
    "dateline_place",
    "dateline_date",
    "body",
    "sections",
    "images",
    "mentioned_dates",
    "script",
    "source_line",
    "original_outlet",
    "outlet_source",
    "date_basis",
    "content_hash",
    "cluster_id",
)


IMAGE_PARTS = ("src", "caption", "source", "photographer")


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """One JSON record a line; return how many were written."""
    count = 0
    for count, record in enumerate(records, 1):  # noqa: B007 - the count is the answer
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return count


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """One CSV row a record, nested fields flattened; return how many were written."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for count, record in enumerate(records, 1):  # noqa: B007 - the count is the answer
        writer.writerow(flatten(record))
    return count


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """A record as one CSV row."""
    dateline = record.get("dateline") or {}
    return {
        **{column: record.get(column) for column in CSV_COLUMNS},
        "bylines": "; ".join(
            f"{b['role']}:{b['name']}" + (f" ({b['outlet']})" if b.get("outlet") else "")
            for b in record.get("bylines") or []
        ),
        "dateline_place": dateline.get("place"),
        "dateline_date": dateline.get("date"),
        "sections": "; ".join(record.get("sections") or []),
        "images": "\n".join(
            " | ".join(
                str(image.get(k) or "") for k in ("src", "caption", "source", "photographer")
            )
            for image in record.get("images") or []
        ),
        "mentioned_dates": "; ".join(
            f"{m['text']}={m['date']}" for m in record.get("mentioned_dates") or []
        ),
    }


EXPORT_SQL = """
SELECT a.id FROM articles a
LEFT JOIN clusters c ON c.id = a.cluster_id
WHERE (:all_versions OR a.cluster_id IS NULL OR c.original_id = a.id) {filters}
ORDER BY a.published, a.id
"""


EXPORT_MATCH_SQL = (
    "a.rowid IN (SELECT rowid FROM articles_search WHERE articles_search MATCH :match)"
)


def export_records(
    db: sqlite_utils.Database,
    *,
    query: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    all_versions: bool = False,
) -> Iterator[dict[str, Any]]:
    """Article records (docs/ARCHITECTURE.md), oldest first, one at a time.

    One record per cluster (its original) unless ``all_versions``; each record also carries
    its ``cluster_id``. Raises SearchError for a query that cannot be searched.
    """
    params: dict[str, Any] = {
        "match": fts_query(query) if query else None,
        "outlet": outlet and canonical_outlet(outlet),
        "since": since,
        "until": until,
        "all_versions": all_versions,
    }
    filters = "".join(
        f" AND {sql}"
        for key, sql in {**FILTERS_SQL, "match": EXPORT_MATCH_SQL}.items()
        if params.get(key)
    )
    ids = db.execute(EXPORT_SQL.format(filters=filters), params)
    for (article_id,) in ids:
        yield {"id": article_id, **stored_record(db, article_id)}
