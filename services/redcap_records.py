"""The rows of `redcap_records.csv` (REDCap's Data Import Tool, CSV, records in rows): one per patient for
`enrolment`, one per questionnaire, dose and flag (repeating instruments), each value in REDCap's format. Pure:
no database, no clock. Used by services/redcap_export.py.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from care.instruments import B6_PRODUCTS, MNSI_ITEMS, RED_FLAG_ITEMS
from care.pgic import Pgic
from care.protocol import Protocol
from services.export import b6_bounds
from services.fhir_flags import ASSUMED
from services.redcap_fields import RECORD_ID, Field, field_name
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
