"""The per-patient trend chart: plain data in, PNG bytes out (matplotlib, Agg backend, no I/O).

Two panels on one week axis (0 = baseline; week n's questions are answered at the end of therapy week n):
- a strip on top with the milestones ("wk 4", "wk 6"...), the verdicts at weeks 6/12/24 and a marker for each
  red flag and vitamin B6 flag, where it was raised;
- the main panel: pain and numbness NRS (0-10) with the baseline as dashed lines, and the share of each therapy
  week's doses confirmed as bars (right axis, 0-100 %) drawn over that week (between its questionnaires): a
  week with 0 % confirmed gets a dark stub at 0, a week with nothing due a light hatched band; "today" is a
  solid vertical line.
The size is fixed: 8 x 4.5 inches at 100 dpi, 800 x 450 pixels. `layout()` gives where things are drawn, so a
test can check the picture pixel by pixel.
"""

from __future__ import annotations

import io
from typing import Any

from bot.render.chart_data import TrendData, bar_x, label, x_max
from bot.render.chart_marks import draw_doses, draw_strip

__all__ = ["SIZE_PX", "TrendData", "bar_x", "layout", "trend_png"]

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100
SIZE_PX = (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
PAIN, NUMBNESS, TODAY = "#c0392b", "#2471a3", "#117a65"
MAIN_BOX = (0.08, 0.12, 0.82, 0.56)  # left, bottom, width, height (figure fractions)
STRIP_BOX = (0.08, 0.69, 0.82, 0.10)


def _figure(data: TrendData) -> tuple[Any, Any, Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # no pyplot: no global figure state, safe off the main thread

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax = fig.add_axes(MAIN_BOX)
    bars = ax.twinx()
    strip = fig.add_axes(STRIP_BOX, sharex=ax)
    ax.set_xlim(-0.5, x_max(data) + 0.5)
    ax.set_ylim(0, 10.5)
    bars.set_ylim(0, 105)
    return fig, ax, bars, strip


def _render(data: TrendData) -> tuple[Any, Any, Any, Any]:
    fig, ax, bars, strip = _figure(data)
    handles = draw_doses(bars, data)
    ax.set_zorder(bars.get_zorder() + 1)  # the lines above the bars
    ax.patch.set_visible(False)
    ax.plot(list(data.weeks), list(data.pain), marker="o", color=PAIN, label=label(data, "pain", "pain (NRS)"))
    ax.plot(
        list(data.weeks),
        list(data.numbness),
        marker="s",
        color=NUMBNESS,
        label=label(data, "numbness", "numbness/tingling (NRS)"),
    )
    for value, colour, first in ((data.baseline_pain, PAIN, True), (data.baseline_numbness, NUMBNESS, False)):
        if value is not None:
            text = label(data, "baseline", "baseline") if first else None
            ax.axhline(value, color=colour, linestyle="--", linewidth=1, alpha=0.7, label=text)
    for week in data.milestones:
        if week <= x_max(data):
            ax.axvline(week, color="#7d3c98", linestyle=":", linewidth=1.2)
    if data.today is not None and data.today <= x_max(data) + 0.5:
        ax.axvline(data.today, color=TODAY, linewidth=1.5, label=label(data, "today", "today"))
    handles += draw_strip(strip, data, x_max(data))
    ax.set_yticks(range(0, 11, 2))
    ax.set_xlabel(label(data, "week", "week of therapy (0 = baseline)"))
    ax.set_ylabel(label(data, "nrs", "NRS 0-10"))
    bars.set_ylabel(label(data, "doses", "doses confirmed (%)"))
    fig.suptitle(data.title, fontsize=11, y=0.985)
    legend = ax.get_legend_handles_labels()[0] + handles
    fig.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, 0.935), ncol=5, fontsize=7.5, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig, ax, bars, strip


def trend_png(data: TrendData) -> bytes:
    """Render the chart; the same data always gives a picture of the same size."""
    fig = _render(data)[0]
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)  # never bbox_inches="tight": it would change the size
    return out.getvalue()


def layout(data: TrendData) -> tuple[Any, Any, Any]:
    """(main axes, dose axes, top strip) exactly as `trend_png` draws them, to turn data points into pixels."""
    fig, ax, bars, strip = _render(data)
    fig.canvas.draw()
    return ax, bars, strip
