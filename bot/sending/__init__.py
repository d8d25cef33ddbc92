"""The sender: the Telegram side of the tick's `Deliver` port (schedules/jobs.py), one module per kind of message.

`bot/ticks.py` chains them; each wrapper takes the outbox kinds it knows and passes every other job inward:

    guard.py          sends in slices (a shutdown waits for one slice at most) and counts the outcomes
    menus.py          kind `menu`: the command menus of members and alert groups
    conversation.py   kinds msg_to_patient, msg_to_team, helper_notice: /msg, replies, the helper's invitation
    team.py           kinds digest, milestone, verdict: the care team's digests and course summaries
    delivery.py       everything else (dose reminders, questions, alerts, notices), and the one reading of
                      Telegram's errors (`outcome_of`, `send_parts`, `by_kind`) every module above uses
"""
