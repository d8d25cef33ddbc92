"""The dialect helpers now live in the query layer (storage/queries/dialect.py); kept for the callers that
still import them from here."""

from __future__ import annotations

from storage.queries.dialect import insert_ignore, is_postgres, rowcount

__all__ = ["insert_ignore", "is_postgres", "rowcount"]
