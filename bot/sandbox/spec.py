"""The Bot API spec the stand-in checks every call against: where it lives, how it is read, and the per-call
rules Telegram enforces whatever the state (unknown methods and parameters, required ones, lengths,
parse modes, callback data of 1-64 bytes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.sandbox.contract import JSON, Files, bad, parse_markup

PARSE_MODES = frozenset({"HTML", "MarkdownV2", "Markdown"})

PACKAGED_SPEC = Path(__file__).resolve().parent / "botapi" / "api.json"


def default_spec_path() -> Path:
    """The Bot API spec: ``$B12BOT_BOTAPI_SPEC``, else the copy shipped in ``bot/sandbox/botapi/``.

    The copy is ``shared/telegram-bot-api/api.json`` (Bot API 10.1, MIT licence beside it), shipped so the
    sandbox works on a fresh clone; a test fails if it drifts from ``../shared`` when that is present.
    """
    env = os.environ.get("B12BOT_BOTAPI_SPEC")
    path = Path(env) if env else PACKAGED_SPEC
    if not path.is_file():
        source = "$B12BOT_BOTAPI_SPEC" if env else "the packaged copy"
        raise FileNotFoundError(
            f"Bot API spec api.json not found at {path} ({source}); set B12BOT_BOTAPI_SPEC to its path"
        )
    return path


def load_spec(path: Path) -> dict[str, dict[str, bool]]:
    """``{method: {field: required}}`` from api.json (methods without parameters map to ``{}``)."""
    methods = json.loads(path.read_text(encoding="utf-8"))["methods"]
    return {name: {f["name"]: bool(f["required"]) for f in m.get("fields", [])} for name, m in methods.items()}


def validate_call(spec: dict[str, dict[str, bool]], method: str, params: JSON, files: Files) -> None:
    """Raise a refusal ApiError for anything Telegram would reject regardless of state."""
    fields = spec.get(method)
    if fields is None:
        raise bad(f"method {method!r} not found in the Bot API spec", refusal=True)
    for name in params:
        if name not in fields:
            raise bad(f"unknown parameter {name!r} for {method}", refusal=True)
    present = set(params) | set(files)
    for name, required in fields.items():
        if required and name not in present:
            raise bad(f"parameter {name!r} is required for {method}", refusal=True)
    text = params.get("text")
    if method == "answerCallbackQuery":
        if text is not None and len(str(text)) > 200:
            raise bad("callback query answer text is too long (max 200)", refusal=True)
    elif text is not None and not 1 <= len(str(text)) <= 4096:
        raise bad("message text is empty" if not text else "message is too long", refusal=True)
    if len(str(params.get("caption", ""))) > 1024:
        raise bad("message caption is too long", refusal=True)
    if "parse_mode" in params and params["parse_mode"] not in PARSE_MODES:
        raise bad(f"unsupported parse_mode {params['parse_mode']!r}", refusal=True)
    for row in (parse_markup(params) or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise bad("BUTTON_DATA_INVALID (callback_data must be 1-64 bytes)", refusal=True)
