"""The fields of the REDCap `questionnaire` instrument: the scores, MNSI, B6 and the red flags, with the
protocol's B6 ranges and MNSI threshold. The B6 dose is asked only when the products are not "none" (branching
logic), as in the bot; checkbox fields are exported as `<field>___<code>` (0/1).
"""

from __future__ import annotations

from typing import Any

from care.instruments import B6_PRODUCTS, MNSI_ITEMS, NONE, NOT_SURE, NRS_MAX, RED_FLAG_ITEMS
from care.pgic import Pgic
from care.protocol import Protocol
from services.redcap_fields import DT, Field, field_name, same

Q_STATUSES = ("planned", "in_progress", "paused", "completed", "expired", "not_sent")


def _b6_choices(protocol: Protocol) -> tuple[tuple[str, str], ...]:
    def label(above: float, up_to: float | None) -> str:
        if up_to is None:
            return f"more than {above:g} mg/day"
        return f"{up_to:g} mg/day" if up_to == above else f"above {above:g} up to {up_to:g} mg/day"

    return (*((r.key, label(r.above_mg, r.up_to_mg)) for r in protocol.b6.dose_ranges), (NOT_SURE, "not sure"))


def questionnaire_fields(protocol: Protocol) -> tuple[Field, ...]:
    b6 = f"[{B6_PRODUCTS.key}({NONE})] = '0'"
    nrs: dict[str, Any] = {"validation": "integer", "minimum": "0", "maximum": str(NRS_MAX)}
    return (
        Field("q_kind", "questionnaire", "dropdown", "Questionnaire", same("baseline", "weekly")),
        Field("q_week", "questionnaire", "text", "Week (0 = baseline)", validation="integer", minimum="0"),
        Field("q_status", "questionnaire", "dropdown", "Questionnaire status", same(*Q_STATUSES)),
        Field("q_due_at", "questionnaire", "text", "Due (UTC)", validation=DT),
        Field("q_completed_at", "questionnaire", "text", "Completed (UTC)", validation=DT),
        Field("pain", "questionnaire", "text", "Average pain, past 7 days (NRS 0-10)", **nrs),
        Field(
            "numbness",
            "questionnaire",
            "text",
            "Numbness/tingling, past 7 days (NRS 0-10, not validated)",
            note="Not a validated instrument: a 0-10 rating that follows one patient's change",
            **nrs,
        ),
        Field(
            "pgic",
            "questionnaire",
            "radio",
            "Patient Global Impression of Change",
            tuple((str(p.rank), p.value) for p in Pgic),
        ),
        *(
            Field(field_name(i.key), "questionnaire", "yesno", i.label, section="MNSI" if n == 0 else "")
            for n, i in enumerate(MNSI_ITEMS)
        ),
        Field(
            "mnsi_total", "questionnaire", "text", "MNSI total (0-13)", validation="integer", minimum="0", maximum="13"
        ),
        Field(
            "mnsi_abnormal", "questionnaire", "yesno", f"MNSI total >= {protocol.questionnaires.mnsi_abnormal_at_least}"
        ),
        Field(
            B6_PRODUCTS.key,
            "questionnaire",
            "checkbox",
            "B6-containing products",
            same(*B6_PRODUCTS.choices),
            section="Vitamin B6",
        ),
        Field(
            "b6_dose",
            "questionnaire",
            "radio",
            "Total B6 from products per day (the range chosen)",
            _b6_choices(protocol),
            branching=b6,
        ),
        Field(
            "b6_mg_per_day_above",
            "questionnaire",
            "text",
            "B6 mg/day: above (exclusive lower bound)",
            validation="number",
            branching=b6,
        ),
        Field(
            "b6_mg_per_day_up_to", "questionnaire", "text", "B6 mg/day: up to (empty: open range)", validation="number"
        ),
        *(
            Field(field_name(i.key), "questionnaire", "yesno", i.label, section="Red flags" if n == 0 else "")
            for n, i in enumerate(RED_FLAG_ITEMS)
        ),
    )
