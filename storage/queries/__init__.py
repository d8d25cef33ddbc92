"""The query layer: every SQL statement services/ and schedules/ run, one module per aggregate.

Rooms above storage/ (services/, schedules/) build no SQL of their own: they call these functions and own
the transaction (add, commit, rollback); `session.get(Model, id)` and `session.add(row)` stay where they are.
Conventions (after fastapi's full-stack template):
- one module per aggregate, named for its rows: `patients`, `doses`, `questionnaires`, `flags`, `teams`
  (teams, members), `invites`, `dialogues`, `messages`, `helpers`, `outbox`, `audit`, `inbox`, ...;
- the session first, everything else keyword-only: `await patients.by_chat(session, chat_id=chat_id)`;
- a query returns rows or plain values and never commits; a write (UPDATE/DELETE) returns what it changed
  (a rowcount or ids) when the caller needs it;
- callers import the module, not its functions: `from storage.queries import patients as patients_q`.
tests/test_layout.py enforces that services/ and schedules/ import no query construct (select, update,
delete, func, col, ...) from SQLAlchemy or SQLModel.
"""
