import pytest

from shared_data import DATA, REPO, data_path  # noqa: F401  (re-exported for older imports)


@pytest.fixture
def store(tmp_path):
    from storyline.store import Store

    s = Store(tmp_path / "test.db")
    yield s
    s.close()
