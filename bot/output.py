"""How the CLI prints a command's result: `key: value` lines, or one JSON object with `--json`."""

from __future__ import annotations

import json


def emit(payload: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(payload, default=str))
    else:
        for key, value in payload.items():
            print(f"{key}: {value}")
