"""The rules of the layout: pure rooms stay pure, services know nothing of Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("care", ("bot", "schedules", "storage", "telegram", "sqlalchemy", "sqlmodel")),
        ("schedules", ("bot", "services", "telegram")),
        ("storage", ("bot", "care", "schedules", "services", "telegram")),
        ("services", ("telegram",)),
        ("bot/render", ("storage", "sqlalchemy", "sqlmodel", "bot.handlers", "bot.sending", "bot.context")),
    ],
)
def test_rooms_import_only_what_they_may(folder: str, forbidden: tuple[str, ...]) -> None:
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files(folder)
        for name in imports(path)
        if any(name == f or name.startswith(f"{f}.") for f in forbidden)
    }
    assert not bad


def test_services_use_of_bot_is_the_text_catalogue_only() -> None:
    """services/ sits below bot/: the one thing it reads from there is the keyed text catalogue (data, no
    Telegram), for the language list and the English item texts of the exported FHIR Questionnaires."""
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files("services")
        for name in imports(path)
        if name.split(".")[0] == "bot" and name != "bot.texts"
    }
    assert not bad


@pytest.mark.parametrize("folder", ["care", "schedules"])
def test_no_clock_reads_in_pure_rooms(folder: str) -> None:
    clock = ("datetime.now", "datetime.utcnow", "date.today", "time.time(", "time.monotonic(")
    bad = [f"{p.relative_to(ROOT)}: {c}" for p in files(folder) for c in clock if c in p.read_text(encoding="utf-8")]
    assert not bad


PACKAGES = ("bot", "care", "schedules", "services", "storage")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the first-party modules it imports (at run time or for type checking, relative or not)."""
    paths = {module_name(p): p for pkg in PACKAGES for p in files(pkg)}

    def known(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        deps: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(filter(None, (known(alias.name) for alias in node.names)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                deps.update(filter(None, (known(f"{base}.{alias.name}") for alias in node.names)))
        graph[name] = deps - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = stack[stack.index(node) :]
                del stack[stack.index(node) :]
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    """Issue 16: no module reaches itself through imports (type-checking imports count too)."""
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert "bot.handlers.team_enrol" in import_graph() and import_graph()["care.protocol.verdicts"] >= {"care.pgic"}


def test_no_private_telegram_modules() -> None:
    """python-telegram-bot's `telegram._...` modules are private: they may change in any release."""
    bad = [
        f"{p.relative_to(ROOT)}: {name}"
        for pkg in (*PACKAGES, "tests", "bench")
        for p in files(pkg)
        for name in imports(p)
        if name.startswith("telegram._")
    ]
    assert not bad


def test_bench_imports_no_test_module() -> None:
    """Issue 16: bench/ imports shared seeding and scenarios from bot/sandbox/ (steps, worlds, fuzzing, the
    battery), never a module of tests/ (a benchmark must not depend on how a test is written)."""
    bad = [
        f"{p.relative_to(ROOT)}: {name}"
        for p in files("bench")
        for name in imports(p)
        if name == "tests" or name.startswith("tests.")
    ]
    assert not bad


# the table itself, the tick's own bookkeeping of each send (claimed, sending, sent, failed), the test/bench seeding
DELIVERY_BOOKKEEPING = {
    "storage/models.py",
    "schedules/agenda.py",
    "storage/queries/outbox.py",  # the agenda's statements (insert, update, delete); agenda.py is their only caller
    "storage/queries/dispatch.py",
    "bot/sandbox/procs.py",
}


def test_only_the_agenda_writes_the_outbox() -> None:
    """Issue 16: one door to the outbox. Adding, dropping, moving or deleting a row goes through
    schedules/agenda.py (enqueue, drop, purge, move, redirect, defer, release); dedupe keys are built there."""
    writes = ("Outbox(", "insert(Outbox", "insert_ignore(session, Outbox)", "update(Outbox)", "delete(Outbox)")
    bad = [
        f"{rel}: {w}"
        for pkg in PACKAGES
        for p in files(pkg)
        if (rel := str(p.relative_to(ROOT))) not in DELIVERY_BOOKKEEPING
        for w in writes
        if w in p.read_text(encoding="utf-8")
    ]
    assert not bad
    keys = [
        f"{p.relative_to(ROOT)}"
        for pkg in PACKAGES
        for p in files(pkg)
        if str(p.relative_to(ROOT)) != "schedules/agenda.py" and '"dedupe_key": f"' in p.read_text(encoding="utf-8")
    ]
    assert not keys


def test_services_take_plain_data_and_print_nothing() -> None:
    """Issue 16: a use case is called by handlers and the CLI alike: no argparse, no print."""
    bad = [
        f"{p.relative_to(ROOT)}: {what}"
        for p in files("services")
        for what in ("argparse", "print(")
        if what in p.read_text(encoding="utf-8")
    ]
    assert not bad


def test_flags_are_raised_in_one_module() -> None:
    """Issue 16: 'where is a flag raised' has one answer, schedules/flagging.py (its on_* triggers)."""
    bad = [
        f"{p.relative_to(ROOT)}"
        for pkg in PACKAGES
        for p in files(pkg)
        if str(p.relative_to(ROOT)) != "schedules/flagging.py" and "raise_flags(" in p.read_text(encoding="utf-8")
    ]
    assert not bad


def test_states_are_named_once() -> None:
    """Issue 16: the outbox's states and the enrolled states are storage.status enums, not strings retyped."""
    retyped = ('("active", "paused")', 'Outbox.status) == "', 'Outbox.status == "', 'in_(("claimed", "sending"))')
    bad = [f"{p.relative_to(ROOT)}: {r}" for pkg in PACKAGES for p in files(pkg) for r in retyped if r in p.read_text()]
    assert not bad


HEAVY = ("alembic", "mako", "rich", "matplotlib", "fhir", "segno", "PIL", "numpy", "jsonschema", "hypothesis")


def test_the_bot_process_imports_nothing_heavy_it_does_not_use() -> None:
    """Issue 17: `b12bot run` loads the CLI, the runner and the Application; the chart (matplotlib), the exports
    (fhir.resources), QR codes (segno), migrations (Alembic) and progress bars are imported where used."""
    import subprocess
    import sys

    code = "import sys, bot.cli, bot.runner, bot.app; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)  # noqa: S603
    assert not set(loaded.stdout.split()) & set(HEAVY), loaded.stdout


def test_handlers_are_registered_in_one_table() -> None:
    """Issue 16: bot/handlers/routes.py is the one table (its docstring explains the groups); nothing else in
    bot/ adds a handler, and every group in the table is explained."""
    from bot.handlers.routes import __doc__ as explained
    from bot.handlers.routes import routes

    adders = [p.relative_to(ROOT) for p in files("bot") if ".add_handler(" in p.read_text(encoding="utf-8")]
    assert [str(p) for p in adders] == ["bot/handlers/__init__.py"]
    groups = {group for group, _ in routes()}
    assert all(f"\n  {g:>2}  " in (explained or "") for g in groups), groups


# Issue 16: a query layer per aggregate (storage/queries/). Files still building SQL inline; the list only shrinks.
STILL_INLINE: set[str] = set()
QUERY_CONSTRUCTS = {
    "select",
    "update",
    "delete",
    "insert",
    "func",
    "col",
    "text",
    "and_",
    "or_",
    "not_",
    "literal",
    "bindparam",
    "cast",
    "case",
    "exists",
    "tuple_",
    "null",
    "true",
    "false",
    "distinct",
    "union",
    "union_all",
    "aliased",
    "values",
    "column",
    "table",
    "String",
    "ColumnElement",
}


def builds_sql(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
            return True
        orm = isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("sqlmodel", "sqlalchemy")
        if orm and any(a.name in QUERY_CONSTRUCTS for a in node.names):  # type: ignore[attr-defined]
            return True
    return False


def test_services_and_schedules_build_no_sql() -> None:
    """Issue 16: services/ and schedules/ call the query layer (storage/queries/, one module per aggregate);
    they import no query construct from SQLAlchemy or SQLModel. A file that stops building SQL leaves the list."""
    building = {str(p.relative_to(ROOT)) for pkg in ("services", "schedules") for p in files(pkg) if builds_sql(p)}
    assert building <= STILL_INLINE, sorted(building - STILL_INLINE)
    assert not STILL_INLINE - building, f"remove from STILL_INLINE: {sorted(STILL_INLINE - building)}"
