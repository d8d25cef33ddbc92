"""The printable invite card (`patient invite --qr-card FILE`): the QR code with what the patient needs to read.

A6 portrait (105 x 148 mm) at 200 dpi, 826 x 1166 pixels: the care team, "scan this code with your phone's
camera", the QR code (the same modules as the bare `--qr` picture, with its quiet zone), the patient's code
name and when the link stops working. Texts from the catalogue, in the language asked for. Rendered with
matplotlib (Agg, no pyplot), written owner-only like every file (services.private_files).
"""

from __future__ import annotations

import io
import textwrap
from datetime import datetime
from pathlib import Path

from bot.texts import t
from bot.texts.formats import when
from services.private_files import write_private

WIDTH_IN, HEIGHT_IN, DPI = 4.13, 5.83, 200
SIZE_PX = (round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI))
QR_BORDER = 4  # modules of quiet zone, as the bare picture (bot.invite_commands.write_qr)
QR_WIDTH = 0.64  # of the card's width
QR_BOTTOM = 0.25  # of the card's height


def qr_matrix(url: str) -> list[list[bool]]:
    """The code's modules with the quiet zone around them (True = dark), as in the bare picture."""
    import segno

    return [[bool(cell) for cell in row] for row in segno.make(url, error="m").matrix_iter(border=QR_BORDER)]


def qr_box() -> tuple[float, float, float, float]:
    """Where the code is drawn, in figure fractions: left, bottom, width, height (a square)."""
    height = QR_WIDTH * WIDTH_IN / HEIGHT_IN
    return ((1 - QR_WIDTH) / 2, QR_BOTTOM, QR_WIDTH, height)


def card_png(url: str, *, team: str, alias: str, expires_at: datetime, timezone: str, lang: str = "en") -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    left, bottom, width, height = qr_box()
    ax = fig.add_axes((left, bottom, width, height))
    matrix = qr_matrix(url)
    ax.imshow(matrix, cmap="gray_r", interpolation="nearest", resample=False, vmin=0, vmax=1)
    ax.set_axis_off()
    top = bottom + height
    fig.text(
        0.5,
        0.955,
        "\n".join(textwrap.wrap(t("card_team", lang, team=team), 30)),
        ha="center",
        va="top",
        fontsize=15,
        fontweight="bold",
    )
    scan = "\n".join(textwrap.wrap(t("card_scan", lang), 44))
    fig.text(0.5, top + 0.02, scan, ha="center", va="bottom", fontsize=10.5)
    fig.text(0.5, bottom - 0.03, t("card_alias", lang, alias=alias), ha="center", va="top", fontsize=13)
    expiry = "\n".join(textwrap.wrap(t("card_expiry", lang, when=when(expires_at, timezone, lang)), 48))
    fig.text(0.5, bottom - 0.09, expiry, ha="center", va="top", fontsize=9.5)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white")  # never bbox_inches="tight": the size is fixed
    return out.getvalue()


def write_card(
    target: Path, url: str, *, team: str, alias: str, expires_at: datetime, timezone: str, lang: str
) -> None:
    png = card_png(url, team=team, alias=alias, expires_at=expires_at, timezone=timezone, lang=lang)
    write_private(target, png)
