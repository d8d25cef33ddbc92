"""The codebook of the CSV export: every column of every table, its type, unit, allowed values and meaning.

Written as `codebook.csv` beside the tables (like a REDCap data dictionary) and shown in docs/data.md
(a test keeps the two the same). The B6 range values come from the protocol in force.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from care.flags import FlagKind
from care.instruments import B6_PRODUCTS, RED_FLAG_KEYS, RETIRED_RED_FLAG_KEYS
from care.pgic import Pgic
from care.protocol import Protocol

HEADER = ("table", "column", "type", "unit", "allowed_values", "meaning")
TYPES = "string, integer, decimal, boolean (True/False), date (YYYY-MM-DD), datetime (ISO 8601, UTC), json"
DOSE_STATUSES = "planned | sent | snoozed | taken | skipped | unconfirmed | missed | not_sent"


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    type: str
    unit: str
    allowed_values: str
    meaning: str


def _b6(protocol: Protocol) -> str:
    return (
        " | ".join(
            f"{r.key} (above {r.above_mg:g}"
            + (f" up to {r.up_to_mg:g})" if r.up_to_mg is not None else ", no upper bound)")
            for r in protocol.b6.dose_ranges
        )
        + " | not_sure | empty (no products)"
    )


def columns(protocol: Protocol) -> tuple[Column, ...]:
    q = protocol.questionnaires
    rows = [
        (
            "patients",
            "alias",
            "string",
            "",
            "",
            "the team's pseudonym for the patient (never a name); links the tables",
        ),
        (
            "patients",
            "status",
            "string",
            "",
            "invited | active | paused | stopped | discharged | declined | erased",
            "where the enrolment stands",
        ),
        ("patients", "reachable", "boolean", "", "True | False", "False once the patient blocked the bot"),
        ("patients", "timezone", "string", "", "IANA time zone name", "the patient's time zone"),
        ("patients", "reminder_time", "string", "local time HH:MM", "", "daily reminder time in the patient's zone"),
        (
            "patients",
            "regimen_code",
            "string",
            "",
            "a preset code (b12bot regimens) or custom",
            "the prescribed B12 regimen",
        ),
        ("patients", "regimen_title", "string", "", "", "the regimen's readable title"),
        ("patients", "therapy_start", "date", "", "", "first day of B12 therapy (week 0)"),
        ("patients", "language", "string", "", "en | es | ru", "the patient's language"),
        (
            "patients",
            "baseline_b12_value",
            "decimal",
            "baseline_b12_unit",
            "empty when not given",
            "serum B12 before therapy",
        ),
        (
            "patients",
            "baseline_b12_unit",
            "string",
            "",
            "ng/L | pg/mL | pmol/L (UCUM codes)",
            "unit of baseline_b12_value",
        ),
        ("patients", "baseline_b12_date", "date", "", "empty when not given", "date of the baseline B12 sample"),
        ("patients", "created_at", "datetime", "", "", "invited"),
        ("patients", "consented_at", "datetime", "", "empty until consent", "consented in Telegram"),
        ("patients", "stopped_at", "datetime", "", "", "stopped, discharged or erased"),
        ("patients", "unreachable_at", "datetime", "", "", "when the patient blocked the bot"),
        ("doses", "alias", "string", "", "", "the patient (patients.alias)"),
        ("doses", "dose_id", "integer", "", "", "the dose's id"),
        ("doses", "due_at", "datetime", "", "", "when the dose is due"),
        ("doses", "local_date", "date", "", "", "the patient's local date of the dose"),
        ("doses", "phase_index", "integer", "", "0, 1, ...", "the regimen phase (0 = first)"),
        ("doses", "slot", "integer", "", "0, 1, ...", "the reminder of that day (several a day)"),
        ("doses", "route", "string", "", "oral | im", "oral or intramuscular"),
        (
            "doses",
            "status",
            "string",
            "",
            DOSE_STATUSES,
            "taken = confirmed by the patient; unconfirmed = no answer in time; "
            "missed = reminder not sent in time (downtime); not_sent = reminders paused/stopped",
        ),
        ("doses", "late", "boolean", "", "True | False", "the reminder went out late"),
        ("doses", "snoozes", "integer", "", f"0-{protocol.doses.max_snoozes}", "times the patient pressed Snooze"),
        ("doses", "sent_at", "datetime", "", "", "reminder sent"),
        ("doses", "answered_at", "datetime", "", "", "the patient answered"),
        ("doses", "closes_at", "datetime", "", "", "after this an unanswered dose is unconfirmed"),
        (
            "doses",
            "note",
            "string",
            "",
            "late | stopped | discharged | paused | ...",
            "why a dose was not sent or was late",
        ),
        ("doses", "taken_at", "datetime", "", "", 'when the patient took it ("Taken earlier, at ...", else the tap)'),
        (
            "doses",
            "skip_reason",
            "string",
            "",
            "forgot | side_effects | ran_out | other",
            "the reason the patient gave for skipping (empty when none was given)",
        ),
        ("doses", "timezone", "string", "", "IANA time zone", "the zone the dose was planned and reminded in"),
        ("questionnaires", "alias", "string", "", "", "the patient (patients.alias)"),
        ("questionnaires", "questionnaire_id", "integer", "", "", "the questionnaire's id"),
        ("questionnaires", "kind", "string", "", "baseline | weekly", "baseline at consent, then weekly"),
        ("questionnaires", "week", "integer", "weeks since therapy_start", "0 = baseline", "the questionnaire's week"),
        ("questionnaires", "due_at", "datetime", "", "", "when it is due"),
        (
            "questionnaires",
            "status",
            "string",
            "",
            "planned | in_progress | paused | completed | expired | not_sent",
            "scores only when completed",
        ),
        ("questionnaires", "sent_at", "datetime", "", "", "first question sent"),
        ("questionnaires", "completed_at", "datetime", "", "", "last answer given"),
        ("questionnaires", "pain", "integer", "NRS points", "0-10", "average pain, past 7 days (LOINC 72514-3)"),
        (
            "questionnaires",
            "numbness",
            "integer",
            "NRS points",
            "0-10",
            "numbness/tingling, past 7 days (not a validated instrument)",
        ),
        (
            "questionnaires",
            "pgic",
            "string",
            "",
            " | ".join(Pgic),
            f"Patient Global Impression of Change, from week {q.pgic_from_week}",
        ),
        (
            "questionnaires",
            "mnsi",
            "integer",
            "points",
            "0-13",
            "MNSI patient questionnaire total (original scoring), baseline and weeks "
            + ", ".join(map(str, q.mnsi_weeks)),
        ),
        ("questionnaires", "mnsi_abnormal", "boolean", "", "True | False", f"mnsi >= {q.mnsi_abnormal_at_least}"),
        (
            "questionnaires",
            "b6_products",
            "json",
            "",
            "list of: " + " | ".join(B6_PRODUCTS.choices),
            "B6-containing products taken",
        ),
        ("questionnaires", "b6_range", "string", "mg/day", _b6(protocol), "the B6 dose range the patient chose"),
        (
            "questionnaires",
            "b6_mg_per_day_above",
            "decimal",
            "mg/day",
            "empty: no lower bound or unknown",
            "B6 from products is above this (exclusive)",
        ),
        (
            "questionnaires",
            "b6_mg_per_day_up_to",
            "decimal",
            "mg/day",
            "empty: open range (no upper bound) or unknown",
            "B6 from products is at most this; 0 with no products",
        ),
        ("questionnaires", "b6_unsure", "boolean", "", "True | False", "the patient was not sure of the dose"),
        (
            "questionnaires",
            "red_flags",
            "json",
            "",
            "list of: " + " | ".join(RED_FLAG_KEYS),
            "red-flag symptoms reported (the red-flag screen); before items 6 and 8 were split by their advice: "
            + " | ".join(RETIRED_RED_FLAG_KEYS),
        ),
        ("questionnaires", "answers", "json", "", "item key -> answer", "every answer as given (care/instruments.py)"),
        ("flags", "alias", "string", "", "", "the patient (patients.alias)"),
        ("flags", "flag_id", "integer", "", "", "the flag's id"),
        (
            "flags",
            "kind",
            "string",
            "",
            " | ".join(FlagKind),
            "what was found",
        ),
        (
            "flags",
            "severity",
            "string",
            "",
            "info | warning | urgent",
            "urgent reaches the team at once; others the daily digest",
        ),
        ("flags", "episode", "string", "", "", "raised once per patient, kind and episode"),
        ("flags", "summary_key", "string", "", "", "the text catalogue key of the team's summary"),
        ("flags", "facts", "json", "", "", "the figures behind the flag"),
        ("flags", "raised_at", "datetime", "", "", "raised"),
        ("flags", "acknowledged_at", "datetime", "", "", "a team member acknowledged it"),
        ("flags", "acknowledged", "boolean", "", "True | False", "acknowledged (who is left out: a Telegram id)"),
        ("flags", "assigned", "boolean", "", "True | False", "assigned to a team member (who is left out)"),
    ]
    return tuple(Column(*row) for row in rows)


def codebook_csv(protocol: Protocol) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for c in columns(protocol):
        writer.writerow([c.table, c.column, c.type, c.unit, c.allowed_values, c.meaning])
    return out.getvalue()


def markdown(protocol: Protocol) -> str:
    """The codebook as the Markdown table in docs/data.md."""
    lines = ["| " + " | ".join(HEADER) + " |", "| " + " | ".join("---" for _ in HEADER) + " |"]
    for c in columns(protocol):
        cells = [c.table, f"`{c.column}`", c.type, c.unit, c.allowed_values, c.meaning]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
