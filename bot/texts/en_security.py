"""Patient-facing texts of the safeguards (the invite-link guessing limit)."""

from __future__ import annotations

SECURITY: dict[str, str] = {
    "link_rate_limited": (
        "This chat has tried too many links that are not valid, so links are paused here for an hour. "
        "Please check the link you were given, try again later, or ask your care team for a new one."
    ),
}
