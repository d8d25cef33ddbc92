"""A team's data as FHIR R4 (`b12bot export --format fhir`): one Bundle (type collection) per patient.

Built and validated with fhir.resources' R4B models (`fhir.resources.R4B`: the R4-compatible release in
fhir.resources 8.x). Each Bundle holds the Patient (the alias as identifier; no name, no Telegram id),
a MedicationStatement for the regimen, a MedicationAdministration per confirmed (taken) dose, a
QuestionnaireResponse per completed questionnaire and an Observation per sub-score. Written as one JSON
file per patient (`<alias>.json`) in the --out folder, or the same files in a --zip. Erased patients
(/delete_my_data) are left out. Every export is an audit row (actor cli, counts only).
"""

from __future__ import annotations

import argparse
import json
import re
import uuid
import zipfile
from datetime import datetime
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource

from bot.private_files import private_dir, private_file, write_private
from bot.services.errors import UserError
from bot.services.fhir_questionnaires import observations, response
from bot.services.fhir_resources import administration, patient_resource, statement
from bot.services.team_records import team_records
from storage import audit
from storage.engine import Sessions
from storage.models import DoseEvent, Patient, Questionnaire

NAMESPACE = uuid.UUID("8f4b7a3e-1d2c-4e5f-9a6b-b12b0712b12b")


def urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, ':'.join(str(p) for p in parts))}"


def bundle_for(patient: Patient, doses: list[DoseEvent], questionnaires: list[Questionnaire], now: datetime) -> Bundle:
    """The patient's Bundle from their rows (pure: no database, no clock)."""
    pid = patient.id or 0
    subject = urn("patient", pid)
    resources: list[tuple[str, Resource]] = [(subject, patient_resource(patient))]
    resources.append((urn("regimen", pid), statement(patient, subject)))
    for dose in doses:
        if dose.status == "taken":
            resources.append((urn("dose", dose.id), administration(dose, patient, subject)))
    for q in questionnaires:
        if q.status != "completed":
            continue
        source = urn("questionnaire", q.id)
        resources.append((source, response(q, subject)))
        for key, obs in observations(q, subject, source):
            resources.append((urn("score", q.id, key), obs))
    entries = [{"fullUrl": url, "resource": resource} for url, resource in resources]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": str(uuid.uuid5(NAMESPACE, f"bundle:{pid}")),
            "type": "collection",
            "timestamp": now.isoformat(),
            "entry": entries,
        }
    )


async def collect(sessions: Sessions, *, team: str, now: datetime, target: str) -> dict[str, Bundle]:
    """A Bundle per patient of the team (erased patients left out), keyed by alias; audited."""
    async with sessions() as session:
        records = await team_records(session, team=team, erased=False)
        found, patients, doses, questionnaires = records.team, records.patients, records.doses, records.questionnaires
        bundles = {
            p.alias: bundle_for(
                p,
                [d for d in doses if d.patient_id == p.id],
                [q for q in questionnaires if q.patient_id == p.id],
                now,
            )
            for p in patients
        }
        detail = {"format": "fhir", "target": target, "patients": len(bundles)}
        audit.record(session, at=now, actor="cli", action="export", subject=f"team:{found.id}", detail=detail)
        await session.commit()
    return bundles


def filename(alias: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", alias) + ".json"


def to_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(indent=2)


def write(bundles: dict[str, Bundle], *, out: Path | None, zip_file: Path | None) -> list[str]:
    """One JSON file per patient in `out` (created if needed), or in the zip; each file whole or not at all."""
    names = {alias: filename(alias) for alias in bundles}
    if zip_file is not None:
        with private_file(zip_file) as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for alias, bundle in bundles.items():
                archive.writestr(names[alias], to_json(bundle))
        return list(names.values())
    assert out is not None
    private_dir(out)
    return [str(write_private(out / names[alias], to_json(b).encode())) for alias, b in bundles.items()]


async def export_command(args: argparse.Namespace, sessions: Sessions, *, now: datetime) -> int:
    zip_file = Path(args.zip) if args.zip else None
    if zip_file is not None and not zip_file.parent.is_dir():
        raise UserError("err_export_path", path=args.zip, reason=f"the folder {zip_file.parent} does not exist")
    bundles = await collect(sessions, team=args.team, now=now, target="zip" if zip_file else "dir")
    files = write(bundles, out=None if zip_file else Path(args.out), zip_file=zip_file)
    summary = {"team": args.team, "format": "fhir", "files": files, "patients": len(bundles)}
    print(json.dumps(summary) if args.json else "\n".join(f"{k}: {v}" for k, v in summary.items()))
    return 0
