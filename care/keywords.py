"""Words in a patient's free text that should bring up the red-flag screen at once. Pure.

The lists live in care/protocol/conversation.py (`conversation.red_flag_words`, one list per language; clinically
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
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"\w+")
APOSTROPHES = str.maketrans("", "", "'’ʼ`´")


def words(text: str) -> list[str]:
    """`text` as comparable words: case folded, without accents or apostrophes."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(APOSTROPHES))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return WORD.findall(plain)


Pattern = tuple[tuple[str, bool], ...]


def _pattern(entry: str) -> Pattern:
    """An entry as (word, is a prefix) pairs; empty when the entry has no word in it."""
    out = []
    for raw in entry.split():
        prefix = raw.endswith("*")
        parts = words(raw.rstrip("*"))
        for i, part in enumerate(parts):
            out.append((part, prefix and i == len(parts) - 1))
    return tuple(out)


@dataclass(frozen=True)
class Index:
    """Compiled once per list: patterns by their exact first word, and those whose first word is a prefix."""

    exact: dict[str, list[tuple[int, Pattern]]]
    prefixed: list[tuple[int, Pattern]]
    starts: re.Pattern[str] | None  # any of the prefixes, to skip the words that start with none


@lru_cache(maxsize=32)
def _index(entries: tuple[str, ...]) -> Index:
    exact: dict[str, list[tuple[int, Pattern]]] = {}
    prefixed: list[tuple[int, Pattern]] = []
    for n, entry in enumerate(entries):
        pattern = _pattern(entry)
        if not pattern:
            continue
        if pattern[0][1]:
            prefixed.append((n, pattern))
        else:
            exact.setdefault(pattern[0][0], []).append((n, pattern))
    heads = sorted({p[0][0] for _, p in prefixed}, key=len, reverse=True)
    starts = re.compile("|".join(re.escape(h) for h in heads)) if heads else None
    return Index(exact, prefixed, starts)


def _at(tokens: Sequence[str], start: int, pattern: Pattern) -> bool:
    if start + len(pattern) > len(tokens):
        return False
    for k, (word, prefix) in enumerate(pattern):
        token = tokens[start + k]
        if not (token.startswith(word) if prefix else token == word):
            return False
    return True


def matches(text: str, *, entries: Iterable[str]) -> tuple[str, ...]:
    """The entries found in `text`, in the order given (each once)."""
    listed = tuple(entries)
    index = _index(listed)
    tokens = words(text)
    found: set[int] = set()
    for i, token in enumerate(tokens):
        candidates = list(index.exact.get(token, ()))
        if index.starts is not None and index.starts.match(token):
            candidates += [(n, p) for n, p in index.prefixed if token.startswith(p[0][0])]
        found.update(n for n, pattern in candidates if n not in found and _at(tokens, i, pattern))
    return tuple(listed[n] for n in sorted(found))


def red_flag_words(text: str, *, lists: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The red-flag entries of every language's list that `text` contains (empty: none)."""
    return matches(text, entries=[entry for lang in sorted(lists) for entry in lists[lang]])
