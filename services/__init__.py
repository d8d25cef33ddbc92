"""Services: plain functions the handlers call. No Telegram import is allowed here (a test checks)."""
