"""Where the real evaluation data lives: ../shared/data beside the repository, or $STORYLINE_DATA."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYLINE_DATA", REPO.parent / "shared" / "data"))


def data_path(*parts: str) -> Path:
    """A file under the shared data folder, or skip the test with a clear message when it is absent."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (set STORYLINE_DATA to the shared data folder)")
    return path
