"""An outside test of the API: schemathesis generates requests for every operation of the app's own
OpenAPI schema; no response may be a server error (5xx) or break the schema.

In-process here (bounded examples per operation); ``make fuzz-api`` runs the same checks with the
schemathesis CLI against ``storyline serve`` on 127.0.0.1, bounded in examples and time.
"""

from __future__ import annotations

import pytest

from api_support import TOKEN, build_db, create_app_or_skip, seed_records
from robustness_support import FUZZING, counted

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis not installed (pip install -e '.[dev]')")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    create_app = create_app_or_skip()
    db = build_db(tmp_path_factory.mktemp("schema") / "schema.db", seed_records(12))
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(db, token=TOKEN, max_body_bytes=256 * 1024))


@pytest.mark.parametrize("path", ["/api/storylines?offset=102991534597623611392",
                                  "/api/search?q=gesprek&offset=115292990548169686253568"])
def test_offset_beyond_sqlite_range_is_not_a_server_error(api_schema, path):
    """make fuzz-api finding (fixed by the API owner): an offset past 2**63 answered 500."""
    from fastapi.testclient import TestClient

    client = TestClient(api_schema.app, raise_server_exceptions=False)
    assert client.get(path).status_code < 500


@pytest.mark.parametrize("path", ["/api/entities/99999999999999999999", "/entities/99999999999999999999",
                                  "/api/articles?entity=10225290843973477195579392",
                                  "/feeds/storylines/S99999999999999999999.atom",
                                  "/feeds/storylines/99999999999999999999.atom",
                                  "/api/alerts?storyline=S99999999999999999999"])
def test_ids_beyond_sqlite_range_are_not_server_errors(api_schema, path):
    """Fuzz finding (fixed by the API owner): ids past 2**63 answered 500."""
    from fastapi.testclient import TestClient

    client = TestClient(api_schema.app, raise_server_exceptions=False)
    assert client.get(path).status_code in (200, 404, 422)


def _operations(schema) -> list:
    ops = []
    for result in schema.get_all_operations():
        ops.append(result.ok())  # an operation the schema cannot describe fails here, loudly
    return ops


def test_no_server_error_and_schema_holds(api_schema):
    """Generated requests for every operation (pytest plugin of schemathesis 4.32 does not run on pytest 9:
    the operations are driven through hypothesis directly)."""
    from hypothesis import given, strategies as st

    operations = _operations(api_schema)
    assert {op.path for op in operations} >= {"/api/articles", "/api/search", "/api/events"}
    failures = []
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=400 if FUZZING else 20, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=not FUZZING, database=None)
        @counted
        def run(case):
            case.call_and_validate(headers=AUTH, checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
