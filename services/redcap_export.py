"""`b12bot export --format redcap`: a REDCap data dictionary and the records to import into a project built from it.

Files: `redcap_data_dictionary.csv` (upload in Project Setup → Data Dictionary), `redcap_repeating_instruments.csv`
(the instruments to enable as repeating: questionnaire, dose, flag), `redcap_records.csv` (Data Import Tool, CSV,
records in rows): `record_id` (the alias), `redcap_repeat_instrument`, `redcap_repeat_instance`, then every field;
one row per patient for `enrolment`, one per questionnaire, dose and flag. Erased patients are left out; no
Telegram id is exported. Audited (format redcap, counts).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from care.instruments import B6_PRODUCTS, MNSI_ITEMS, RED_FLAG_ITEMS
from care.pgic import Pgic
from care.protocol import Protocol
from services import export_files
from services.export import b6_bounds
from services.fhir_flags import ASSUMED
from services.redcap_dictionary import RECORD_ID, Field, dictionary_csv, field_name, fields, repeating_csv
from services.team_records import team_records
from storage import audit
from storage.engine import Sessions
from storage.models import DoseEvent, Flag, Patient, Questionnaire

Row = dict[str, Any]
UNITS = {"ng/L": "ng_l", "pg/mL": "pg_ml", "pmol/L": "pmol_l"}


def columns(found: Sequence[Field]) -> list[str]:
    """The records header: record id, the repeat columns, every field (a checkbox as one column per choice)."""
    out = [RECORD_ID, "redcap_repeat_instrument", "redcap_repeat_instance"]
    for f in found[1:]:
        out.extend(f"{f.name}___{code}" for code, _ in f.choices) if f.type == "checkbox" else out.append(f.name)
    return out


def value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")  # stored in UTC
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _enrolment(p: Patient) -> Row:
    row = {k: getattr(p, k) for k in ("status", "reachable", "timezone", "reminder_time", "regimen_code")}
    row |= {"regimen_title": p.regimen.get("title", p.regimen_code), "therapy_start": p.therapy_start}
    row |= {
        "language": p.language,
        "baseline_b12_value": p.baseline_b12_value,
        "baseline_b12_date": p.baseline_b12_date,
    }
    row |= {"baseline_b12_unit": UNITS.get(p.baseline_b12_unit or ""), "consented_at": p.consented_at}
    return row | {"stopped_at": p.stopped_at}


def _questionnaire(q: Questionnaire, protocol: Protocol) -> Row:
    a, score = q.answers, q.score or {}
    row: Row = {"q_kind": q.kind, "q_week": q.week, "q_status": q.status, "q_due_at": q.due_at}
    row |= {"q_completed_at": q.completed_at, "pain": a.get("pain"), "numbness": a.get("numbness")}
    row |= {"pgic": Pgic(a["pgic"]).rank if "pgic" in a else None, "b6_dose": a.get("b6_dose")}
    row |= {field_name(i.key): a.get(i.key) for i in (*MNSI_ITEMS, *RED_FLAG_ITEMS)}
    row |= {"mnsi_total": score.get("mnsi"), "mnsi_abnormal": score.get("mnsi_abnormal")}
    if "b6_products" in a:
        row |= {f"b6_products___{c}": c in a["b6_products"] for c in B6_PRODUCTS.choices}
    if score:
        row |= b6_bounds(score, protocol.b6)
    return row


def _dose(d: DoseEvent) -> Row:
    row: Row = {"dose_id": d.id, "dose_due_at": d.due_at, "dose_local_date": d.local_date, "dose_phase": d.phase_index}
    row |= {"dose_route": d.route, "dose_status": d.status, "dose_late": d.late, "dose_snoozes": d.snoozes}
    return row | {"dose_answered_at": d.answered_at}


def _flag(f: Flag) -> Row:
    facts = json.dumps({k: v for k, v in f.facts.items() if k not in ASSUMED}, sort_keys=True, default=str)
    row = {"flag_id": f.id, "flag_kind": f.kind, "flag_severity": f.severity, "flag_raised_at": f.raised_at}
    return row | {"flag_acknowledged_at": f.acknowledged_at, "flag_facts": facts}


def rows(
    patient: Patient, doses: Sequence[DoseEvent], qs: Sequence[Questionnaire], flags: Sequence[Flag], protocol: Protocol
) -> Iterator[Row]:
    yield {RECORD_ID: patient.alias, **_enrolment(patient)}
    for form, items in (
        ("questionnaire", [_questionnaire(q, protocol) for q in qs]),
        ("dose", [_dose(d) for d in doses]),
        ("flag", [_flag(f) for f in flags]),
    ):
        for n, row in enumerate(items, 1):
            yield {RECORD_ID: patient.alias, "redcap_repeat_instrument": form, "redcap_repeat_instance": n, **row}


def records_csv(found: Sequence[Field], records: Iterator[Row]) -> str:
    header = columns(found)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in records:
        unknown = set(row) - set(header)
        assert not unknown, unknown  # every value has its field in the dictionary
        writer.writerow([value(row.get(c)) for c in header])
    return out.getvalue()


async def collect(sessions: Sessions, *, team: str, now: datetime, target: str, protocol: Protocol) -> dict[str, str]:
    """The three REDCap files of the team (erased patients left out), as name -> CSV text; audited."""
    async with sessions() as session:
        records = await team_records(session, team=team, erased=False)
        flags = records.flags
        found = fields(protocol)
        all_rows = [
            row
            for p in records.patients
            for row in rows(
                p,
                [d for d in records.doses if d.patient_id == p.id],
                [q for q in records.questionnaires if q.patient_id == p.id],
                [f for f in flags if f.patient_id == p.id],
                protocol,
            )
        ]
        detail = {"format": "redcap", "target": target, "patients": len(records.patients), "rows": len(all_rows)}
        audit.record(session, at=now, actor="cli", action="export", subject=f"team:{records.team.id}", detail=detail)
        await session.commit()
    return {
        "redcap_data_dictionary.csv": dictionary_csv(protocol),
        "redcap_repeating_instruments.csv": repeating_csv(),
        "redcap_records.csv": records_csv(found, iter(all_rows)),
    }


async def export_to(
    sessions: Sessions, *, team: str, out: Path | None, zip_file: Path | None, now: datetime, protocol: Protocol
) -> dict[str, object]:
    """Collect and write the REDCap dictionary and records (into `out`, or `zip_file`); what was written."""
    export_files.check_target(zip_file, out)
    files = await collect(sessions, team=team, now=now, target="zip" if zip_file else "dir", protocol=protocol)
    written = export_files.write(files, out=None if zip_file else out, zip_file=zip_file)
    return {"team": team, "format": "redcap", "files": [str(p) for p in written]}
