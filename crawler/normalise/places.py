"""Dateline places: a gazetteer that splits a place from a name printed against it.

Datelines run a reporter's name and the place together (中央社記者黃名璽台北3日電, 記者王丹丹北京
報道); the gazetteer lets the parser find where the name ends. Where the place sits between an
agency and a date (新華社香港8月29日電) no gazetteer is needed and any place is accepted.

The gazetteer is ``data/places.tsv`` (world countries and cities from Unicode CLDR, mainland
provinces and cities from cpca, Hong Kong districts, Macao, Taiwan cities; see data/README.md),
loaded once at import; each name is also known in the other script (OpenCC).

Reads no settings.
"""

from __future__ import annotations

import re
from pathlib import Path

from crawler.normalise.script import fold_words

PLACES_TSV = Path(__file__).parent / "data" / "places.tsv"


def _load_places(path: Path) -> frozenset[str]:
    """Every place name of the gazetteer file, in both scripts."""
    names = [
        line.split("\t", 1)[0]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return frozenset(names) | {form for pair in fold_words(names) for form in pair}


PLACES = _load_places(PLACES_TSV)
MAX_PLACE_CHARS = max(map(len, PLACES))
# A word of three or more characters ending like an administrative area is a place too.
AREA_REGEX = re.compile(r"^[\u4e00-\u9fff]{2,5}(?:市|省|縣|县|區|区|鎮|镇|州)$")


def split_place_suffix(text: str) -> tuple[str, str | None]:
    """Split a known place off the end of ``text``: 黃名璽台北 -> (黃名璽, 台北).

    The longest place wins (南京 over 京); the text before it must not be empty.
    """
    for size in range(min(MAX_PLACE_CHARS, len(text) - 1), 1, -1):
        if text[-size:] in PLACES:
            return text[:-size], text[-size:]
    return text, None


def is_place(text: str) -> bool:
    """Whether ``text`` is a gazetteer place or an area name (深圳市, 南山區)."""
    return text in PLACES or bool(AREA_REGEX.match(text))
