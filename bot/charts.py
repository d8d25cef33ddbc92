"""The per-patient trend chart: plain data in, PNG bytes out (matplotlib, Agg backend, no I/O).

Pain and numbness NRS (0-10) by questionnaire week (0 = baseline), the baseline values as dashed
horizontal lines, the weekly share of doses confirmed as bars on a second axis (0-100 %), and the
follow-up milestones as vertical marks. The size is fixed: 8 x 4.5 inches at 100 dpi, 800 x 450 pixels.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100
SIZE_PX = (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
PAIN, NUMBNESS, DOSES = "#c0392b", "#2471a3", "#b2babb"


@dataclass(frozen=True)
class TrendData:
    title: str  # the patient's alias and regimen, never a name
    weeks: Sequence[int] = ()  # questionnaire weeks with a completed score (0 = baseline)
    pain: Sequence[int] = ()
    numbness: Sequence[int] = ()
    dose_weeks: Sequence[int] = ()  # therapy weeks with doses due (week w: days 7(w-1) .. 7w-1)
    dose_pct: Sequence[float] = ()  # % of that week's due doses confirmed taken
    baseline_pain: int | None = None
    baseline_numbness: int | None = None
    milestones: Sequence[int] = field(default_factory=lambda: (4, 6, 12, 24))
    current_week: int = 0
    labels: dict[str, str] = field(default_factory=dict)  # axis and legend texts, already translated


def _label(data: TrendData, key: str, default: str) -> str:
    return data.labels.get(key, default)


def trend_png(data: TrendData) -> bytes:
    """Render the chart; the same data always gives a picture of the same size."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # no pyplot: no global figure state, safe off the main thread

    last = max([data.current_week, *data.weeks, *data.dose_weeks, 1])
    ahead = [m for m in data.milestones if m >= last]
    x_max = min(ahead) if ahead else last  # up to the next milestone, so the horizon shows
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax = fig.add_subplot(1, 1, 1)
    bars = ax.twinx()
    bars.bar(
        list(data.dose_weeks),
        list(data.dose_pct),
        width=0.6,
        color=DOSES,
        alpha=0.5,
        zorder=1,
        label=_label(data, "doses", "doses confirmed (%)"),
    )
    bars.set_ylim(0, 105)
    bars.set_ylabel(_label(data, "doses", "doses confirmed (%)"))
    ax.set_zorder(bars.get_zorder() + 1)  # the lines above the bars
    ax.patch.set_visible(False)
    ax.plot(list(data.weeks), list(data.pain), marker="o", color=PAIN, label=_label(data, "pain", "pain (NRS)"))
    ax.plot(
        list(data.weeks),
        list(data.numbness),
        marker="s",
        color=NUMBNESS,
        label=_label(data, "numbness", "numbness/tingling (NRS)"),
    )
    for value, colour, label in ((data.baseline_pain, PAIN, "baseline"), (data.baseline_numbness, NUMBNESS, None)):
        if value is not None:
            text = _label(data, "baseline", "baseline") if label else None
            ax.axhline(value, color=colour, linestyle="--", linewidth=1, alpha=0.7, label=text)
    for week in data.milestones:
        if week <= x_max:
            ax.axvline(week, color="#7d3c98", linestyle=":", linewidth=1.2)
            ax.text(week, 10.3, _label(data, "milestone", "wk {week}").format(week=week), ha="center", fontsize=8)
    ax.set_xlim(-0.5, x_max + 0.5)
    ax.set_ylim(0, 10.8)
    ax.set_yticks(range(0, 11, 2))
    ax.set_xlabel(_label(data, "week", "week of therapy (0 = baseline)"))
    ax.set_ylabel(_label(data, "nrs", "NRS 0-10"))
    fig.suptitle(data.title, fontsize=11, y=0.97)
    handles = ax.get_legend_handles_labels()[0] + bars.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.92), ncol=4, fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.subplots_adjust(left=0.08, right=0.9, top=0.8, bottom=0.13)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)  # never bbox_inches="tight": it would change the size
    return out.getvalue()
