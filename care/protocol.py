"""The clinical protocol's numbers: every threshold and timing has one home here, a name and a source.

Defaults follow ../shared/CLINICAL.md. A deployment may override any of them with a TOML file
(see `load_protocol`); unknown keys or bad values stop start-up with a message naming the key.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from care.pgic import Pgic


def _src(source: str) -> Any:
    """Field metadata: where the default comes from."""
    return {"source": source}


class DoseTiming(BaseModel):
    """Reminder timings for doses (CLINICAL.md, 'Adherence')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    oral_nudge_after_minutes: int = Field(
        120,
        ge=1,
        le=24 * 60,
        json_schema_extra=_src("CLINICAL.md Adherence: oral reminder unanswered after 2 hours gets one nudge"),
    )
    injection_nudge_after_hours: int = Field(
        48,
        ge=1,
        le=24 * 14,
        json_schema_extra=_src("CLINICAL.md Adherence: injection unanswered after 48 hours gets a nudge"),
    )
    injection_unconfirmed_after_days: int = Field(
        7,
        ge=1,
        le=60,
        json_schema_extra=_src("CLINICAL.md Adherence: injection unconfirmed for 7 days is a flag"),
    )
    snooze_minutes: int = Field(
        30, ge=5, le=240, json_schema_extra=_src("CLINICAL.md Adherence: snooze 30 minutes by default")
    )
    max_snoozes: int = Field(
        3, ge=0, le=10, json_schema_extra=_src("CLINICAL.md Adherence: at most 3 snoozes per dose")
    )
    late_window_minutes: int = Field(
        120,
        ge=1,
        le=24 * 60,
        json_schema_extra=_src(
            "Issue 2: a reminder found due after downtime is sent if still useful (within 2 hours), "
            "otherwise recorded as missed; matches the 2-hour nudge interval"
        ),
    )
    late_mark_minutes: int = Field(
        10,
        ge=1,
        le=120,
        json_schema_extra=_src("Operational: a reminder sent this long after its time is marked late"),
    )
    plan_ahead_hours: int = Field(
        48, ge=1, le=24 * 14, json_schema_extra=_src("DESIGN.md: dose events materialised for the next 48 h")
    )
    taken_earlier_within_hours: int = Field(
        12,
        ge=1,
        le=24,
        json_schema_extra=_src(
            "Issue 13 ('Taken earlier, at ...', as in Medisafe/MyTherapy): a time the patient gives for a dose "
            "counts when it is at most this long before its reminder (a once-daily dose's own half day) and "
            "not in the future"
        ),
    )
    change_min_gap_hours: int = Field(
        8,
        ge=1,
        le=23,
        json_schema_extra=_src(
            "Issue 8: a change of reminder time or time zone must not put two doses within 8 hours (else the "
            "patient confirms a transition-day time); rationale: a third of a day keeps two once-daily doses "
            "from being taken as one double dose. A regimen whose own doses are closer (several a day) keeps "
            "its own spacing"
        ),
    )
    change_max_gap_hours: int = Field(
        36,
        ge=25,
        le=72,
        json_schema_extra=_src(
            "Issue 8: a change of reminder time or time zone must not leave a gap over 36 hours between doses "
            "(else the patient confirms a transition-day time); rationale: a once-daily dose at most half a day "
            "late. For doses normally further apart (weekly, monthly) the same lateness, 36 - 24 = 12 hours, "
            "is added to the regimen's own interval"
        ),
    )

    @property
    def oral_nudge_after(self) -> timedelta:
        return timedelta(minutes=self.oral_nudge_after_minutes)

    @property
    def injection_nudge_after(self) -> timedelta:
        return timedelta(hours=self.injection_nudge_after_hours)

    @property
    def injection_unconfirmed_after(self) -> timedelta:
        return timedelta(days=self.injection_unconfirmed_after_days)

    @property
    def snooze(self) -> timedelta:
        return timedelta(minutes=self.snooze_minutes)

    @property
    def late_window(self) -> timedelta:
        return timedelta(minutes=self.late_window_minutes)

    @property
    def late_mark(self) -> timedelta:
        return timedelta(minutes=self.late_mark_minutes)

    @property
    def plan_ahead(self) -> timedelta:
        return timedelta(hours=self.plan_ahead_hours)

    @property
    def taken_earlier_within(self) -> timedelta:
        return timedelta(hours=self.taken_earlier_within_hours)

    @property
    def change_min_gap(self) -> timedelta:
        return timedelta(hours=self.change_min_gap_hours)

    @property
    def change_max_gap(self) -> timedelta:
        return timedelta(hours=self.change_max_gap_hours)


def _ascending(section: str, names: tuple[str, ...], values: tuple[float, ...]) -> None:
    """Fail with a message naming the first field that does not rise above the one before it."""
    for i in range(1, len(names)):
        if values[i] <= values[i - 1]:
            raise ValueError(
                f"{section}.{names[i]} ({values[i]:g}) must be above {section}.{names[i - 1]} ({values[i - 1]:g})"
            )


class DoseRange(BaseModel):
    """One B6 dose button: intake above `above_mg` and up to `up_to_mg` mg/day (None: no upper bound).

    The first range may be the point 0 (`up_to_mg` 0: "none"). `assumed_mg` is the figure the rules use.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9_]{1,16}$")
    above_mg: float = Field(ge=0, le=100_000)
    up_to_mg: float | None = Field(default=None, ge=0, le=100_000)
    assumed_mg: float = Field(ge=0, le=100_000)


_RANGE_SRC = (
    "CLINICAL.md Vitamin B6 tiers (IOM 1998, EFSA 2023, TGA 2022-2025, UK EVM 2003): the range edges are the "
    "tier edges 10/50/100/500 mg/day; interpretation: a range is assumed at its top, so it never under-states "
    "intake; the open range 'over 500' is assumed at 1000 mg/day (any value above 500 gives the same tier)"
)


def _default_ranges() -> tuple[DoseRange, ...]:
    edges = (
        (None, 0.0, 0.0),
        ("under_10", 0.0, 10.0),
        ("10_50", 10.0, 50.0),
        ("50_100", 50.0, 100.0),
        ("100_500", 100.0, 500.0),
    )
    ranges = [DoseRange(key=k or "none", above_mg=a, up_to_mg=u, assumed_mg=u) for k, a, u in edges]
    return (*ranges, DoseRange(key="over_500", above_mg=500.0, up_to_mg=None, assumed_mg=1000.0))


class B6Thresholds(BaseModel):
    """Total daily vitamin B6 intake tiers (CLINICAL.md 'Vitamin B6'); each tier is 'above' its figure."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    info_above_mg: float = Field(
        10.0,
        gt=0,
        le=10_000,
        json_schema_extra=_src(
            "CLINICAL.md B6 tier info: > 10 mg/day (UK EVM 2003 safe upper level 10 mg/day; TGA label threshold; "
            "EFSA 2023 UL 12 mg/day)"
        ),
    )
    warning_above_mg: float = Field(
        50.0,
        gt=0,
        le=10_000,
        json_schema_extra=_src(
            "CLINICAL.md B6 tier warning: > 50 mg/day (EFSA 2023 reference point 50 mg/day; TGA reports below 50)"
        ),
    )
    urgent_above_mg: float = Field(
        100.0,
        gt=0,
        le=10_000,
        json_schema_extra=_src(
            "CLINICAL.md B6 tier urgent (review in 24-48 h): > 100 mg/day (US IOM 1998 UL; TGA adult maximum)"
        ),
    )
    source_figure_mg: float = Field(
        500.0,
        gt=0,
        le=10_000,
        json_schema_extra=_src(
            "Source document: 'high doses (>500 mg/day) can cause sensory neuropathy'; named in the alert when reached"
        ),
    )
    numbness_rise_points: int = Field(
        2,
        ge=1,
        le=10,
        json_schema_extra=_src(
            "CLINICAL.md B6: raise one tier when intake > 10 mg/day and sensory symptoms worsen (TGA safety reviews "
            "2022-2025: no safe minimum dose or duration); interpretation: numbness NRS up by >= 2 points, the "
            "IMMPACT moderate change (Farrar 2001), versus the previous or the baseline answer"
        ),
    )
    dose_ranges: tuple[DoseRange, ...] = Field(
        default_factory=_default_ranges, min_length=2, max_length=10, json_schema_extra=_src(_RANGE_SRC)
    )

    @model_validator(mode="after")
    def _check(self) -> B6Thresholds:
        names = ("info_above_mg", "warning_above_mg", "urgent_above_mg", "source_figure_mg")
        _ascending("b6", names, tuple(float(getattr(self, n)) for n in names))
        keys = [r.key for r in self.dose_ranges]
        if len(set(keys)) != len(keys) or "not_sure" in keys:
            raise ValueError("b6.dose_ranges: keys must be distinct and not 'not_sure'")
        previous: DoseRange | None = None
        for i, r in enumerate(self.dose_ranges):
            where = f"b6.dose_ranges[{i}] ({r.key})"
            expected = 0.0 if previous is None else previous.up_to_mg
            if r.above_mg != expected:
                raise ValueError(f"{where}.above_mg must be {expected}: ranges must ascend without gaps")
            if r.up_to_mg is None and i != len(self.dose_ranges) - 1:
                raise ValueError(f"{where}.up_to_mg: only the last range may be open")
            point_zero = r.up_to_mg == 0 and i == 0
            if r.up_to_mg is not None and r.up_to_mg <= r.above_mg and not point_zero:
                raise ValueError(f"{where}.up_to_mg must be above above_mg")
            top = r.up_to_mg if r.up_to_mg is not None else float("inf")
            if not (r.assumed_mg == 0 if point_zero else r.above_mg < r.assumed_mg <= top):
                raise ValueError(f"{where}.assumed_mg must lie in the range")
            previous = r
        return self


class Questionnaires(BaseModel):
    """Cadence and scoring of the weekly questionnaire (CLINICAL.md 'Weekly questionnaire')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pgic_from_week: int = Field(
        2,
        ge=1,
        le=52,
        json_schema_extra=_src(
            "CLINICAL.md Weekly questionnaire: PGIC (Patient Global Impression of Change) from week 2"
        ),
    )
    mnsi_weeks: tuple[int, ...] = Field(
        (6, 12, 24),
        max_length=20,
        json_schema_extra=_src(
            "CLINICAL.md Weekly questionnaire: MNSI patient questionnaire at baseline, week 6, week 12, week 24"
        ),
    )
    mnsi_abnormal_at_least: int = Field(
        4,
        ge=1,
        le=13,
        json_schema_extra=_src(
            "CLINICAL.md MNSI: total >= 4 abnormal (>= 7 in the original paper, Feldman 1994; PhenX 140401)"
        ),
    )
    expire_after_days: int = Field(
        3,
        ge=1,
        le=7,
        json_schema_extra=_src("CLINICAL.md Weekly questionnaire: a questionnaire expires 3 days after it is sent"),
    )
    missed_in_a_row: int = Field(
        2, ge=1, le=10, json_schema_extra=_src("CLINICAL.md Weekly questionnaire: two missed in a row is a flag")
    )
    active_within_minutes: int = Field(
        15,
        ge=1,
        le=240,
        json_schema_extra=_src(
            "CLINICAL.md: dose reminders wait while a questionnaire is in progress; 'in progress' means an "
            "answer (or the questionnaire itself) arrived within this many minutes, so an abandoned "
            "questionnaire never holds a reminder back past its 2-hour late window"
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> Questionnaires:
        if any(w < 1 for w in self.mnsi_weeks) or list(self.mnsi_weeks) != sorted(set(self.mnsi_weeks)):
            raise ValueError("questionnaires.mnsi_weeks must be distinct weeks >= 1 in ascending order")
        return self

    @property
    def expire_after(self) -> timedelta:
        return timedelta(days=self.expire_after_days)

    @property
    def active_within(self) -> timedelta:
        return timedelta(minutes=self.active_within_minutes)


_IMMPACT = "IMMPACT (Dworkin 2008; Farrar 2001)"


class Verdicts(BaseModel):
    """Improvement verdicts at the milestones (CLINICAL.md 'Improvement verdicts'); pain is NRS 0-10."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    early_week: int = Field(
        6,
        ge=1,
        le=52,
        json_schema_extra=_src("CLINICAL.md: follow-up within 4-6 weeks (source document), evaluated at week 6"),
    )
    month3_week: int = Field(
        12,
        ge=1,
        le=104,
        json_schema_extra=_src(
            "CLINICAL.md: milestone month 3 (source: substantial recovery usually within 3-6 months)"
        ),
    )
    month6_week: int = Field(
        24,
        ge=1,
        le=104,
        json_schema_extra=_src(
            "CLINICAL.md: milestone month 6 (source: substantial recovery usually within 3-6 months)"
        ),
    )
    low_baseline_below: int = Field(
        4,
        ge=1,
        le=10,
        json_schema_extra=_src(
            "CLINICAL.md Improvement verdicts, week 6 only: < 1 point instead of < 20% when baseline pain < 4; "
            + _IMMPACT
        ),
    )
    early_poor_below_pct: int = Field(
        20,
        ge=1,
        le=100,
        json_schema_extra=_src("CLINICAL.md week 6: poor if pain reduction < 20% (and PGIC no change or worse)"),
    )
    early_poor_below_points: int = Field(
        1, ge=1, le=10, json_schema_extra=_src("CLINICAL.md week 6: < 1 point when baseline pain < 4")
    )
    moderate_pct: int = Field(
        30,
        ge=1,
        le=100,
        json_schema_extra=_src(f"CLINICAL.md: pain reduction >= 30% (or >= 2 points) is moderate; {_IMMPACT}"),
    )
    moderate_points: int = Field(
        2,
        ge=1,
        le=10,
        json_schema_extra=_src(
            "CLINICAL.md (clarified, issue 14): moderate when >= 30% OR >= 2 points, either one whatever the "
            f"baseline; week 12/24 poor when neither holds; {_IMMPACT}"
        ),
    )
    substantial_pct: int = Field(
        50,
        ge=1,
        le=100,
        json_schema_extra=_src(f"CLINICAL.md: pain reduction >= 50% is substantial: good at week 12/24; {_IMMPACT}"),
    )
    early_poor_pgic: Pgic = Field(
        Pgic.NO_CHANGE,
        json_schema_extra=_src("CLINICAL.md week 6: PGIC 'no change' or worse (with small pain reduction) is poor"),
    )
    poor_pgic_below: Pgic = Field(
        Pgic.MUCH_IMPROVED,
        json_schema_extra=_src(f"CLINICAL.md week 12/24: PGIC below 'much improved' is poor; {_IMMPACT}"),
    )
    good_pgic: Pgic = Field(
        Pgic.VERY_MUCH_IMPROVED,
        json_schema_extra=_src(f"CLINICAL.md week 12/24: PGIC 'very much improved' is good; {_IMMPACT}"),
    )
    worsening_pain_points: int = Field(
        2, ge=1, le=10, json_schema_extra=_src("CLINICAL.md: worsening in any week: pain >= 2 points above baseline")
    )
    worsening_pgic: Pgic = Field(
        Pgic.MUCH_WORSE,
        json_schema_extra=_src("CLINICAL.md: worsening in any week: PGIC 'much worse' or 'very much worse'"),
    )
    symptoms_remain_nrs_at_least: int = Field(
        1,
        ge=1,
        le=10,
        json_schema_extra=_src(
            "Source document: 'some patients may have residual abnormalities'; 'recheck B12 if symptoms persist'. "
            "Interpretation: symptoms remain when the latest pain or numbness NRS is >= 1"
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> Verdicts:
        _ascending(
            "verdicts",
            ("early_week", "month3_week", "month6_week"),
            (self.early_week, self.month3_week, self.month6_week),
        )
        _ascending(
            "verdicts",
            ("early_poor_below_pct", "moderate_pct", "substantial_pct"),
            (self.early_poor_below_pct, self.moderate_pct, self.substantial_pct),
        )
        if self.moderate_points < self.early_poor_below_points:
            raise ValueError("verdicts.moderate_points must be at least verdicts.early_poor_below_points")
        if not self.good_pgic.rank < self.poor_pgic_below.rank <= self.early_poor_pgic.rank:
            raise ValueError("verdicts.poor_pgic_below must lie between good_pgic and early_poor_pgic")
        if self.worsening_pgic.rank <= Pgic.NO_CHANGE.rank:
            raise ValueError("verdicts.worsening_pgic must be a 'worse' answer")
        return self

    @property
    def milestone_weeks(self) -> tuple[int, int, int]:
        return (self.early_week, self.month3_week, self.month6_week)


class Adherence(BaseModel):
    """Dose adherence (CLINICAL.md 'Adherence'); the injection delay lives in `DoseTiming`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(
        14, ge=1, le=90, json_schema_extra=_src("CLINICAL.md Adherence: doses confirmed over 14 days")
    )
    low_below_pct: int = Field(
        80,
        ge=1,
        le=100,
        json_schema_extra=_src(
            "CLINICAL.md Adherence: fewer than 80% of doses confirmed over 14 days is a warning flag"
        ),
    )

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.window_days)


class Alerts(BaseModel):
    """Urgent alerts nobody owns (issue 14, 'Urgent alerts escalate until someone owns them')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    escalate_after_minutes: int = Field(
        60,
        ge=5,
        le=24 * 60,
        json_schema_extra=_src(
            "Issue 14: an urgent flag not acknowledged or assigned within 60 minutes of being raised inside the "
            "team's reading hours (or of the next opening when raised outside them) is posted again to the "
            "alert group and to every active member privately, once. Not a CLINICAL.md figure: agree it with "
            "the clinic"
        ),
    )
    escalate_stale_after_days: int = Field(
        7,
        ge=1,
        le=60,
        json_schema_extra=_src(
            "Operational: an escalation whose moment passed more than 7 days ago (a long outage, or flags "
            "older than escalation itself found on upgrade) is not sent; the daily digests have listed the flag"
        ),
    )

    @property
    def escalate_after(self) -> timedelta:
        return timedelta(minutes=self.escalate_after_minutes)

    @property
    def escalate_stale_after(self) -> timedelta:
        return timedelta(days=self.escalate_stale_after_days)


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


class Helper(BaseModel):
    """The family helper a patient may invite (issue 14, 'A helper at home')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unconfirmed_in_a_row: int = Field(
        3,
        ge=1,
        le=30,
        json_schema_extra=_src(
            "Issue 14 (after Medisafe's 'Medfriend'): the helper is told when 3 doses in a row are unconfirmed "
            "(CLINICAL.md Adherence: a reminder unanswered by the end of its local day); a skipped dose is an "
            "answer and ends the run. Not a CLINICAL.md figure: agree it with the clinic"
        ),
    )


class RedFlags(BaseModel):
    """The red-flag screen's advice (CLINICAL.md 'Red flags'); the item -> advice table is care/red_flags.py."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    crisis_line: str | None = Field(
        None,
        min_length=3,
        max_length=120,
        json_schema_extra=_src(
            "CLINICAL.md Red flags item 5: for thoughts of self-harm also a crisis line where the team's protocol "
            'file names one (e.g. "988" in the US, "Samaritans 116 123" in the UK); none by default'
        ),
    )


class Protocol(BaseModel):
    """All protocol settings. Sections are added per topic; each field names its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doses: DoseTiming = Field(default_factory=DoseTiming)
    b6: B6Thresholds = Field(default_factory=B6Thresholds)
    questionnaires: Questionnaires = Field(default_factory=Questionnaires)
    verdicts: Verdicts = Field(default_factory=Verdicts)
    adherence: Adherence = Field(default_factory=Adherence)
    alerts: Alerts = Field(default_factory=Alerts)
    conversation: Conversation = Field(default_factory=Conversation)
    helper: Helper = Field(default_factory=Helper)
    red_flags: RedFlags = Field(default_factory=RedFlags)

    @model_validator(mode="after")
    def _check(self) -> Protocol:
        if self.verdicts.early_week < self.questionnaires.pgic_from_week:
            raise ValueError(
                f"verdicts.early_week ({self.verdicts.early_week}) must not come before "
                f"questionnaires.pgic_from_week ({self.questionnaires.pgic_from_week}): verdicts need the PGIC"
            )
        return self


class ProtocolError(ValueError):
    """A protocol file that cannot be used; the message names the file and the bad key."""


def default_protocol() -> Protocol:
    return Protocol()


def load_protocol(path: Path | None) -> Protocol:
    """Defaults, overridden by the TOML file at `path` when given. Fails fast with a clear message."""
    if path is None:
        return Protocol()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProtocolError(f"protocol file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"protocol file {path} is not valid TOML: {exc}") from exc
    try:
        return Protocol.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ProtocolError(f"protocol file {path}: {problems}") from exc


def sources(model: BaseModel | None = None, prefix: str = "") -> dict[str, str]:
    """Every setting's dotted name and its source, for documentation and tests."""
    model = model or Protocol()
    out: dict[str, str] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            out.update(sources(value, key + "."))
        else:
            extra = field.json_schema_extra
            out[key] = str(extra.get("source", "")) if isinstance(extra, dict) else ""
    return out
