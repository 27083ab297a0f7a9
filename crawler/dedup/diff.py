"""What changed between two versions of an article: its body counted in paragraphs (the store
keeps it with each revision), and the record's printed fields and text as a unified diff
(`archive history`)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

# The fields a reader compares before the text; a byline is one line each.
DIFFED_FIELDS = ("title", "subtitle", "published", "updated")


def diff_summary(old_body: str, new_body: str) -> dict[str, int]:
    """How a body changed, counted in paragraphs: added, removed, changed."""
    old, new = _paragraphs(old_body), _paragraphs(new_body)
    counts = {"added": 0, "removed": 0, "changed": 0}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "insert":
            counts["added"] += j2 - j1
        elif tag == "delete":
            counts["removed"] += i2 - i1
        elif tag == "replace":
            changed = min(i2 - i1, j2 - j1)
            counts["changed"] += changed
            counts["added"] += (j2 - j1) - changed
            counts["removed"] += (i2 - i1) - changed
    return counts


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def record_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """A unified diff (one line of context) of two versions of an article record: title,
    subtitle, dates, bylines, then the body a paragraph a line."""
    return list(
        difflib.unified_diff(
            _record_lines(old), _record_lines(new), "before", "after", n=1, lineterm=""
        )
    )


def _record_lines(record: Mapping[str, Any]) -> list[str]:
    lines = [f"{field}: {record.get(field) or ''}" for field in DIFFED_FIELDS]
    for byline in record.get("bylines") or []:
        outlet = f" ({byline['outlet']})" if byline.get("outlet") else ""
        lines.append(f"byline: {byline['role']}: {byline['name']}{outlet}")
    return [*lines, "", *_paragraphs(record.get("body") or "")]
