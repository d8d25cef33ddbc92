"""After /delete_my_data nothing of the person is left in the SQLite file's bytes, nor in its write-ahead log.

SQLite keeps deleted and overwritten content in free pages and in the WAL unless `secure_delete` is on and
the log is checkpointed and truncated (storage/engine.py). The scan reads the files as bytes, like someone
with a copy of them would. The same scan finds no raw invite or join token once a link has been opened.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from services import enrolment
from storage.engine import checkpoint
from tests.helpers import TTL, forbid, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all

PAT = VirtualUser(2001, "Zephyrine", username="zeph_q7x")
ALIAS = "QZ-8317"
TYPED = "my feet burn like xylophones tonight"  # a patient's own words, typed in the chat
START = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


async def builds_without_secure_delete(sb: Sandbox) -> None:
    """SQLite's own default is secure_delete=OFF; some Python builds (Debian's, this one) turn it on at compile
    time. Each new connection starts OFF here, as with the default, before the engine's own settings."""

    def off(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA secure_delete=OFF")
        cursor.close()

    event.listen(sb.services.engine.sync_engine, "connect", off, insert=True)
    await sb.services.engine.dispose()  # the connections made so far are closed; the next ones go through `off`
    async with sb.services.engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA secure_delete")).scalar() == 1  # storage/engine.py set it


def hits(database: Path, *needles: str) -> dict[str, int]:
    """How often each string occurs in the database file and its WAL (as UTF-8 and, for aliases, lower case)."""
    found = {}
    blobs = [p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists()]
    for needle in needles:
        variants = {needle.encode(), needle.lower().encode()}
        found[needle] = sum(blob.count(v) for blob in blobs for v in variants)
    return found


async def test_no_byte_of_the_erased_person_or_of_a_used_token_is_left_in_the_files(tmp_path: Path) -> None:
    database = tmp_path / "b12bot.db"
    async with Sandbox(database_url=f"sqlite:///{database}", start=START) as sb:
        await builds_without_secure_delete(sb)
        await team_with_member(sb)
        join = await enrolment.new_join_link(sb.services.sessions, team_name="Neuro clinic", now=START, ttl=TTL)
        forbid(join.token)
        token = await invite(sb, alias=ALIAS, start=date(2026, 9, 2))
        await sb.send(sb.users.text(PAT, f"/start {token}"))
        assert hits(database, token, join.token) == {token: 0, join.token: 0}  # opened, not yet answered
        await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "I agree"))  # type: ignore[arg-type]
        await sb.send(sb.users.text(VirtualUser(1002, "Dr Two"), f"/start {join.token}"))
        await sb.tick()
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.send(sb.users.text(PAT, TYPED))
        person = (PAT.first_name, str(PAT.username), ALIAS, TYPED)
        assert all(n > 0 for n in hits(database, *person).values())  # the scan does see them while kept
        assert hits(database, token, join.token) == {token: 0, join.token: 0}
        assert await checkpoint(sb.services.engine)  # as SQLite's own does every 1000 pages: all in the main file
        assert all(n > 0 for n in hits(database, PAT.first_name, ALIAS).values())

        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "Delete my data"))  # type: ignore[arg-type]
        assert "Your data has been deleted" in (sb.api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        name_and_words = (PAT.first_name, str(PAT.username), TYPED)
        assert hits(database, *name_and_words) == dict.fromkeys(name_and_words, 0)
        # the team's notice names the former alias until it has been sent, then the row forgets it
        await sb.tick()
        assert any(ALIAS in (m.text or "") for m in sb.api.sent_to(1001))
        assert hits(database, *person) == dict.fromkeys(person, 0)
        assert hits(database, token, join.token) == {token: 0, join.token: 0}
