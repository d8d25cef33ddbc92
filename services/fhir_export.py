"""A team's data as FHIR R4 (`b12bot export --format fhir`): one Bundle (type collection) per patient.

Built and validated with fhir.resources' R4B models (`fhir.resources.R4B`: the R4-compatible release in
fhir.resources 8.x). Each Bundle holds the Patient (the alias as identifier; no name, no Telegram id), a
MedicationStatement for the regimen, a MedicationAdministration per dose (every status), the baseline
B12 Observation, the Questionnaire definitions its responses name, a QuestionnaireResponse per completed
questionnaire and an Observation per sub-score, and the flags (Flag or DetectedIssue, PractitionerRole,
Provenance). Codes and units: services/fhir_codes.py and docs/data.md. Written as one JSON file per
patient (`<alias>.json`) in the --out folder, or the same files in a --zip. Erased patients
(/delete_my_data) are left out. Every export is an audit row (actor cli, counts only).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from care.protocol import Protocol
from services import export_files
from services.fhir_bundle import PatientRows, bundle_for
from services.team_records import team_records
from storage import audit
from storage.engine import Sessions
from storage.queries import teams as teams_q


async def collect(
    sessions: Sessions, *, team: str, now: datetime, target: str, protocol: Protocol
) -> dict[str, Bundle]:
    """A Bundle per patient of the team (erased patients left out), keyed by alias; audited."""
    async with sessions() as session:
        records = await team_records(session, team=team, erased=False)
        flags = records.flags
        members = await teams_q.members_of(session, team_id=records.team.id or 0, removed=True)
        roles = {m.telegram_user_id: m.role for m in members}
        bundles = {
            p.alias: bundle_for(
                PatientRows(
                    p,
                    [d for d in records.doses if d.patient_id == p.id],
                    [q for q in records.questionnaires if q.patient_id == p.id],
                    [f for f in flags if f.patient_id == p.id],
                ),
                roles=roles,
                protocol=protocol,
                now=now,
            )
            for p in records.patients
        }
        detail = {"format": "fhir", "target": target, "patients": len(bundles)}
        audit.record(session, at=now, actor="cli", action="export", subject=f"team:{records.team.id}", detail=detail)
        await session.commit()
    return bundles


def filename(alias: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", alias) + ".json"


def to_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(indent=2)


def write(bundles: dict[str, Bundle], *, out: Path | None, zip_file: Path | None) -> list[str]:
    """One JSON file per patient in `out` (created if needed), or in the zip; each file whole or not at all."""
    files = {filename(alias): to_json(bundle) for alias, bundle in bundles.items()}
    written = export_files.write(files, out=out, zip_file=zip_file)
    return [p.name if zip_file is not None else str(p) for p in written]


async def export_to(
    sessions: Sessions, *, team: str, out: Path | None, zip_file: Path | None, now: datetime, protocol: Protocol
) -> dict[str, object]:
    """Collect and write one Bundle per patient (into `out`, or `zip_file`); a summary of what was written."""
    export_files.check_target(zip_file, out)
    bundles = await collect(sessions, team=team, now=now, target="zip" if zip_file else "dir", protocol=protocol)
    files = write(bundles, out=None if zip_file else out, zip_file=zip_file)
    return {"team": team, "format": "fhir", "files": files, "patients": len(bundles)}
