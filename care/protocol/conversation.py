"""Free text between a patient and the care team: the relay's limit and the red-flag words per language."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from care.protocol.base import _src

NOT_REVIEWED = "clinically reviewed: not yet"

# Words that bring up the red-flag screen when a patient writes them (care/keywords.py: `*` ends a prefix).
# Issue 14: "help", "emergency" and the red flags of CLINICAL.md (items 1-8) in plain words. NOT_REVIEWED.
RED_FLAG_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "help", "emergency", "urgent", "ambulance", "911", "112", "999",
        "cant breathe", "cannot breathe", "hard to breathe", "trouble breathing", "short of breath", "choking",
        "cant swallow", "cannot swallow", "trouble swallowing", "chest pain", "pain in my chest", "severe pain",
        "sudden pain", "seizure*", "convulsion*", "fainted", "passed out", "unconscious", "collapsed",
        "confused", "confusion", "hallucinat*", "suicid*", "kill myself", "end my life", "harm myself",
        "hurt myself", "self harm", "overdose", "paraly*", "cant walk", "cannot walk", "cant stand",
        "cannot stand", "cant move", "weakness", "getting weaker", "fell", "fallen", "foot drop",
        "double vision", "drooping", "eyelid*", "incontinen*", "wet myself", "bladder", "bowel", "tendon*",
        "achilles", "swelling", "swollen", "rash", "hives", "allergic", "allergy", "anaphyla*",
        "levofloxacin", "ciprofloxacin", "moxifloxacin", "stroke", "heart attack",
    ),
    "es": (
        "ayuda", "ayudeme", "ayudenme", "socorro", "auxilio", "emergencia", "urgente", "urgencia*", "ambulancia",
        "no puedo respirar", "me falta el aire", "falta de aire", "me ahogo", "no puedo tragar",
        "dolor en el pecho", "dolor de pecho", "dolor muy fuerte", "convulsion*", "desmay*", "inconsciente",
        "confundid*", "confusion", "alucinacion*", "suicid*", "matarme", "quitarme la vida", "hacerme daño",
        "sobredosis", "paralisis", "paralizad*", "no puedo caminar", "no puedo andar", "no puedo moverme",
        "debilidad", "me cai", "caida", "vision doble", "veo doble", "parpado*", "incontinencia", "vejiga",
        "tendon*", "aquiles", "hinchazon", "hinchad*", "sarpullido", "erupcion", "ronchas", "alergia",
        "alergic*", "anafila*", "levofloxacino", "ciprofloxacino", "moxifloxacino", "infarto",
    ),
    "ru": (
        "помогите", "помоги", "помощь", "спасите", "срочно", "экстренн*", "неотложн*", "скорая", "скорую",
        "103", "не могу дышать", "трудно дышать", "задыхаюсь", "одышка", "удушье", "не могу глотать",
        "трудно глотать", "боль в груди", "болит грудь", "сильная боль", "резкая боль", "судорог*",
        "припадок", "потерял сознание", "потеряла сознание", "обморок", "без сознания", "спутанн*",
        "галлюцинац*", "суицид*", "покончить с собой", "убить себя", "навредить себе", "не хочу жить",
        "передозировк*", "паралич*", "парализ*", "не могу ходить", "не могу встать", "не могу двигаться",
        "слабость", "упал", "упала", "двоится", "двоение", "недержани*", "мочевой пузырь", "сухожили*",
        "ахиллов*", "отек*", "опух*", "сыпь", "крапивниц*", "аллерги*", "анафилак*", "левофлоксацин*",
        "ципрофлоксацин*", "моксифлоксацин*", "инсульт", "инфаркт",
    ),
}  # fmt: skip


class Conversation(BaseModel):
    """Free text between a patient and the care team (issue 14, 'A conversation, not only buttons')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    relay_max_per_hour: int = Field(
        10,
        ge=1,
        le=200,
        json_schema_extra=_src(
            "Operational (issue 14: a patient flooding the team): at most 10 of a patient's messages an hour "
            "are passed on; more are refused kindly, with the emergency advice. Not a clinical figure"
        ),
    )
    red_flag_words: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(RED_FLAG_WORDS),
        json_schema_extra=_src(
            "Issue 14: 'help', 'emergency' and the red flags of CLINICAL.md (items 1-8) in plain words, one list "
            f"per language; a language given in the protocol file replaces that language's list. {NOT_REVIEWED}"
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _merge_languages(cls, data: Any) -> Any:
        """A protocol file's lists replace only the languages it names."""
        if isinstance(data, dict) and isinstance(data.get("red_flag_words"), dict):
            data = {**data, "red_flag_words": {**RED_FLAG_WORDS, **data["red_flag_words"]}}
        return data

    @model_validator(mode="after")
    def _check(self) -> Conversation:
        for lang, entries in self.red_flag_words.items():
            if not (2 <= len(lang) <= 3 and lang.isascii() and lang.isalpha() and lang.islower()):
                raise ValueError(f"conversation.red_flag_words: {lang!r} is not a language code such as 'en'")
            for entry in entries:
                if not 1 <= len(entry.strip("* ")) <= 60:
                    raise ValueError(f"conversation.red_flag_words.{lang}: entries must be 1-60 characters")
        return self
