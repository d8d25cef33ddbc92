"""Erasure erases the person, not one enrolment (issue 12), through the real Application on the stand-in.

A patient who stopped and was enrolled again with a new link has two patient rows; /mydata shows both and
/delete_my_data erases both. An erased stub's alias can never collide with a team's alias, a failed erasure
is told to the patient and retried, and no team action works on an erased stub.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, text
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.texts import patient, t
from storage import audit
from storage.models import AuditEvent, Dialogue, DoseEvent, Flag, Invite, Patient, Questionnaire
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all

PAT = VirtualUser(2001, "Pat")
START = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


async def count(sb: Sandbox, model: Any, *where: Any) -> int:
    async with sb.services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def patients(sb: Sandbox) -> dict[str, Patient]:
    async with sb.services.sessions() as session:
        return {p.alias: p for p in (await session.exec(select(Patient).order_by(col(Patient.id)))).all()}


async def enrolled_twice(sb: Sandbox) -> tuple[int, int]:
    """MK-17: baseline answered, a dose taken, a flag; /stop; then MK-18 with a new link, baseline answered."""
    await team_with_member(sb)
    await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
    await sb.tick()
    await answer_all(sb, PAT, BASELINE_ANSWERS)
    await sb.run_until(datetime(2026, 9, 2, 7, 0, 5, tzinfo=UTC))
    await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "Taken"))  # type: ignore[arg-type]
    first = (await patients(sb))["MK-17"]
    async with sb.services.sessions() as session:
        session.add(
            Flag(patient_id=first.id or 0, kind="worsening", severity="warning", episode="w1", summary_key="k",
                 facts={"pain": 9}, raised_at=sb.clock())
        )  # fmt: skip
        await session.commit()
    await sb.send(sb.users.text(PAT, "/stop"))
    await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "Yes, stop"))  # type: ignore[arg-type]
    await enrol(sb, PAT, await invite(sb, alias="MK-18", start=date(2026, 9, 3)))
    await sb.tick()
    await answer_all(sb, PAT, ["2", "1", *BASELINE_ANSWERS[2:]])
    rows = await patients(sb)
    assert rows["MK-17"].chat_id is None and rows["MK-18"].chat_id == PAT.id  # the old row was unlinked
    return rows["MK-17"].id or 0, rows["MK-18"].id or 0


async def confirm_erasure(sb: Sandbox, user: VirtualUser) -> str:
    await sb.send(sb.users.text(user, "/delete_my_data"))
    await sb.send(sb.users.press_button(user, sb.api.last_to(user.id), "Delete my data"))  # type: ignore[arg-type]
    return sb.api.last_to(user.id).text or ""  # type: ignore[union-attr]


async def test_mydata_and_erasure_reach_every_enrolment_of_the_person(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        old, new = await enrolled_twice(sb)
        await sb.send(sb.users.text(PAT, "/mydata"))
        sent = sb.api.last_to(PAT.id)
        assert sent is not None and sent.file_bytes is not None
        data = json.loads(sent.file_bytes)
        assert data["enrolment"]["alias"] == "MK-18"
        assert [e["enrolment"]["alias"] for e in data["earlier_enrolments"]] == ["MK-17"]
        earlier = data["earlier_enrolments"][0]
        assert [d["status"] for d in earlier["doses"] if d["status"] == "taken"] == ["taken"]
        assert earlier["questionnaires"][0]["answers"]["pain"] == 6 and earlier["flags"][0]["facts"] == {"pain": 9}
        export = (await audit_rows(sb, "data.export"))[-1]
        assert export.detail == {"enrolments": 2, "doses": len(data["doses"]) + len(earlier["doses"]),
                                 "questionnaires": 2, "flags": 1}  # fmt: skip

        assert "Your data has been deleted" in await confirm_erasure(sb, PAT)
        for pid in (old, new):
            for model, where in (
                (DoseEvent, col(DoseEvent.patient_id) == pid),
                (Questionnaire, col(Questionnaire.patient_id) == pid),
                (Flag, col(Flag.patient_id) == pid),
            ):
                assert await count(sb, model, where) == 0, (pid, model)
        rows = await patients(sb)
        assert {p.id: p.status for p in rows.values()} == {old: "erased", new: "erased"}
        assert all(p.regimen == {} and p.chat_id is None for p in rows.values())
        assert await count(sb, Invite, col(Invite.opened_chat_id) == PAT.id) == 0
        assert await count(sb, Dialogue, col(Dialogue.chat_id) == PAT.id) == 0
        # no audit row about either enrolment names the person's Telegram id
        async with sb.services.sessions() as session:
            about = (
                await session.exec(
                    select(AuditEvent).where(col(AuditEvent.subject).in_((f"patient:{old}", f"patient:{new}")))
                )
            ).all()
        assert {r.action for r in about} >= {"link.open", "consent.agree", "data.erase"}
        named = [(r.action, r.actor) for r in about if str(PAT.id) in f"{r.actor} {json.dumps(r.detail)}"]
        assert named == []
        erased = [r for r in about if r.action == "data.erase"]
        assert sorted(r.subject or "" for r in erased) == sorted([f"patient:{old}", f"patient:{new}"])
        notices = [m.text or "" for m in sb.api.sent_to(CLINICIAN.id)]
        await sb.tick()
        notices = [m.text or "" for m in sb.api.sent_to(CLINICIAN.id) if "deleted their data" in (m.text or "")]
        assert len(notices) == 2 and any("MK-17" in n for n in notices) and any("MK-18" in n for n in notices)
        await sb.send(sb.users.text(PAT, "/mydata"))
        assert "To join, open the link" in (sb.api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        assert (await audit.verify(sb.services.sessions)).broken_id is None


async def audit_rows(sb: Sandbox, action: str) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        return list((await session.exec(query)).all())


async def test_a_team_alias_like_an_erased_stub_does_not_block_the_erasure(database_url: str) -> None:
    """A row from before the alias rule reserved the prefix: another patient of the team aliased erased-<id>."""
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
        await invite(sb, alias="QX-2", start=date(2026, 9, 2))
        rows = await patients(sb)
        pid = rows["MK-17"].id
        async with sb.services.sessions() as session:  # what the old rule let a clinician type
            other = (await session.exec(select(Patient).where(Patient.alias == "QX-2"))).one()
            rename = text("UPDATE patient SET alias = :a WHERE id = :i")
            await session.execute(rename, {"a": f"erased-{pid}", "i": other.id})
            await session.commit()
        assert "Your data has been deleted" in await confirm_erasure(sb, PAT)
        rows = await patients(sb)
        stub = next(p for p in rows.values() if p.id == pid)
        assert stub.status == "erased" and stub.alias.lower() != f"erased-{pid}"
        assert stub.alias.startswith(f"erased-{pid}")
        assert rows[f"erased-{pid}"].status == "invited"  # the other patient keeps their alias


async def test_a_failed_erasure_is_told_and_retried_until_it_is_done(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
        async with sb.services.engine.begin() as conn:  # the database refuses the erasure for a while
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse_erasure BEFORE UPDATE OF status ON patient WHEN NEW.status = 'erased' "
                    "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
                )
            )
        answer = await confirm_erasure(sb, PAT)
        assert answer == patient("erase_failed")  # told at once, with the footer
        assert (await patients(sb))["MK-17"].status == "stopped"  # nothing more is sent meanwhile
        await sb.tick()
        await sb.run_for(timedelta(minutes=3))  # retried (and still refused): nothing dropped
        pending = await count(sb, Dialogue, col(Dialogue.kind) == "erase", col(Dialogue.step) == "retry")
        assert pending == 1
        async with sb.services.engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER refuse_erasure"))
        await sb.run_for(timedelta(hours=1))
        rows = await patients(sb)
        assert [p.status for p in rows.values()] == ["erased"]
        assert "Your data has been deleted" in (sb.api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        assert await count(sb, Dialogue) == 0
        failed = [r for r in await audit_rows(sb, "data.erase") if r.outcome == "failed"]
        assert len(failed) >= 2 and all(set(r.detail or {}) == {"error", "attempt"} for r in failed)
        assert [r.outcome for r in await audit_rows(sb, "data.erase")][-1] == "ok"


async def test_no_team_action_works_on_an_erased_stub(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
        pid = (await patients(sb))["MK-17"].id
        await sb.send(sb.users.text(CLINICIAN, "/discharge MK-17"))
        ask = sb.api.last_to(CLINICIAN.id)  # asked before the erasure, confirmed after it
        assert ask is not None and "Discharge MK-17?" in (ask.text or "")
        await confirm_erasure(sb, PAT)
        stub = f"erased-{pid}"
        for command in (f"/discharge {stub}", f"/pause_patient {stub}", f"/resume_patient {stub}", f"/patient {stub}"):
            await sb.send(sb.users.text(CLINICIAN, command))
            assert sb.api.last_to(CLINICIAN.id).text == t("tv_erased", alias=stub), command  # type: ignore[union-attr]
        await sb.send(sb.users.press_button(CLINICIAN, ask, "Confirm"))
        assert sb.api.callback_answers[-1][1] == t("tv_refused_erased")
        assert (await patients(sb))[stub].status == "erased"
        refused = [r for r in await audit_rows_all(sb) if r.outcome == "refused" and r.subject == f"patient:{pid}"]
        assert [(r.action, (r.detail or {}).get("reason")) for r in refused] == [
            ("patient.discharge", "erased"),
            ("patient.pause", "erased"),
            ("patient.resume", "erased"),
            ("patient.view", "erased"),
            ("patient.discharge", "erased"),
        ]


async def audit_rows_all(sb: Sandbox) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all())
