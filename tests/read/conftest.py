"""The example-corpus fixtures of tests/api/conftest.py (tests/ is not a package, so loaded by path)."""

import importlib.util
from pathlib import Path


def _load_api_fixtures():
    spec = importlib.util.spec_from_file_location("_api_fixtures_read", Path(__file__).parents[1] / "api" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_api = _load_api_fixtures()
seed_db = _api.seed_db
