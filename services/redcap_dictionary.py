"""The REDCap data dictionary of `b12bot export --format redcap`, in REDCap's own 18-column layout.

Four instruments in a classic project: `enrolment` (one per record; the record id is the alias),
and the repeating instruments `questionnaire`, `dose` and `flag`. Variable names are lower case,
letters, digits and underscores, at most 26 characters (REDCap's advice); choices are `code, label | ...`;
checkbox fields are exported as `<field>___<code>` (0/1); dates `date_ymd`, times `datetime_seconds_ymd`
(UTC). The B6 dose is asked only when the products are not "none" (branching logic), as in the bot.
The fields themselves: services/redcap_fields.py and services/redcap_questionnaire_fields.py.
"""

from __future__ import annotations

import csv
import io

from care.protocol import Protocol
from services.redcap_fields import DOSE, ENROLMENT, FLAG, Field
from services.redcap_questionnaire_fields import questionnaire_fields

HEADER = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation",
)  # fmt: skip
REPEATING = {"questionnaire": "Week [q_week]", "dose": "[dose_due_at]", "flag": "[flag_kind] [flag_raised_at]"}


def fields(protocol: Protocol) -> tuple[Field, ...]:
    """Every field, in the dictionary's order: enrolment, questionnaire, dose, flag."""
    return (*ENROLMENT, *questionnaire_fields(protocol), *DOSE, *FLAG)


def dictionary_csv(protocol: Protocol) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for f in fields(protocol):
        choices = " | ".join(f"{code}, {label}" for code, label in f.choices)
        writer.writerow(
            [f.name, f.form, f.section, f.type, f.label, choices, f.note, f.validation, f.minimum, f.maximum, "",
             f.branching, "", "", "", "", "", ""]
        )  # fmt: skip
    return out.getvalue()


def repeating_csv() -> str:
    """The repeating instruments, as REDCap's "import repeating instruments" CSV (form_name, custom_form_label)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("form_name", "custom_form_label"))
    writer.writerows(REPEATING.items())
    return out.getvalue()
