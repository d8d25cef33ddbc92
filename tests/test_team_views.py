"""Care-team views end to end: /patients paging, /patient text and chart, pause/resume/discharge, refusals, audit."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from bot.render.charts import SIZE_PX
from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from care.regimens import build_regimen
from services import enrolment
from storage.models import AuditEvent, DoseEvent, Flag, Outbox, Patient, Questionnaire, Team
from tests.helpers import CLINICIAN, TTL, enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all, weekly_codes

PAT = VirtualUser(2001, "Wilhelmina")
STRANGER = VirtualUser(3001, "Eve")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; therapy starts Tuesday 6 Oct, 09:00 Berlin
WEEK1 = datetime(2026, 10, 13, 7, 0, 30, tzinfo=UTC)
GROUP = -100500


async def audits(sb: Sandbox, action: str | None = None) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if action:
            query = query.where(AuditEvent.action == action)
        return list((await session.exec(query)).all())


async def patient_row(sb: Sandbox, alias: str = "MK-17") -> Patient:
    async with sb.services.sessions() as session:
        return (await session.exec(select(Patient).where(Patient.alias == alias))).one()


async def command(sb: Sandbox, user: VirtualUser, text: str, chat: int | None = None) -> SentMessage:
    await sb.send(sb.users.text(user, text, chat_id=chat))
    last = sb.api.last_to(chat or user.id)
    assert last is not None
    return last


async def seed(sb: Sandbox, n: int) -> None:
    """n patients straight into the table (fast), one of them with doses, a score and an open flag."""
    regimen = build_regimen("oral-high").to_dict()
    now = sb.clock()
    async with sb.services.sessions() as session:
        team = (await session.exec(select(Team))).one()
        for i in range(1, n + 1):
            session.add(
                Patient(
                    team_id=team.id or 0,
                    alias=f"P-{i:02d}",
                    status="active",
                    timezone="Europe/Berlin",
                    reminder_time="09:00",
                    regimen_code="oral-high",
                    regimen=regimen,
                    therapy_start=date(2026, 9, 20),
                    created_at=now,
                    consented_at=now - timedelta(days=15),
                )
            )
        await session.flush()
        first = (await session.exec(select(Patient).where(Patient.alias == "P-01"))).one()
        pid = first.id or 0
        for day, status in enumerate(["taken", "taken", "skipped", "taken", "planned"]):
            due = now - timedelta(days=4 - day, hours=1)
            session.add(
                DoseEvent(patient_id=pid, due_at=due, local_date=due.date(), route="oral", status=status, closes_at=due)
            )
        score = {"pain": 4, "numbness": 3, "mnsi": 2}
        session.add(Questionnaire(patient_id=pid, kind="weekly", week=2, due_at=now, status="completed", score=score))
        session.add(
            Flag(patient_id=pid, kind="worsening", severity="warning", episode="w2", summary_key="x", raised_at=now)
        )
        await session.commit()


async def test_patients_pages_through_23_patients(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await seed(sb, 23)
        first = await command(sb, CLINICIAN, "/patients")
        text = first.text or ""
        assert "page 1 of 3 (23 in all)" in text and "— Neuro clinic —" in text
        lines = [line for line in text.splitlines() if line.startswith("P-")]
        assert [line.split(" ")[0] for line in lines] == [f"P-{i:02d}" for i in range(1, 11)]
        assert lines[0] == "P-01 · active · doses 75% · pain 4 · numbness 3 · open flags 1"
        assert lines[1] == "P-02 · active · doses – · pain – · numbness – · open flags 0"
        assert sb.users.button_data(first) == ["v1:p:2"]
        await sb.send(sb.users.press_button(CLINICIAN, first, "Next"))
        second = sb.api.messages[(CLINICIAN.id, first.message_id)]
        assert "page 2 of 3" in (second.text or "") and "P-11 ·" in (second.text or "")
        assert sb.users.button_data(second) == ["v1:p:1", "v1:p:3"]
        await sb.send(sb.users.press_button(CLINICIAN, second, "Next"))
        third = sb.api.messages[(CLINICIAN.id, first.message_id)]
        assert [x.split(" ")[0] for x in (third.text or "").splitlines() if x.startswith("P-")] == [
            "P-21",
            "P-22",
            "P-23",
        ]
        assert sb.users.button_data(third) == ["v1:p:2"]
        direct = await command(sb, CLINICIAN, "/patients 3")
        assert "page 3 of 3" in (direct.text or "")
        beyond = await command(sb, CLINICIAN, "/patients 99")  # clamped to the last page
        assert "page 3 of 3" in (beyond.text or "")
        views = await audits(sb, "patients.list")
        assert [(a.actor, a.outcome, (a.detail or {})["page"]) for a in views] == [
            (f"tg:{CLINICIAN.id}", "ok", p) for p in (1, 2, 3, 3, 3)
        ]
        assert sb.api.refusals == 0


async def test_patient_shows_course_text_and_a_png_chart(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=WEEK1 - timedelta(hours=1)) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))  # therapy began a week ago
        await sb.tick()
        await answer_all(sb, PAT, BASELINE_ANSWERS)  # pain 6, numbness 5, MNSI 2
        await sb.run_until(WEEK1)  # week 1's questions are due an hour after consent
        await answer_all(sb, PAT, weekly_codes(pain=3, numbness=4, pgic=None))
        before = len(sb.api.sent_to(CLINICIAN.id))
        photo = await command(sb, CLINICIAN, "/patient MK-17")
        text_message = sb.api.sent_to(CLINICIAN.id)[before]
        text = text_message.text or ""
        assert "Patient MK-17 (Neuro clinic) · active" in text
        assert "Pain (0-10): 6 at baseline → 3 in week 1" in text
        assert "Numbness/tingling (0-10, not a validated scale): 5 at baseline → 4 in week 1" in text
        assert "MNSI (0-13, ≥ 4 abnormal): 2 (baseline)" in text and "week 2 of therapy" in text
        assert "Doses confirmed, last 14 days: –" in text  # the first reminder is still open
        assert "No open flags." in text and "Wilhelmina" not in text
        assert photo.kind == "photo" and photo.file_bytes is not None
        png = photo.file_bytes
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
        assert struct.unpack(">II", png[16:24]) == SIZE_PX == (800, 450)
        assert "MK-17" in (photo.text or "")
        (view,) = await audits(sb, "patient.view")
        assert (view.actor, view.subject, view.outcome) == (
            f"tg:{CLINICIAN.id}",
            f"patient:{(await patient_row(sb)).id}",
            "ok",
        )
        assert sb.api.refusals == 0


def reminders(sb: Sandbox) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(PAT.id) if "Time for your vitamin B12" in (m.text or "")]


async def test_pause_resume_and_discharge_by_a_member_in_the_alert_group(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        sb.api.add_group(GROUP, "Neuro clinic alerts")
        async with sb.services.sessions() as session:
            team = (await session.exec(select(Team))).one()
            team.alert_chat_id = GROUP
            await session.commit()
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        paused = await command(sb, CLINICIAN, "/pause_patient MK-17", GROUP)
        assert "Reminders for MK-17 are paused" in (paused.text or "")
        assert (await patient_row(sb)).status == "paused"
        await sb.run_until(datetime(2026, 10, 7, 12, 0, tzinfo=UTC))  # two reminder times pass
        assert reminders(sb) == []
        assert any("paused your reminders" in (m.text or "") for m in sb.api.sent_to(PAT.id))
        again = await command(sb, CLINICIAN, "/pause_patient MK-17", GROUP)
        assert "already paused" in (again.text or "")
        resumed = await command(sb, CLINICIAN, "/resume_patient MK-17", GROUP)
        assert "on again" in (resumed.text or "") and (await patient_row(sb)).status == "active"
        await sb.run_until(datetime(2026, 10, 8, 8, 0, tzinfo=UTC))
        assert len(reminders(sb)) == 1  # 8 Oct 09:00 Berlin
        assert any("turned your vitamin B12 reminders on again" in (m.text or "") for m in sb.api.sent_to(PAT.id))
        ask = await command(sb, CLINICIAN, "/discharge MK-17", GROUP)
        assert "Discharge MK-17?" in (ask.text or "") and (await patient_row(sb)).status == "active"
        await sb.send(sb.users.press_button(STRANGER, ask, "Confirm"))  # a group member who is not in the team
        assert (await patient_row(sb)).status == "active"
        await sb.send(sb.users.press_button(CLINICIAN, ask, "Confirm"))
        assert "MK-17 is discharged" in (sb.api.messages[(GROUP, ask.message_id)].text or "")
        discharged = await patient_row(sb)
        assert discharged.status == "discharged" and discharged.chat_id == PAT.id  # the record is kept
        await sb.tick()
        goodbye = sb.api.last_to(PAT.id)
        assert goodbye is not None and "finished your follow-up" in (goodbye.text or "")
        # a reminder row that was somehow still queued is dropped by the dispatcher, not sent
        async with sb.services.sessions() as session:
            dose = DoseEvent(
                patient_id=discharged.id or 0,
                due_at=sb.clock(),
                local_date=sb.clock().date(),
                route="oral",
                closes_at=sb.clock() + timedelta(hours=12),
            )
            session.add(dose)
            await session.flush()
            session.add(
                Outbox(
                    kind="dose_reminder",
                    dedupe_key="late-row",
                    chat_id=PAT.id,
                    patient_id=discharged.id,
                    ref_id=dose.id,
                    due_at=sb.clock(),
                    created_at=sb.clock(),
                )
            )
            await session.commit()
        count = len(sb.api.sent_to(PAT.id))
        await sb.run_until(datetime(2026, 10, 11, 12, 0, tzinfo=UTC))
        assert len(sb.api.sent_to(PAT.id)) == count and len(reminders(sb)) == 1
        async with sb.services.sessions() as session:
            row = (await session.exec(select(Outbox).where(Outbox.dedupe_key == "late-row"))).one()
            planned = (await session.exec(select(DoseEvent).where(DoseEvent.status == "planned"))).all()
        assert row.status == "dropped" and planned == []
        changes = [(a.action, a.actor, a.outcome) for a in await audits(sb) if a.action.startswith("patient.")]
        member, stranger = f"tg:{CLINICIAN.id}", f"tg:{STRANGER.id}"
        assert [c for c in changes if c[1] in (member, stranger)] == [
            ("patient.pause", member, "ok"),
            ("patient.resume", member, "ok"),
            ("patient.discharge", stranger, "refused"),
            ("patient.discharge", member, "ok"),
        ]
        assert sb.api.refusals == 0


async def test_every_command_by_a_non_member_is_refused_and_audited(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await invite(sb, start=date(2026, 10, 6))
        issued = await enrolment.create_team(
            sb.services.sessions, name="Other clinic", timezone="UTC", digest_time=time(8), now=sb.clock(), ttl=TTL
        )
        other = VirtualUser(1002, "Dr Other")
        await sb.send(sb.users.text(other, f"/start {issued.token}"))
        sb.api.add_group(GROUP, "Somebody's group")  # not any team's alert group
        sb.api.add_private_chat(STRANGER.as_json())
        texts = ["/patients", "/patient MK-17", "/pause_patient MK-17", "/resume_patient MK-17", "/discharge MK-17"]
        for text in texts:
            answer = await command(sb, STRANGER, text)
            assert answer.text == "Sorry, this is only for active members of the patient's care team.", text
            in_group = await command(sb, CLINICIAN, text, GROUP)  # a member, but in a chat of no team
            assert "run /team_chat here first" in (in_group.text or ""), text
        for text in texts[1:]:
            answer = await command(sb, other, text)  # a member of another team
            assert answer.text == "No patient MK-17 in your care team.", text
        refused = [
            (a.action, a.actor, (a.detail or {}).get("reason")) for a in await audits(sb) if a.outcome == "refused"
        ]
        actions = ["patients.list", "patient.view", "patient.pause", "patient.resume", "patient.discharge"]
        assert sorted(refused) == sorted(
            [(a, f"tg:{STRANGER.id}", "not_a_member") for a in actions]
            + [(a, f"tg:{CLINICIAN.id}", "group_unset") for a in actions]
            + [(a, "tg:1002", "not_found") for a in actions[1:]]
        )
        assert (await patient_row(sb)).status == "invited"
        assert await audits(sb, "patient.view") == [
            a for a in await audits(sb, "patient.view") if a.outcome == "refused"
        ]
        assert sb.api.refusals == 0
