"""The fields of the REDCap data dictionary (services/redcap_dictionary.py): what a field is, and those of
the `enrolment`, `dose` and `flag` instruments (the questionnaire's: services/redcap_questionnaire_fields.py).

Variable names are lower case, letters, digits and underscores, at most 26 characters (REDCap's advice);
dates `date_ymd`, times `datetime_seconds_ymd` (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass

from care.flags import FlagKind, Severity

RECORD_ID = "record_id"
SHORT = {"rf_fluoroquinolone_continuing": "rf_fluoroquinolone"}  # REDCap advises names of 26 characters or fewer
DOSE_STATUSES = ("planned", "sent", "snoozed", "taken", "skipped", "unconfirmed", "missed", "not_sent")
PATIENT_STATUSES = ("invited", "active", "paused", "stopped", "discharged", "declined")
DT, DAY = "datetime_seconds_ymd", "date_ymd"
UNITS = (("ng_l", "ng/L"), ("pg_ml", "pg/mL"), ("pmol_l", "pmol/L"))


@dataclass(frozen=True)
class Field:
    name: str
    form: str
    type: str  # text, notes, dropdown, radio, checkbox, yesno
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    validation: str = ""  # integer, number, date_ymd, datetime_seconds_ymd, time
    minimum: str = ""
    maximum: str = ""
    branching: str = ""
    note: str = ""
    section: str = ""


def field_name(item_key: str) -> str:
    return SHORT.get(item_key, item_key)


def same(*codes: str) -> tuple[tuple[str, str], ...]:
    return tuple((c, c) for c in codes)


ENROLMENT = (
    Field(RECORD_ID, "enrolment", "text", "Record ID (the team's alias for the patient)"),
    Field("status", "enrolment", "dropdown", "Enrolment status", same(*PATIENT_STATUSES)),
    Field("reachable", "enrolment", "yesno", "Reachable (No: the patient blocked the bot)"),
    Field("timezone", "enrolment", "text", "Time zone (IANA)"),
    Field("reminder_time", "enrolment", "text", "Reminder time (local)", validation="time"),
    Field("regimen_code", "enrolment", "text", "Regimen code"),
    Field("regimen_title", "enrolment", "text", "Regimen"),
    Field("therapy_start", "enrolment", "text", "Therapy start (week 0)", validation=DAY),
    Field("language", "enrolment", "dropdown", "Language", same("en", "es", "ru")),
    Field("baseline_b12_value", "enrolment", "text", "Baseline serum B12", validation="number"),
    Field("baseline_b12_unit", "enrolment", "dropdown", "Baseline B12 unit", UNITS),
    Field("baseline_b12_date", "enrolment", "text", "Baseline B12 sample date", validation=DAY),
    Field("consented_at", "enrolment", "text", "Consented (UTC)", validation=DT),
    Field("stopped_at", "enrolment", "text", "Stopped, discharged or erased (UTC)", validation=DT),
)
DOSE = (
    Field("dose_id", "dose", "text", "Dose id", validation="integer"),
    Field("dose_due_at", "dose", "text", "Due (UTC)", validation=DT),
    Field("dose_local_date", "dose", "text", "Local date", validation=DAY),
    Field("dose_phase", "dose", "text", "Regimen phase (0 = first)", validation="integer", minimum="0"),
    Field("dose_route", "dose", "dropdown", "Route", (("oral", "oral"), ("im", "intramuscular"))),
    Field("dose_status", "dose", "dropdown", "Dose status (taken = confirmed by the patient)", same(*DOSE_STATUSES)),
    Field("dose_late", "dose", "yesno", "Reminder sent late"),
    Field("dose_snoozes", "dose", "text", "Snoozes", validation="integer", minimum="0"),
    Field("dose_answered_at", "dose", "text", "Answered (UTC)", validation=DT),
)
FLAG = (
    Field("flag_id", "flag", "text", "Flag id", validation="integer"),
    Field("flag_kind", "flag", "dropdown", "Flag", same(*FlagKind)),
    Field("flag_severity", "flag", "dropdown", "Severity", same(*Severity)),
    Field("flag_raised_at", "flag", "text", "Raised (UTC)", validation=DT),
    Field("flag_acknowledged_at", "flag", "text", "Acknowledged (UTC)", validation=DT),
    Field("flag_facts", "flag", "notes", "The figures behind the flag (JSON; B6 figures assumed for a range left out)"),
)
