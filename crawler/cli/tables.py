"""Tables for the terminal: one line a row, as wide as the terminal (100 columns when the output
is piped), the widest text columns cut with … to fit. `--format json` has every value whole.

Widths are display columns (wcwidth): a Chinese character takes two.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping, Sequence
from typing import Any

import click
from tabulate import tabulate
from wcwidth import wcwidth

PIPED_WIDTH = 100
GAP = 2  # tabulate's "simple" format puts two spaces between columns
HEADER_PADDING = 2  # and makes a column two wider than its header
MIN_TEXT_WIDTH = 8
ELLIPSIS = "…"
DATE_REGEX = re.compile(r"\d{4}-\d\d-\d\d(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")


def echo_table(rows: Sequence[Mapping[str, Any]], empty: str, **options: Any) -> None:
    """Print ``rows`` as a table that fits the terminal, or ``empty`` when there are none."""
    if not rows:
        click.echo(empty)
        return
    click.echo(tabulate(fit_rows(rows, terminal_width()), headers="keys", **options))


def terminal_width() -> int:
    """The terminal's width in columns; PIPED_WIDTH when the output is not a terminal."""
    return shutil.get_terminal_size((PIPED_WIDTH, 24)).columns


def fit_rows(rows: Sequence[Mapping[str, Any]], width: int) -> list[dict[str, Any]]:
    """``rows`` with each text cell on one line and the widest columns cut to fit ``width``."""
    keys = list(dict.fromkeys(key for row in rows for key in row))  # rows may lack some
    flat = [{key: _one_line(row.get(key)) for key in keys} for row in rows]
    widths = {key: _width(key, flat) for key in keys}
    texts = {key for key in widths if not all(_kept_whole(row[key]) for row in flat)}
    room = width - GAP * (len(widths) - 1) - sum(w for key, w in widths.items() if key not in texts)
    # The widest text columns give way first and alike: all are cut to one width ``cap``.
    cap = max((widths[key] for key in texts), default=0)
    while cap > MIN_TEXT_WIDTH and sum(min(widths[key], cap) for key in texts) > room:
        cap -= 1
    return [
        {key: _cut(value, cap) if key in texts else value for key, value in row.items()}
        for row in flat
    ]


def _kept_whole(value: Any) -> bool:
    """Numbers and dates are never cut (a cut date reads as another date)."""
    return not isinstance(value, str) or bool(DATE_REGEX.match(value))


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (control characters none, wide characters two)."""
    return sum(max(wcwidth(char), 0) for char in text)


def _one_line(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _width(key: str, rows: list[dict[str, Any]]) -> int:
    cells = [str(row[key]) for row in rows if row[key] is not None]
    return max([len(key) + HEADER_PADDING, *map(display_width, cells)])


def fit_line(line: str, width: int | None = None) -> str:
    """A line of text cut to the terminal's width (or ``width``)."""
    return _cut(_one_line(line), width or terminal_width())


def _cut(value: Any, width: int) -> Any:
    """A text cut to ``width`` display columns, … at its end; numbers and short texts as they
    are."""
    if not isinstance(value, str) or display_width(value) <= width:
        return value
    kept, used = [], wcwidth(ELLIPSIS)
    for char in value:
        used += max(wcwidth(char), 0)
        if used > width:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS


def wrap_diff(lines: list[str], width: int | None = None) -> list[str]:
    """Unified diff lines folded to the terminal's width, each piece keeping its line's mark
    (``+``, ``-`` or a space), so a long changed paragraph is read whole."""
    width = width or terminal_width()
    folded: list[str] = []
    for line in lines:
        mark, text = line[:1], line[1:]
        while display_width(mark + text) > width:
            piece = _cut(text, width - 1)[:-1]  # the part that fits, without the …
            folded.append(mark + piece)
            text = text[len(piece) :]
        folded.append(mark + text)
    return folded


def minute(moment: str | None) -> str | None:
    """An ISO time to the minute, for a table (``--format json`` keeps it whole)."""
    return moment and moment[:16].replace("T", " ")
