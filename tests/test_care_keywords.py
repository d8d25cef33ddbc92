"""Red-flag words in free text (care/keywords.py) and the protocol's lists: pure."""

from __future__ import annotations

from pathlib import Path

import pytest

from care.keywords import matches, red_flag_words, words
from care.protocol import RED_FLAG_WORDS, ProtocolError, default_protocol, load_protocol, sources

LISTS = default_protocol().conversation.red_flag_words


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("help", ("help",)),
        ("HELP!!", ("help",)),
        ("It's an emergency", ("emergency",)),
        ("I can’t breathe properly", ("cant breathe",)),
        ("I cant breathe", ("cant breathe",)),
        ("my achilles tendon hurts", ("tendon*", "achilles")),
        ("she is hallucinating", ("hallucinat*",)),
        ("No puedo respirar bien", ("no puedo respirar",)),
        ("Me caí en la calle", ("me cai",)),
        ("tengo dolor en el pecho", ("dolor en el pecho",)),
        ("Помогите!", ("помогите",)),
        ("У меня судороги", ("судорог*",)),
        ("боль в груди и отёк ноги", ("боль в груди", "отек*")),
    ],
)
def test_words_in_every_language_are_found(text: str, found: tuple[str, ...]) -> None:
    assert set(red_flag_words(text, lists=LISTS)) == set(found)


@pytest.mark.parametrize(
    "text",
    [
        "Thank you, all good",
        "The tablets are fine",
        "helpful reminder",
        "gracias, todo bien",
        "Спасибо, всё хорошо",
        "",
    ],
)
def test_ordinary_text_is_not_a_red_flag(text: str) -> None:
    assert red_flag_words(text, lists=LISTS) == ()


def test_a_phrase_matches_only_its_words_in_a_row_and_a_star_only_a_word_start() -> None:
    assert matches("breathe I cant", entries=["cant breathe"]) == ()
    assert matches("unhelpful", entries=["help*"]) == ()
    assert matches("helpless", entries=["help*"]) == ("help*",)
    assert words("Ca\u0301ída, ÉMERGENCIA ёлка") == ["caida", "emergencia", "елка"]


def test_the_lists_are_in_the_protocol_named_and_not_yet_clinically_reviewed() -> None:
    assert set(LISTS) == {"en", "es", "ru"} and all(LISTS[lang] for lang in LISTS)
    assert {"help", "emergency"} <= set(LISTS["en"])
    assert "clinically reviewed: not yet" in sources()["conversation.red_flag_words"]
    assert default_protocol().helper.unconfirmed_in_a_row == 3
    assert sources()["helper.unconfirmed_in_a_row"]


def test_a_protocol_file_replaces_one_language_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "protocol.toml"
    path.write_text('[conversation.red_flag_words]\nen = ["mayday"]\n[helper]\nunconfirmed_in_a_row = 2\n', "utf-8")
    protocol = load_protocol(path)
    assert protocol.conversation.red_flag_words["en"] == ("mayday",)
    assert protocol.conversation.red_flag_words["es"] == RED_FLAG_WORDS["es"]
    assert protocol.helper.unconfirmed_in_a_row == 2
    assert red_flag_words("Mayday!", lists=protocol.conversation.red_flag_words) == ("mayday",)
    path.write_text('[conversation.red_flag_words]\nEnglish = ["x"]\n', "utf-8")
    with pytest.raises(ProtocolError, match="red_flag_words"):
        load_protocol(path)
