"""The CLI sits on top: no module of the library imports ``storyline.cli`` (not even inside a function)."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "storyline"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_the_library_never_imports_the_cli():
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "cli" or rel == Path("__main__.py"):
            continue
        if any(n == "storyline.cli" or n.startswith("storyline.cli.") for n in _imports(path)):
            offenders.append(str(rel))
    assert not offenders, f"import storyline.cli from the library: {offenders}"


def test_the_read_library_and_api_load_without_the_cli():
    import subprocess
    import sys

    code = ("import sys, storyline.read, storyline.api; "
            "assert not any(m == 'storyline.cli' or m.startswith('storyline.cli.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)
