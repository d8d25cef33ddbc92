"""An in-process stand-in for the Telegram Bot API: the contract (``contract``: spec, records, rules),
the HTTP boundary (``http``), the API (``api``), incoming updates (``updates``), faults (``faults``) and the
harness that runs the real Application against it (``harness``)."""
