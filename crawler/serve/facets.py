"""A Datasette facet by month: articles per YYYY-MM of a date column, as the outlet dated them.

Datasette's date facet runs SQLite's ``date()``, which turns ``2024-08-30T04:21:37+08:00`` into
the UTC day 2024-08-29; a Hong Kong morning paper would land on the wrong day and, at a month's
start, in the wrong month. This facet counts the column's first seven characters instead, and a
chosen month filters the table with ``<column>__startswith=YYYY-MM``. Turned on by
``{"month": "published"}`` in a table's facets (crawler/serve/metadata.py) or by
``?_facet_month=published``.

Reads no settings.
"""

from __future__ import annotations

from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

MONTH_FACET_SQL = """
SELECT substr({column}, 1, 7) AS value, count(*) AS count FROM ({sql})
WHERE {column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'
GROUP BY value ORDER BY value LIMIT {limit}
"""


class MonthFacet(Facet):
    """Counts of rows by the month a date column's text starts with."""

    type = "month"

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        size = self.get_facet_size()
        for found in self.get_configs():
            column = found["config"].get("column") or found["config"]["simple"]
            sql = MONTH_FACET_SQL.format(column=escape_sqlite(column), sql=self.sql, limit=size + 1)
            try:
                rows = await self.ds.execute(
                    self.database,
                    sql,
                    self.params,
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": [self._month(column, row) for row in rows.rows[:size]],
                    "hideable": found["source"] != "metadata",
                    "toggle_url": path_with_removed_args(self.request, {"_facet_month": column}),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out

    def _month(self, column: str, row: Any) -> dict[str, Any]:
        """One month's count, with the URL that selects (or unselects) it."""
        key = f"{column}__startswith"
        selected = self.request.args.get(key) == row["value"]
        if selected:
            path = path_with_removed_args(self.request, {key: row["value"]})
        else:
            path = path_with_added_args(self.request, {key: row["value"]})
        return {
            "value": row["value"],
            "label": row["value"],
            "count": row["count"],
            "toggle_url": self.ds.absolute_url(self.request, path),
            "selected": selected,
        }
