"""Web safety of the API and pages: body size limit, tokens for writes, no path traversal, a 400
(never a 500) for malformed search queries, escaped markup. In-process (TestClient)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from api_support import TOKEN, build_db, create_app_or_skip, seed_records
from robustness_support import counted, fuzz

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    create_app_or_skip()
    return build_db(tmp_path_factory.mktemp("api") / "api.db", seed_records())


@pytest.fixture(scope="module")
def client(db):
    from fastapi.testclient import TestClient

    return TestClient(create_app_or_skip()(db, token=TOKEN, max_body_bytes=LIMIT), raise_server_exceptions=False)


AUTH = {"Authorization": f"Bearer {TOKEN}"}


# --------------------------------------------------------------------------- request size
def test_body_over_the_limit_is_413_with_a_message(client):
    body = json.dumps({"id": "big", "text": "x" * LIMIT})
    r = client.post("/api/articles", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413 and str(LIMIT) in r.json()["detail"]


def test_streamed_body_without_length_is_cut_off(client):
    def chunks():
        for _ in range(10):
            yield b"[" + b" " * (LIMIT // 4)

    r = client.post("/api/articles", content=chunks(), headers=AUTH)
    assert r.status_code == 413


def test_body_under_the_limit_is_accepted(client):
    r = client.post("/api/articles", json={"id": "small", "text": "Een klein bericht over Gomel en Minsk."},
                    headers=AUTH)
    assert r.status_code == 201 and r.json()["new"] in (0, 1)


# --------------------------------------------------------------------------- tokens
def _write_routes(app):
    """Every non-GET operation the app declares (from its own OpenAPI schema)."""
    return [(m.upper(), path) for path, ops in app.openapi()["paths"].items()
            for m in ops if m not in ("get", "head", "parameters")]


def test_every_write_route_needs_the_token(client):
    routes = _write_routes(client.app)
    assert routes, "no write routes found"
    for method, path in routes:
        url = path.replace("{", "").replace("}", "")
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {TOKEN}x"},
                        {"X-Storyline-Token": ""}, {"Authorization": "Basic " + TOKEN}):
            r = client.request(method, url, json={"id": "w", "text": "Een poging zonder token."}, headers=headers)
            assert r.status_code == 401, (method, url, headers, r.status_code)
            assert "token" in r.json()["detail"]
    assert client.get("/api/articles/w").status_code == 404  # nothing was written


def test_writes_disabled_without_a_configured_token(db):
    from fastapi.testclient import TestClient

    c = TestClient(create_app_or_skip()(db, token=None))
    r = c.post("/api/articles", json={"id": "w", "text": "Een poging."}, headers={"Authorization": "Bearer "})
    assert r.status_code == 403 and "disabled" in r.json()["detail"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_methods_do_not_write(client, method):
    for path in ("/api/articles", "/api/articles/seed-1", "/api/events", "/"):
        assert client.request(method, path, headers=AUTH).status_code in (404, 405)
    assert client.get("/api/articles/seed-1").status_code == 200


@pytest.mark.parametrize("body", [b"[" * 60_000, b"{\"a\":" * 12_000, b"\xff\xfe\x00", b"", b"null", b"42",
                                  b'[{"id": 1}]', b'{"id": "x", "text": ["list"]}', b'"\\ud800"'])
def test_malformed_post_bodies_are_4xx(client, body):
    r = client.post("/api/articles", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, (body[:20], r.status_code, r.text[:200])
    assert r.json()["detail"]


# --------------------------------------------------------------------------- path traversal
TRAVERSALS = ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
              "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/%252e%252e/%252e%252e/etc/passwd",
              "/static/..\\..\\app.py", "/static/....//....//etc/passwd", "/static//etc/passwd",
              "/static/%2e%2e/app.py", "/static/../app.py", "/docs-assets/../../../../etc/passwd",
              "/docs-assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/%00../app.py", "/static/.%2e/app.py",
              "/articles/..%2f..%2f..%2fetc%2fpasswd", "/api/articles/..%2f..%2fetc%2fpasswd",
              "/static/%c0%ae%c0%ae/app.py", "/favicon.ico/../../etc/passwd"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_traversal(client, path):
    r = client.get(path)
    assert r.status_code < 500
    assert "root:" not in r.text and "def create_app" not in r.text and "import " not in r.text[:2000]


def test_static_files_are_served(client):
    assert client.get("/static/style.css").status_code == 200  # the route under test does work


# --------------------------------------------------------------------------- search queries
QUERY_BITS = ['"', "'", "*", "^", "(", ")", "OR", "AND", "NOT", "NEAR(", ":", "-", "{", "}", "title:", "%",
              "\\", "\x00", "\ufffd", "gesprek", "staakt-het-vuren", "💥", "<script>", "' OR 1=1 --", ";", "…"]


@given(st.lists(st.sampled_from(QUERY_BITS) | st.text(max_size=8), max_size=10).map(" ".join))
@fuzz(ci=80, campaign=2000)
@counted
def test_search_never_500(client, query):
    r = client.get("/api/search", params={"q": query})
    assert r.status_code in (200, 400, 422), (query, r.status_code, r.text[:200])
    if r.status_code == 400:
        assert r.json()["detail"]
    page = client.get("/search", params={"q": query})
    assert page.status_code in (200, 400, 422), (query, page.status_code)


@pytest.mark.parametrize("query", ['"', "(", "NEAR(", "*", "title:", "   ", "-", "OR", "\x00", "' OR 1=1 --"])
def test_malformed_query_is_400_with_message(client, query):
    r = client.get("/api/search", params={"q": query})
    assert r.status_code in (200, 400), r.status_code
    if r.status_code == 400:
        assert "search" in r.json()["detail"] or "query" in r.json()["detail"]


def test_overlong_query_is_rejected_not_crashed(client):
    r = client.get("/api/search", params={"q": "gesprek " * 100})
    assert r.status_code in (400, 414, 422)


# --------------------------------------------------------------------------- escaping
@pytest.mark.parametrize("path", ["/articles/xss", "/search?q=gomel", "/"])
def test_markup_in_articles_is_escaped(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text and "<b>bron</b>" not in r.text
    assert 'href="javascript:' not in r.text.lower()


@pytest.mark.parametrize("content_type", ["application/json", "application/x-ndjson"])
def test_an_integer_of_thousands_of_digits_is_a_400_not_a_500(client, content_type):
    """Python's JSON reader refuses integers of over 4,300 digits with a plain ValueError (not a JSONDecodeError)."""
    body = b'{"id": ' + b"9" * 5000 + b', "text": "Een bericht over het kabinet."}'
    r = client.post("/api/articles", content=body, headers={**AUTH, "Content-Type": content_type})
    assert r.status_code == 400 and "not valid JSON" in r.text, (r.status_code, r.text[:200])
