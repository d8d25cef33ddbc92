"""Which command menu a chat should show, and the outbox rows that set it (no Telegram import here).

A menu change is an outbox row of kind `menu` for the chat (bot/sending/menus.py sends it): added when a
member joins or is removed and when a group becomes (or stops being) a team's alert chat. What the menu
holds is decided from the database when the row is sent, so a late or repeated row is always right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from services import teams
from storage.engine import Sessions
from storage.queries import teams as teams_q

KIND = "menu"


@dataclass(frozen=True)
class Menu:
    role: str | None  # "team": the team's commands; None: the default (patients') menu
    group: bool = False
    language: str = "en"
    teams: tuple[str, ...] = ()


async def plan(session: AsyncSession, chat_id: int, *, now: datetime) -> None:
    """An outbox row to set `chat_id`'s menu (in the caller's transaction); a duplicate is harmless."""
    entry = agenda.Entry(KIND, f"menu:{chat_id}:{now.timestamp():.6f}", chat_id, now, payload={})
    await agenda.enqueue(session, [entry], now=now)


async def menu_of(session: AsyncSession, chat_id: int, *, private: bool) -> Menu:
    """A member's private chat or a team's alert group: the team's menu (in the team's language)."""
    if private:
        mine = await teams.memberships(session, chat_id)  # a private chat's id is the user's id
        if mine:
            return Menu("team", False, mine[0].language, tuple(m.team for m in mine))
        return Menu(None)
    team = await teams.team_of_chat(session, chat_id)
    if team is not None:
        return Menu("team", True, team.language, (team.name,))
    return Menu(None, True)


async def plan_all(sessions: Sessions, *, now: datetime) -> int:
    """At start-up: a menu row for every active member and every alert group (menus kept up to date after
    an upgrade, or after a menu was changed in BotFather). Returns the rows planned."""
    async with sessions() as session:
        members = await teams_q.active_member_user_ids(session)
        groups = await teams_q.alert_chat_ids(session)
        chats = sorted({*members, *groups})
        for chat in chats:
            await plan(session, chat, now=now)
        await session.commit()
    return len(chats)
