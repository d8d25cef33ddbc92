"""What the chart draws besides scores and doses: flags on the timeline, the verdicts, today, weeks with nothing due.

Read only. Positions are in weeks since the therapy start, in the patient's zone: day 10 is 10/7 weeks, so a
flag raised when week 2's questions were answered (day 14) sits at 2, with that week's scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from care.flags import FlagKind
from storage.queries import doses as doses_q
from storage.queries import flags as flags_q

MARKED = {FlagKind.RED_FLAG: "red_flag", FlagKind.B6_INTAKE: "b6", FlagKind.B6_UNSURE: "b6"}
VERDICTS = (FlagKind.MILESTONE_VERDICT, FlagKind.POOR_IMPROVEMENT)


@dataclass(frozen=True)
class Timeline:
    events: tuple[tuple[float, str], ...]  # (weeks since the start, "red_flag" | "b6"), acknowledged ones too
    verdicts: tuple[tuple[int, str], ...]  # (milestone week, outcome: good partial poor residual_symptoms)
    today: float | None  # weeks since the start; None before it
    no_dose_weeks: tuple[int, ...]  # therapy weeks up to this one with no dose due at all


def weeks_since(start: date, at: datetime, zone: str) -> float:
    local = at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return (local - datetime.combine(start, time())).total_seconds() / (7 * 86400)


async def timeline(
    session: AsyncSession, patient_id: int, *, start: date, zone: str, now: datetime, current_week: int | None
) -> Timeline:
    kinds = [str(k) for k in (*MARKED, *VERDICTS)]
    events: list[tuple[float, str]] = []
    verdicts: list[tuple[int, str]] = []
    for flag in await flags_q.of_kinds(session, patient_id=patient_id, kinds=kinds):
        if flag.kind in MARKED:
            events.append((round(weeks_since(start, flag.raised_at, zone), 3), MARKED[FlagKind(flag.kind)]))
        elif flag.episode.startswith("milestone:week:"):
            verdicts.append((int(flag.episode.rsplit(":", 1)[1]), str(flag.facts.get("outcome", ""))))
    doses = await doses_q.of_patient(session, patient_id=patient_id)
    today = weeks_since(start, now, zone)
    weeks_without = _no_dose_weeks((d.local_date for d in doses), start, current_week)
    return Timeline(tuple(events), tuple(verdicts), today if today >= 0 else None, weeks_without)


def _no_dose_weeks(dose_dates: Iterable[date], start: date, current_week: int | None) -> tuple[int, ...]:
    due = {(d - start).days // 7 + 1 for d in dose_dates}
    return tuple(w for w in range(1, (current_week or 0) + 1) if w not in due)
