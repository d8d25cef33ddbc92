"""A patient's course as the care team sees it: adherence, scores, open flags, weekly doses (read only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from care.adherence import DoseRecord, adherence_summary
from care.protocol import Protocol
from schedules.flagging import DOSE_STATE
from storage.models import DoseEvent, Flag, Patient, Questionnaire
from storage.queries import doses as doses_q
from storage.queries import flags as flags_q
from storage.queries import questionnaires as questionnaires_q
from storage.status import ENROLLED

FOLLOW_UP_OPENS_WEEK = 4  # CLINICAL.md: follow up within 4-6 weeks; the window opens at week 4


def shown_status(patient: Patient) -> str:
    """active paused stopped discharged invited declined, or unreachable for a patient who blocked the bot."""
    if not patient.reachable and patient.status in ENROLLED:
        return "unreachable"
    return patient.status


def milestone_weeks(protocol: Protocol) -> tuple[int, ...]:
    return tuple(sorted({FOLLOW_UP_OPENS_WEEK, *protocol.verdicts.milestone_weeks}))


async def doses_of(session: AsyncSession, ids: Sequence[int], since: datetime | None) -> dict[int, list[DoseEvent]]:
    found: dict[int, list[DoseEvent]] = defaultdict(list)
    for dose in await doses_q.of_patients(session, ids=ids, since=since):
        found[dose.patient_id].append(dose)
    return found


async def scores_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[Questionnaire]]:
    """Completed questionnaires with a score, by week (0 = baseline first)."""
    found: dict[int, list[Questionnaire]] = defaultdict(list)
    for q in await questionnaires_q.completed_of(session, ids=ids):
        if q.score:
            found[q.patient_id].append(q)
    return found


async def open_flag_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, int]:
    return await flags_q.open_counts(session, ids=ids)


async def open_flags(session: AsyncSession, patient_id: int) -> list[Flag]:
    return await flags_q.open_of(session, patient_id=patient_id)


def adherence(
    patient: Patient, doses: Iterable[DoseEvent], now: datetime, protocol: Protocol
) -> tuple[int, int] | None:
    """(taken, due) over the protocol's window (14 days), the same count as the low-adherence flag."""
    if patient.consented_at is None or patient.consented_at > now:
        return None
    records = [DoseRecord(str(d.id), d.due_at, DOSE_STATE[d.status]) for d in doses if d.status in DOSE_STATE]
    summary = adherence_summary(records, now, patient.consented_at, protocol.adherence)
    return (summary.taken, summary.due) if summary.due else None


def weekly_doses(doses: Iterable[DoseEvent], start: date) -> tuple[list[int], list[float]]:
    """Therapy week (days 7(w-1) .. 7w-1 after the start is week w) -> % of its answered-or-closed doses taken."""
    taken: dict[int, int] = defaultdict(int)
    due: dict[int, int] = defaultdict(int)
    for dose in doses:
        state = DOSE_STATE.get(dose.status)
        if state is None or state == "pending":
            continue
        week = (dose.local_date - start).days // 7 + 1
        due[week] += 1
        taken[week] += state == "taken"
    weeks = sorted(due)
    return weeks, [100.0 * taken[w] / due[w] for w in weeks]


def therapy_week(start: date, today: date) -> int | None:
    """1 during the first 7 days of therapy; None before it starts."""
    return None if today < start else (today - start).days // 7 + 1


def window_start(now: datetime, protocol: Protocol) -> datetime:
    return now - timedelta(days=protocol.adherence.window_days)
