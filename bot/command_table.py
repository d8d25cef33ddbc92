"""The one table of commands: the Telegram menus by role (bot/menus.py), the care team's /help, and the
BotFather `/setcommands` list (`b12bot commands`). Each command: its name, who uses it, where, and the
key of its one-line description in the catalogue (bot/texts: `cmd_<name>`)."""

from __future__ import annotations

from dataclasses import dataclass

PATIENT = "patient"
TEAM = "team"
PRIVATE = "private"
GROUP = "group"
BOTH = "both"


@dataclass(frozen=True)
class Command:
    name: str
    role: str  # patient | team
    where: str = PRIVATE  # private | group | both (team commands)

    @property
    def key(self) -> str:
        return f"cmd_{self.role}_{self.name}"


COMMANDS: tuple[Command, ...] = (
    Command("symptoms", PATIENT),
    Command("status", PATIENT),
    Command("pause", PATIENT),
    Command("resume", PATIENT),
    Command("time", PATIENT),
    Command("timezone", PATIENT),
    Command("language", PATIENT),
    Command("helper", PATIENT),
    Command("mydata", PATIENT),
    Command("delete_my_data", PATIENT),
    Command("cancel", PATIENT),
    Command("stop", PATIENT),
    Command("help", PATIENT),
    Command("patients", TEAM, BOTH),
    Command("patient", TEAM, BOTH),
    Command("ack", TEAM, BOTH),
    Command("msg", TEAM, BOTH),
    Command("enrol", TEAM, PRIVATE),
    Command("pause_patient", TEAM, BOTH),
    Command("resume_patient", TEAM, BOTH),
    Command("discharge", TEAM, BOTH),
    Command("members", TEAM, BOTH),
    Command("team_chat", TEAM, GROUP),
    Command("team_language", TEAM, BOTH),
    Command("team_digest", TEAM, BOTH),
    Command("team_hours", TEAM, BOTH),
    Command("cancel", TEAM, PRIVATE),
    Command("help", TEAM, BOTH),
)


def commands(role: str, *, group: bool = False) -> list[Command]:
    """The commands of `role`, in menu order; a team's in its group, or in a member's private chat."""
    if role == PATIENT:
        return [c for c in COMMANDS if c.role == PATIENT]
    return [c for c in COMMANDS if c.role == TEAM and c.where in (BOTH, GROUP if group else PRIVATE)]


def botfather_list(role: str = PATIENT, *, group: bool = False) -> str:
    """What BotFather's /setcommands takes: one `command - description` a line (English)."""
    from bot.texts import t

    return "\n".join(f"{c.name} - {t(c.key)}" for c in commands(role, group=group))
