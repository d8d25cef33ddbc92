"""The chart's dose bars and its top strip (milestones, verdicts, flag markers); see bot.render.charts."""

from __future__ import annotations

from typing import Any

from bot.render.chart_data import TrendData, bar_x, label

DOSES, ZERO, NONE_DUE = "#aab7b8", "#6e2c00", "#b3b6b7"
RED_FLAG, B6 = "#e74c3c", "#d68910"
VERDICT_COLOURS = {"good": "#1e8449", "partial": "#b9770e", "poor": "#c0392b", "residual_symptoms": "#5d6d7e"}
ZERO_STUB = 3.0  # % units: the height of the mark of a week with 0 % confirmed
BAR_WIDTH = 0.7
MARK_Y = 0.12  # strip units (0-1): the row of flag markers
MARK_OFFSET_PT = {"red_flag": -4.0, "b6": 4.0}  # a red flag and a B6 flag raised together do not hide each other
PLAIN = {"facecolor": "white", "edgecolor": "none", "pad": 0.5}  # a verdict over its milestone's dotted line


def draw_doses(bars: Any, data: TrendData) -> list[Any]:
    """Bars of % confirmed, a dark stub for 0 %, a hatched band for nothing due; the legend handles."""
    from matplotlib.patches import Patch

    shown = [(w, p) for w, p in zip(data.dose_weeks, data.dose_pct, strict=True) if p > 0]
    zero = [w for w, p in zip(data.dose_weeks, data.dose_pct, strict=True) if p <= 0]
    bars.bar([bar_x(w) for w, _ in shown], [p for _, p in shown], width=BAR_WIDTH, color=DOSES, zorder=1)
    bars.bar([bar_x(w) for w in zero], [ZERO_STUB] * len(zero), width=BAR_WIDTH, color=ZERO, zorder=2)
    none = list(data.no_dose_weeks)
    bars.bar(
        [bar_x(w) for w in none],
        [100] * len(none),
        width=BAR_WIDTH,
        fill=False,
        hatch="///",
        edgecolor=NONE_DUE,
        linewidth=0,
        zorder=1,
    )
    handles = [Patch(color=DOSES, label=label(data, "doses", "doses confirmed (%)"))]
    if zero:
        handles.append(Patch(color=ZERO, label=label(data, "zero", "0% confirmed")))
    if none:
        handles.append(
            Patch(fill=False, hatch="///", edgecolor=NONE_DUE, label=label(data, "none_due", "no doses due"))
        )
    return handles


def draw_strip(strip: Any, data: TrendData, x_max: int) -> list[Any]:
    """Milestone labels, each verdict under its milestone, a marker per flag; the legend handles."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import offset_copy

    strip.set_ylim(0, 1)
    strip.axis("off")
    verdicts = dict(data.verdicts)
    for week in data.milestones:
        if week <= x_max:
            strip.vlines(week, 0, 0.62, color="#7d3c98", linestyle=":", linewidth=1.2)  # below its label
            strip.text(week, 0.78, label(data, "milestone", "wk {week}").format(week=week), ha="center", fontsize=8)
            if week in verdicts:
                outcome = verdicts[week]
                text = label(data, f"verdict_{outcome}", outcome)
                colour = VERDICT_COLOURS.get(outcome, "#000000")
                strip.text(week, 0.42, text, ha="center", fontsize=8, color=colour, fontweight="bold", bbox=PLAIN)
    handles = []
    for kind, colour, marker, name in (
        ("red_flag", RED_FLAG, "^", label(data, "red_flag", "red flag")),
        ("b6", B6, "D", label(data, "b6", "vitamin B6 flag")),
    ):
        xs = [x for x, k in data.events if k == kind and x <= x_max + 0.5]
        if xs:  # side by side when both come from one questionnaire
            where = offset_copy(strip.transData, fig=strip.figure, x=MARK_OFFSET_PT[kind], units="points")
            strip.plot(xs, [MARK_Y] * len(xs), "none", marker=marker, color=colour, markersize=7, transform=where)
            handles.append(Line2D([], [], linestyle="none", marker=marker, color=colour, label=name))
    return handles
