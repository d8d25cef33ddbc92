"""/mydata and /delete_my_data end to end, through the real Application on the Bot API stand-in."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage import audit
from storage.models import (
    AuditEvent,
    Dialogue,
    DoseEvent,
    Flag,
    InboxUpdate,
    Invite,
    Outbox,
    Patient,
    Questionnaire,
)
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all

PAT = VirtualUser(2001, "Pat")
SAM = VirtualUser(2002, "Sam")
START = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


async def count(sb: Sandbox, model: Any, *where: Any) -> int:
    async with sb.services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def audit_rows(sb: Sandbox, action: str) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(AuditEvent).where(AuditEvent.action == action))).all())


async def two_patients(sb: Sandbox) -> None:
    """Pat (MK-17) and Sam (QX-2): both answer the baseline; Pat takes one dose; Pat's red flag: none."""
    await team_with_member(sb)
    await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
    await enrol(sb, SAM, await invite(sb, alias="QX-2", start=date(2026, 9, 2)))
    await sb.tick()  # the baselines go out through the outbox
    await answer_all(sb, PAT, BASELINE_ANSWERS)
    await answer_all(sb, SAM, ["9", "8", *BASELINE_ANSWERS[2:]])
    await sb.run_until(datetime(2026, 9, 2, 7, 0, 5, tzinfo=UTC))  # the 09:00 Berlin reminders
    reminder = sb.api.last_to(PAT.id)
    assert reminder is not None and "vitamin B12" in (reminder.text or "")
    await sb.send(sb.users.press_button(PAT, reminder, "Taken"))


async def test_mydata_sends_the_patients_own_data_only(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await two_patients(sb)
        await sb.send(sb.users.text(PAT, "/mydata"))
        sent = sb.api.last_to(PAT.id)
        assert sent is not None and sent.kind == "document" and sent.file_bytes is not None
        assert sent.filename == "b12bot-MK-17-2026-09-02.json"
        assert "/help" in (sent.text or "") and "/stop" in (sent.text or "")
        data = json.loads(sent.file_bytes)
        assert data["enrolment"]["alias"] == "MK-17" and data["enrolment"]["team"] == "Neuro clinic"
        assert data["enrolment"]["timezone"] == "Europe/Berlin" and data["enrolment"]["reminder_time"] == "09:00"
        assert data["enrolment"]["regimen"]["code"] == "oral-high" and data["enrolment"]["consented_at"]
        assert [d["status"] for d in data["doses"] if d["status"] == "taken"] == ["taken"]
        baseline = data["questionnaires"][0]
        assert baseline["status"] == "completed" and baseline["answers"]["pain"] == 6
        assert baseline["score"]["numbness"] == 5
        raw = sent.file_bytes.decode()
        assert "QX-2" not in raw and str(SAM.id) not in raw and str(PAT.id) not in raw
        assert str(CLINICIAN.id) not in raw  # no clinician's Telegram id
        rows = await audit_rows(sb, "data.export")
        counts = {"enrolments": 1, "doses": 2, "questionnaires": 1, "flags": 0}
        assert [(r.actor, r.detail) for r in rows] == [("patient", counts)]
        await sb.send(sb.users.text(CLINICIAN, "/mydata"))  # not a patient: no file
        assert "To join, open the link" in (sb.api.last_to(CLINICIAN.id).text or "")  # type: ignore[union-attr]
        assert sb.api.refusals == 0


async def test_delete_my_data_erases_and_stops_everything(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await two_patients(sb)
        async with sb.services.sessions() as session:
            pat = (await session.exec(select(Patient).where(Patient.alias == "MK-17"))).one()
        pid = pat.id
        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        ask = sb.api.last_to(PAT.id)
        assert ask is not None and "Delete all your data?" in (ask.text or "") and "/help" in (ask.text or "")
        await sb.send(sb.users.press_button(PAT, ask, "Keep it"))
        assert "nothing was deleted" in (sb.api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        assert await count(sb, DoseEvent, col(DoseEvent.patient_id) == pid) > 0

        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        ask = sb.api.last_to(PAT.id)
        assert ask is not None
        confirm = next(d for d in sb.users.button_data(ask) if d.endswith(":y"))
        await sb.send(sb.users.press(PAT, ask, confirm))
        assert "Your data has been deleted" in (sb.api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        for model, where in (
            (DoseEvent, col(DoseEvent.patient_id) == pid),
            (Questionnaire, col(Questionnaire.patient_id) == pid),
            (Flag, col(Flag.patient_id) == pid),
            (Outbox, col(Outbox.patient_id) == pid),
            (Outbox, col(Outbox.chat_id) == PAT.id),
            (Dialogue, col(Dialogue.chat_id) == PAT.id),
            (Invite, col(Invite.opened_chat_id) == PAT.id),
        ):
            assert await count(sb, model, where) == 0, model
        async with sb.services.sessions() as session:
            stub = await session.get(Patient, pid)
            assert stub is not None and stub.status == "erased" and stub.erased_at == sb.clock()
            assert stub.alias == f"erased-{pid}" and stub.chat_id is None and stub.regimen == {}
            assert stub.baseline_b12_value is None and stub.timezone == "UTC"
            sam = (await session.exec(select(Patient).where(Patient.alias == "QX-2"))).one()
        assert await count(sb, DoseEvent, col(DoseEvent.patient_id) == sam.id) > 0  # Sam untouched
        for _ in range(200):  # the confirming press itself is blanked once the drain let go of it
            if not await _inbox_mentions(sb, "Pat"):
                break
            await asyncio.sleep(0.01)
        assert not await _inbox_mentions(sb, "Pat")  # no stored update of Pat's keeps a text or a name
        assert await _inbox_mentions(sb, "Sam")

        erase_rows = await audit_rows(sb, "data.erase")
        assert [(r.outcome, r.subject) for r in erase_rows] == [("ok", f"patient:{pid}")]
        assert erase_rows[0].detail is not None and erase_rows[0].detail["doses"] > 0
        async with sb.services.sessions() as session:
            about = (await session.exec(select(AuditEvent).where(AuditEvent.subject == f"patient:{pid}"))).all()
        assert {"consent.agree", "data.erase_asked", "data.erase_kept", "data.erase"} <= {r.action for r in about}
        assert (await audit.verify(sb.services.sessions)).broken_id is None

        sent = len(sb.api.sent_to(PAT.id))
        await sb.run_until(START + timedelta(days=10))  # reminders, weekly questions, nudges: none for Pat
        assert len(sb.api.sent_to(PAT.id)) == sent
        notices = [m.text or "" for m in sb.api.sent_to(CLINICIAN.id) if "deleted their data" in (m.text or "")]
        assert notices == ["Patient MK-17 deleted their data with /delete_my_data: their doses, answers and flags "
                           "are gone and no more messages are sent to them."]  # fmt: skip
        assert any("vitamin B12" in (m.text or "") for m in sb.api.sent_to(SAM.id)[-5:])  # Sam still reminded
        assert await count(sb, Outbox, col(Outbox.status) == "failed") == 0  # digests render without Pat's data
        assert await count(sb, Outbox, col(Outbox.kind) == "digest", col(Outbox.status) == "sent") >= 7
        await sb.send(sb.users.text(CLINICIAN, "/patients"))  # the team's list shows the stub, nothing more
        listing = sb.api.last_to(CLINICIAN.id).text or ""  # type: ignore[union-attr]
        assert f"erased-{pid}" in listing and "erased (data deleted by the patient)" in listing and "QX-2" in listing
        await sb.send(sb.users.text(CLINICIAN, f"/patient erased-{pid}"))
        assert f"erased-{pid}" in (sb.api.sent_to(CLINICIAN.id)[-1].text or "")
        await sb.send(sb.users.text(PAT, "/mydata"))
        assert "To join, open the link" in (sb.api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        assert (await audit.verify(sb.services.sessions)).broken_id is None
        assert sb.api.refusals == 0


async def _inbox_mentions(sb: Sandbox, name: str) -> bool:
    async with sb.services.sessions() as session:
        payloads = (await session.exec(select(InboxUpdate.payload))).all()
    return any(f'"{name}"' in json.dumps(p) for p in payloads)


async def test_confirm_from_another_chat_stale_or_replayed_is_refused(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await two_patients(sb)
        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        ask = sb.api.last_to(PAT.id)
        assert ask is not None
        confirm = next(d for d in sb.users.button_data(ask) if d.endswith(":y"))
        sam_message = sb.api.last_to(SAM.id)
        assert sam_message is not None
        dialogue_id, nonce = confirm.split(":")[1:3]
        before = await count(sb, DoseEvent)
        forged = [confirm, f"x1:{dialogue_id}:{'0' * len(nonce)}:y", "x1:999999:abc:y", "x1:zz:y", "x1:1:2:3:y"]
        for n, data in enumerate(forged, start=1):  # Sam presses Pat's confirmation (and forgeries) in his chat
            await sb.send(sb.users.press(SAM, sam_message, data))
            assert len(await audit_rows(sb, "data.erase")) == n  # one refusal row each
        refused = await audit_rows(sb, "data.erase")
        assert {r.outcome for r in refused} == {"refused"}
        assert [r.detail for r in refused][:2] == [{"reason": "not_yours"}, {"reason": "stale"}]
        assert await count(sb, DoseEvent) == before  # 0 changes
        assert await count(sb, Patient, col(Patient.status) == "erased") == 0
        assert all(a[1] == sb.api.callback_answers[-1][1] for a in sb.api.callback_answers[-len(forged) :])

        await sb.send(sb.users.press(PAT, ask, confirm))  # Pat's own press: erased
        await sb.send(sb.users.press(PAT, ask, confirm))  # the same press again: refused, nothing more
        rows = await audit_rows(sb, "data.erase")
        assert [r.outcome for r in rows[-2:]] == ["ok", "refused"]
        assert await count(sb, Patient, col(Patient.status) == "erased") == 1
        assert (await audit.verify(sb.services.sessions)).broken_id is None


async def test_a_stopped_patient_can_still_get_and_erase_their_data(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
        await sb.send(sb.users.text(PAT, "/stop"))
        await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "Yes, stop"))  # type: ignore[arg-type]
        await sb.send(sb.users.text(PAT, "/mydata"))
        sent = sb.api.last_to(PAT.id)
        assert sent is not None and sent.kind == "document"
        assert json.loads(sent.file_bytes or b"{}")["enrolment"]["status"] == "stopped"
        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "Delete my data"))  # type: ignore[arg-type]
        assert await count(sb, Patient, col(Patient.status) == "erased") == 1
