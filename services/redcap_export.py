"""`b12bot export --format redcap`: a REDCap data dictionary and the records to import into a project built from it.

Files: `redcap_data_dictionary.csv` (upload in Project Setup → Data Dictionary), `redcap_repeating_instruments.csv`
(the instruments to enable as repeating: questionnaire, dose, flag), `redcap_records.csv` (Data Import Tool, CSV,
records in rows): `record_id` (the alias), `redcap_repeat_instrument`, `redcap_repeat_instance`, then every field;
one row per patient for `enrolment`, one per questionnaire, dose and flag. Erased patients are left out; no
Telegram id is exported. Audited (format redcap, counts).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from care.protocol import Protocol
from services import export_files
from services.redcap_dictionary import dictionary_csv, fields, repeating_csv
from services.redcap_records import records_csv, rows
from services.team_records import team_records
from storage import audit
from storage.engine import Sessions


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
