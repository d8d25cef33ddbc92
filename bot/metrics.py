"""Prometheus text exposition (format 0.0.4), written by hand: a few gauges, counters and one histogram."""

from __future__ import annotations

from bot.health import Snapshot
from bot.telemetry import Telemetry

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _family(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")


def render(snap: Snapshot, telemetry: Telemetry) -> str:
    lines: list[str] = []
    _family(lines, "b12bot_messages_total", "counter", "Messages the dispatcher of this process handled, by kind")
    for (kind, outcome), count in sorted(telemetry.messages.items()):
        lines.append(f'b12bot_messages_total{{kind="{_label(kind)}",outcome="{_label(outcome)}"}} {count}')
    gauges = (
        ("b12bot_database_up", "1 when the database answered this scrape", 1 if snap.database_ok else 0),
        ("b12bot_outbox_due", "Outbox rows due now and not yet claimed (all processes)", snap.due_backlog),
        ("b12bot_flags_raised", "Flags raised for care teams (rows of the flag table)", snap.flags),
        ("b12bot_inbox_backlog", "Telegram updates stored and not yet processed", snap.inbox_backlog),
        ("b12bot_inbox_lag_seconds", "Age of the oldest unprocessed update", snap.inbox_lag_seconds),
    )
    for name, help_text, value in gauges:
        _family(lines, name, "gauge", help_text)
        lines.append(f"{name} {_number(value)}")
    if snap.last_tick_age_seconds is not None:
        _family(lines, "b12bot_last_tick_age_seconds", "gauge", "Seconds since this process finished a tick")
        lines.append(f"b12bot_last_tick_age_seconds {_number(snap.last_tick_age_seconds)}")
    hist = telemetry.tick_seconds
    _family(lines, "b12bot_tick_duration_seconds", "histogram", "Duration of the periodic tick in this process")
    for bound, count in zip(hist.buckets, hist.counts, strict=True):
        lines.append(f'b12bot_tick_duration_seconds_bucket{{le="{_number(bound)}"}} {count}')
    lines.append(f'b12bot_tick_duration_seconds_bucket{{le="+Inf"}} {hist.total}')
    lines.append(f"b12bot_tick_duration_seconds_sum {_number(hist.sum)}")
    lines.append(f"b12bot_tick_duration_seconds_count {hist.total}")
    return "\n".join(lines) + "\n"
