"""The tick's throttled steps (retention, the teams' messages, the helpers' notices, escalation), each run
only when it may have something to do: when its moment has come, or when what it is planned from changed.

What changed is read in the tick's one query (schedules/moments.py): a new flag, a patient who consented
(never reviewed yet), a team, member or alert chat, a dose closed unconfirmed, the oldest handled update
or dialogue. Each step's own next moment is kept in this process's TickState (every process keeps its own;
each step is idempotent, so two processes running one twice add nothing). The first tick of a process runs
every step once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from care.protocol import Protocol
from schedules.digests import plan_team_messages_until
from schedules.escalation import escalate_due
from schedules.helper_notices import plan_helper_notices
from schedules.moments import Moments
from schedules.retention import DIALOGUE_ENDS, prune
from storage.engine import Sessions

RETENTION_EVERY = timedelta(hours=1)  # at most (docs/data.md "How long")
NOTICES_CHECKED = timedelta(days=1)  # the notices to chats with no patient are looked at at least this often
ESCALATION_RECHECK = timedelta(minutes=5)  # while a flag waits: its team's hours may change
ESCALATION_IDLE = timedelta(days=1)  # nothing waits: only a new flag can change that (a day: a safety net)
TEAM_IDLE = timedelta(days=1)  # no team has a consented patient: only a consent can change that (idem)


@dataclass
class TickState:
    """What one process remembers between ticks: when each throttled step is next due, what it saw last."""

    next_upkeep: dict[str, datetime] = field(default_factory=dict)
    seen: dict[str, object] = field(default_factory=dict)  # what each step was last planned from


def _changed(s: TickState, name: str, value: object) -> bool:
    """`value` differs from what `name` saw last (always, the first time); remembered."""
    changed = name not in s.seen or s.seen[name] != value
    s.seen[name] = value
    return changed


def _come(s: TickState, name: str, now: datetime) -> bool:
    """The step's moment has come (or it never ran in this process)."""
    return now >= s.next_upkeep.get(name, now)


async def upkeep(
    sessions: Sessions, protocol: Protocol, s: TickState, m: Moments, *, now: datetime, closed: int, flag: int,
    inbox_days: int,
) -> int:  # fmt: skip
    """The throttled steps due now; the rows they queued. `flag`: the newest flag's id (one just raised counts)."""
    queued = 0
    if _come(s, "retention", now) and _retention_due(s, m, now, inbox_days):
        await prune(sessions, now=now, inbox_days=inbox_days)  # deletes: nothing to send
        s.next_upkeep["retention"] = now + RETENTION_EVERY
    # a new flag (a verdict), a consent (a team's first digest), a team, member or alert chat: plans at once
    team_changed = _changed(s, "team", (flag, m.teams))
    if team_changed or m.unreviewed or _come(s, "team", now):
        added, nxt = await plan_team_messages_until(sessions, now=now, protocol=protocol)  # digests, milestones
        queued += added
        s.next_upkeep["team"] = nxt or now + TEAM_IDLE
    # a dose closed unconfirmed (here: `closed`; in another process: the newest closing), or a red flag
    helper_changed = _changed(s, "helper", (flag, m.unconfirmed))
    if helper_changed or closed:
        queued += await plan_helper_notices(sessions, now=now, protocol=protocol)  # issue 14: the family helper
    flag_changed = _changed(s, "escalation", flag)
    if flag_changed or _come(s, "escalation", now):
        scan = await escalate_due(sessions, now=now, protocol=protocol)  # issue 14: unowned urgent alerts
        queued += scan.escalated
        if scan.next_due is None:
            s.next_upkeep["escalation"] = now + ESCALATION_IDLE
            s.next_upkeep.pop("escalation_due", None)
        else:  # looked at again by then, or sooner: the team's hours may change, here or in another process
            s.next_upkeep["escalation"] = min(scan.next_due, now + ESCALATION_RECHECK)
            s.next_upkeep["escalation_due"] = scan.next_due  # the sandbox steps virtual time to it
    return queued


def _retention_due(s: TickState, m: Moments, now: datetime, inbox_days: int) -> bool:
    """Something may be old enough to go: a handled update, an idle dialogue, a notice (checked daily)."""
    if _come(s, "retention_notices", now):
        s.next_upkeep["retention_notices"] = now + NOTICES_CHECKED
        return True
    if m.handled is not None and m.handled <= now - timedelta(days=inbox_days):
        return True
    return m.dialogue is not None and m.dialogue <= now - DIALOGUE_ENDS
