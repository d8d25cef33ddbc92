"""An in-process stand-in for the Telegram Bot API: the spec and its per-call rules (``spec``), the records,
errors and rendering (``contract``), the HTTP boundary (``http``), the API (``api``, with its chats in ``chats``
and the bot's messages in ``messages``), incoming updates (``updates``), faults (``faults``) and the harness
that runs the real Application against it (``harness``). Shared by the tests, the benchmarks and the demo:
the steps a person takes (``steps``), populated worlds (``security_world``), fuzzed updates (``fuzzing``,
``fuzz_checks``) and the reliability scenarios (``battery``)."""
