"""A patient's course as chart data for bot.render.charts (alias only, texts from the catalogue)."""

from __future__ import annotations

from bot.render.charts import TrendData
from bot.texts import t
from services.team_views import View

LABELS = ("pain", "numbness", "doses", "baseline", "week", "nrs", "zero", "none_due", "today", "red_flag", "b6")
OUTCOMES = ("good", "partial", "poor", "residual_symptoms")


def chart_data(view: View, lang: str = "en") -> TrendData:
    baseline = next((s for s in view.scores if s["week"] == 0), None)
    labels = {k: t(f"tv_chart_{k}", lang) for k in LABELS}
    labels["milestone"] = t("tv_chart_milestone", lang, week="{week}")
    labels.update({f"verdict_{o}": t(f"tv_chart_verdict_{o}", lang) for o in OUTCOMES})
    marks = view.timeline
    return TrendData(
        title=f"{view.patient.alias} · {view.patient.regimen.get('title', view.patient.regimen_code)}"[:90],
        weeks=[s["week"] for s in view.scores],
        pain=[s["pain"] for s in view.scores],
        numbness=[s["numbness"] for s in view.scores],
        dose_weeks=view.dose_weeks[0],
        dose_pct=view.dose_weeks[1],
        baseline_pain=baseline["pain"] if baseline else None,
        baseline_numbness=baseline["numbness"] if baseline else None,
        milestones=view.milestones,
        current_week=view.week or 0,
        labels=labels,
        no_dose_weeks=marks.no_dose_weeks if marks else (),
        events=marks.events if marks else (),
        verdicts=marks.verdicts if marks else (),
        today=marks.today if marks else None,
    )
