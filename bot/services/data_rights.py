"""A patient's data rights: /mydata (their own data as JSON) and /delete_my_data (asked, then confirmed).

The confirmation is a `dialogue` row (kind "erase") holding a random nonce; its buttons name that row
and nonce (`x1:<dialogue id>:<nonce>:y|n`), so a press counts only from the chat and user that asked,
and only once (the row is gone after). Everything is audited with ids and counts only.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, delete, select

from bot.services.erasure import erase
from storage import audit
from storage.engine import Sessions
from storage.models import Dialogue, DoseEvent, Flag, Patient, Questionnaire, Team

KIND = "erase"
CONFIRM_WITHIN = timedelta(minutes=30)


@dataclass(frozen=True)
class MyData:
    filename: str
    content: bytes
    language: str


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


async def my_data(sessions: Sessions, *, chat_id: int, now: datetime) -> MyData | None:
    """The patient's own record as a JSON file, or None when this chat has none. Audited."""
    async with sessions() as session:
        p = (await session.exec(select(Patient).where(col(Patient.chat_id) == chat_id))).first()
        if p is None:
            return None
        team = await session.get(Team, p.team_id)
        doses = (
            await session.exec(select(DoseEvent).where(DoseEvent.patient_id == p.id).order_by(col(DoseEvent.due_at)))
        ).all()
        qs = (
            await session.exec(
                select(Questionnaire).where(Questionnaire.patient_id == p.id).order_by(col(Questionnaire.week))
            )
        ).all()
        flags = (await session.exec(select(Flag).where(Flag.patient_id == p.id).order_by(col(Flag.id)))).all()
        data = {
            "exported_at": _iso(now),
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
        }
        counts = {"doses": len(doses), "questionnaires": len(qs), "flags": len(flags)}
        audit.record(session, at=now, actor="patient", action="data.export", subject=f"patient:{p.id}", detail=counts)
        await session.commit()
    content = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False).encode()
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in p.alias)
    return MyData(f"b12bot-{name}-{now.date().isoformat()}.json", content, p.language)


@dataclass(frozen=True)
class Asked:
    outcome: str  # asked not_enrolled
    dialogue_id: int = 0
    nonce: str = ""
    language: str = "en"


async def ask_erase(sessions: Sessions, *, chat_id: int, user_id: int, now: datetime) -> Asked:
    """Start the confirmation: a fresh dialogue row (replacing an earlier one of this chat and user)."""
    async with sessions() as session:
        p = (await session.exec(select(Patient).where(col(Patient.chat_id) == chat_id))).first()
        if p is None:
            return Asked("not_enrolled")
        await session.exec(delete(Dialogue).where(col(Dialogue.chat_id) == chat_id, col(Dialogue.user_id) == user_id))
        nonce = secrets.token_hex(6)
        row = Dialogue(
            chat_id=chat_id, user_id=user_id, kind=KIND, step="confirm", data={"nonce": nonce}, updated_at=now
        )
        session.add(row)
        audit.record(session, at=now, actor="patient", action="data.erase_asked", subject=f"patient:{p.id}")
        await session.commit()
        assert row.id is not None
        return Asked("asked", row.id, nonce, p.language)


@dataclass(frozen=True)
class Confirmed:
    outcome: str  # erased kept refused
    language: str = "en"


async def confirm_erase(
    sessions: Sessions,
    *,
    dialogue_id: int,
    nonce: str,
    erase_now: bool,
    chat_id: int,
    user_id: int,
    update_id: int | None,
    now: datetime,
) -> Confirmed:
    """A press on Delete / Keep. Anything but the asking chat's own, live confirmation: refused, audited."""
    async with sessions() as session:
        row = await session.get(Dialogue, dialogue_id)
        p = (await session.exec(select(Patient).where(col(Patient.chat_id) == chat_id))).first()
        reason = None
        if row is None or row.kind != KIND or not secrets.compare_digest(str(row.data.get("nonce", "")), nonce):
            reason = "stale"
        elif row.chat_id != chat_id or row.user_id != user_id:
            reason = "not_yours"
        elif now - row.updated_at > CONFIRM_WITHIN or p is None:
            reason = "expired"
        if reason is not None or p is None or row is None:
            audit.record(session, at=now, actor=f"chat:{chat_id}", action="data.erase", outcome="refused",
                         detail={"reason": reason or "stale"})  # fmt: skip
            await session.commit()
            return Confirmed("refused")
        language, subject = p.language, f"patient:{p.id}"
        await session.delete(row)
        if not erase_now:
            audit.record(session, at=now, actor="patient", action="data.erase_kept", subject=subject)
            await session.commit()
            return Confirmed("kept", language)
        counts = await erase(session, p, now=now, keep_update_id=update_id)
        audit.record(session, at=now, actor="patient", action="data.erase", subject=subject, detail=counts)
        await session.commit()
        return Confirmed("erased", language)
