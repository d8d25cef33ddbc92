"""The populated clinic of the security battery (tests/test_battery_security.py), fuzzed by
tests/test_fuzz_updates.py and bench/fuzz.py: a team with its alert group, two enrolled patients (one
discharged), one invited, a stranger, a red flag, a message, a red-flag screen left open. World.ids names
the rows a forged button may point at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.steps import CLINICIAN, enrol, invite, team_with_member
from bot.sandbox.updates import VirtualUser
from storage.models import Dialogue, DoseEvent, Flag, Invite, Patient, PatientMessage, Questionnaire

NOW = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # Monday; reminders at 09:00 Berlin = 07:00 UTC
A = VirtualUser(2001, "Ann")
B = VirtualUser(2002, "Ben")
C = VirtualUser(2003, "Cleo")  # opened her link, has not answered the consent question
STRANGER = VirtualUser(3001, "Mallory")
GROUP_STRANGER = VirtualUser(3002, "Eve")  # in the team's alert group, not a team member
GROUP = -5001


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    messages: dict[str, SentMessage | None]


async def build_world(sb: Sandbox) -> World:
    await team_with_member(sb)
    sb.api.add_group(GROUP, "Neuro team")
    await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
    for user, alias in ((A, "MK-17"), (B, "MK-18")):
        await enrol(sb, user, await invite(sb, alias=alias, start=date(2026, 5, 4)))
    await sb.send(sb.users.text(C, f"/start {await invite(sb, alias='MK-19', start=date(2026, 5, 4))}"))
    await sb.send(sb.users.text(STRANGER, "/start"))
    await sb.run_until(NOW + timedelta(hours=1, minutes=5))  # both reminders sent
    await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/discharge MK-17"))
    await sb.send(sb.users.text(CLINICIAN, "/enrol"))
    await sb.send(sb.users.text(B, "/symptoms"))  # Ben's red-flag screen: his last message
    async with sb.services.sessions() as session:
        screen_b = (await session.exec(select(Dialogue).where(Dialogue.kind == "symptoms"))).one()
        patients = {p.alias: p for p in (await session.exec(select(Patient))).all()}
        invites = {i.patient_id: i for i in (await session.exec(select(Invite))).all() if i.patient_id}
        doses = (await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).all()
        questionnaires = {q.patient_id: q for q in (await session.exec(select(Questionnaire))).all()}
        a, b, c = patients["MK-17"], patients["MK-18"], patients["MK-19"]
        assert a.id is not None and b.id is not None and c.id is not None
        flag = Flag(
            patient_id=a.id, kind="red_flag", severity="urgent", episode="e", summary_key="k", raised_at=sb.clock()
        )
        session.add(flag)
        message_b = PatientMessage(patient_id=b.id, direction="to_patient", member_user_id=CLINICIAN.id, text="x",
                                   created_at=sb.clock())  # fmt: skip
        session.add(message_b)
        await session.commit()
    sent_a = next(d for d in doses if d.patient_id == a.id and d.status == "sent")
    planned_a = next(d for d in doses if d.patient_id == a.id and d.status == "planned")
    ids = {
        "patient_a": a.id,
        "invite_a": int(invites[a.id].id or 0),
        "invite_c": int(invites[c.id].id or 0),
        "dose_a": int(sent_a.id or 0),
        "planned_a": int(planned_a.id or 0),
        "q_a": int(questionnaires[a.id].id or 0),
        "flag_a": int(flag.id or 0),
        "message_b": int(message_b.id or 0),
        "screen_b": int(screen_b.id or 0),
        "nonce_b": int(screen_b.data["nonce"], 16),  # written back as {nonce_b:06x}
    }
    messages = {str(u.id): sb.api.last_to(u.id) for u in (A, B, C, STRANGER, CLINICIAN)}
    messages["group"] = sb.api.last_to(GROUP)
    assert all(messages.values()), messages
    return World(ids, messages)
