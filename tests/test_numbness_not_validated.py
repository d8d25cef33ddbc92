"""The numbness/tingling 0-10 rating is not a validated instrument (CLINICAL.md, issue 14): every export says
so next to it (the CSV codebook, the FHIR Questionnaire's narrative and a note under the item, the REDCap
field note); the /patient view says so in tests/test_team_views.py."""

from __future__ import annotations

from datetime import UTC, datetime

from care.protocol import Protocol
from services import codebook, fhir_questionnaire_defs, redcap_dictionary
from storage.models import Questionnaire

P = Protocol()


def test_the_codebook_and_the_redcap_dictionary_say_not_validated() -> None:
    (column,) = [c for c in codebook.columns(P) if (c.table, c.column) == ("questionnaires", "numbness")]
    assert "not a validated instrument" in column.meaning
    (field,) = [f for f in redcap_dictionary.fields(P) if f.name == "numbness"]
    assert field.note.startswith("Not a validated instrument")
    assert "Not a validated instrument" in redcap_dictionary.dictionary_csv(P)


def test_the_fhir_questionnaire_says_not_validated_next_to_the_item() -> None:
    q = Questionnaire(patient_id=1, kind="weekly", week=3, due_at=datetime(2026, 10, 6, tzinfo=UTC))
    resource = fhir_questionnaire_defs.questionnaire_resource(fhir_questionnaire_defs.definition(q, P))
    (numbness,) = [i for i in resource["item"] if i["linkId"] == "numbness"]
    assert numbness["item"] == [
        {"linkId": "numbness-note", "type": "display", "text": fhir_questionnaire_defs.NOT_VALIDATED}
    ]
    assert "is not a validated instrument" in resource["text"]["div"]
    pain = next(i for i in resource["item"] if i["linkId"] == "pain")
    assert "item" not in pain
