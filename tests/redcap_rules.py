"""REDCap's documented rules for a data dictionary and a records import, as a parser that lists what breaks them.

Sources: Vanderbilt's "Creating a Data Dictionary in REDCap" (the 18 columns A-R, the first variable of the
first form is the record id, variable names lower case letters, numbers and underscores, choices
`code, label | code, label`, validation types) and REDCap's Data Import Tool (records in rows, header of
variable names, checkbox choices as `<field>___<code>` with 0/1, yes/no as 1/0, dates Y-M-D, repeating
instruments as `redcap_repeat_instrument` / `redcap_repeat_instance`). Names are checked against REDCap's
advice of at most 26 characters.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

HEADER = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation",
]  # fmt: skip
TYPES = {
    "text",
    "notes",
    "dropdown",
    "radio",
    "checkbox",
    "yesno",
    "truefalse",
    "calc",
    "file",
    "slider",
    "descriptive",
}
CHOICE_TYPES = {"dropdown", "radio", "checkbox"}
VALIDATIONS = {"integer", "number", "date_ymd", "datetime_ymd", "datetime_seconds_ymd", "time", "email"}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,25}$")
CODE = re.compile(r"^[A-Za-z0-9_]+$")
LOGIC_REF = re.compile(r"\[([a-z0-9_]+)(?:\(([A-Za-z0-9_]+)\))?\]")


@dataclass
class Dictionary:
    fields: dict[str, dict[str, str]]  # by variable name, in order
    choices: dict[str, dict[str, str]]  # field -> code -> label
    forms: list[str]


def parse_dictionary(text: str) -> tuple[Dictionary, list[str]]:
    """The dictionary and every rule it breaks."""
    rows = list(csv.reader(io.StringIO(text)))
    problems = [] if rows and rows[0] == HEADER else [f"header is not REDCap's 18 columns: {rows[:1]}"]
    fields: dict[str, dict[str, str]] = {}
    choices: dict[str, dict[str, str]] = {}
    forms: list[str] = []
    for row in rows[1:]:
        f = dict(zip(HEADER, row, strict=True))
        name, form, kind = f["Variable / Field Name"], f["Form Name"], f["Field Type"]
        if not NAME.match(name) or "___" in name:
            problems.append(f"{name}: variable name")
        if name in fields:
            problems.append(f"{name}: duplicate")
        if not NAME.match(form):
            problems.append(f"{name}: form name {form!r}")
        if forms and form != forms[-1] and form in forms:
            problems.append(f"{name}: the fields of form {form} are not together")
        if not forms or forms[-1] != form:
            forms.append(form)
        if kind not in TYPES or not f["Field Label"]:
            problems.append(f"{name}: type {kind!r} or empty label")
        raw = f["Choices, Calculations, OR Slider Labels"]
        if kind in CHOICE_TYPES:
            pairs = [p.split(",", 1) for p in raw.split(" | ")] if raw else []
            codes = [p[0].strip() for p in pairs]
            if (
                not pairs
                or any(len(p) != 2 or not CODE.match(p[0].strip()) for p in pairs)
                or len(set(codes)) < len(codes)
            ):
                problems.append(f"{name}: choices {raw!r}")
            choices[name] = {p[0].strip(): p[1].strip() for p in pairs if len(p) == 2}
        elif raw and kind not in ("calc", "slider"):
            problems.append(f"{name}: choices on a {kind} field")
        validation = f["Text Validation Type OR Show Slider Number"]
        if validation and (kind != "text" or validation not in VALIDATIONS):
            problems.append(f"{name}: validation {validation!r}")
        if (f["Text Validation Min"] or f["Text Validation Max"]) and validation not in ("integer", "number"):
            problems.append(f"{name}: min/max without a numeric validation")
        if f["Identifier?"] not in ("", "y") or f["Required Field?"] not in ("", "y"):
            problems.append(f"{name}: Identifier?/Required Field? must be empty or y")
        fields[name] = f
    for name, f in fields.items():
        for ref, code in LOGIC_REF.findall(f["Branching Logic (Show field only if...)"]):
            if ref not in fields or (code and code not in choices.get(ref, {})):
                problems.append(f"{name}: branching logic names [{ref}({code})]")
    if fields and next(iter(fields)) != "record_id":
        problems.append("the first variable is not the record id")
    return Dictionary(fields, choices, forms), problems


def _valid(f: dict[str, str], value: str, choices: dict[str, str]) -> bool:
    kind, validation = f["Field Type"], f["Text Validation Type OR Show Slider Number"]
    if kind in ("dropdown", "radio"):
        return value in choices
    if kind in ("yesno", "truefalse"):
        return value in ("0", "1")
    if validation == "integer" or validation == "number":
        number = int(value) if validation == "integer" else float(value)
        low, high = f["Text Validation Min"], f["Text Validation Max"]
        return (not low or number >= float(low)) and (not high or number <= float(high))
    if validation == "date_ymd":
        return len(value) == 10 and bool(date.fromisoformat(value))
    if validation == "datetime_seconds_ymd":
        return bool(datetime.strptime(value, "%Y-%m-%d %H:%M:%S"))
    if validation == "time":
        return bool(re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value))
    return True


def record_problems(text: str, d: Dictionary, repeating: set[str]) -> list[str]:
    """Every rule the records file breaks for a project built from `d` with these repeating instruments."""
    rows = list(csv.DictReader(io.StringIO(text)))
    header = next(csv.reader(io.StringIO(text)))
    column_of: dict[str, str] = {}
    for name, f in d.fields.items():
        if f["Field Type"] == "checkbox":
            column_of |= {f"{name}___{code}": name for code in d.choices[name]}
        elif f["Field Type"] != "descriptive":
            column_of[name] = name
    problems = [] if header[:3] == ["record_id", "redcap_repeat_instrument", "redcap_repeat_instance"] else ["header"]
    problems += [f"column {c} is no field" for c in header[3:] if c not in column_of]
    seen: set[tuple[str, str, str]] = set()
    for n, row in enumerate(rows, 2):
        form, instance = row["redcap_repeat_instrument"], row["redcap_repeat_instance"]
        key = (row["record_id"], form, instance)
        if key in seen or not row["record_id"]:
            problems.append(f"line {n}: duplicate or empty record {key}")
        seen.add(key)
        if (form and (form not in repeating or not instance.isdigit() or int(instance) < 1)) or (instance and not form):
            problems.append(f"line {n}: repeat instrument {form!r} instance {instance!r}")
        for column, value in row.items():
            if column in ("record_id", "redcap_repeat_instrument", "redcap_repeat_instance") or value == "":
                continue
            field = d.fields[column_of[column]]
            in_form = field["Form Name"] == form if form else field["Form Name"] not in repeating
            try:
                ok = (
                    value in ("0", "1")
                    if column != column_of[column]
                    else _valid(field, value, d.choices.get(column, {}))
                )
            except ValueError:
                ok = False
            if not in_form or not ok:
                problems.append(f"line {n}: {column}={value!r}")
    return problems
