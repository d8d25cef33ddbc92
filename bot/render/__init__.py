"""Rendering: plain data in, Telegram texts, keyboards and pictures out (no database, no sending)."""
