"""The /patient chart as a clinician sees it (issue 13), checked pixel by pixel on a known course:
0% weeks show a mark, weeks with nothing due look different, flags and verdicts sit on the timeline,
today is a line, and the milestone labels stay clear of the bars."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from matplotlib.colors import to_rgb
from PIL import Image

from bot.render.chart_marks import B6, DOSES, MARK_OFFSET_PT, MARK_Y, RED_FLAG, VERDICT_COLOURS, ZERO
from bot.render.charts import DPI, SIZE_PX, TODAY, TrendData, bar_x, layout, trend_png
from bot.render.course_chart import chart_data
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from services import team_views
from services.team_access import Caller
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all, red_flags, weekly_codes

COURSE = TrendData(
    title="MK-17 · B12 1000 mcg by mouth daily",
    weeks=[0, 1, 2, 3, 5, 6],
    pain=[6, 5, 5, 4, 3, 3],
    numbness=[5, 5, 4, 4, 4, 3],
    dose_weeks=[1, 2, 3, 5, 6],
    dose_pct=[100.0, 0.0, 57.0, 100.0, 0.0],
    baseline_pain=6,
    baseline_numbness=5,
    milestones=(4, 6, 12, 24),
    current_week=7,
    no_dose_weeks=[4],
    events=[(3.0, "red_flag"), (2.0, "b6")],
    verdicts=[(6, "partial")],
    today=6.4,
)
WHITE = (255, 255, 255)


def rgb(colour: str) -> tuple[int, int, int]:
    r, g, b = to_rgb(colour)
    return round(r * 255), round(g * 255), round(b * 255)


class Picture:
    def __init__(self, data: TrendData) -> None:
        png = trend_png(data)
        self.image = Image.open(io.BytesIO(png)).convert("RGB")
        assert self.image.size == SIZE_PX
        self.ax, self.bars, self.strip = layout(data)

    def at(self, axes: Any, x: float, y: float) -> tuple[int, int, int]:
        """The colour drawn at data point (x, y) of `axes` (display y grows upwards, image rows downwards)."""
        px, py = axes.transData.transform((x, y))
        return tuple(self.image.getpixel((int(px), SIZE_PX[1] - 1 - int(py))))  # type: ignore[return-value]

    def mark(self, x: float, kind: str) -> tuple[int, int, int]:
        """The colour at the centre of a flag marker of `kind` at x weeks in the top strip."""
        px, py = self.strip.transData.transform((x, MARK_Y))
        px += MARK_OFFSET_PT[kind] * DPI / 72
        return tuple(self.image.getpixel((int(px), SIZE_PX[1] - 1 - int(py))))  # type: ignore[return-value]

    def column(self, axes: Any, x: float, low: float, high: float) -> list[tuple[int, int, int]]:
        _, top = axes.transData.transform((x, high))
        px, bottom = axes.transData.transform((x, low))
        rows = range(SIZE_PX[1] - 1 - int(top), SIZE_PX[1] - 1 - int(bottom))
        return [tuple(self.image.getpixel((int(px), row))) for row in rows]  # type: ignore[misc]


def test_bars_show_zero_weeks_and_weeks_with_nothing_due_differently() -> None:
    pic = Picture(COURSE)
    for week in (1, 5):  # 100 % confirmed: the bar reaches 85 % (no line drawn that high)
        assert pic.at(pic.bars, bar_x(week), 85) == rgb(DOSES), week
    assert pic.at(pic.bars, bar_x(3), 30) == rgb(DOSES) and pic.at(pic.bars, bar_x(3), 85) != rgb(DOSES)
    for week in (2, 6):  # 0 % confirmed: a dark mark at the bottom, nothing above it
        assert pic.at(pic.bars, bar_x(week), 1.5) == rgb(ZERO), week
        assert rgb(ZERO) not in pic.column(pic.bars, bar_x(week), 10, 95), week
    hatched = pic.column(pic.bars, bar_x(4), 10, 95)  # nothing due: light hatching, neither a bar nor a 0 mark
    inked = [p for p in hatched if p != WHITE]
    assert 0.1 < len(inked) / len(hatched) < 0.8
    assert rgb(DOSES) not in hatched and rgb(ZERO) not in pic.column(pic.bars, bar_x(4), 0.5, 3)
    after = pic.column(pic.bars, bar_x(9), 10, 95)  # the future: nothing drawn but the grid
    assert rgb(DOSES) not in after and rgb(ZERO) not in after


def test_today_flags_and_verdicts_are_on_the_timeline() -> None:
    pic = Picture(COURSE)
    assert pic.at(pic.ax, 6.4, 8.5) == rgb(TODAY)
    assert pic.mark(3.0, "red_flag") == rgb(RED_FLAG)
    assert pic.mark(2.0, "b6") == rgb(B6)
    assert pic.mark(5.0, "red_flag") == pic.mark(5.0, "b6") == WHITE  # no flag there
    verdict = [t for t in pic.strip.texts if t.get_text() == "partial"]
    assert len(verdict) == 1 and verdict[0].get_position()[0] == 6
    assert to_rgb(verdict[0].get_color()) == to_rgb(VERDICT_COLOURS["partial"])
    box = verdict[0].get_window_extent()
    region = [
        pic.image.getpixel((x, SIZE_PX[1] - 1 - y))
        for x in range(int(box.x0), int(box.x1))
        for y in range(int(box.y0), int(box.y1))
    ]
    assert sum(1 for p in region if p != WHITE) > 10  # the word is drawn


def test_milestone_labels_stay_clear_of_the_bars() -> None:
    pic = Picture(COURSE)
    labels = {t.get_text(): t for t in pic.strip.texts if t.get_text().startswith("wk ")}
    assert list(labels) == ["wk 4", "wk 6", "wk 12"]
    top_of_bars = pic.bars.transData.transform((0, 100))[1]
    top_of_plot = pic.ax.get_window_extent().y1
    for text in labels.values():
        box = text.get_window_extent()
        assert box.y0 > top_of_plot >= top_of_bars, text.get_text()


PAT = VirtualUser(2001, "Wilhelmina")
WEEK1 = datetime(2026, 10, 13, 7, 0, 30, tzinfo=UTC)  # 09:00 Berlin, a week after the start (6 Oct)


async def test_the_patient_command_draws_what_happened(database_url: str) -> None:
    """Through the real /patient: nothing due in week 1 (consent on day 7), week 2's doses left unconfirmed (a 0%
    mark), a red flag and a B6 flag raised in week 1's questionnaire (markers at week 1), today's line: in the
    PNG the clinician receives."""
    async with Sandbox(database_url=database_url, start=WEEK1 - timedelta(hours=1)) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.run_until(WEEK1)
        await answer_all(sb, PAT, weekly_codes(pain=3, numbness=4, pgic=None, b6=["t0", "d", "5"], red=red_flags(0)))
        await sb.run_until(WEEK1 + timedelta(days=2))  # two reminders (13 and 14 Oct) closed unanswered
        await sb.send(sb.users.text(CLINICIAN, "/patient MK-17"))
        photo = sb.api.last_to(CLINICIAN.id)
        assert photo is not None and photo.kind == "photo" and photo.file_bytes is not None
        caller = Caller(CLINICIAN.id, CLINICIAN.id, True)
        view = await team_views.patient_view(
            sb.services.sessions, caller, "MK-17", now=sb.clock(), protocol=sb.services.protocol
        )
        assert not isinstance(view, str) and view.timeline is not None
        marks = view.timeline
        assert sorted(kind for _, kind in marks.events) == ["b6", "red_flag"]
        assert all(1.0 < x < 1.1 for x, _ in marks.events)  # raised at 09:00 on day 7
        assert marks.verdicts == () and marks.no_dose_weeks == (1,)  # consent came on day 7: nothing was due
        assert marks.today is not None and 1.3 < marks.today < 1.4
        assert view.dose_weeks == ([2], [0.0])  # week 2: every dose so far left unconfirmed
        data = chart_data(view)
        image = Image.open(io.BytesIO(photo.file_bytes)).convert("RGB")
        pic = Picture(data)
        assert image.tobytes() == pic.image.tobytes()  # the same picture as the data gives
        assert pic.at(pic.bars, bar_x(2), 1.5) == rgb(ZERO)
        assert rgb(ZERO) not in pic.column(pic.bars, bar_x(1), 0.5, 95)  # hatched, not a 0% mark
        for x, kind in marks.events:
            assert pic.mark(x, kind) == rgb(RED_FLAG if kind == "red_flag" else B6)
        assert pic.at(pic.ax, marks.today, 8.5) == rgb(TODAY)
        assert "0% as a dark mark" in (photo.text or "")
