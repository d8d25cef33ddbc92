"""The Bot API stand-in, driven by a real ``telegram.Bot`` / ``Application``."""

from __future__ import annotations

import asyncio
import json
import re
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bot.logs import quiet_secret_loggers
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.spec import PACKAGED_SPEC, default_spec_path
from bot.sandbox.updates import UpdateFactory, VirtualUser

TOKEN = "123:sandbox"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
ALICE = VirtualUser(id=1001, first_name="Alice", username="alice")
# a reply_markup passed as a JSON string, with callback_data of 33 characters but 66 UTF-8 bytes
LONG_DATA_MARKUP_JSON = json.dumps({"inline_keyboard": [[{"text": "b", "callback_data": "é" * 33}]]})
BOB = VirtualUser(id=1002, first_name="Bob", language_code="de")


class VirtualClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def _logging_as_the_app_sets_it() -> None:
    """These tests build a bare Bot; the app keeps python-telegram-bot's DEBUG (API URL = token) off."""
    quiet_secret_loggers()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def standin(clock: VirtualClock) -> BotApiStandIn:
    return BotApiStandIn(default_spec_path(), clock=clock)


@pytest.fixture
def factory(standin: BotApiStandIn) -> UpdateFactory:
    return UpdateFactory(standin, start_update_id=500)


def ci(text: str) -> str:
    """PTB strips "Bad Request: " and .capitalize()s the rest, lowercasing it: match case-insensitively."""
    return "(?i)" + re.escape(text)


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for label, data in pairs])


def test_default_spec_path_env_and_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("B12BOT_BOTAPI_SPEC", raising=False)
    assert default_spec_path() == PACKAGED_SPEC
    spec = tmp_path / "api.json"
    spec.write_text('{"methods": {"getMe": {"name": "getMe", "returns": ["User"]}}}')
    monkeypatch.setenv("B12BOT_BOTAPI_SPEC", str(spec))
    assert default_spec_path() == spec
    assert BotApiStandIn(default_spec_path()).spec == {"getMe": {}}
    monkeypatch.setenv("B12BOT_BOTAPI_SPEC", str(tmp_path / "missing.json"))
    with pytest.raises(FileNotFoundError, match="B12BOT_BOTAPI_SPEC"):
        default_spec_path()


async def test_get_me_on_initialize(standin: BotApiStandIn) -> None:
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        assert bot.username == "b12_sandbox_bot"
        assert bot.id == 999000001
        assert bot.bot.is_bot and bot.first_name == "B12 sandbox"
    assert standin.count("getMe") == 1
    assert standin.calls[0].status == 200


async def test_send_edit_press_answer_round_trip(
    standin: BotApiStandIn, factory: UpdateFactory, clock: VirtualClock
) -> None:
    factory.text(ALICE, "/start")
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        sent = await bot.send_message(ALICE.id, "Take your B12?", reply_markup=keyboard(("Yes", "y:1"), ("No", "n:1")))
        assert sent.message_id == 2  # the /start message took id 1 in this chat
        assert sent.date == T0 and sent.from_user is not None and sent.from_user.id == bot.id
        stored = standin.last_to(ALICE.id)
        assert stored is not None and stored.text == "Take your B12?" and stored.kind == "text"
        assert factory.button_data(stored) == ["y:1", "n:1"]

        clock.now = T0 + timedelta(minutes=5)
        press = Update.de_json(factory.press_button(ALICE, stored, "Yes"), bot)
        assert press.callback_query is not None and press.callback_query.data == "y:1"
        assert await press.callback_query.answer("Noted", show_alert=True) is True
        edited = await bot.edit_message_text("Taken ✓", chat_id=ALICE.id, message_id=sent.message_id)
        assert isinstance(edited, type(sent)) and edited.text == "Taken ✓" and edited.reply_markup is None
        await bot.edit_message_reply_markup(ALICE.id, sent.message_id, reply_markup=keyboard(("Undo", "u:1")))

    assert stored.text == "Taken ✓" and stored.edits == 2
    assert stored.reply_markup == {"inline_keyboard": [[{"text": "Undo", "callback_data": "u:1"}]]}
    assert standin.callback_answers == [(press.callback_query.id, "Noted", True)]
    assert standin.texts_to(ALICE.id) == ["Taken ✓"]
    assert standin.refusals == 0, standin.last_refusal


async def test_edit_errors_are_not_refusals(standin: BotApiStandIn, factory: UpdateFactory) -> None:
    factory.text(ALICE, "/start")
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        sent = await bot.send_message(ALICE.id, "same", reply_markup=keyboard(("A", "a")))
        with pytest.raises(BadRequest, match=ci("message is not modified")):
            await bot.edit_message_text("same", ALICE.id, sent.message_id, reply_markup=keyboard(("A", "a")))
        with pytest.raises(BadRequest, match=ci("message to edit not found")):
            await bot.edit_message_text("other", ALICE.id, 999)
        assert await bot.delete_message(ALICE.id, sent.message_id) is True
        with pytest.raises(BadRequest, match=ci("message to edit not found")):
            await bot.edit_message_text("other", ALICE.id, sent.message_id)
    assert standin.refusals == 0


@pytest.mark.parametrize(
    ("endpoint", "data", "reason"),
    [
        ("sendTelepathy", {"chat_id": 1001}, "method 'sendTelepathy' not found"),
        ("sendMessage", {"chat_id": 1001, "text": "x", "bogus": 1}, "unknown parameter 'bogus'"),
        ("sendMessage", {"chat_id": 1001}, "parameter 'text' is required"),
        ("sendMessage", {"chat_id": 1001, "text": "x" * 4097}, "message is too long"),
        ("sendMessage", {"chat_id": 1001, "text": ""}, "message text is empty"),
        ("sendMessage", {"chat_id": 1001, "text": "x", "parse_mode": "html5"}, "unsupported parse_mode"),
        ("sendPhoto", {"chat_id": 1001, "photo": "AgAD", "caption": "c" * 1025}, "caption is too long"),
        ("answerCallbackQuery", {"callback_query_id": "1", "text": "t" * 201}, "answer text is too long"),
        (
            "sendMessage",
            {
                "chat_id": 1001,
                "text": "x",
                "reply_markup": LONG_DATA_MARKUP_JSON,
            },
            "BUTTON_DATA_INVALID",
        ),
        ("getWebhookInfo", {}, "method not supported by the sandbox"),
    ],
)
async def test_refusals(
    standin: BotApiStandIn, factory: UpdateFactory, endpoint: str, data: dict[str, object], reason: str
) -> None:
    factory.text(ALICE, "/start")
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        with pytest.raises(BadRequest, match=ci(reason)):
            await bot._post(endpoint, data)
    assert standin.refusals == 1
    assert standin.last_refusal is not None and reason in standin.last_refusal
    assert standin.calls[-1].status == 400 and standin.calls[-1].method == endpoint
    assert standin.sent_to(ALICE.id) == []


async def test_limits_are_inclusive(standin: BotApiStandIn, factory: UpdateFactory) -> None:
    factory.text(ALICE, "/start")
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        await bot.send_message(ALICE.id, "x" * 4096, parse_mode="HTML")
        await bot.send_message(ALICE.id, "k", reply_markup=keyboard(("b", "é" * 32)))  # exactly 64 bytes
        with pytest.raises(BadRequest, match=ci("BUTTON_DATA_INVALID")):
            await bot.send_message(ALICE.id, "k", reply_markup=keyboard(("b", "x" * 65)))
    assert standin.refusals == 1
    assert len(standin.sent_to(ALICE.id)) == 2


async def test_unknown_chat_block_and_unblock(standin: BotApiStandIn, factory: UpdateFactory) -> None:
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        with pytest.raises(BadRequest, match=ci("chat not found")):
            await bot.send_message(ALICE.id, "hello?")
        factory.text(ALICE, "/start deep-link")
        assert (await bot.send_message(ALICE.id, "hi")).chat.id == ALICE.id
        blocked = Update.de_json(factory.my_chat_member(ALICE, status_new="kicked"), bot)
        assert blocked.my_chat_member is not None
        assert blocked.my_chat_member.new_chat_member.status == "kicked"
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(ALICE.id, "still there?")
        standin.unblock(ALICE.id)
        await bot.send_message(ALICE.id, "welcome back")
    assert [c.status for c in standin.calls if c.method == "sendMessage"] == [400, 200, 403, 200]
    assert standin.texts_to(ALICE.id) == ["hi", "welcome back"]
    assert standin.refusals == 0


async def test_flood_control_and_transport_faults(standin: BotApiStandIn, factory: UpdateFactory) -> None:
    factory.text(ALICE, "/start")
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        standin.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 7", retry_after=7)
        await bot.send_chat_action(ALICE.id, "typing")  # a different method is unaffected
        with pytest.raises(RetryAfter) as info, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await bot.send_message(ALICE.id, "flood")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert info.value.retry_after in (7, timedelta(seconds=7))
        assert standin.faults_fired == 1
        standin.raise_next(None, TimedOut("read timed out"))
        with pytest.raises(TimedOut):
            await bot.send_message(ALICE.id, "lost")
        standin.raise_next("sendMessage", NetworkError("connection refused"))
        with pytest.raises(NetworkError, match="connection refused"):
            await bot.send_message(ALICE.id, "refused")
        standin.delivered_then_timeout("sendMessage")
        with pytest.raises(TimedOut):
            await bot.send_message(ALICE.id, "ambiguous")
        await bot.send_message(ALICE.id, "fine")
    assert standin.faults_fired == 4
    assert standin.texts_to(ALICE.id) == ["ambiguous", "fine"]
    assert standin.refusals == 0


async def test_get_updates_offset_limit_and_timeout(standin: BotApiStandIn) -> None:
    factory = UpdateFactory(standin, start_update_id=10, push=True)
    for word in ("/start", "one", "two"):
        factory.text(ALICE, word)
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        assert [u.update_id for u in await bot.get_updates()] == [10, 11, 12]
        assert [u.update_id for u in await bot.get_updates(limit=1)] == [10]
        assert [u.message.text for u in await bot.get_updates(offset=12) if u.message] == ["two"]
        assert [u.update_id for u in await bot.get_updates()] == [12]  # 10 and 11 were confirmed
        started = time.monotonic()
        assert await bot.get_updates(offset=13, timeout=30) == ()
        assert time.monotonic() - started < 1.0
        waiter = asyncio.create_task(bot.get_updates(offset=13, timeout=30))
        await asyncio.sleep(0)
        factory.text(ALICE, "late")
        assert [u.update_id for u in await waiter] == [13]


async def test_press_round_trips_through_de_json(standin: BotApiStandIn, factory: UpdateFactory) -> None:
    start = factory.text(ALICE, "/start abc")
    assert start["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        sent = await bot.send_message(ALICE.id, "Dose?", reply_markup=keyboard(("500 µg", "dose:500")))
        stored = standin.messages[(ALICE.id, sent.message_id)]
        raw = factory.press(ALICE, stored, "dose:forged")
        assert raw["update_id"] == start["update_id"] + 1
        update = Update.de_json(raw, bot)
        query = update.callback_query
        assert query is not None and query.data == "dose:forged"
        assert query.message is not None and query.message.message_id == sent.message_id
        assert query.from_user.id == ALICE.id and query.message.chat.id == ALICE.id
        assert update.effective_message is not None and update.effective_message.text == "Dose?"
        with pytest.raises(LookupError):
            factory.press_button(ALICE, stored, "1000")


async def test_files_are_stored(standin: BotApiStandIn, factory: UpdateFactory) -> None:
    factory.text(ALICE, "/start")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        photo = await bot.send_photo(ALICE.id, InputFile(png, filename="qr.png"), caption="Your QR")
        doc = await bot.send_document(ALICE.id, b"%PDF-1.4 report", filename="report.pdf", caption="Report")
        by_ref = await bot.send_photo(ALICE.id, "AgACAgIAAxkBAAIB")
    shots = standin.sent_to(ALICE.id)
    assert [m.kind for m in shots] == ["photo", "document", "photo"]
    assert shots[0].file_bytes == png and shots[0].text == "Your QR"
    assert shots[1].file_bytes == b"%PDF-1.4 report" and shots[1].filename == "report.pdf"
    assert shots[2].file_bytes is None and shots[2].file_ref == "AgACAgIAAxkBAAIB"
    assert photo.photo and photo.photo[0].file_size == len(png) and photo.caption == "Your QR"
    assert doc.document is not None and doc.document.file_name == "report.pdf"
    assert by_ref.photo[0].file_id == "AgACAgIAAxkBAAIB"
    assert standin.refusals == 0, standin.last_refusal


async def test_groups_and_get_chat(standin: BotApiStandIn, factory: UpdateFactory) -> None:
    standin.add_group(-4001, "Ward 7")
    with pytest.raises(ValueError, match="unknown group"):
        factory.text_in_group(BOB, -4002, "hi")
    update = factory.text_in_group(BOB, -4001, "/status@b12_sandbox_bot")
    assert update["message"]["chat"]["type"] == "group"
    assert update["message"]["entities"][0]["length"] == len("/status@b12_sandbox_bot")
    async with Bot(TOKEN, request=standin, get_updates_request=standin) as bot:
        await bot.send_message(-4001, "Ward update")
        chat = await bot.get_chat(-4001)
        assert chat.title == "Ward 7"
    assert standin.texts_to(-4001) == ["Ward update"]
    assert standin.last_to(-4001) is not None and standin.last_to(-4001).message_id == 2  # type: ignore[union-attr]


async def test_application_polls_and_replies(standin: BotApiStandIn) -> None:
    factory = UpdateFactory(standin, push=True)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, f"Hello {context.args}")

    app = ApplicationBuilder().token(TOKEN).request(standin).get_updates_request(standin).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=10))
        factory.text(ALICE, "/start xyz")
        for _ in range(200):
            if standin.sent_to(ALICE.id):
                break
            await asyncio.sleep(0.01)
        await app.updater.stop()
        await app.stop()
    assert standin.texts_to(ALICE.id) == ["Hello ['xyz']"]
    assert standin.count("deleteWebhook") == 1
    assert standin.refusals == 0, standin.last_refusal
