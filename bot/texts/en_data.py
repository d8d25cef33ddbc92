"""English texts for the patient's data rights (/mydata, /delete_my_data) and the team's notice of an erasure."""

from __future__ import annotations

DATA: dict[str, str] = {
    "mydata_caption": (
        "Here is everything I keep about you: your enrolment, your doses, your answers and the notes "
        "for your care team. It is a JSON file, readable by any text editor."
    ),
    "erase_confirm": (
        "Delete all your data? I will remove your doses, your answers and the notes about you, and I will "
        "not send you any more messages. Your care team will be told. This cannot be undone."
    ),
    "btn_erase_yes": "Delete my data",
    "btn_erase_no": "Keep it",
    "erase_kept": "Good, nothing was deleted.",
    "erase_done": (
        "Done. Your data has been deleted and I will not send you any more messages. "
        "If you want to use the service again, ask your care team for a new link. Take care."
    ),
    "erase_failed": (
        "Sorry, I could not delete your data just now. I have stopped all messages to you and I will keep "
        "trying. I will tell you when it is done."
    ),
}

# care-team text: English only, like bot/texts/en_team.py
DATA_TEAM: dict[str, str] = {
    "tv_status_erased": "erased (data deleted by the patient)",
    "team_patient_erased": (
        "Patient {alias} deleted their data with /delete_my_data: their doses, answers and flags are gone "
        "and no more messages are sent to them."
    ),
    "tv_erased": "{alias}: this patient deleted their data. Nothing is kept about them and nothing can be changed.",
    "tv_refused_erased": "This patient deleted their data: nothing can be changed.",
}
