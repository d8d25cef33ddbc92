"""Flags as FHIR R4: DetectedIssue for B6 and red flags, Flag for the others (fhir.resources.R4B).

Severity: DetectedIssue.severity (low, moderate, high), Flag's priority extension (PL, PM, PH). Period:
raised to acknowledged. Who acknowledged is a PractitionerRole (the member's role in the team, e.g.
clinician), never a Telegram id: a DetectedIssue names it in its mitigation, a Flag (which has no such
element) in a Provenance of the acknowledgement. No I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.flag import Flag as FhirFlag
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.resource import Resource

from services.fhir_codes import (
    FLAG_PRIORITY,
    FLAG_PRIORITY_EXTENSION,
    ISSUE_SEVERITY,
    PRIORITY,
    PRIORITY_DISPLAY,
    narrative,
    private,
)
from storage.models import Flag

ISSUES = frozenset({"b6_intake", "b6_unsure", "red_flag"})
# the figures the B6 rules assume for a range (e.g. 1000 for "over 500"): not exported as if reported
ASSUMED = frozenset({"reported_mg_per_day", "total_mg_per_day"})
ACKNOWLEDGE = {"coding": [private("flag-action", "acknowledged", "Acknowledged by the care team")]}


def role_resource(role: str) -> Resource:
    code = {"coding": [private("team-role", role)], "text": role}
    return PractitionerRole.model_validate(
        {"resourceType": "PractitionerRole", "text": narrative(f"A care-team member (role: {role})."), "code": [code]}
    )


def _summary(flag: Flag) -> str:
    facts = ", ".join(
        f"{k}={v}" for k, v in sorted(flag.facts.items()) if k not in ASSUMED and not isinstance(v, dict | list)
    )
    return f"{flag.kind} ({flag.severity}), raised {flag.raised_at.isoformat()}" + (f": {facts}" if facts else "")


def _acked(flag: Flag, role: str | None) -> str:
    if flag.acknowledged_at is None:
        return "Not acknowledged."
    return f"Acknowledged {flag.acknowledged_at.isoformat()} by a team member ({role or 'role unknown'})."


def issue(flag: Flag, subject: str, role_ref: str | None, role: str | None, evidence: str | None) -> Resource:
    found: dict[str, Any] = {
        "resourceType": "DetectedIssue",
        "text": narrative(_summary(flag), _acked(flag, role)),
        "identifier": [{"system": "urn:b12bot:flag", "value": str(flag.id)}],
        "status": "final",
        "code": {"coding": [private("flag", flag.kind)], "text": flag.kind.replace("_", " ")},
        "severity": ISSUE_SEVERITY.get(flag.severity, "low"),
        "patient": {"reference": subject},
        "identifiedDateTime": flag.raised_at.isoformat(),
        "detail": _summary(flag),
    }
    if evidence is not None:
        found["implicated"] = [{"reference": evidence}]
    if flag.acknowledged_at is not None:
        mitigation: dict[str, Any] = {"action": ACKNOWLEDGE, "date": flag.acknowledged_at.isoformat()}
        if role_ref is not None:
            mitigation["author"] = {"reference": role_ref}
        found["mitigation"] = [mitigation]
    return DetectedIssue.model_validate(found)


def flag_resource(flag: Flag, subject: str, role: str | None) -> Resource:
    priority = PRIORITY.get(flag.severity, "PL")
    period: dict[str, Any] = {"start": flag.raised_at.isoformat()}
    if flag.acknowledged_at is not None:
        period["end"] = flag.acknowledged_at.isoformat()
    coding = [{"system": FLAG_PRIORITY, "code": priority, "display": PRIORITY_DISPLAY[priority]}]
    return FhirFlag.model_validate(
        {
            "resourceType": "Flag",
            "text": narrative(_summary(flag), _acked(flag, role)),
            "extension": [{"url": FLAG_PRIORITY_EXTENSION, "valueCodeableConcept": {"coding": coding}}],
            "identifier": [{"system": "urn:b12bot:flag", "value": str(flag.id)}],
            "status": "active" if flag.acknowledged_at is None else "inactive",
            "code": {
                "coding": [private("flag", flag.kind), private("severity", flag.severity)],
                "text": flag.kind.replace("_", " "),
            },
            "subject": {"reference": subject},
            "period": period,
        }
    )


def provenance(flag: Flag, target: str, role_ref: str) -> Resource:
    assert flag.acknowledged_at is not None
    return Provenance.model_validate(
        {
            "resourceType": "Provenance",
            "text": narrative(f"Flag {flag.id} acknowledged {flag.acknowledged_at.isoformat()}."),
            "target": [{"reference": target}],
            "recorded": flag.acknowledged_at.isoformat(),
            "activity": ACKNOWLEDGE,
            "agent": [{"who": {"reference": role_ref}}],
        }
    )


def flag_resources(
    flag: Flag,
    subject: str,
    *,
    url: Callable[..., str],
    roles: dict[int, str],
    evidence: Callable[[Flag], str | None],
) -> Iterator[tuple[str, Resource]]:
    """The flag's resources with their fullUrls: the PractitionerRole (once per role), the flag, its Provenance."""
    role = roles.get(flag.acknowledged_by) if flag.acknowledged_by is not None else None
    if flag.acknowledged_at is not None and role is None:
        role = "member"  # acknowledged by someone no longer in the team: the role is not known
    role_ref = url("role", role) if role is not None and flag.acknowledged_at is not None else None
    if role_ref is not None and role is not None:
        yield role_ref, role_resource(role)
    target = url("flag", flag.id)
    if flag.kind in ISSUES:
        yield target, issue(flag, subject, role_ref, role, evidence(flag))
        return
    yield target, flag_resource(flag, subject, role)
    if role_ref is not None:
        yield url("ack", flag.id), provenance(flag, target, role_ref)
