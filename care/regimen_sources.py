"""Where each regimen preset comes from, written for a reader (`b12bot regimens`, CLINICAL.md "Regimen presets").

The source document is the project's starting point (../shared/seed/000_e1d2e9b57ed1abcf.txt); it names no
authors, so it is cited by its title and section. The other presets cite the sources CLINICAL.md names.
"""

from __future__ import annotations

from dataclasses import dataclass

SEED_TITLE = "Vitamin B12 for Peripheral Neuropathy Due to Levofloxacin"
SEED_FILE = "../shared/seed/000_e1d2e9b57ed1abcf.txt"
PROTOCOL_SECTION = 'CLINICAL.md, "Regimen presets"'


@dataclass(frozen=True)
class Reference:
    source: str  # title, authors or body, and the section or entry
    says: str  # what the source says that the preset follows


_SEED = f'"{SEED_TITLE}" (the source document, {SEED_FILE}; no authors named), section "Treatment Recommendations"'
_BNF = "British National Formulary (BNF), hydroxocobalamin"
_COCHRANE = (
    'Cochrane review: Wang H et al. 2018, "Oral vitamin B12 versus intramuscular vitamin B12 for vitamin B12 '
    'deficiency"; the OB12 trial (Sanz-Cuesta T et al. 2020)'
)

REFERENCES: dict[str, Reference] = {
    "source-weekly": Reference(_SEED, "1000 mcg weekly as maintenance, until symptoms improve; oral is usually enough"),
    "source-daily": Reference(
        _SEED, "100-500 mcg daily as maintenance, until symptoms improve; oral is usually enough"
    ),
    "oral-high": Reference(_COCHRANE, "oral 1000-2000 mcg a day works about as well as injections"),
    "oral-methyl": Reference("Methycobal (mecobalamin) product label", "500 mcg three times a day"),
    "im-hydroxo-neuro": Reference(
        f"{_BNF}, with neurological involvement",
        "1 mg on alternate days until no further improvement, then 1 mg every 2 months",
    ),
    "im-hydroxo": Reference(_BNF, "1 mg three times a week for 2 weeks, then 1 mg every 3 months"),
    "im-cyano-1000": Reference(
        "common high-dose practice, as described in the introduction of the OB12 trial (Sanz-Cuesta T et al. 2020)",
        "1000 mcg daily for a week, weekly for 4 weeks, then monthly",
    ),
}
