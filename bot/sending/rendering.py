"""What the dispatcher's own messages look like: a job rendered to its text and keyboard (doses, the first item
of a questionnaire, urgent alerts, notices). Plain data in, PTB objects out; nothing is sent here."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup

from bot.render.doses import dose_keyboard, dose_label, phase_text
from bot.render.flags import summary, unowned_text
from bot.render.milestones import flag_keyboard
from bot.render.questionnaire_screen import question_screen
from bot.texts import patient, t
from care.protocol import Protocol
from schedules.jobs import Job
from services.questionnaire_views import view_of
from storage.models import Questionnaire


def render(job: Job, protocol: Protocol, texts: Texts | None = None) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = job.language
    if job.kind == "questionnaire":
        return first_item(job, protocol)
    if job.kind == "alert":
        return alert_text(job.payload, protocol, lang), flag_keyboard(job.payload, lang)
    if job.kind == "team_notice":  # care-team text in the team's language, no patient footer
        return t(str(job.payload["key"]), lang, **job.payload.get("params", {})), None
    if job.dose is None:
        key = str(job.payload.get("key", "help"))
        return patient(key, lang, **job.payload.get("params", {})), None
    dose = job.dose
    text = texts.dose(job) if texts is not None else dose_text(job)
    if job.kind == "dose_close":  # the reminder's final state: no buttons left
        return text, None
    keyboard = dose_keyboard(
        dose.id,
        route=dose.route,
        snoozes=dose.snoozes,
        max_snoozes=protocol.doses.max_snoozes,
        snooze_minutes=protocol.doses.snooze_minutes,
        lang=lang,
    )
    return text, keyboard


def dose_text(job: Job) -> str:
    """A dose message's text: the reminder, its nudge or snooze, or its closed form."""
    lang, dose = job.language, job.dose
    assert dose is not None
    label = dose_label(dose.phase, lang)
    injection = dose.route == "im"
    if job.kind == "dose_close":
        lines = [t("dose_injection" if injection else "dose_oral", lang, dose=label), "", t("dose_closed", lang)]
        return "\n".join([*lines, "", t("footer", lang)])
    if job.kind == "dose_nudge":
        key = "dose_nudge_injection" if injection else "dose_nudge_oral"
    else:
        key = "dose_injection" if injection else "dose_oral"
    lines = [t(key, lang, dose=label)]
    if dose.phase_start:
        lines.insert(0, t("phase_switch", lang, regimen_phase=phase_text(dose.phase, lang)))
    if job.late and job.kind == "dose_reminder":
        lines.append(t("dose_late", lang))
    return "\n".join([*lines, "", t("footer", lang)])


class Texts:
    """One sender's dose texts (a tick's): each distinct text rendered once, not once a reminder (issue 17)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[object, ...], tuple[object, str]] = {}

    def dose(self, job: Job) -> str:
        dose = job.dose
        assert dose is not None
        key = (job.kind, job.language, dose.route, dose.phase_start, job.late, id(dose.phase))
        seen = self._seen.get(key)
        if seen is None or seen[0] is not dose.phase:  # the phase is kept with its text: its id names no other
            seen = self._seen[key] = (dose.phase, dose_text(job))
        return seen[1]


def first_item(job: Job, protocol: Protocol) -> tuple[str, InlineKeyboardMarkup | None]:
    p = job.payload
    q = Questionnaire(
        id=p["questionnaire_id"],
        patient_id=job.patient_id or 0,
        kind=p["kind"],
        week=p["week"],
        due_at=job.due_at,
        answers={},
    )
    view = view_of(q, protocol, first=True, injections=bool(p.get("injections", True)))
    assert view is not None
    return question_screen(view, job.language)


def alert_text(payload: dict[str, Any], protocol: Protocol, lang: str = "en") -> str:
    """An urgent alert; posted again when nobody owned it in time (payload `escalated`, schedules/escalation.py)."""
    facts = payload.get("facts", {})
    said = summary(str(payload.get("summary_key", "")), facts, protocol, lang)
    alias, flag_id = payload.get("alias", "?"), payload.get("flag_id", "?")
    if payload.get("escalated"):
        unowned = unowned_text(int(payload.get("unowned_minutes", 0)), lang)
        lines = [t("alert_escalated", lang, alias=alias, flag_id=flag_id, summary=said, unowned=unowned)]
    else:
        lines = [t("alert_urgent", lang, alias=alias, summary=said)]
    hint = "alert_escalated_hint" if payload.get("escalated") else "alert_ack_hint"
    lines.append(t(hint, lang, flag_id=flag_id))
    return "\n".join(lines)
