"""Acknowledge a flag, or take it on (assign to me): only an active member of the patient's team.

Each is recorded once (the first press wins; a second one changes nothing) with an audit row. Anyone
else gets "refused" and an audit row; a flag that does not exist is refused the same way, so that an
outsider learns nothing. Stored data names members by Telegram user id only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.team_access import Caller, refusal_reason, refuse, scope
from storage import audit
from storage.engine import Sessions
from storage.models import Flag, Patient
from storage.queries import flags as flags_q

ACTIONS = {"a": "ack", "m": "assign"}


@dataclass(frozen=True)
class FlagAction:
    outcome: str  # done already already_other refused missing (no such flag for the caller's team)
    # group_unset (a member, in a group that is no team's alert chat yet)
    action: str  # ack assign
    flag_id: int
    alias: str | None = None


async def act(sessions: Sessions, *, flag_id: int, caller: Caller, action: str, now: datetime) -> FlagAction:
    """`caller`: who pressed or typed, and in which chat (team_access.scope: a team's group acts on that team only)."""
    if action not in ACTIONS.values():
        raise ValueError(f"unknown flag action {action!r}")
    user_id = caller.user_id
    async with sessions() as session:
        flag = await session.get(Flag, flag_id)
        patient = await session.get(Patient, flag.patient_id) if flag is not None else None
        mine = await scope(session, caller)
        allowed = patient is not None and patient.team_id in mine
        if flag is None or patient is None or not allowed:
            reason = "not_found" if patient is None else await refusal_reason(session, caller, patient.team_id)
            await refuse(session, caller, action=f"flag.{action}", now=now, subject=f"flag:{flag_id}", reason=reason)
            # a member acting here learns only that their team has no such flag; anyone else is refused
            missing = bool(mine) and reason in ("not_found", "not_a_member")
            if not mine and not caller.private and await refusal_reason(session, caller, None) == "group_unset":
                return FlagAction("group_unset", action, flag_id)
            return FlagAction("missing" if missing else "refused", action, flag_id)
        if action == "ack":
            done = await flags_q.acknowledge(session, flag_id=flag_id, by=user_id, at=now)
        else:
            done = await flags_q.assign(session, flag_id=flag_id, to=user_id)
        outcome = "done"
        if not done:
            outcome = "already" if action == "ack" or flag.assigned_to == user_id else "already_other"
        audit.record(
            session,
            at=now,
            actor=f"tg:{user_id}",
            action=f"flag.{action}",
            subject=f"flag:{flag_id}",
            outcome="ok" if done else "noop",
        )
        await session.commit()
        return FlagAction(outcome, action, flag_id, patient.alias)
