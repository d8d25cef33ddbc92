"""The questionnaires as FHIR R4 Questionnaire resources, and how each stored answer is written in FHIR.

One Questionnaire per set of items actually asked (baseline; weekly, with PGIC and/or MNSI in the weeks
the protocol asks them), items in the order asked (care.instruments.questionnaire_items), each with its
answer options; the B6 products item `repeats`; the B6 dose item has `enableWhen` (skipped when the
products answer is "none"). Canonical URL and version: `url|version`, the version changing with the
items (a protocol that changes the B6 ranges gives a new version). Texts are the English the patient saw.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from bot.texts import EN, t
from care.instruments import NRS_MAX, NUMBNESS, Item, ItemKind, questionnaire_items
from care.protocol import Protocol
from services.fhir_codes import CANONICAL_BASE, LOINC_BY_SCORE, MAX_VALUE, MIN_VALUE, narrative, private
from storage.models import Questionnaire

TYPES = {
    ItemKind.NRS: "integer",
    ItemKind.YES_NO: "boolean",
    ItemKind.PGIC: "choice",
    ItemKind.MULTI: "choice",
    ItemKind.CHOICE: "choice",
}
NOT_VALIDATED = "Numbness/tingling (NRS 0-10) is not a validated instrument: it follows one patient's change."
OPTION_TEXT = {ItemKind.PGIC: "pgic_", ItemKind.MULTI: "b6p_", ItemKind.CHOICE: "b6d_"}


@dataclass(frozen=True)
class Definition:
    name: str  # baseline, weekly, weekly-pgic, weekly-mnsi, weekly-pgic-mnsi
    items: tuple[Item, ...]
    version: str

    @property
    def url(self) -> str:
        return f"{CANONICAL_BASE}/b12bot-{self.name}"

    @property
    def canonical(self) -> str:
        return f"{self.url}|{self.version}"


def definition(q: Questionnaire, protocol: Protocol, *, injections: bool = True) -> Definition:
    """The items asked in this questionnaire (by its kind and week, and whether the patient's regimen has
    injections: an oral patient is not asked about reactions after one), named and versioned."""
    kind: Literal["baseline", "weekly"] = "baseline" if q.kind == "baseline" else "weekly"
    items = questionnaire_items(kind, q.week, protocol, injections=injections)
    keys = {i.key for i in items}
    name = (
        kind
        if kind == "baseline"
        else "-".join(["weekly", *(["pgic"] if "pgic" in keys else []), *(["mnsi"] if "mnsi_1" in keys else [])])
    )
    shape = [[i.key, str(i.kind), list(i.choices), list(i.skip_if or ())] for i in items]
    digest = hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:10]
    return Definition(name, items, f"1.0.0+{digest}")


def option_coding(item: Item, choice: str) -> dict[str, Any]:
    """The Coding of one answer option (the same in the Questionnaire and in every response)."""
    key = f"{OPTION_TEXT[item.kind]}{choice}"
    return private(f"answer:{item.key}", choice, t(key) if key in EN else choice)


def answers(item: Item, value: Any) -> list[dict[str, Any]]:
    """A stored answer as QuestionnaireResponse answers, typed as the item says."""
    if item.kind is ItemKind.NRS:
        return [{"valueInteger": int(value)}]
    if item.kind is ItemKind.YES_NO:
        return [{"valueBoolean": bool(value)}]
    chosen = value if isinstance(value, list | tuple) else [value]
    return [{"valueCoding": option_coding(item, str(c))} for c in chosen]


def _item(item: Item, by_key: dict[str, Item]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "linkId": item.key,
        "code": [
            private("item", item.key, item.label),
            *([LOINC_BY_SCORE[item.key]] if item.key in LOINC_BY_SCORE else []),
        ],
        "text": t(f"q_{item.key}"),
        "type": TYPES[item.kind],
        "required": True,
    }
    if item.kind is ItemKind.NRS:
        found["extension"] = [{"url": MIN_VALUE, "valueInteger": 0}, {"url": MAX_VALUE, "valueInteger": NRS_MAX}]
    if item.kind is ItemKind.MULTI:
        found["repeats"] = True
    if item.choices:
        found["answerOption"] = [{"valueCoding": option_coding(item, c)} for c in item.choices]
    if item.key == NUMBNESS.key:  # CLINICAL.md: an NRS of numbness is not a validated instrument; say so
        found["item"] = [{"linkId": f"{item.key}-note", "type": "display", "text": NOT_VALIDATED}]
    if item.skip_if is not None:
        source, choice = item.skip_if
        condition = {"question": source, "operator": "!=", "answerCoding": option_coding(by_key[source], choice)}
        found["enableWhen"] = [condition]
    return found


def questionnaire_resource(d: Definition) -> dict[str, Any]:
    by_key = {i.key: i for i in d.items}
    title = f"b12bot {d.name.replace('-', ' ')} questionnaire"
    return {
        "resourceType": "Questionnaire",
        "text": narrative(title, f"{len(d.items)} items, in the order asked; version {d.version}.", NOT_VALIDATED),
        "url": d.url,
        "version": d.version,
        "name": "B12bot" + "".join(part.capitalize() for part in d.name.split("-")),
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "item": [_item(i, by_key) for i in d.items],
    }
