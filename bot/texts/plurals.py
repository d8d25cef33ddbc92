"""Texts that count something: key -> (English singular, the parameter that holds the count).

The English catalogue holds the plural form under the key; the singular is here. Translations get one
form per plural category of their language (Russian has three), picked by gettext's plural rule
(`npgettext`), so "каждые 3 дня" and "каждые 5 дней" both come out right. Add a key here when a new
text counts something.
"""

from __future__ import annotations

PLURALS: dict[str, tuple[str, str]] = {
    "freq_times_a_day": ("{n} time a day", "n"),
    "freq_every_n_days": ("every {n} day", "n"),
    "freq_week_days": ("{n} time a week", "n"),
    "freq_every_n_months": ("every {n} month", "n"),
    "btn_snooze": ("Snooze {minutes} min", "minutes"),
    "span_days": ("{n} day", "n"),
    "span_weeks": ("{n} week", "n"),
    "span_months": ("{n} month", "n"),
    "span_doses": ("{n} dose", "n"),
    "helper_doses": ("{n} dose", "n"),
    "digest_active": ("{n} active patient", "n"),
    "digest_open_flags": ("{n} open flag", "n"),
}
