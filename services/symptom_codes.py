"""A button code on a /symptoms screen applied to its dialogue row (no I/O): list <-> pick, mark, Done."""

from __future__ import annotations

from storage.models import Dialogue


def apply_code(row: Dialogue, code: str) -> str:
    """Change the row for `code`; the outcome (invalid: the code does not fit the step)."""
    data = dict(row.data)
    symptoms, selected = list(data["symptoms"]), list(data.get("selected", ()))
    if row.step == "list" and code == "n":
        return "nothing"
    if code == "x":
        return "cancelled"
    if row.step == "list" and code == "y":
        row.step = "pick"
        return "switched"
    if row.step == "pick" and code == "b":
        row.step, data["selected"] = "list", []
        row.data = data
        return "switched"
    if row.step == "pick" and code == "d" and selected:
        return "reported"
    index = int(code[1:]) if code[:1] == "t" and code[1:].isdigit() and len(code) <= 3 else -1
    if row.step == "pick" and 0 <= index < len(symptoms):
        key = symptoms[index]
        data["selected"] = [k for k in selected if k != key] if key in selected else [*selected, key]
        row.data = data
        return "toggled"
    return "invalid"
