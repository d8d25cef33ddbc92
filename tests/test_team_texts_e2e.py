"""Issue 13, "Alerts a clinician reads at a glance" and team texts in the team's language: what a member
reads in alerts, /patient, the digest, with the team's settings (/team_language, /team_digest)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, Team
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, BEFORE_RED_FLAGS, NO_RED_FLAGS, answer_all, red_flags

PAT = VirtualUser(2001, "Wilhelmina")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday, 14:00 Berlin; the digest is at 08:00 Berlin
NEXT_DIGEST = datetime(2026, 10, 6, 6, 1, tzinfo=UTC)
INTERNAL = re.compile(r"[a-z]+_[a-z_]+=|\brf_[a-z]|\bq_[a-z]|Details:")


async def started(sb: Sandbox) -> None:
    await team_with_member(sb)
    await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
    await sb.tick()  # the baseline questions go out


def to_member(sb: Sandbox, since: int = 0) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(CLINICIAN.id)[since:]]


async def said(sb: Sandbox, text: str) -> str:
    await sb.send(sb.users.text(CLINICIAN, text))
    return to_member(sb)[-1]


async def test_a_b6_range_reads_as_the_range_the_patient_chose(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        b6 = ["t0", "t1", "d", "4"]  # vitamin B complex and a multivitamin, 100 to 500 mg a day
        await answer_all(sb, PAT, BASELINE_ANSWERS[:17] + b6 + NO_RED_FLAGS)
        before = len(to_member(sb))
        await sb.tick()
        (alert,) = to_member(sb, before)
        assert "the patient reports 100 to 500 mg/day (Vitamin B complex, Multivitamin)" in alert, alert
        assert "above 100 mg/day" in alert and "Review within 24-48 hours" in alert
        assert "500.0" not in alert and not INTERNAL.search(alert), alert
        await said(sb, "/patient MK-17")
        view = to_member(sb)[-2]
        assert "Vitamin B6 reported: 100 to 500 mg/day (week 0)" in view, view
        assert "urgent · raised 2026-10-05\n    Vitamin B6: the patient reports 100 to 500 mg/day" in view, view
        assert "b6_intake" not in view and not INTERNAL.search(view)
        await sb.run_until(NEXT_DIGEST)
        digest = next(t for t in to_member(sb) if t.startswith("📋 Daily digest"))
        assert "B6 100 to 500 mg/day" in digest and "1 open flag" in digest and "1 open flags" not in digest
        assert "mean adherence" not in digest and not INTERNAL.search(digest), digest


async def test_a_red_flag_alert_names_the_symptom_and_what_to_do(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        await answer_all(sb, PAT, [*BEFORE_RED_FLAGS, *red_flags(3)])  # sudden severe chest pain: yes
        before = len(to_member(sb))
        await sb.tick()
        (alert,) = to_member(sb, before)
        assert alert.startswith("🔴 Urgent · patient MK-17\nRed flag: the patient reports sudden severe chest"), alert
        assert "told to call the emergency number now. Call the patient as soon as you can." in alert
        assert not INTERNAL.search(alert), alert


async def test_a_spanish_team_reads_its_texts_in_spanish(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        assert "gets its messages in English" in await said(sb, "/team_language")
        done = await said(sb, "/team_language ES")
        assert done == "Hecho: el equipo de atención «Neuro clinic» recibe ahora sus mensajes en Español.", done
        assert (await said(sb, "/help")).startswith("Comandos del equipo de atención (Neuro clinic):")
        assert "/ack: Marcar una alerta como leída: /ack 12" in to_member(sb)[-1]
        listing = await said(sb, "/patients")
        assert listing.startswith("Pacientes, página 1 de 1") and "activo" in listing, listing
        assert "no open flag" not in (missing := await said(sb, "/ack 999")) and "#999" in missing
        await answer_all(sb, PAT, [*BEFORE_RED_FLAGS, *red_flags(0)])  # tendon pain: yes
        before = len(to_member(sb))
        await sb.tick()
        (alert,) = to_member(sb, before)
        assert alert.startswith("🔴 Urgente · paciente MK-17\nSeñal de alarma: el paciente refiere dolor"), alert
        assert "Llame al paciente hoy." in alert
        buttons = [b["text"] for b in sb.users.buttons(sb.api.sent_to(CLINICIAN.id)[-1])]
        assert buttons[:2] == [f"✓ Leída #{1} MK-17", "👤 Asignarme #1"], buttons
        await sb.run_until(NEXT_DIGEST)
        digest = next(t for t in to_member(sb) if t.startswith("📋"))
        assert digest.startswith("📋 Resumen diario · Neuro clinic · mar 6 oct 2026"), digest
        # unowned for more than an hour by then: escalated, listed first under its own heading (issue 14)
        assert (
            "⏰ Escaladas: urgentes y sin responsable a tiempo (1)" in digest
            and "1 alerta abierta" in digest
            and "1 paciente activo" in digest
        )
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Team))).one().language == "es"
            changes = (await session.exec(select(AuditEvent).where(AuditEvent.action == "team.language"))).all()
            assert [(a.actor, a.detail) for a in changes] == [(f"tg:{CLINICIAN.id}", {"from": "en", "to": "es"})]


@pytest.mark.parametrize("setting", ["short", "quiet"])
async def test_an_empty_digest_is_one_short_line_or_nothing_as_the_team_chose(database_url: str, setting: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        await answer_all(sb, PAT, BASELINE_ANSWERS)  # nothing to report: no flag
        if setting == "quiet":
            assert "is not sent." in await said(sb, "/team_digest quiet")
        else:
            assert "is one short line (“nothing new”)." in await said(sb, "/team_digest")
        before = len(to_member(sb))
        await sb.run_until(NEXT_DIGEST + timedelta(days=1))
        digests = [t for t in to_member(sb, before) if t.startswith("📋")]
        if setting == "quiet":
            assert digests == []
        else:
            assert digests == [
                "📋 Neuro clinic · Tue 6 Oct 2026: nothing new since the last digest.",
                "📋 Neuro clinic · Wed 7 Oct 2026: nothing new since the last digest.",
            ]
