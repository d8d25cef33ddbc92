"""The stranger check (services/stranger_guard.py) of a press on a dose reminder or a questionnaire is left
to its handler.

bot/inbox.py runs the check before the Application handles an update, except for a dose reminder's and a
questionnaire's buttons: the press's own read of the dose (the questionnaire) tells whether the presser is the
patient, who is never a stranger, so a patient's Taken or answer costs no check (a session and a SELECT; on
PostgreSQL a SAVEPOINT pair too). The handler runs the check (`stranger_limited`) before it answers or writes
anything when the presser is not the patient, or the press is not a plain Taken / Snooze / Skip (a malformed
questionnaire press); an update found over the limit is kept as limited, not handled.
"""

from __future__ import annotations

from typing import Any

from storage.unit import CLAIM

DOSE_BUTTONS = "d1:"  # callback data of a dose reminder's buttons (bot/handlers/doses.py)
QUESTIONNAIRE_BUTTONS = "q1:"  # a questionnaire's buttons (bot/handlers/questionnaire.py)
LEFT = (DOSE_BUTTONS, QUESTIONNAIRE_BUTTONS)


def left_to_handler(payload: dict[str, Any]) -> bool:
    """True for a stored update whose stranger check its handler runs: a press on a dose reminder's button or
    a questionnaire's."""
    data = (payload.get("callback_query") or {}).get("data")
    return isinstance(data, str) and data.startswith(LEFT)


async def stranger_limited() -> bool:
    """The stranger check left to the handler of the update being handled, run now. True: the sender is over
    the strangers' limit (the handler leaves the update: bot/inbox.py keeps it as limited). False when no
    check was left to the handler (it ran before the handler), or it passed."""
    claim = CLAIM.get()
    if claim is None or claim.guard is None:
        return False
    guard, claim.guard = claim.guard, None
    armed, claim.armed = claim.armed, False  # the check's own commit (its audit row) does not mark the update
    try:
        claim.limited = await guard()
    finally:
        claim.armed = armed
    return claim.limited
