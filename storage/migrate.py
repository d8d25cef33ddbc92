"""Alembic migrations, run on the application's own async engine.

`b12bot run` only checks that the schema is at the head revision: it reads the head from the migration
files and the current revision from the `alembic_version` table, without importing Alembic (about 10 MB
and a quarter of a second of start-up); upgrade and downgrade import it when they run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x62313262  # PostgreSQL advisory lock key ("b12b"): one schema change at a time
REVISION = re.compile(r'^revision: str = "([^"]+)"$', re.M)
DOWN_REVISION = re.compile(r'^down_revision: str \| None = (?:None|"([^"]+)")$', re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The one revision no other migration names as its parent (the files' own `revision` lines)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found, parent = REVISION.search(source), DOWN_REVISION.search(source)
        if found is None or parent is None:
            raise RuntimeError(f"{path.name}: no `revision: str = ...` or `down_revision: str | None = ...` line")
        revisions.add(found.group(1))
        if parent.group(1):
            parents.add(parent.group(1))
    (head,) = revisions - parents
    return head


def _run(connection: Connection, action: str, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    if action == "upgrade":
        command.upgrade(cfg, revision)
    else:
        command.downgrade(cfg, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Several containers may start at once and each run `b12bot db upgrade`: on PostgreSQL they take turns
    (a transaction-scoped advisory lock), and the later ones find the schema current and change nothing."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(_run, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_run, "downgrade", revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    def _current(connection: Connection) -> str | None:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    async with engine.connect() as conn:
        return await conn.run_sync(_current)


class SchemaOutOfDate(RuntimeError):
    pass


async def require_current(engine: AsyncEngine) -> None:
    """Refuse to run on a database whose schema is not at the head revision."""
    current, head = await current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"the database schema is at {current or 'nothing (empty database)'}, this version needs {head}. "
            "Run `b12bot db upgrade` first (back up the database before upgrading)."
        )
