"""What a simulation produced, read back from the database and the stand-in: the summary and its JSON."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.simulate.clinic import Clinic
from storage.models import DoseEvent, Flag, Outbox, Patient, Questionnaire
from storage.status import OutboxStatus


async def summary(clinic: Clinic, *, wall_seconds: float) -> dict[str, Any]:
    sb: Sandbox = clinic.sb
    profile_of = {p.patient.alias: p.patient.profile for p in clinic.people}
    async with sb.services.sessions() as session:
        patients = {p.id: p.alias for p in (await session.exec(select(Patient))).all()}
        doses = (await session.exec(select(DoseEvent.patient_id, DoseEvent.status))).all()
        flags = (await session.exec(select(Flag))).all()
        sent = (await session.exec(select(Outbox.kind).where(col(Outbox.status) == OutboxStatus.SENT))).all()
        completed = (await session.exec(select(Questionnaire.id).where(col(Questionnaire.status) == "completed"))).all()
    kinds = Counter(sent)
    by_profile: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"patients": 0, "adherence": None, "flags": Counter(), "verdicts": {}}
    )
    for profile in profile_of.values():
        by_profile[profile]["patients"] += 1
    taken: Counter[str] = Counter()
    due: Counter[str] = Counter()
    for patient_id, status in doses:
        profile = profile_of.get(patients.get(patient_id, ""), "")
        if status in ("taken", "skipped", "unconfirmed", "missed"):
            due[profile] += 1
            taken[profile] += status == "taken"
    for profile, entry in by_profile.items():
        entry["adherence"] = round(taken[profile] / due[profile], 3) if due[profile] else None
    for flag in flags:
        profile = profile_of.get(patients.get(flag.patient_id, ""), "")
        by_profile[profile]["flags"][flag.kind] += 1
        if flag.episode.startswith("milestone:week:"):
            week = f"week{flag.episode.rsplit(':', 1)[1]}"
            outcome = str(flag.facts.get("outcome", "?"))
            by_profile[profile]["verdicts"].setdefault(week, Counter())[outcome] += 1
    return {
        "patients": clinic.config.patients,
        "weeks": clinic.config.weeks,
        "seed": clinic.config.seed,
        "messages_sent": sb.api.count("sendMessage") + sb.api.count("sendPhoto") + sb.api.count("sendDocument"),
        "reminders_sent": kinds["dose_reminder"],
        "doses_confirmed": sum(taken.values()),
        "questionnaires_completed": len(completed),
        "digests_sent": kinds["digest"],
        "flags": dict(Counter(f.kind for f in flags)),
        "by_profile": {
            k: {**v, "flags": dict(v["flags"]), "verdicts": {w: dict(c) for w, c in v["verdicts"].items()}}
            for k, v in sorted(by_profile.items())
        },
        "presses_per_questionnaire": _figures(clinic.presses),
        "chat_messages_per_questionnaire": _figures(clinic.chat_messages),
        "wall_seconds": round(wall_seconds, 2),
    }


def _figures(by_kind: dict[str, list[int]]) -> dict[str, dict[str, float | int]]:
    """Per questionnaire kind: how many were answered, and the fewest, mean and most of the figure."""
    return {
        kind: {"answered": len(v), "min": min(v), "mean": round(sum(v) / len(v), 2), "max": max(v)}
        for kind, v in sorted(by_kind.items())
        if v
    }


def readable(data: dict[str, Any]) -> str:
    lines = [
        f"Virtual clinic: {data['patients']} patients, {data['weeks']} weeks, seed {data['seed']}",
        f"messages sent {data['messages_sent']} · reminders {data['reminders_sent']} · doses confirmed "
        f"{data['doses_confirmed']} · questionnaires completed {data['questionnaires_completed']} · "
        f"digests {data['digests_sent']}",
        "",
        "profile         patients adherence  flags / verdicts",
    ]
    for profile, entry in data["by_profile"].items():
        adherence = f"{entry['adherence']:.0%}" if entry["adherence"] is not None else "-"
        flags = ", ".join(f"{k} {v}" for k, v in sorted(entry["flags"].items())) or "none"
        verdicts = "; ".join(
            f"{w}: " + ", ".join(f"{o} {n}" for o, n in c.items()) for w, c in sorted(entry["verdicts"].items())
        )
        lines.append(
            f"{profile:15} {entry['patients']:>8} {adherence:>9}  {flags}" + (f" | {verdicts}" if verdicts else "")
        )
    for kind, figures in data.get("presses_per_questionnaire", {}).items():
        chat = data.get("chat_messages_per_questionnaire", {}).get(kind, {})
        lines.append(
            f"{kind} questionnaire: {figures['min']}-{figures['max']} presses (mean {figures['mean']}), "
            f"{chat.get('max', '-')} messages at most left in the chat"
        )
    lines.append(f"\n(wall time {data['wall_seconds']} s)")
    return "\n".join(lines)
