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
from datetime import date, time, timedelta

from sqlmodel import col, select
from telegram.ext import CallbackQueryHandler

from bot.app import SANDBOX_TOKEN
from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.security_world import GROUP_STRANGER, NOW, STRANGER, A, B, C, build_world
from bot.sandbox.updates import VirtualUser
from bot.texts import t
from services import link_guard
from services.stranger_guard import STRANGER_LIMIT
from storage.models import Flag, Patient, TeamMember
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
    ("a1", "a stranger in the team group moves the alerts here", GROUP_STRANGER, "group", "a1:1:y"),
    ("a1", "a stranger moves the alerts to a private chat", STRANGER, "3001", "a1:1:y"),
    ("a1", "a member moves the alerts to their private chat", CLINICIAN, "1001", "a1:1:y"),
    ("a1", "random", CLINICIAN, "1001", "a1:1:maybe"),
    ("m1", "a stranger removes a member", STRANGER, "3001", "m1:rm:1"),
    ("m1", "a stranger in the team group confirms a removal", GROUP_STRANGER, "group", "m1:ok:1"),
    ("m1", "a patient removes a member", B, "2002", "m1:ok:1"),
    ("m1", "the admin removes themselves", CLINICIAN, "1001", "m1:ok:1"),
    ("m1", "no such member", CLINICIAN, "1001", "m1:rm:2147483647"),
    ("m1", "random", CLINICIAN, "1001", "m1:rm:x"),
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
    ("w1", "a stranger in the team group", GROUP_STRANGER, "group", "w1:p:{patient_a}"),
    ("w1", "a patient writes to another patient", B, "2002", "w1:f:{flag_a}"),
    ("w1", "no such flag", CLINICIAN, "1001", "w1:f:2147483647"),
    ("w1", "random", CLINICIAN, "1001", "w1:x:{patient_a}"),
    ("m2", "another patient's message", A, "2001", "m2:{message_b}"),
    ("m2", "no such message", B, "2002", "m2:2147483647"),
    ("m2", "random", B, "2002", "m2:-1"),
    ("h2", "a stranger creates a helper link", STRANGER, "3001", "h2:y"),
    ("h2", "random", B, "2002", "h2:maybe"),
    ("h1", "a stranger answers a patient's invite as a helper", STRANGER, "3001", "h1:{invite_a}:y"),
    ("h1", "random", STRANGER, "3001", "h1:{invite_c}"),
    ("r1", "another patient's red-flag screen", A, "2001", "r1:{screen_b}:{nonce_b:06x}:n"),
    ("r1", "a stranger on a patient's screen", STRANGER, "3001", "r1:{screen_b}:{nonce_b:06x}:y"),
    ("r1", "stale: a screen's old nonce", B, "2002", "r1:{screen_b}:000000:n"),
    ("r1", "a step the screen is not at (Done before Yes)", B, "2002", "r1:{screen_b}:{nonce_b:06x}:d"),
    ("r1", "random", B, "2002", "r1:x:y"),
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
    are not affected; the count lives in the audit trail, so a restart does not reset it. A stranger's updates
    beyond STRANGER_LIMIT an hour (services/stranger_guard.py) get no answer and no audit row but one."""
    n = 300 if database_url.startswith("sqlite") else 100
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await team_with_member(sb)
        real = await invite(sb, start=date(2026, 5, 4))
        mark = await audit_mark(sb)
        for i, guess in enumerate(guesses(n)):
            if i == n // 2:
                await sb.restart()
            await sb.send(sb.users.text(STRANGER, f"/start {guess}"))
            sb.clock.advance(timedelta(seconds=1))
        limit, quiet = link_guard.GUESS_LIMIT, STRANGER_LIMIT
        answers = sb.api.texts_to(STRANGER.id)
        assert answers == [t("link_unknown")] * limit + [t("link_rate_limited")] * (quiet - limit)
        rows = await audit_after(sb, mark)
        refused = ("link.open", "refused", f"tg:{STRANGER.id}")
        assert [(r.action, r.outcome, r.actor) for r in rows] == [refused] * quiet + [
            ("updates.limited", "refused", f"tg:{STRANGER.id}")
        ]
        reasons = [(r.detail or {}).get("reason") for r in rows]
        assert reasons == ["unknown"] * limit + ["rate_limited"] * (quiet - limit) + ["stranger_limit"]
        # the real link gets no answer while the chat is limited, and nothing was accepted
        await sb.send(sb.users.text(STRANGER, f"/start {real}"))
        assert len(sb.api.texts_to(STRANGER.id)) == quiet
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


# -- team actions in a foreign chat (issue 12) --------------------------------------------------
# A clinician who is a member of two teams, A ("Neuro clinic", group GROUP_A) and B ("Pain clinic", group
# GROUP_B), acts on B's patient, flag or member from A's group (or from a group of no team): every team
# command and every team button is refused there, changes nothing, answers nothing about B, and writes one
# refused audit row. The same rule as /patients (services/team_access.scope) decides for all of them.

GROUP_A, GROUP_B, GROUP_NONE = -6001, -6002, -6003
TEAM_B = "Pain clinic"
COLLEAGUE_B = VirtualUser(1005, "Dr Pain")  # a member of team B only


@dataclass(frozen=True)
class TwoTeams:
    ids: dict[str, int]
    in_group: dict[int, SentMessage]  # a bot message in each group, to press forged buttons on


async def two_teams(sb: Sandbox) -> TwoTeams:
    from services import enrolment
    from tests.helpers import TTL, forbid

    await team_with_member(sb)
    issued = await enrolment.create_team(
        sb.services.sessions, name=TEAM_B, timezone="Europe/Berlin", digest_time=time(8), now=sb.clock(), ttl=TTL
    )
    forbid(issued.token)
    await sb.send(sb.users.text(CLINICIAN, f"/start {issued.token}"))
    second = await enrolment.new_join_link(sb.services.sessions, team_name=TEAM_B, now=sb.clock(), ttl=TTL)
    forbid(second.token)
    await sb.send(sb.users.text(COLLEAGUE_B, f"/start {second.token}"))
    for group, title, team in ((GROUP_A, "Neuro team", "Neuro clinic"), (GROUP_B, "Pain team", TEAM_B)):
        sb.api.add_group(group, title)
        await sb.send(sb.users.text_in_group(CLINICIAN, group, f"/team_chat {team}"))
    sb.api.add_group(GROUP_NONE, "Coffee")
    await sb.send(sb.users.text_in_group(CLINICIAN, GROUP_NONE, "/patients"))
    await enrol(sb, B, await invite(sb, alias="PB-1", team=TEAM_B, start=date(2026, 5, 4)))
    async with sb.services.sessions() as session:
        patient = (await session.exec(select(Patient).where(Patient.alias == "PB-1"))).one()
        assert patient.id is not None
        flag = Flag(
            patient_id=patient.id,
            kind="red_flag",
            severity="urgent",
            episode="e",
            summary_key="k",
            raised_at=sb.clock(),
        )
        session.add(flag)
        await session.commit()
        member_b = (await session.exec(select(TeamMember).where(TeamMember.telegram_user_id == COLLEAGUE_B.id))).one()
        ids = {"patient_b": patient.id, "flag_b": int(flag.id or 0), "team_b": patient.team_id}
        ids["member_b"] = int(member_b.id or 0)
    in_group = {}
    for group in (GROUP_A, GROUP_B, GROUP_NONE):
        last = sb.api.last_to(group)
        assert last is not None, group
        in_group[group] = last
    return TwoTeams(ids, in_group)


# (command or callback prefix, case, chat, text or callback data with {ids})
FOREIGN: list[tuple[str, str, int, str]] = [
    ("/patients", "in a group of no team", GROUP_NONE, "/patients"),
    ("/patient", "B's patient in A's group", GROUP_A, "/patient PB-1"),
    ("/pause_patient", "B's patient in A's group", GROUP_A, "/pause_patient PB-1"),
    ("/resume_patient", "B's patient in A's group", GROUP_A, "/resume_patient PB-1"),
    ("/discharge", "B's patient in A's group", GROUP_A, "/discharge PB-1"),
    ("/ack", "B's flag in A's group", GROUP_A, "/ack {flag_b}"),
    ("/ack", "B's flag in a group of no team", GROUP_NONE, "/ack {flag_b}"),
    ("/team_chat", "B's alerts into A's group", GROUP_A, "/team_chat Pain clinic"),
    ("/enrol", "in A's group", GROUP_A, "/enrol"),
    ("v1:p", "paging in a group of no team", GROUP_NONE, "v1:p:1"),
    ("v1:dc", "discharging B's patient in A's group", GROUP_A, "v1:dc:{patient_b}:y"),
    ("v1:dc", "discharging B's patient in a group of no team", GROUP_NONE, "v1:dc:{patient_b}:y"),
    ("f1", "acknowledging B's flag in A's group", GROUP_A, "f1:{flag_b}:a"),
    ("f1", "taking B's flag in A's group", GROUP_A, "f1:{flag_b}:m"),
    ("e1", "B's enrolment step in A's group", GROUP_A, "e1:team:{patient_b}"),
    ("/members", "in a group of no team", GROUP_NONE, "/members"),
    ("m1", "removing B's member in A's group", GROUP_A, "m1:rm:{member_b}"),
    ("m1", "confirming the removal of B's member in A's group", GROUP_A, "m1:ok:{member_b}"),
    ("a1", "moving B's alerts into A's group", GROUP_A, "a1:{team_b}:y"),
    ("/msg", "writing to B's patient from A's group", GROUP_A, "/msg PB-1 hello"),
    ("w1", "writing to B's patient from A's group", GROUP_A, "w1:p:{patient_b}"),
    ("/team_language", "in a group of no team", GROUP_NONE, "/team_language es"),
    ("/team_digest", "in a group of no team", GROUP_NONE, "/team_digest quiet"),
    ("/team_hours", "setting hours in a group of no team", GROUP_NONE, "/team_hours Mon-Fri 08:00-17:00"),
]
# commands that show how to use the bot and change nothing, whoever asks (no team data, nothing to refuse)
INFO_COMMANDS = {"/help"}
# a patient's (or their helper's) own buttons, tested above: Reply (m2), the helper's link and consent (h1, h2),
# the red-flag screen (r1)
PATIENT_PREFIXES = {"c1", "d1", "p1", "q1", "l1", "l1:me", "x1", "s1", "m2", "h1", "h2", "r1"}


def refusals(world: TwoTeams) -> set[str]:
    """What a refused team action may answer (the typed alias echoed, nothing about team B)."""
    keys = ("tv_refused", "flag_refused", "team_chat_taken", "enrol_private_only", "press_stale", "members_refused")
    keys += ("tv_group_unset", "team_refused")  # issue 13: a member in a group of no team is told to run /team_chat
    flag = world.ids["flag_b"]
    return {t(key) for key in keys} | {t("tv_no_patient", alias="PB-1"), t("flag_missing", flag_id=flag)}


def group_commands(sb: Sandbox) -> set[str]:
    """The commands a handler takes in a group chat: the team commands."""
    from telegram import Update
    from telegram.ext import CommandHandler

    found: set[str] = set()
    for handlers in sb.app.handlers.values():
        for handler in handlers:
            if not isinstance(handler, CommandHandler):
                continue
            for command in handler.commands:
                update = Update.de_json(sb.users.text_in_group(CLINICIAN, GROUP_NONE, f"/{command}"), sb.app.bot)
                if handler.check_update(update):
                    found.add(f"/{command}")
    return found


async def test_every_team_command_and_button_in_a_foreign_chat_is_refused(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        world = await two_teams(sb)
        failures = []
        for name, case, chat, template in FOREIGN:
            text = template.format(**world.ids)
            before, mark, calls = await snapshot(sb), await audit_mark(sb), len(sb.api.calls)
            if name.startswith("/"):
                await sb.send(sb.users.text_in_group(CLINICIAN, chat, text))
            else:
                await sb.send(sb.users.press(CLINICIAN, world.in_group[chat], text))
            rows = await audit_after(sb, mark)
            made = sb.api.calls[calls:]
            said = [str(c.params.get("text") or "") for c in made]
            problems = []
            if await snapshot(sb) != before:
                problems.append("rows changed")
            if [(r.outcome, r.actor) for r in rows] != [("refused", f"tg:{CLINICIAN.id}")]:
                problems.append(f"audit rows {[(r.action, r.outcome, r.detail) for r in rows]}")
            if not set(said) <= refusals(world) or any(c.params.get("chat_id") not in (None, chat) for c in made):
                problems.append(f"said {said!r} to {[c.params.get('chat_id') for c in made]}")
            if len(made) != 1:
                problems.append(f"calls {[c.method for c in made]}")
            if problems:
                failures.append(f"{name} {case} ({text!r}): {'; '.join(problems)}")
        covered = {case[0] for case in FOREIGN}
        missing = (group_commands(sb) | (registered_prefixes(sb) - PATIENT_PREFIXES)) - covered - INFO_COMMANDS
        assert not failures and not missing, "\n".join([*failures, f"no foreign-chat case for {sorted(missing)}"])
