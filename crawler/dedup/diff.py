"""What changed between two versions of an article's body, counted in paragraphs (the store
keeps it with each revision)."""

from __future__ import annotations

import difflib


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
