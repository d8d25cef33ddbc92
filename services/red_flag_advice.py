"""What the advice after a red-flag report needs (/symptoms or the weekly questions): the symptoms reported,
the patient's zone (the emergency number's region), the team's reading hours. Rendered by bot/render/red_flags.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from care.protocol import Protocol
from storage.models import Patient, Team


@dataclass(frozen=True)
class AdviceFacts:
    """What the advice after a report needs: the symptoms, the patient's zone, the team's hours."""

    reported: tuple[str, ...]  # red-flag item keys answered yes
    timezone: str  # the patient's (the emergency number's region)
    hours: str | None = None  # the team's reading hours (care.hours text), None when not set
    team_timezone: str = "UTC"
    crisis_line: str | None = None  # protocol red_flags.crisis_line


async def advice_facts(
    session: AsyncSession, patient: Patient, reported: tuple[str, ...], protocol: Protocol
) -> AdviceFacts:
    team = await session.get(Team, patient.team_id)
    return AdviceFacts(
        reported=reported,
        timezone=patient.timezone,
        hours=team.hours if team is not None else None,
        team_timezone=team.timezone if team is not None else "UTC",
        crisis_line=protocol.red_flags.crisis_line,
    )
