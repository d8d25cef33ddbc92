"""Scenarios of the reliability battery (issue 7), shared by tests/test_battery_delivery.py (small sizes)
and bench/killnine.py, bench/replay.py, bench/faults.py (full sizes). Each returns its figures as a dict:
`killnine` (processes.py), `replay` (inbox.py), `faults` (transport.py); rows.py reads the tables.
"""

from __future__ import annotations

from bot.sandbox.battery.inbox import replay
from bot.sandbox.battery.processes import killnine
from bot.sandbox.battery.transport import faults

__all__ = ["faults", "killnine", "replay"]
