"""A team's data as CSV tables for its own analysis (`b12bot export`): one file per table, or one zip.

Patients are named by alias only. Telegram ids (the patient's chat id, message ids, the ids of the
clinicians who acknowledged or were assigned a flag) are personal data and are left out; the flags
say only whether they were acknowledged or assigned. A B6 dose range is exported as its bounds, never as
the figure the rules assume for it. `codebook.csv` beside the tables describes every column
(services/codebook.py). Every export is an audit row (actor cli).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from care.protocol import B6Thresholds, Protocol
from services import export_files
from services.codebook import codebook_csv
from services.team_records import team_records
from storage import audit
from storage.engine import Sessions
from storage.models import Patient, Questionnaire

PATIENTS = (
    "alias", "status", "reachable", "timezone", "reminder_time", "regimen_code", "regimen_title", "therapy_start",
    "language", "baseline_b12_value", "baseline_b12_unit", "baseline_b12_date", "created_at", "consented_at",
    "stopped_at", "unreachable_at",
)  # fmt: skip
DOSES = (
    "alias", "dose_id", "due_at", "local_date", "phase_index", "slot", "route", "status", "late", "snoozes",
    "sent_at", "answered_at", "closes_at", "note", "taken_at", "skip_reason", "timezone",
)  # fmt: skip
SCORE = (
    "pain", "numbness", "pgic", "mnsi", "mnsi_abnormal", "b6_products", "b6_range", "b6_mg_per_day_above",
    "b6_mg_per_day_up_to", "b6_unsure", "red_flags",
)  # fmt: skip
QUESTIONNAIRES = (
    "alias", "questionnaire_id", "kind", "week", "due_at", "status", "sent_at", "completed_at", *SCORE, "answers",
)  # fmt: skip
FLAGS = (
    "alias", "flag_id", "kind", "severity", "episode", "summary_key", "facts", "raised_at", "acknowledged_at",
    "acknowledged", "assigned",
)  # fmt: skip
HEADERS: dict[str, Sequence[str]] = {
    "patients": PATIENTS,
    "doses": DOSES,
    "questionnaires": QUESTIONNAIRES,
    "flags": FLAGS,
}
Table = list[dict[str, Any]]


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def b6_bounds(score: dict[str, Any], b6: B6Thresholds) -> dict[str, float | None]:
    """The B6 range the patient chose as bounds (never the figure the rules assume for it): above, up to."""
    key = score.get("b6_range")
    if key is None:
        return {"b6_mg_per_day_above": None, "b6_mg_per_day_up_to": 0.0 if score.get("b6_products") else None}
    found = next((r for r in b6.dose_ranges if r.key == key), None)
    if found is None:  # not sure, or a range the protocol no longer has: b6_range says what was chosen
        return {"b6_mg_per_day_above": None, "b6_mg_per_day_up_to": None}
    above = found.above_mg if found.up_to_mg is None or found.above_mg < found.up_to_mg else None
    return {"b6_mg_per_day_above": above, "b6_mg_per_day_up_to": found.up_to_mg}


def _questionnaire(q: Questionnaire, alias: str, b6: B6Thresholds) -> dict[str, Any]:
    score = {k: v for k, v in (q.score or {}).items() if k in SCORE}
    bounds = b6_bounds(q.score, b6) if q.score else {}
    return {**q.model_dump(), **score, **bounds, "alias": alias, "questionnaire_id": q.id}


def _patient(p: Patient) -> dict[str, Any]:
    row = {k: getattr(p, k) for k in PATIENTS if hasattr(p, k)}
    return {**row, "regimen_title": p.regimen.get("title", p.regimen_code)}


async def collect(sessions: Sessions, *, team: str, now: datetime, target: str, protocol: Protocol) -> dict[str, Table]:
    """Every table of the team, as rows of plain values; audited as one export."""
    async with sessions() as session:
        records = await team_records(session, team=team, erased=True)
        found, patients, doses, questionnaires = records.team, records.patients, records.doses, records.questionnaires
        alias = {p.id: p.alias for p in patients}
        flags = records.flags
        tables: dict[str, Table] = {
            "patients": [_patient(p) for p in patients],
            "doses": [{**d.model_dump(), "alias": alias[d.patient_id], "dose_id": d.id} for d in doses],
            "questionnaires": [_questionnaire(q, alias[q.patient_id], protocol.b6) for q in questionnaires],
            "flags": [
                {
                    **f.model_dump(),
                    "alias": alias[f.patient_id],
                    "flag_id": f.id,
                    "acknowledged": f.acknowledged_at is not None,
                    "assigned": f.assigned_to is not None,
                }
                for f in flags
            ],
        }
        counts = {name: len(rows) for name, rows in tables.items()}
        detail = {"format": "csv", "target": target, "rows": counts}
        audit.record(session, at=now, actor="cli", action="export", subject=f"team:{found.id}", detail=detail)
        await session.commit()
    return tables


def to_csv(name: str, rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS[name])
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in HEADERS[name]])
    return out.getvalue()


def files(tables: dict[str, Table], protocol: Protocol) -> dict[str, str]:
    """The CSV files of the tables, and the codebook that describes every column."""
    return {
        **{f"{name}.csv": to_csv(name, rows) for name, rows in tables.items()},
        "codebook.csv": codebook_csv(protocol),
    }


async def export_to(
    sessions: Sessions, *, team: str, out: Path | None, zip_file: Path | None, now: datetime, protocol: Protocol
) -> dict[str, object]:
    """Collect and write the CSV files and the codebook (into `out`, or `zip_file`); what was written."""
    export_files.check_target(zip_file, out)
    target = "zip" if zip_file else "dir"
    tables = await collect(sessions, team=team, now=now, target=target, protocol=protocol)
    written = export_files.write(files(tables, protocol), out=None if zip_file else out, zip_file=zip_file)
    names = [p.name if zip_file is not None else str(p) for p in written]
    return {"team": team, "files": names, "rows": {name: len(found) for name, found in tables.items()}}


def write_dir(tables: dict[str, Table], folder: Path, protocol: Protocol) -> list[Path]:
    """One CSV per table and the codebook in `folder` (created if needed); each file whole or not at all."""
    return export_files.write(files(tables, protocol), out=folder, zip_file=None)
