"""Words in a patient's free text that should bring up the red-flag screen at once. Pure.

The lists live in care/protocol.py (`conversation.red_flag_words`, one list per language; clinically
reviewed: not yet). An entry is one word or a phrase of words; a word ending in `*` matches any word
that starts with it ("hallucinat*" matches "hallucinating"). Text and entries are compared the same
way: case folded, accents and apostrophes removed ("Can’t" = "cant", "caída" = "caida", "ё" = "е"),
split into words; a phrase matches its words in a row. Every language's list is checked whatever the
patient's language: a false alarm shows a screen, a missed one can cost more.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

WORD = re.compile(r"\w+")
APOSTROPHES = str.maketrans("", "", "'’ʼ`´")


def words(text: str) -> list[str]:
    """`text` as comparable words: case folded, without accents or apostrophes."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(APOSTROPHES))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return WORD.findall(plain)


def _pattern(entry: str) -> list[tuple[str, bool]]:
    """An entry as (word, is a prefix) pairs; empty when the entry has no word in it."""
    out = []
    for raw in entry.split():
        prefix = raw.endswith("*")
        parts = words(raw.rstrip("*"))
        for i, part in enumerate(parts):
            out.append((part, prefix and i == len(parts) - 1))
    return out


def _at(tokens: Sequence[str], start: int, pattern: Sequence[tuple[str, bool]]) -> bool:
    if start + len(pattern) > len(tokens):
        return False
    for token, (word, prefix) in zip(tokens[start:], pattern, strict=False):
        if not (token.startswith(word) if prefix else token == word):
            return False
    return True


def matches(text: str, *, entries: Iterable[str]) -> tuple[str, ...]:
    """The entries found in `text`, in the order given (each once)."""
    tokens = words(text)
    found = []
    for entry in entries:
        pattern = _pattern(entry)
        if pattern and any(_at(tokens, i, pattern) for i in range(len(tokens))):
            found.append(entry)
    return tuple(found)


def red_flag_words(text: str, *, lists: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The red-flag entries of every language's list that `text` contains (empty: none)."""
    return matches(text, entries=[entry for lang in sorted(lists) for entry in lists[lang]])
