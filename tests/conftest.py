import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYLINE_DATA", REPO.parent / "shared" / "data"))


def data_path(*parts: str) -> Path:
    """A file under ../shared/data, or skip the test with a clear message when it is absent."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (set STORYLINE_DATA to the shared data folder)")
    return path


@pytest.fixture
def store(tmp_path):
    from storyline.store import Store

    s = Store(tmp_path / "test.db")
    yield s
    s.close()
