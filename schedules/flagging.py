"""Where a flag is raised: every rule-to-flag trigger, storing flags once per (patient, kind, episode), and
queueing urgent ones to the care team at once.

The triggers (`on_*` and `review_adherence`) each ask one rule of care/ and store what it finds; nothing
else calls `raise_flags`. Alerts go through the agenda like every other message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.adherence import DoseRecord
from care.flags import Flag as CareFlag
from care.flags import (
    ResponseFacts,
    Severity,
    flag_for_unreachable,
    flags_for_adherence,
    flags_for_missed,
    flags_for_response,
    red_flag_flags,
)
from care.protocol import Protocol
from care.transition import flag_for_change
from schedules import agenda
from storage.engine import Sessions
from storage.models import DoseEvent, Flag, Patient, Team
from storage.queries import doses as doses_q
from storage.queries import flags as flags_q
from storage.queries import teams as teams_q

DOSE_STATE = {
    "planned": "pending",
    "sent": "pending",
    "snoozed": "pending",
    "taken": "taken",
    "skipped": "skipped",
    "unconfirmed": "unconfirmed",
    "missed": "missed",
}


async def alert_chats(session: AsyncSession, team_id: int) -> list[int]:
    """The team's alert group once set, else each active member's private chat."""
    team = await session.get(Team, team_id)
    if team is not None and team.alert_chat_id is not None:
        return [team.alert_chat_id]
    return await teams_q.active_member_ids(session, team_id=team_id)


async def raise_flags(
    session: AsyncSession, *, patient: Patient, flags: Sequence[CareFlag], now: datetime
) -> list[Flag]:
    """Insert the flags not seen before; queue an alert for each new urgent one. Returns the new rows."""
    if not flags:
        return []
    rows = [
        {
            "patient_id": patient.id,
            "kind": str(f.kind),
            "severity": str(f.severity),
            "episode": f.episode,
            "summary_key": f.summary_key,
            "facts": dict(f.facts),
            "raised_at": now,
        }
        for f in flags
    ]
    new_ids = await flags_q.insert_new(session, rows=rows)
    if not new_ids:
        return []
    new = await flags_q.by_ids(session, ids=new_ids)
    urgent = [f for f in new if f.severity == Severity.URGENT]
    if urgent:
        chats = await alert_chats(session, patient.team_id)
        team = await session.get(Team, patient.team_id)
        lang = team.language if team is not None else "en"  # the alert is written in the team's language
        alerts = [
            agenda.Entry(
                "alert",
                agenda.key_alert(f.id or 0, chat),
                chat,
                now,
                ref_id=f.id,
                payload={
                    "alias": patient.alias,
                    "summary_key": f.summary_key,
                    "facts": f.facts,
                    "flag_id": f.id,
                    "severity": f.severity,
                    "lang": lang,
                },
            )
            for f in urgent
            for chat in chats
        ]
        await agenda.enqueue(session, alerts, now=now)
    return new


async def dose_records(
    session: AsyncSession, *, patient_id: int, since: datetime, now: datetime
) -> tuple[list[DoseEvent], list[DoseRecord]]:
    """A patient's doses due in [since, now], as rows and as the facts the adherence rules read."""
    doses = await doses_q.of_patient_due(session, patient_id=patient_id, since=since, until=now, states=DOSE_STATE)
    return doses, [_record(d) for d in doses]


def _record(d: Any) -> DoseRecord:
    """A dose (a row, or its columns) as the facts the adherence rules read."""
    return DoseRecord(str(d.id), d.due_at, DOSE_STATE[d.status], d.route == "im", d.taken_at, d.skip_reason)


async def review_adherence(
    session: AsyncSession, *, patients: Sequence[Patient], now: datetime, protocol: Protocol
) -> int:
    """Low adherence over the window and long-unconfirmed injections, for each of `patients` (their doses read
    in one query). Returns new flags."""
    since = now - timedelta(
        days=max(protocol.adherence.window_days, protocol.doses.injection_unconfirmed_after_days) + 1
    )
    ids = [p.id or 0 for p in patients]
    records: dict[int, list[DoseRecord]] = {pid: [] for pid in ids}
    for d in await doses_q.facts_of_patients_due(session, patient_ids=ids, since=since, until=now, states=DOSE_STATE):
        records[d.patient_id].append(_record(d))
    raised = 0
    for patient in patients:
        flags = flags_for_adherence(records[patient.id or 0], now, patient.consented_at or now, protocol)
        raised += len(await raise_flags(session, patient=patient, flags=flags, now=now))
    return raised


async def on_response(
    session: AsyncSession, *, patient: Patient, facts: ResponseFacts, protocol: Protocol, now: datetime
) -> list[Flag]:
    """A questionnaire was completed: red flags, B6, worsening, the verdict at a milestone."""
    return await raise_flags(session, patient=patient, flags=flags_for_response(facts, protocol), now=now)


async def on_red_flags(
    session: AsyncSession,
    *,
    patient: Patient,
    report: str,
    items: Sequence[str],
    now: datetime,
    symptoms_at: str | None = None,
) -> list[Flag]:
    """Red-flag symptoms reported (`report`: the questionnaire they came with; or `symptoms_at`, the moment of a
    /symptoms report, with `report` empty): urgent at once."""
    return await raise_flags(session, patient=patient, flags=red_flag_flags(report, items, report=symptoms_at), now=now)


async def on_missed(
    session: AsyncSession, *, patient: Patient, history: Sequence[tuple[int, str]], protocol: Protocol, now: datetime
) -> list[Flag]:
    """A questionnaire expired: two missed in a row is a flag."""
    return await raise_flags(session, patient=patient, flags=flags_for_missed(history, protocol), now=now)


async def on_unreachable(session: AsyncSession, *, patient: Patient, now: datetime) -> list[Flag]:
    """The patient blocked the bot."""
    return await raise_flags(session, patient=patient, flags=[flag_for_unreachable(now)], now=now)


async def on_schedule_change(
    session: AsyncSession, *, patient: Patient, facts: dict[str, object], now: datetime
) -> list[Flag]:
    """The patient changed their reminder time or time zone (info, for the digest)."""
    return await raise_flags(session, patient=patient, flags=[flag_for_change(now, facts)], now=now)


async def latest_flag_id(sessions: Sessions) -> int:
    """The newest flag's id (0 when there is none): a cheap 'anything new?' for the tick."""
    async with sessions() as session:
        return await flags_q.newest_id(session)
