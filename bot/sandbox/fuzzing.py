"""Fuzzed updates, drawn: hypothesis strategies for the Update shapes Telegram sends (messages and edited
messages with random text or any command with random arguments, from strangers in private chats and groups;
button presses with random callback data from strangers, and from enrolled people on rows that do not exist;
block/unblock by strangers). Shared by tests/test_fuzz_updates.py and bench/fuzz.py; checked by
bot/sandbox/fuzz_checks.py. Needs hypothesis (a dev dependency, as the whole sandbox's tests)."""

from __future__ import annotations

from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

STRANGERS = list(range(4000, 4016))
KNOWN = [1001, 2001, 2002, 2003]  # the clinician, patients A and B, C (invited)
OTHER_GROUP = -6001
COMMANDS = [
    "start", "help", "status", "pause", "resume", "stop", "patients", "patient", "pause_patient", "resume_patient",
    "discharge", "enrol", "cancel", "team_chat", "ack", "language", "time", "timezone", "mydata", "delete_my_data",
    "settings", "x", "members",
]  # fmt: skip
PREFIXES = [
    "c1", "d1", "p1", "q1", "v1:p", "v1:dc", "f1", "e1", "l1", "l1:me", "x1", "s1",
    "a1", "m1", "w1", "m2", "h1", "h2", "zz", "",
]  # fmt: skip


def _fits(data: str) -> bool:
    return 1 <= len(data.encode()) <= 64


fields_ = st.one_of(
    st.integers(-5, 60).map(str),
    st.integers(2**31 - 2, 2**63).map(str),
    st.sampled_from(["t", "s", "k", "y", "n", "a", "m", "me", "ok", "no", "?", "stop", "dc", "p", "es", "0900"]),
    st.text(max_size=12),
)
structured = st.builds(
    lambda prefix, parts: ":".join([prefix, *parts]) if prefix else ":".join(parts),
    st.sampled_from(PREFIXES),
    st.lists(fields_, min_size=0, max_size=4),
)
callback_data = st.one_of(structured, st.text(min_size=1, max_size=64), st.binary(min_size=1, max_size=64).map(
    lambda b: b.decode("utf-8", "replace")
)).filter(_fits)  # fmt: skip
texts = st.one_of(
    st.text(min_size=1, max_size=300),
    st.builds(lambda c, a: f"/{c} {a}".rstrip(), st.sampled_from(COMMANDS), st.text(max_size=80)),
    st.builds(lambda c: f"/{c}", st.sampled_from(COMMANDS)),
    st.sampled_from(["5", "10", "-1", "11", "yes", "09:00", "Europe/Berlin", "MK-17", "1000 mcg oral daily"]),
).filter(lambda s: s.strip() != "" and len(s) <= 4096)


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    """One update without update_id (Fuzz.send numbers them); shapes as the Bot API defines them."""
    kind = draw(st.sampled_from(["message", "message", "edited_message", "callback_query", "callback_query", "block"]))
    if kind == "callback_query":
        by_known = draw(st.booleans())
        user = draw(st.sampled_from(KNOWN if by_known else STRANGERS))
        data = draw(callback_data)
        if by_known:  # an enrolled person may only forge rows that do not exist (their own would be valid)
            data = draw(st.one_of(st.text(min_size=1, max_size=64), structured_missing())).strip() or "zz"
            if not _fits(data):
                data = "zz"
        where = draw(st.sampled_from(["private", "group"]))
        return {"callback_query": {"user": user, "data": data, "where": where, "with_message": draw(st.booleans())}}
    if kind == "block":
        return {"block": {"user": draw(st.sampled_from(STRANGERS)), "kicked": draw(st.booleans())}}
    where = draw(st.sampled_from(["private", "private", "group", "other_group"]))
    return {kind: {"user": draw(st.sampled_from(STRANGERS)), "text": draw(texts), "where": where}}


def structured_missing() -> st.SearchStrategy[str]:
    """A registered prefix and an id no row has."""
    return st.builds(
        lambda prefix, row, tail: f"{prefix}:{row}:{tail}",
        st.sampled_from(["c1", "d1", "q1", "v1:dc", "f1", "l1", "x1"]),
        st.integers(10**6, 2**31 - 1),
        st.sampled_from(["t", "s", "y", "n", "a", "m", "0:5", "es", "abc:y"]),
    )


def draw_updates(n: int, seed: int) -> list[dict[str, Any]]:
    """n updates drawn by hypothesis from `seed` (generation only: no shrinking, no example database)."""
    drawn: list[dict[str, Any]] = []

    @hypothesis.seed(seed)
    @settings(
        max_examples=n,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(updates())
    def collect(update: dict[str, Any]) -> None:
        drawn.append(update)

    collect()
    return drawn
