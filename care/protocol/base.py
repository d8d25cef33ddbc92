"""What every section of the protocol shares: the source of a default, and the check that thresholds rise."""

from __future__ import annotations

from typing import Any


def _src(source: str) -> Any:
    """Field metadata: where the default comes from."""
    return {"source": source}


def _ascending(section: str, names: tuple[str, ...], values: tuple[float, ...]) -> None:
    """Fail with a message naming the first field that does not rise above the one before it."""
    for i in range(1, len(names)):
        if values[i] <= values[i - 1]:
            raise ValueError(
                f"{section}.{names[i]} ({values[i]:g}) must be above {section}.{names[i - 1]} ({values[i - 1]:g})"
            )
