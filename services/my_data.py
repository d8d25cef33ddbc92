"""/mydata: the patient's own record as a JSON file (their enrolments, doses, answers and flags). Audited.

Every enrolment of the person (services/person.py): the current one at the top level, earlier ones
(stopped, then enrolled again with a new link) under "earlier_enrolments".

Never another patient's data, never a clinician's Telegram id (flags say only whether they were acknowledged).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.conversation_records import my_conversation
from services.person import linked_patients
from storage import audit
from storage.engine import Sessions
from storage.models import Patient, Team
from storage.queries import doses as doses_q
from storage.queries import flags as flags_q
from storage.queries import questionnaires as questionnaires_q


@dataclass(frozen=True)
class MyData:
    filename: str
    content: bytes
    language: str


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


async def _record(session: AsyncSession, p: Patient) -> dict[str, Any]:
    """One enrolment: the patient row, its doses, questionnaires and flags."""
    team = await session.get(Team, p.team_id)
    doses = await doses_q.of_patient(session, patient_id=p.id or 0)
    qs = await questionnaires_q.of_patient(session, patient_id=p.id or 0)
    flags = await flags_q.of_patient(session, patient_id=p.id or 0)
    return {
        "enrolment": {
            "alias": p.alias,
            "team": team.name if team else None,
            "status": p.status,
            "language": p.language,
            "timezone": p.timezone,
            "reminder_time": p.reminder_time,
            "regimen": {"code": p.regimen_code, **p.regimen},
            "therapy_start": _iso(p.therapy_start),
            "consented_at": _iso(p.consented_at),
            "stopped_at": _iso(p.stopped_at),
            "baseline_b12": {
                "value": p.baseline_b12_value,
                "unit": p.baseline_b12_unit,
                "date": _iso(p.baseline_b12_date),
            }
            if p.baseline_b12_value is not None
            else None,
        },
        "doses": [
            {
                "due_at": _iso(d.due_at),
                "local_date": _iso(d.local_date),
                "route": d.route,
                "status": d.status,
                "late": d.late,
                "snoozes": d.snoozes,
                "answered_at": _iso(d.answered_at),
            }
            for d in doses
        ],
        "questionnaires": [
            {
                "kind": q.kind,
                "week": q.week,
                "status": q.status,
                "due_at": _iso(q.due_at),
                "completed_at": _iso(q.completed_at),
                "answers": q.answers,
                "score": q.score,
            }
            for q in qs
        ],
        "flags": [
            {
                "kind": f.kind,
                "severity": f.severity,
                "summary": f.summary_key,
                "facts": f.facts,
                "raised_at": _iso(f.raised_at),
                "acknowledged": f.acknowledged_at is not None,
            }
            for f in flags
        ],
        **(await my_conversation(session, p.id or 0)),  # messages and helper (issue 14)
    }


async def my_data(sessions: Sessions, *, chat_id: int, now: datetime) -> MyData | None:
    """The person's own record as a JSON file (every enrolment of theirs), or None when this chat has none."""
    async with sessions() as session:
        rows = await linked_patients(session, chat_id)
        if not rows:
            return None
        p, records = rows[0], [await _record(session, row) for row in rows]
        data = {"exported_at": _iso(now), **records[0], "earlier_enrolments": records[1:]}
        counts = {"enrolments": len(records)} | {
            part: sum(len(r[part]) for r in records) for part in ("doses", "questionnaires", "flags")
        }
        audit.record(session, at=now, actor="patient", action="data.export", subject=f"patient:{p.id}", detail=counts)
        await session.commit()
    content = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False).encode()
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in p.alias)
    return MyData(f"b12bot-{name}-{now.date().isoformat()}.json", content, p.language)
