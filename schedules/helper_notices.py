"""Planning the family helper's notices (issue 14): unconfirmed doses in a row, and a reported red flag.

Run by the tick when doses were just closed, when a new flag appeared, and every few minutes anyway (a
crash between the two loses nothing): each notice's outbox key is unique, so planning twice adds one row.
A run of unconfirmed doses is named by the last answered dose before it (`miss:<id>`, or `miss:0`): one
notice per run, however long it grows. A red flag is named by its report (the flag's episode without its
item), so several items answered yes in one report make one notice. Only what happened after the helper
agreed counts. The notices hold no health detail (care team name and the number of doses at most).
Each new notice is an audit row (ids only).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from care.flags import FlagKind
from care.helper_rules import ANSWERED, UNCONFIRMED, ClosedDose, helper_should_hear
from care.protocol import Protocol
from schedules import agenda
from storage import audit
from storage.engine import Sessions
from storage.models import HelperLink, Patient
from storage.queries import doses as doses_q
from storage.queries import flags as flags_q
from storage.queries import helpers as helpers_q
from storage.status import ENROLLED

NOTICE = "helper_notice"
FLAG_LOOKBACK = timedelta(days=2)
JUDGED = (*ANSWERED, UNCONFIRMED)


def _row(
    link: HelperLink, patient: Patient, *, key: str, why: str, team: str, now: datetime, n: int = 0
) -> agenda.Entry:
    payload = {"key": key, "link": link.id, "lang": link.language, "to": "helper", "team": team, "n": n}
    assert link.id is not None and link.helper_chat_id is not None
    return agenda.Entry(NOTICE, agenda.key_helper(link.id, why), link.helper_chat_id, now, patient.id, link.id, payload)


async def _missed(session: AsyncSession, link: HelperLink, patient: Patient, *, in_a_row: int) -> str | None:
    """`miss:<id>` when the patient's latest `in_a_row` judged doses since the helper agreed are unconfirmed."""
    since = link.consented_at
    assert since is not None
    latest = await doses_q.latest_of_patient(session, patient_id=patient.id, since=since, states=JUDGED, limit=in_a_row)
    closed = [ClosedDose(d.id or 0, d.due_at, d.status) for d in latest]
    if helper_should_hear(closed, in_a_row=in_a_row) is None:
        return None
    answered = await doses_q.latest_of_patient(
        session, patient_id=patient.id, since=since, states=JUDGED, limit=1, only=ANSWERED
    )
    return f"miss:{answered[0].id if answered else 0}"


async def plan_helper_notices(sessions: Sessions, *, now: datetime, protocol: Protocol) -> int:
    """Queue the notices due to every active helper; returns how many were new."""
    async with sessions() as session:
        found = await helpers_q.active_with_patient_team(session, patient_states=ENROLLED)
        if not found:
            return 0
        flags = await flags_q.of_kind_since(
            session, patient_ids=[p.id for _, p, _ in found], kind=FlagKind.RED_FLAG, since=now - FLAG_LOOKBACK
        )
        rows = []
        for link, patient, team in found:
            assert link.consented_at is not None
            for flag in flags:
                if flag.patient_id == patient.id and flag.raised_at >= link.consented_at:
                    report = flag.episode.rsplit(":", 1)[0]
                    rows.append(_row(link, patient, key="helper_red_flag", why=f"rf:{report}", team=team.name, now=now))
            in_a_row = protocol.helper.unconfirmed_in_a_row
            if why := await _missed(session, link, patient, in_a_row=in_a_row):
                rows.append(_row(link, patient, key="helper_missed", why=why, team=team.name, now=now, n=in_a_row))
        new = 0
        for row in rows:
            if not await agenda.enqueue(session, [row], now=now):
                continue
            new += 1
            reason = "red_flag" if (row.payload or {})["key"] == "helper_red_flag" else "unconfirmed"
            audit.record(
                session,
                at=now,
                actor="system",
                action="helper.notify",
                subject=f"patient:{row.patient_id}",
                detail={"link": row.ref_id, "reason": reason},
            )
        await session.commit()
        return new
