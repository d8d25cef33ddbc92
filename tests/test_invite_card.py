"""The printable invite card (issue 13): `patient invite --qr-card FILE` writes an A6 PNG with the same QR code
as the bare picture, the team, the alias, how to scan it and the expiry, in the language asked for."""

from __future__ import annotations

import io
import json
import stat
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from bot.invite_card import SIZE_PX, card_png, qr_box, qr_matrix
from bot.texts import t
from tests import test_cli
from tests.test_cli import PNG_SIGNATURE, cli, invite_args

# test_cli's fixtures: a database with "Neuro clinic" (member 1001, patient MK-17) and "Empty team"
clean_env, template_db, ready_db = test_cli.clean_env, test_cli.template_db, test_cli.ready_db
BARE_SCALE, BORDER = 8, 4  # bot.invite_commands.write_qr


def modules_of_bare(path: Path) -> list[list[bool]]:
    image = Image.open(path).convert("L")
    size = image.size[0] // BARE_SCALE
    return [
        [
            image.getpixel((x * BARE_SCALE + BARE_SCALE // 2, y * BARE_SCALE + BARE_SCALE // 2)) < 128
            for x in range(size)
        ]  # type: ignore[operator]
        for y in range(size)
    ]


def modules_of_card(png: bytes, count: int) -> list[list[bool]]:
    """Sample the card at the centre of each of `count` x `count` modules in the code's square."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    left, bottom, side, _ = qr_box()
    x0, top, pixels = left * width, (1 - bottom) * height - side * width, side * width
    step = pixels / count
    return [
        [image.getpixel((int(x0 + (x + 0.5) * step), int(top + (y + 0.5) * step))) < 128 for x in range(count)]  # type: ignore[operator]
        for y in range(count)
    ]


def test_invite_writes_a_printable_card_with_the_same_code(
    ready_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare, card = tmp_path / "invite.png", tmp_path / "card.png"
    code, out, err = cli(capsys, *invite_args(alias="MK-18", qr=str(bare), qr_card=str(card)))
    assert code == 0, err
    invited = json.loads(out)
    assert invited["qr_card"] == str(card)
    data = card.read_bytes()
    assert data[:8] == PNG_SIGNATURE and Image.open(card).size == SIZE_PX == (826, 1166)  # A6 at 200 dpi
    assert stat.S_IMODE(card.stat().st_mode) == 0o600
    expected = qr_matrix(invited["invite_link"])
    assert modules_of_bare(bare) == expected  # the bare picture is that code, quiet zone included
    assert modules_of_card(data, len(expected)) == expected  # and the card carries the very same modules
    assert sum(map(sum, expected)) > 200 and not any(expected[0])  # a real code, with its quiet zone
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("b12bot.db")) == [
        "card.png",
        "invite.png",
    ]


def test_the_card_is_in_the_language_asked_for(
    ready_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = {}
    for lang in ("en", "es"):
        path = tmp_path / f"card-{lang}.png"
        code, out, err = cli(capsys, *invite_args(alias=f"MK-2{len(cards)}", qr_card=str(path), card_language=lang))
        assert code == 0, err
        cards[lang] = (path.read_bytes(), json.loads(out))
    link, at = cards["es"][1]["invite_link"], datetime.fromisoformat(cards["es"][1]["expires_at"])
    rendered = {
        lang: card_png(link, team="Neuro clinic", alias="MK-21", expires_at=at, timezone="Europe/Berlin", lang=lang)
        for lang in ("en", "es")
    }
    assert rendered["es"] == cards["es"][0] and rendered["en"] != rendered["es"]
    assert t("card_scan", "es").startswith("Escanee este código con la cámara de su teléfono")
    assert (
        t("card_scan", "en")
        == "Scan this code with your phone's camera. It opens your vitamin B12 reminders in Telegram."
    )
    code, out, err = cli(capsys, *invite_args(alias="MK-29", qr_card="x.png", card_language="de"))
    assert code == 2 and "invalid choice: 'de'" in err


def test_a_card_path_that_cannot_be_written_is_refused_before_any_change(
    ready_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "card.png"
    code, out, err = cli(capsys, *invite_args(alias="MK-30", qr_card=str(target)))
    assert code == 2 and out == ""
    refusal = f"b12bot: cannot write the QR code picture to {target}: the folder {target.parent} does not exist"
    assert refusal in err.splitlines()  # (the suite logs SQL too; test_cli_newcomer checks stderr is one line)
    aliases = {p.alias for p in test_cli.rows(ready_db, test_cli.Patient)}
    assert "MK-17" in aliases and "MK-30" not in aliases
