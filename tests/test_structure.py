"""The house rules of src/storyline, checked on the source: layers import downward only.

- no import cycle between modules (imports inside functions count: a cycle there is still a tangle);
- the CLI is on top: no module outside ``storyline.cli`` imports it;
- the store is the only place that talks to a database: no ``sqlite3``/``psycopg`` import and no SQL
  statement outside ``storyline/store``;
- no work-log notes ("session 3", "lever 2") in source files: they belong in git history.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "src" / "storyline"
SQL = re.compile(r"^\s*(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIRTUAL)"
                 r"|PRAGMA\s)", re.S)  # keywords in capitals, as all SQL here is written


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, tree: ast.AST) -> set[str]:
    """Modules of the package that ``name`` imports (``from pkg import sub`` -> pkg.sub, else pkg)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                pkg = base if MODULES[name].name == "__init__.py" else base[:-1]
                prefix = ".".join(pkg[: len(pkg) - node.level + 1] + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            subs = [f"{prefix}.{a.name}" for a in node.names if f"{prefix}.{a.name}" in MODULES]
            targets = subs + ([prefix] if len(subs) < len(node.names) else [])
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}
GRAPH = {name: _imports(name, tree) for name, tree in TREES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert _cycles(GRAPH) == []


def _in_cli(name: str) -> bool:
    return name == "storyline.cli" or name.startswith("storyline.cli.") or name == "storyline.__main__"


def test_library_never_imports_the_cli():
    offenders = sorted(name for name, targets in GRAPH.items()
                       if not _in_cli(name) and any(_in_cli(t) for t in targets))
    assert offenders == []


def _outside_store(name: str) -> bool:
    return not (name == "storyline.store" or name.startswith("storyline.store."))


def test_no_database_driver_outside_the_store():
    offenders = []
    for name, tree in TREES.items():
        if not _outside_store(name):
            continue
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            offenders += [f"{name}: {n}" for n in names if n.split(".")[0] in ("sqlite3", "psycopg", "psycopg_pool")]
    assert offenders == []


def test_no_sql_outside_the_store():
    offenders = []
    for name, tree in TREES.items():
        if not _outside_store(name):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                offenders.append(f"{name}:{node.lineno}: {node.value.strip()[:60]!r}")
    assert offenders == []


@pytest.mark.parametrize("text, is_sql", [
    ("SELECT id FROM articles WHERE x = ?", True),
    ("INSERT OR IGNORE INTO quotes VALUES (?)", True),
    ("PRAGMA table_info(mentions)", True),
    ("Select a storyline from the list", False),
    ("update the page", False),
])
def test_sql_pattern(text, is_sql):
    assert bool(SQL.search(text)) is is_sql


def test_no_work_log_notes_in_source():
    diary = re.compile(r"\b(session|lever) \d", re.I)
    offenders = [f"{path.relative_to(ROOT)}:{i}" for path in ROOT.rglob("*.py")
                 for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if diary.search(line)]
    assert offenders == []
