"""A database built from the example corpus through the same pipeline as ``storyline ingest``."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "examples" / "seeds"


def ingest_into(db_path, items) -> dict:
    from storyline.runner import ingest
    from storyline.store import Store

    store = Store(db_path)
    try:
        return ingest(store, items, prefetch=False).to_json()
    finally:
        store.close()


def build_seed_db(db_path) -> str:
    from storyline.ingest.readers import expand_inputs, read_path

    items = (item for path in expand_inputs([str(SEEDS)]) for item in read_path(path))
    summary = ingest_into(db_path, items)
    assert summary["new"] == 5, summary
    return str(db_path)


@pytest.fixture
def ingest():
    """ingest(db_path, records): records in the JSON Lines contract, through the ingest pipeline."""
    from storyline.ingest.readers import ReadError, article_from_record

    def run(db_path, records):
        def items():
            for i, record in enumerate(records):
                try:
                    yield article_from_record(record, where=f"record {i}")
                except ValueError as exc:
                    yield ReadError(f"record {i}", str(exc))
        return ingest_into(db_path, items())

    return run


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory):
    return build_seed_db(tmp_path_factory.mktemp("seeds") / "seeds.db")


@pytest.fixture
def client(seed_db):
    from fastapi.testclient import TestClient

    from storyline.api import create_app

    return TestClient(create_app(seed_db))
