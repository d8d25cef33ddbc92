"""English texts of escalation (issue 14): an urgent alert nobody owned in time, posted again. Care-team only."""

from __future__ import annotations

ESCALATION_TEAM: dict[str, str] = {
    "alert_escalated": (
        "⏰ Still unowned after {unowned} · urgent alert #{flag_id}, patient {alias}\n{summary}\n"
        "Nobody has acknowledged it or taken it on yet. This reminder goes once to everyone on the care team."
    ),
    "alert_escalated_hint": "Please press Acknowledge or Assign to me below (or send /ack {flag_id}).",
    "unowned_minutes": "{minutes} min",
    "unowned_hours": "{hours} h {minutes} min",
    "unowned_days": "{days} d {hours} h",
    "digest_severity_escalated": "⏰ Escalated: urgent and nobody owned it in time ({count})",
}
