"""Regex alternations built from word lists (outlets, places) as prefix trees.

A plain alternation of a thousand words is tried word by word at every position; the same
words as a prefix tree are tried one character at a time, so the gazetteer and the outlet
table cost little inside the byline and caption grammars. Longer words still win (a branch
that can go on does).

Reads no settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str]) -> str:
    """A regex (no groups) matching any of ``words``, the longest where several fit."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(tree)


def _branch(node: dict) -> str:
    """The pattern of one node of the tree: its branches, optional where a word ends here."""
    branches = [re.escape(char) + _branch(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if "" in node else body
