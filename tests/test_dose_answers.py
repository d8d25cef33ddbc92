"""What a patient can say about a dose beyond Taken (issue 13): "Taken earlier, at …" records the time they
took it, not the tap; Skip asks why (optional); both reach the adherence facts and the CSV export. And
/status after /timezone shows past doses at the time the patient was reminded, in the zone they were in."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from schedules.flagging import dose_records
from services import export
from storage.models import DoseEvent
from tests.helpers import invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all

PAT = VirtualUser(2001, "Pat")
ROSA = VirtualUser(2101, "Rosa", language_code="es")
NINE = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # 09:00 in Berlin (CET)


def labels(message: SentMessage) -> list[str]:
    return [b["text"] for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


def reminder(sb: Sandbox, user: VirtualUser) -> SentMessage:
    return next(m for m in sb.api.sent_to(user.id) if any(d.startswith("d1:") for d in sb.users.button_data(m)))


async def first_dose(sb: Sandbox) -> DoseEvent:
    async with sb.services.sessions() as session:
        return (await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).first()  # type: ignore[return-value]


async def reminded(sb: Sandbox, user: VirtualUser) -> None:
    await team_with_member(sb)
    token = await invite(sb, start=date(2026, 11, 3), at=time(9))
    await sb.send(sb.users.text(user, f"/start {token}"))
    consent = sb.api.last_to(user.id)
    assert consent is not None
    await sb.send(sb.users.press(user, consent, sb.users.button_data(consent)[0]))
    await sb.tick()
    await answer_all(sb, user, BASELINE_ANSWERS)
    await sb.run_until(NINE + timedelta(minutes=1))


async def test_taken_earlier_records_the_time_taken_not_the_tap(database_url: str, tmp_path: Path) -> None:
    async with Sandbox(database_url=database_url, start=NINE - timedelta(hours=1)) as sb:
        await reminded(sb, PAT)
        message = reminder(sb, PAT)
        assert labels(message) == ["Taken", "Snooze 30 min", "Skip", "Taken earlier…", "⚠️ Report a symptom"]
        await sb.run_until(NINE + timedelta(hours=1, minutes=22))  # 10:22 in Berlin
        await sb.send(sb.users.press_button(PAT, message, "Taken earlier…"))
        shown = sb.api.messages[(PAT.id, message.message_id)]
        assert labels(shown) == ["at 10:05", "at 09:50", "at 09:20", "at 08:20", "at 07:20", "« Back"]
        await sb.send(sb.users.press_button(PAT, shown, "« Back"))  # changed my mind: the reminder's buttons again
        assert labels(sb.api.messages[(PAT.id, message.message_id)])[0] == "Taken"
        await sb.send(sb.users.press_button(PAT, message, "Taken earlier…"))
        await sb.send(sb.users.press_button(PAT, sb.api.messages[(PAT.id, message.message_id)], "at 09:20"))
        done = sb.api.messages[(PAT.id, message.message_id)]
        assert "✓ Taken at 09:20. Thank you." in (done.text or "") and done.reply_markup is None
        dose = await first_dose(sb)
        assert dose.status == "taken" and dose.taken_at == datetime(2026, 11, 3, 8, 20, tzinfo=UTC)
        assert dose.answered_at == NINE + timedelta(hours=1, minutes=22)
        async with sb.services.sessions() as session:
            _, records = await dose_records(session, patient_id=dose.patient_id, since=NINE, now=sb.clock())
        assert records[0].taken_at == dose.taken_at
        tables = await export.collect(
            sb.services.sessions, team="Neuro clinic", now=sb.clock(), target="dir", protocol=sb.services.protocol
        )
        export.write_dir(tables, tmp_path / "out", sb.services.protocol)
        with (tmp_path / "out" / "doses.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows[0]["taken_at"] == "2026-11-03T08:20:00+00:00" and rows[0]["skip_reason"] == ""
        assert sb.api.refusals == 0


async def test_a_time_outside_the_dose_window_is_refused(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NINE - timedelta(hours=1)) as sb:
        await reminded(sb, PAT)
        message = reminder(sb, PAT)
        long_ago = int((NINE - timedelta(hours=13)).timestamp()) // 60
        await sb.send(sb.users.press(PAT, message, f"d1:{(await first_dose(sb)).id}:a{long_ago}"))
        assert sb.api.callback_answers[-1][1] == "Sorry, this button no longer works."
        assert (await first_dose(sb)).status == "sent"


async def test_skip_asks_why_and_the_reason_is_kept_in_spanish(database_url: str, tmp_path: Path) -> None:
    async with Sandbox(database_url=database_url, start=NINE - timedelta(hours=1)) as sb:
        await reminded(sb, ROSA)
        message = reminder(sb, ROSA)
        assert labels(message)[-2:] == ["La tomé antes…", "⚠️ Avisar de un síntoma"]
        await sb.send(sb.users.press_button(ROSA, message, "Omitir"))
        asked = sb.api.messages[(ROSA.id, message.message_id)]
        assert "Dosis omitida." in (asked.text or "") and "Si quiere, dígame por qué:" in (asked.text or "")
        assert labels(asked) == ["Se me olvidó", "Efectos secundarios", "Se me acabó", "Otro motivo"]
        assert (await first_dose(sb)).status == "skipped"  # recorded at once: the reason is optional
        await sb.send(sb.users.press_button(ROSA, asked, "Efectos secundarios"))
        told = sb.api.messages[(ROSA.id, message.message_id)]
        assert "Motivo: Efectos secundarios. Gracias por decírmelo." in (told.text or "") and told.reply_markup is None
        assert "dígame por qué" not in (told.text or "")
        dose = await first_dose(sb)
        assert dose.skip_reason == "side_effects" and dose.taken_at is None
        tables = await export.collect(
            sb.services.sessions, team="Neuro clinic", now=sb.clock(), target="dir", protocol=sb.services.protocol
        )
        export.write_dir(tables, tmp_path / "out", sb.services.protocol)
        with (tmp_path / "out" / "doses.csv").open(encoding="utf-8") as handle:
            assert next(csv.DictReader(handle))["skip_reason"] == "side_effects"


async def test_status_after_a_new_time_zone_shows_past_doses_as_they_were_reminded(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NINE - timedelta(hours=1)) as sb:
        await reminded(sb, PAT)
        await sb.send(sb.users.press_button(PAT, reminder(sb, PAT), "Taken"))
        await sb.send(sb.users.text(PAT, "/timezone America/New_York"))
        await sb.send(sb.users.text(PAT, "/status"))
        status = sb.api.last_to(PAT.id)
        assert status is not None
        assert "Tue 03 Nov, 09:00 (Europe/Berlin): taken" in (status.text or "")
        assert "03:00" not in (status.text or "")
