"""What a clinician types during /enrol: custom phases, a date, a baseline B12 value. Pure functions.

Custom phases, one per `;`, each `<dose> <mcg|mg> <oral|im> <daily|weekly|monthly|every N days> [xN]`,
where `xN` is the number of doses in that phase (only the last phase may go on without one):

    1000 mcg oral daily x14; 1000 mcg oral weekly
    1 mg im every 2 days x10; 1 mg im monthly
"""

from __future__ import annotations

import re
from datetime import date

from care.regimens import Phase, Regimen, RegimenError, Route

from .errors import UserError

MAX_PHASES = 4
_PHASE_RE = re.compile(
    r"(?P<dose>[0-9]{1,5}(?:\.[0-9]{1,3})?)\s*(?P<unit>mcg|mg)\s+(?P<route>oral|im)\s+"
    r"(?P<freq>daily|weekly|monthly|every\s+(?P<days>[0-9]{1,2})\s+days?)(?:\s+x\s*(?P<count>[0-9]{1,3}))?",
    re.IGNORECASE,
)
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_B12_RE = re.compile(
    r"(?P<value>[0-9]{1,5}(?:\.[0-9]{1,2})?)\s*(?P<unit>ng/l|pg/ml|pmol/l)(?:\s+(?P<day>\S+))?", re.IGNORECASE
)
B12_UNITS = {"ng/l": "ng/L", "pg/ml": "pg/mL", "pmol/l": "pmol/L"}


def parse_date(text: str) -> date:
    stripped = text.strip()
    try:
        if not _DATE_RE.fullmatch(stripped):
            raise ValueError(stripped)
        return date.fromisoformat(stripped)
    except ValueError:
        raise UserError("err_date", value=stripped) from None


def _phase(index: int, part: str) -> Phase:
    match = _PHASE_RE.fullmatch(part)
    if match is None:
        raise UserError("err_phases", part=part)
    freq = match["freq"].lower()
    every_days = {"daily": 1, "weekly": 7, "monthly": 1}.get(freq) or int(match["days"])
    count = int(match["count"]) if match["count"] else None
    return Phase(
        name=f"phase {index}",
        compound="vitamin B12",
        dose=float(match["dose"]),
        unit=match["unit"].lower(),
        route=Route(match["route"].lower()),
        every_days=every_days,
        every_months=1 if freq == "monthly" else 0,
        dose_days=count,
    )


def parse_phases(text: str) -> Regimen:
    """A custom regimen from the compact form above. Raises UserError naming the part that is wrong."""
    parts = [" ".join(p.split()) for p in text.split(";") if p.strip()]
    if not 1 <= len(parts) <= MAX_PHASES:
        raise UserError("err_phases_count", most=MAX_PHASES)
    phases = tuple(_phase(i, part) for i, part in enumerate(parts, 1))
    regimen = Regimen(
        code="custom",
        title="custom: " + ", then ".join(parts),
        phases=phases,
        basis="custom phases entered by the clinician",
        params={"text": "; ".join(parts)},
    )
    try:
        regimen.validate()
    except RegimenError as exc:
        raise UserError("err_regimen", message=str(exc)) from exc
    return regimen


def parse_b12(text: str, today: date) -> tuple[float, str, date | None]:
    """`180 ng/L 2026-11-02` (the date is optional) → (180.0, "ng/L", date(2026, 11, 2))."""
    match = _B12_RE.fullmatch(text.strip())
    if match is None or float(match["value"]) <= 0:
        raise UserError("err_b12", value=text.strip())
    day = parse_date(match["day"]) if match["day"] else None
    if day is not None and day > today:
        raise UserError("err_b12_future", value=day.isoformat())
    return float(match["value"]), B12_UNITS[match["unit"].lower()], day
