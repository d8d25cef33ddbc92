"""The security half of the battery: forged buttons, invite-token guessing, and the log scanner itself.

Forged callback data (another patient's rows, stale rows, random data, a stranger in the team's group)
for every callback prefix the Application registers: each press is refused (the presser sees a short
answer to the button and nothing else), changes no row of any table but the audit trail and the inbox,
and writes exactly one audit row, with outcome "refused".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select
from telegram.ext import CallbackQueryHandler

from bot.app import SANDBOX_TOKEN
from bot.sandbox import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.services import link_guard
from bot.texts import t
from storage.models import DoseEvent, Flag, Invite, Patient, PatientMessage, Questionnaire
from tests.conftest import LogScan
from tests.helpers import (
    CLINICIAN,
    FORBIDDEN,
    audit_after,
    audit_mark,
    enrol,
    invite,
    snapshot,
    team_with_member,
)

NOW = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # Monday; reminders at 09:00 Berlin = 07:00 UTC
A = VirtualUser(2001, "Ann")
B = VirtualUser(2002, "Ben")
C = VirtualUser(2003, "Cleo")  # opened her link, has not answered the consent question
STRANGER = VirtualUser(3001, "Mallory")
GROUP_STRANGER = VirtualUser(3002, "Eve")  # in the team's alert group, not a team member
GROUP = -5001


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    messages: dict[str, SentMessage | None]


async def build_world(sb: Sandbox) -> World:
    await team_with_member(sb)
    sb.api.add_group(GROUP, "Neuro team")
    await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
    for user, alias in ((A, "MK-17"), (B, "MK-18")):
        await enrol(sb, user, await invite(sb, alias=alias, start=date(2026, 5, 4)))
    await sb.send(sb.users.text(C, f"/start {await invite(sb, alias='MK-19', start=date(2026, 5, 4))}"))
    await sb.send(sb.users.text(STRANGER, "/start"))
    await sb.run_until(NOW + timedelta(hours=1, minutes=5))  # both reminders sent
    await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/discharge MK-17"))
    await sb.send(sb.users.text(CLINICIAN, "/enrol"))
    async with sb.services.sessions() as session:
        patients = {p.alias: p for p in (await session.exec(select(Patient))).all()}
        invites = {i.patient_id: i for i in (await session.exec(select(Invite))).all() if i.patient_id}
        doses = (await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).all()
        questionnaires = {q.patient_id: q for q in (await session.exec(select(Questionnaire))).all()}
        a, b = patients["MK-17"], patients["MK-18"]
        assert a.id is not None and b.id is not None
        flag = Flag(
            patient_id=a.id, kind="red_flag", severity="urgent", episode="e", summary_key="k", raised_at=sb.clock()
        )
        session.add(flag)
        message_b = PatientMessage(patient_id=b.id, direction="to_patient", member_user_id=CLINICIAN.id, text="x",
                                   created_at=sb.clock())  # fmt: skip
        session.add(message_b)
        await session.commit()
    sent_a = next(d for d in doses if d.patient_id == a.id and d.status == "sent")
    planned_a = next(d for d in doses if d.patient_id == a.id and d.status == "planned")
    ids = {
        "patient_a": a.id,
        "invite_a": int(invites[a.id].id or 0),
        "invite_c": int(invites[patients["MK-19"].id].id or 0),
        "dose_a": int(sent_a.id or 0),
        "planned_a": int(planned_a.id or 0),
        "q_a": int(questionnaires[a.id].id or 0),
        "flag_a": int(flag.id or 0),
        "message_b": int(message_b.id or 0),
    }
    messages = {str(u.id): sb.api.last_to(u.id) for u in (A, B, C, STRANGER, CLINICIAN)}
    messages["group"] = sb.api.last_to(GROUP)
    assert all(messages.values()), messages
    return World(ids, messages)


# (prefix, case, presser, where (a user id or "group"), data with {ids} to fill in)
CASES: list[tuple[str, str, VirtualUser, str, str]] = [
    ("c1", "another patient's invite", B, "2002", "c1:{invite_c}:y"),
    ("c1", "stale: an invite used by another patient", B, "2002", "c1:{invite_a}:y"),
    ("c1", "random", STRANGER, "3001", "c1:¹:y"),
    ("d1", "another patient's dose", B, "2002", "d1:{dose_a}:t"),
    ("d1", "stale: a dose not sent yet", A, "2001", "d1:{planned_a}:t"),
    ("d1", "no such dose", STRANGER, "3001", "d1:2147483647:s"),
    ("d1", "random", A, "2001", "d1:{dose_a}:x"),
    ("p1", "a stranger confirms /stop", STRANGER, "3001", "p1:stop:y"),
    ("p1", "random", A, "2001", "p1:go:y"),
    ("q1", "another patient's questionnaire", B, "2002", "q1:{q_a}:0:5"),
    ("q1", "stale: a question not reached yet", A, "2001", "q1:{q_a}:7:5"),
    ("q1", "random", A, "2001", "q1:{q_a}:x:5"),
    ("v1:p", "a stranger pages the patient list", STRANGER, "3001", "v1:p:1"),
    ("v1:p", "a stranger in the team group", GROUP_STRANGER, "group", "v1:p:2"),
    ("v1:p", "random", CLINICIAN, "1001", "v1:p:-1"),
    ("v1:dc", "a stranger in the team group", GROUP_STRANGER, "group", "v1:dc:{patient_a}:y"),
    ("v1:dc", "random", CLINICIAN, "1001", "v1:dc:{patient_a}:maybe"),
    ("f1", "a stranger in the team group", GROUP_STRANGER, "group", "f1:{flag_a}:a"),
    ("f1", "a patient acknowledges a flag about someone", B, "2002", "f1:{flag_a}:m"),
    ("f1", "no such flag", CLINICIAN, "1001", "f1:2147483647:a"),
    ("f1", "random", CLINICIAN, "1001", "f1:{flag_a}"),
    ("e1", "a stranger answers the clinician's dialogue", STRANGER, "3001", "e1:team:1"),
    ("e1", "stale step", CLINICIAN, "1001", "e1:confirm:y"),
    ("e1", "random", CLINICIAN, "1001", "e1:"),
    ("l1", "another patient's invite", B, "2002", "l1:{invite_c}:es"),
    ("l1", "stale: an invite used by another patient", B, "2002", "l1:{invite_a}:es"),
    ("l1", "random", STRANGER, "3001", "l1:{invite_c}"),
    ("l1:me", "a stranger sets a language", STRANGER, "3001", "l1:me:es"),
    ("l1:me", "random", A, "2001", "l1:me:xx:1"),
    ("x1", "another patient's erasure", B, "2002", "x1:1:abc:y"),
    ("x1", "random", A, "2001", "x1:1:y"),
    ("s1", "a stranger confirms a change", STRANGER, "3001", "s1:ok"),
    ("s1", "stale: no change asked", A, "2001", "s1:no"),
    ("s1", "a stranger picks a time", STRANGER, "3001", "s1:t:0900"),
    ("s1", "random", A, "2001", "s1:zz:1"),
    ("m1", "a stranger in the team group", GROUP_STRANGER, "group", "m1:p:{patient_a}"),
    ("m1", "a patient writes to another patient", B, "2002", "m1:f:{flag_a}"),
    ("m1", "no such flag", CLINICIAN, "1001", "m1:f:2147483647"),
    ("m1", "random", CLINICIAN, "1001", "m1:x:{patient_a}"),
    ("m2", "another patient's message", A, "2001", "m2:{message_b}"),
    ("m2", "no such message", B, "2002", "m2:2147483647"),
    ("m2", "random", B, "2002", "m2:-1"),
    ("h2", "a stranger creates a helper link", STRANGER, "3001", "h2:y"),
    ("h2", "random", B, "2002", "h2:maybe"),
    ("h1", "a stranger answers a patient's invite as a helper", STRANGER, "3001", "h1:{invite_a}:y"),
    ("h1", "random", STRANGER, "3001", "h1:{invite_c}"),
    ("", "unknown prefix", STRANGER, "3001", "zz:{dose_a}:t"),
    ("", "random bytes", A, "2001", "\x00\ufffd\U0001f600" * 5),
]
# a registered prefix without a case here fails the test


def registered_prefixes(sb: Sandbox) -> set[str]:
    found = set()
    for handlers in sb.app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                pattern = handler.pattern.pattern if isinstance(handler.pattern, re.Pattern) else str(handler.pattern)
                found.add(pattern.lstrip("^").rstrip(":"))
    return found


async def test_forged_callback_data_is_refused_changes_nothing_and_is_audited_once(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        world = await build_world(sb)
        failures = []
        for prefix, case, user, where, template in CASES:
            data = template.format(**world.ids)
            message = world.messages[where]
            assert message is not None
            before, mark, calls = await snapshot(sb), await audit_mark(sb), len(sb.api.calls)
            await sb.send(sb.users.press(user, message, data))
            rows = await audit_after(sb, mark)
            made = [c.method for c in sb.api.calls[calls:]]
            problems = []
            if await snapshot(sb) != before:
                problems.append("rows changed")
            if [(r.outcome, str(user.id) in r.actor) for r in rows] != [("refused", True)]:
                problems.append(f"audit rows {[(r.action, r.actor, r.outcome, r.detail) for r in rows]}")
            if made != ["answerCallbackQuery"] or not sb.api.callback_answers[-1][1]:
                problems.append(f"calls {made}, answer {sb.api.callback_answers[-1][1:]}")
            if problems:
                failures.append(f"{prefix or '-'} {case} ({data!r}): {'; '.join(problems)}")
        covered = {case[0] for case in CASES}
        missing = registered_prefixes(sb) - covered
        assert not failures and not missing, "\n".join([*failures, f"no forged case for {sorted(missing)}"])


# -- invite tokens ------------------------------------------------------------------------------


def guesses(n: int) -> list[str]:
    """Guesses of the right shape (43 characters of base64url), none of them a real token."""
    return [f"{i:043d}".replace("0", "A") for i in range(n)]


async def test_token_guessing_is_rate_limited_per_chat_audited_and_survives_a_restart(database_url: str) -> None:
    """300 guesses from one chat (100 on PostgreSQL): none accepted; after GUESS_LIMIT unknown tokens every
    further link (even a real one) is refused with the kind message, until the window has passed; other chats
    are not affected; the count lives in the audit trail, so a restart does not reset it."""
    n = 300 if database_url.startswith("sqlite") else 100
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await team_with_member(sb)
        real = await invite(sb, start=date(2026, 5, 4))
        mark = await audit_mark(sb)
        answers = []
        for i, guess in enumerate(guesses(n)):
            if i == n // 2:
                await sb.restart()
            await sb.send(sb.users.text(STRANGER, f"/start {guess}"))
            answers.append(sb.api.last_to(STRANGER.id).text)  # type: ignore[union-attr]
            sb.clock.advance(timedelta(seconds=1))
        limit = link_guard.GUESS_LIMIT
        assert answers[:limit] == [t("link_unknown")] * limit
        assert answers[limit:] == [t("link_rate_limited")] * (n - limit)
        rows = await audit_after(sb, mark)
        assert [(r.action, r.outcome, r.actor) for r in rows] == [("link.open", "refused", f"tg:{STRANGER.id}")] * n
        reasons = [(r.detail or {}).get("reason") for r in rows]
        assert reasons == ["unknown"] * limit + ["rate_limited"] * (n - limit)
        # the real link is refused too while the chat is limited, and nothing was accepted
        await sb.send(sb.users.text(STRANGER, f"/start {real}"))
        assert sb.api.last_to(STRANGER.id).text == t("link_rate_limited")  # type: ignore[union-attr]
        async with sb.services.sessions() as session:
            patient = (await session.exec(select(Patient))).one()
            assert (patient.status, patient.chat_id) == ("invited", None)
        # another chat is not limited; once the window has passed, the limited chat may try again
        await sb.send(sb.users.text(A, f"/start {guesses(1)[0]}"))
        assert sb.api.last_to(A.id).text == t("link_unknown")  # type: ignore[union-attr]
        sb.clock.advance(link_guard.GUESS_WINDOW)
        await sb.send(sb.users.text(STRANGER, f"/start {real}"))
        assert "Do you agree?" in (sb.api.last_to(STRANGER.id).text or "")  # type: ignore[union-attr]


async def test_reused_expired_and_other_chat_tokens_are_never_accepted(sqlite_url: str) -> None:
    """Reuse, expiry and another chat (tests/test_invites.py has each in detail): 0 accepted."""
    async with Sandbox(database_url=sqlite_url, start=NOW) as sb:
        await team_with_member(sb)
        used, opened, expiring = [await invite(sb, alias=f"MK-{n}", start=date(2026, 5, 4)) for n in (1, 2, 3)]
        await enrol(sb, A, used)
        await sb.send(sb.users.text(B, f"/start {opened}"))
        sb.clock.advance(timedelta(days=13, hours=23))
        await sb.send(sb.users.text(C, f"/start {used}"))
        assert sb.api.last_to(C.id).text == t("link_used")  # type: ignore[union-attr]
        await sb.send(sb.users.text(C, f"/start {opened}"))
        assert sb.api.last_to(C.id).text == t("link_other_chat")  # type: ignore[union-attr]
        sb.clock.advance(timedelta(hours=1))
        await sb.send(sb.users.text(C, f"/start {expiring}"))
        assert sb.api.last_to(C.id).text == t("link_expired")  # type: ignore[union-attr]
        async with sb.services.sessions() as session:
            enrolled = (await session.exec(select(Patient.alias).where(col(Patient.chat_id).is_not(None)))).all()
        assert list(enrolled) == ["MK-1"]


# -- the log scanner (tests/conftest.py) --------------------------------------------------------


async def test_the_log_scanner_sees_library_debug_output_and_catches_a_leak(sqlite_url: str, log_scan: LogScan) -> None:
    async with Sandbox(database_url=sqlite_url, start=NOW) as sb:
        await team_with_member(sb)
        token = await invite(sb, alias="ZX-42", start=date(2026, 5, 4))
        await enrol(sb, A, token)
        # it sees SQLAlchemy's statements, and the parameters (the alias) are hidden from them
        sql = [r for r in log_scan.records if r.name.startswith("sqlalchemy.engine")]
        assert any("INSERT INTO patient" in r.getMessage() for r in sql)
        assert log_scan.leaks(set(FORBIDDEN)) == []
        assert {"ZX-42", SANDBOX_TOKEN} <= FORBIDDEN
        # python-telegram-bot's DEBUG records carry request parameters (here the consent text, which names
        # the alias): with its logger let down to DEBUG, the scanner catches them
        assert token in FORBIDDEN
        telegram = logging.getLogger("telegram")
        telegram.setLevel(logging.DEBUG)
        try:
            await enrol(sb, B, await invite(sb, alias="ZX-43", start=date(2026, 5, 4)))
        finally:
            telegram.setLevel(logging.INFO)
        assert ("ZX-43", "telegram.ext.ExtBot") in log_scan.leaks(set(FORBIDDEN))
        # and a forbidden string logged by our own code is caught, in the message, its args or its extras
        log_scan.records.clear()
        logging.getLogger("bot.test").debug("patient %s", "ZX-42")
        logging.getLogger("bot.test").info("hello", extra={"alias": "ZX-42"})
        assert [name for _, name in log_scan.leaks({"ZX-42"})] == ["bot.test", "bot.test"]
        log_scan.records.clear()  # the teardown check would fail this test otherwise
