"""The REDCap data dictionary of `b12bot export --format redcap`, in REDCap's own 18-column layout.

Four instruments in a classic project: `enrolment` (one per record; the record id is the alias),
and the repeating instruments `questionnaire`, `dose` and `flag`. Variable names are lower case,
letters, digits and underscores, at most 26 characters (REDCap's advice); choices are `code, label | ...`;
checkbox fields are exported as `<field>___<code>` (0/1); dates `date_ymd`, times `datetime_seconds_ymd`
(UTC). The B6 dose is asked only when the products are not "none" (branching logic), as in the bot.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from care.flags import FlagKind, Severity
from care.instruments import B6_PRODUCTS, MNSI_ITEMS, NONE, NOT_SURE, NRS_MAX, RED_FLAG_ITEMS
from care.pgic import Pgic
from care.protocol import Protocol

HEADER = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation",
)  # fmt: skip
RECORD_ID = "record_id"
REPEATING = {"questionnaire": "Week [q_week]", "dose": "[dose_due_at]", "flag": "[flag_kind] [flag_raised_at]"}
SHORT = {"rf_fluoroquinolone_continuing": "rf_fluoroquinolone"}  # REDCap advises names of 26 characters or fewer
DOSE_STATUSES = ("planned", "sent", "snoozed", "taken", "skipped", "unconfirmed", "missed", "not_sent")
PATIENT_STATUSES = ("invited", "active", "paused", "stopped", "discharged", "declined")
Q_STATUSES = ("planned", "in_progress", "paused", "completed", "expired", "not_sent")


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


def _same(*codes: str) -> tuple[tuple[str, str], ...]:
    return tuple((c, c) for c in codes)


def _b6_choices(protocol: Protocol) -> tuple[tuple[str, str], ...]:
    def label(above: float, up_to: float | None) -> str:
        if up_to is None:
            return f"more than {above:g} mg/day"
        return f"{up_to:g} mg/day" if up_to == above else f"above {above:g} up to {up_to:g} mg/day"

    return (*((r.key, label(r.above_mg, r.up_to_mg)) for r in protocol.b6.dose_ranges), (NOT_SURE, "not sure"))


def fields(protocol: Protocol) -> tuple[Field, ...]:
    dt, day = "datetime_seconds_ymd", "date_ymd"
    b6 = f"[{B6_PRODUCTS.key}({NONE})] = '0'"
    nrs: dict[str, Any] = {"validation": "integer", "minimum": "0", "maximum": str(NRS_MAX)}
    units = (("ng_l", "ng/L"), ("pg_ml", "pg/mL"), ("pmol_l", "pmol/L"))
    found = [
        Field(RECORD_ID, "enrolment", "text", "Record ID (the team's alias for the patient)"),
        Field("status", "enrolment", "dropdown", "Enrolment status", _same(*PATIENT_STATUSES)),
        Field("reachable", "enrolment", "yesno", "Reachable (No: the patient blocked the bot)"),
        Field("timezone", "enrolment", "text", "Time zone (IANA)"),
        Field("reminder_time", "enrolment", "text", "Reminder time (local)", validation="time"),
        Field("regimen_code", "enrolment", "text", "Regimen code"),
        Field("regimen_title", "enrolment", "text", "Regimen"),
        Field("therapy_start", "enrolment", "text", "Therapy start (week 0)", validation=day),
        Field("language", "enrolment", "dropdown", "Language", _same("en", "es", "ru")),
        Field("baseline_b12_value", "enrolment", "text", "Baseline serum B12", validation="number"),
        Field("baseline_b12_unit", "enrolment", "dropdown", "Baseline B12 unit", units),
        Field("baseline_b12_date", "enrolment", "text", "Baseline B12 sample date", validation=day),
        Field("consented_at", "enrolment", "text", "Consented (UTC)", validation=dt),
        Field("stopped_at", "enrolment", "text", "Stopped, discharged or erased (UTC)", validation=dt),
        Field("q_kind", "questionnaire", "dropdown", "Questionnaire", _same("baseline", "weekly")),
        Field("q_week", "questionnaire", "text", "Week (0 = baseline)", validation="integer", minimum="0"),
        Field("q_status", "questionnaire", "dropdown", "Questionnaire status", _same(*Q_STATUSES)),
        Field("q_due_at", "questionnaire", "text", "Due (UTC)", validation=dt),
        Field("q_completed_at", "questionnaire", "text", "Completed (UTC)", validation=dt),
        Field("pain", "questionnaire", "text", "Average pain, past 7 days (NRS 0-10)", **nrs),
        Field(
            "numbness",
            "questionnaire",
            "text",
            "Numbness/tingling, past 7 days (NRS 0-10, not validated)",
            note="Not a validated instrument: a 0-10 rating that follows one patient's change",
            **nrs,
        ),
        Field(
            "pgic",
            "questionnaire",
            "radio",
            "Patient Global Impression of Change",
            tuple((str(p.rank), p.value) for p in Pgic),
        ),
        *(
            Field(field_name(i.key), "questionnaire", "yesno", i.label, section="MNSI" if n == 0 else "")
            for n, i in enumerate(MNSI_ITEMS)
        ),
        Field(
            "mnsi_total", "questionnaire", "text", "MNSI total (0-13)", validation="integer", minimum="0", maximum="13"
        ),
        Field(
            "mnsi_abnormal", "questionnaire", "yesno", f"MNSI total >= {protocol.questionnaires.mnsi_abnormal_at_least}"
        ),
        Field(
            B6_PRODUCTS.key,
            "questionnaire",
            "checkbox",
            "B6-containing products",
            _same(*B6_PRODUCTS.choices),
            section="Vitamin B6",
        ),
        Field(
            "b6_dose",
            "questionnaire",
            "radio",
            "Total B6 from products per day (the range chosen)",
            _b6_choices(protocol),
            branching=b6,
        ),
        Field(
            "b6_mg_per_day_above",
            "questionnaire",
            "text",
            "B6 mg/day: above (exclusive lower bound)",
            validation="number",
            branching=b6,
        ),
        Field(
            "b6_mg_per_day_up_to", "questionnaire", "text", "B6 mg/day: up to (empty: open range)", validation="number"
        ),
        *(
            Field(field_name(i.key), "questionnaire", "yesno", i.label, section="Red flags" if n == 0 else "")
            for n, i in enumerate(RED_FLAG_ITEMS)
        ),
        Field("dose_id", "dose", "text", "Dose id", validation="integer"),
        Field("dose_due_at", "dose", "text", "Due (UTC)", validation=dt),
        Field("dose_local_date", "dose", "text", "Local date", validation=day),
        Field("dose_phase", "dose", "text", "Regimen phase (0 = first)", validation="integer", minimum="0"),
        Field("dose_route", "dose", "dropdown", "Route", (("oral", "oral"), ("im", "intramuscular"))),
        Field(
            "dose_status", "dose", "dropdown", "Dose status (taken = confirmed by the patient)", _same(*DOSE_STATUSES)
        ),
        Field("dose_late", "dose", "yesno", "Reminder sent late"),
        Field("dose_snoozes", "dose", "text", "Snoozes", validation="integer", minimum="0"),
        Field("dose_answered_at", "dose", "text", "Answered (UTC)", validation=dt),
        Field("flag_id", "flag", "text", "Flag id", validation="integer"),
        Field("flag_kind", "flag", "dropdown", "Flag", _same(*FlagKind)),
        Field("flag_severity", "flag", "dropdown", "Severity", _same(*Severity)),
        Field("flag_raised_at", "flag", "text", "Raised (UTC)", validation=dt),
        Field("flag_acknowledged_at", "flag", "text", "Acknowledged (UTC)", validation=dt),
        Field(
            "flag_facts", "flag", "notes", "The figures behind the flag (JSON; B6 figures assumed for a range left out)"
        ),
    ]
    return tuple(found)


def dictionary_csv(protocol: Protocol) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for f in fields(protocol):
        choices = " | ".join(f"{code}, {label}" for code, label in f.choices)
        writer.writerow(
            [f.name, f.form, f.section, f.type, f.label, choices, f.note, f.validation, f.minimum, f.maximum, "",
             f.branching, "", "", "", "", "", ""]
        )  # fmt: skip
    return out.getvalue()


def repeating_csv() -> str:
    """The repeating instruments, as REDCap's "import repeating instruments" CSV (form_name, custom_form_label)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("form_name", "custom_form_label"))
    writer.writerows(REPEATING.items())
    return out.getvalue()
