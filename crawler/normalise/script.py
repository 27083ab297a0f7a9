"""Tell Traditional from Simplified Chinese, and fold text to one script.

Both answers come from OpenCC's dictionaries, not from a hand-made character table:

- a character is evidence of Traditional (``Hant``) when OpenCC's Traditional-to-Simplified
  conversion (``t2s`` or ``hk2s``) changes it, in the context of its phrase;
- a character is evidence of Simplified (``Hans``) when every Simplified-to-Traditional
  conversion (``s2t``, ``s2hk`` and ``s2tw``) changes it and it is not a Traditional character
  in its own right (it cannot be written in Big5). Characters that one of the Traditional
  standards writes unchanged (群, 峰, 台, 着, 才 …), characters valid in both scripts in their
  phrase (皇后, 公里, 若干) and Traditional characters that OpenCC maps elsewhere (the 涌 of
  東涌, the surname 于) are therefore no evidence at all.

A text is ``mixed`` only when the minority script holds at least ``MIXED_MIN_SHARE`` of the
evidence and at least ``MIXED_MIN_CHARS`` characters, so one stray Simplified character in a
Traditional article (技术 in a Hong Kong paper) does not make it mixed. A text with no
evidence either way (no Chinese, or only characters common to both scripts, such as 李家超)
is reported as ``Hant``, the archive's default: nothing in it contradicts a Hong Kong page,
and a facet on ``script`` then never shows a value that no Chinese character supports.

Reads no settings.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

T2S = opencc.OpenCC("t2s.json")
HK2S = opencc.OpenCC("hk2s.json")
S2T = opencc.OpenCC("s2t.json")
S2HK = opencc.OpenCC("s2hk.json")
S2TW = opencc.OpenCC("s2tw.json")

# The minority script must hold this share of the evidence for a text to be "mixed". Chosen so
# that a Hong Kong article with a few stray Simplified characters (the seed page has one, 术,
# among about 600 Traditional ones) stays Hant, while a Simplified reprint that quotes a
# Traditional paragraph (typically a fifth or more of the evidence) is mixed.
MIXED_MIN_SHARE = 0.1
# ... and at least this many characters: a single typo in a short paragraph is not a script.
MIXED_MIN_CHARS = 2

HAN_REGEX = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _changed(text: str, converted: str) -> list[bool]:
    """Which positions of ``text`` a conversion changed (per character when lengths differ)."""
    if len(converted) != len(text):
        return [False] * len(text)
    return [a != b for a, b in zip(text, converted, strict=True)]


def _in_big5(char: str) -> bool:
    """Whether a character exists in Big5, the Traditional character set."""
    try:
        char.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


def count_script_evidence(text: str) -> tuple[int, int]:
    """Count the characters that only Traditional and only Simplified Chinese would write."""
    if not HAN_REGEX.search(text):
        return 0, 0
    t2s = _changed(text, T2S.convert(text))
    hk2s = _changed(text, HK2S.convert(text))
    s2t = _changed(text, S2T.convert(text))
    s2hk = _changed(text, S2HK.convert(text))
    s2tw = _changed(text, S2TW.convert(text))
    hant = sum(1 for i in range(len(text)) if t2s[i] or hk2s[i])
    hans = sum(
        1 for i in range(len(text)) if s2t[i] and s2hk[i] and s2tw[i] and not _in_big5(text[i])
    )
    return hant, hans


def detect_script(text: str) -> str:
    """Return "Hant", "Hans" or "mixed" for ``text`` (see the module docstring for the rules).

    Example: ``detect_script("香港商報") == "Hant"``, ``detect_script("香港商报") == "Hans"``.
    """
    hant, hans = count_script_evidence(text)
    total = hant + hans
    if total == 0:
        return "Hant"
    minority = min(hant, hans)
    if minority >= MIXED_MIN_CHARS and minority / total >= MIXED_MIN_SHARE:
        return "mixed"
    return "Hant" if hant > hans else "Hans"


# The same body is folded for its content hash, the search index and the near-duplicate
# index in turn; remembering the last few saves two OpenCC passes per article.
@lru_cache(maxsize=32)
def to_simplified(text: str) -> str:
    """Fold ``text`` to Simplified characters, for keyword matching and deduplication."""
    return HK2S.convert(T2S.convert(text))


def to_traditional(text: str) -> str:
    """Fold ``text`` to Traditional characters as Hong Kong writes them."""
    return S2HK.convert(text)


def fold_words(words: list[str]) -> list[tuple[str, str]]:
    """(Simplified, Hong Kong Traditional) of each word, converted in one OpenCC call per
    direction: loading a word list at import costs two calls, not two a word."""
    joined = "\n".join(words)
    simplified = to_simplified(joined).split("\n")
    traditional = to_traditional(joined).split("\n")
    return list(zip(simplified, traditional, strict=True))
