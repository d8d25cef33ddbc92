"""PostgreSQL: several statements in one round trip (storage/direct.py's `Steps.write`).

A write whose result is not needed (an audit row's INSERT, a nudge's drop) waits and goes with the next
statement as a data-modifying WITH query: `WITH w0 AS (<write>), w1 AS (...) <statement>`. PostgreSQL runs
every such query to completion, all in one snapshot: the writes waiting are to other rows than the statement
(none reads what another wrote), and the statement's own rows and row count are what it returns."""

from __future__ import annotations

import re
from functools import cache

PLACEHOLDER = re.compile(r"\$(\d+)")


def _shifted(sql: str, by: int) -> tuple[str, int]:
    """`sql` with its placeholders $1..$n renumbered from $(by + 1); and n."""
    numbers = [int(n) for n in PLACEHOLDER.findall(sql)]
    assert "'" not in sql and "$$" not in sql, sql  # prebuilt statements: no literals to mistake for placeholders
    return PLACEHOLDER.sub(lambda m: f"${int(m.group(1)) + by}", sql), max(numbers, default=0)


@cache
def with_writes(writes: tuple[str, ...], statement: str) -> str:
    """`statement` preceded by `writes` as WITH queries, the placeholders numbered in that order (the
    parameters are the writes' then the statement's). Built once per combination."""
    parts, by = [], 0
    for n, write in enumerate(writes):
        shifted, count = _shifted(write, by)
        parts.append(f"w{n} AS ({shifted})")
        by += count
    assert not statement.lstrip().upper().startswith("WITH"), statement
    return f"WITH {', '.join(parts)} {_shifted(statement, by)[0]}"
