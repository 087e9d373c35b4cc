"""The HTTP API over the example corpus: contracts, pagination, filters, tokens, limits, errors."""

import json

import pytest
from fastapi.testclient import TestClient

from storyline.api import create_app

ARTICLE_KEYS = {"id", "source", "url", "title", "published", "language", "text", "copy_of", "genre"}
EVENT_KEYS = {"id", "title", "date", "date_precision", "articles", "sources", "independent_sources", "storyline",
              "commentary", "merged", "requested"}
STORYLINE_KEYS = {"id", "title", "start", "end", "events"}


def test_articles_contract_and_pagination(client):
    everything = client.get("/api/articles", params={"limit": 500}).json()
    assert len(everything) == 5 and all(set(a) == ARTICLE_KEYS for a in everything)
    first = client.get("/api/articles", params={"limit": 2}).json()
    second = client.get("/api/articles", params={"limit": 2, "offset": 2}).json()
    assert [a["id"] for a in first + second] == [a["id"] for a in everything[:4]]


def test_article_filters(client):
    march = client.get("/api/articles", params={"since": "2022-03"}).json()
    assert march and all((a["published"] or "") >= "2022-03" for a in march)
    assert client.get("/api/articles", params={"language": "de"}).json() == []
    assert len(client.get("/api/articles", params={"language": "nl"}).json()) == 5


def test_bad_parameters_are_client_errors(client):
    assert client.get("/api/articles", params={"since": "yesterday"}).status_code == 422
    assert client.get("/api/articles", params={"limit": 0}).status_code == 422
    r = client.get("/api/articles/does-not-exist")
    assert r.status_code == 404 and "does-not-exist" in r.json()["detail"]


def test_search_finds_inflected_forms_and_rejects_unusable_queries(client):
    hits = client.get("/api/search", params={"q": "gesprek"}).json()
    assert hits and all(set(h) == ARTICLE_KEYS for h in hits)
    assert any("gesprekken" in h["text"].lower() for h in hits)
    march = client.get("/api/search", params={"q": "gesprek", "since": "2022-03"}).json()
    assert len(march) < len(hits) and all(h["published"] >= "2022-03" for h in march)
    r = client.get("/api/search", params={"q": "\"()*"})
    assert r.status_code == 400 and r.json()["detail"]


def test_events_and_storylines_follow_the_cli_contract(client):
    events = client.get("/api/events", params={"limit": 500}).json()
    if not events:
        pytest.skip("no events: the event clustering stage (storyline.cluster) is not installed yet")
    assert all(set(e) == EVENT_KEYS for e in events)
    ids = {a["id"] for a in client.get("/api/articles").json()}
    assert all(set(e["articles"]) <= ids for e in events)
    lines = client.get("/api/storylines").json()
    assert lines and all(set(s) == STORYLINE_KEYS for s in lines)
    assert {e for s in lines for e in s["events"]} == {e["id"] for e in events}


def test_event_summary_cites_articles_of_the_event(client):
    events = client.get("/api/events", params={"order": "size"}).json()
    if not events:
        pytest.skip("no events: the event clustering stage (storyline.cluster) is not installed yet")
    event = events[0]
    summary = client.get(f"/api/events/{event['id']}/summary").json()
    assert 1 <= len(summary) <= 5
    for s in summary:
        assert s["article"] in event["articles"]
        article = client.get(f"/api/articles/{s['article']}").json()
        assert s["sentence"] in article["text"] and s["source"] == article["source"]


def test_annotation_sections_answer_with_data_or_a_clear_501(client):
    for path in ("/api/entities", "/api/quotes", "/api/figures", "/api/disagreements"):
        r = client.get(path)
        assert r.status_code in (200, 501), (path, r.status_code)
        if r.status_code == 501:
            assert "not available" in r.json()["detail"]


def test_posting_needs_a_token(tmp_path):
    db = str(tmp_path / "p.db")
    record = {"id": "p1", "source": "Test", "published": "2022-03-01",
              "text": "De Russische en Oekraïense delegaties spraken dinsdag opnieuw met elkaar in Istanbul."}
    closed = TestClient(create_app(db))  # no token configured: posting disabled
    assert closed.post("/api/articles", json=record).status_code == 403
    api = TestClient(create_app(db, token="s3cret"))
    assert api.post("/api/articles", json=record).status_code == 401
    assert api.post("/api/articles", json=record, headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = api.post("/api/articles", json=[record], headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 201 and ok.json()["new"] == 1 and ok.json()["ids"] == ["p1"]
    assert api.get("/api/articles/p1").json()["source"] == "Test"
    again = api.post("/api/articles", json=record, headers={"Authorization": "Bearer s3cret"})
    assert again.json()["duplicates"] == 1


def test_bad_posts_get_clear_errors(tmp_path):
    api = TestClient(create_app(str(tmp_path / "p.db"), token="t", max_body_bytes=2000))
    auth = {"Authorization": "Bearer t"}
    r = api.post("/api/articles", content=b"{not json", headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["detail"]
    r = api.post("/api/articles", json={"id": "x"}, headers=auth)
    assert r.status_code == 400 and "text" in r.json()["detail"]
    r = api.post("/api/articles", content=json.dumps({"id": "big", "text": "woord " * 1000}), headers=auth)
    assert r.status_code == 413


def test_reading_can_be_closed(seed_db):
    api = TestClient(create_app(seed_db, token="k", read_open=False))
    assert api.get("/api/articles").status_code == 401
    assert api.get("/").status_code == 401
    assert api.get("/api/articles", headers={"Authorization": "Bearer k"}).status_code == 200


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/articles", "/api/events", "/api/storylines", "/api/entities", "/api/quotes",
                 "/api/figures", "/api/disagreements", "/api/search"):
        assert path in spec["paths"], path
    docs = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in docs and "cdn." not in docs
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


XSS_TITLE = '<script>document.title="pwned"</script>Titel'
XSS_TEXT = ('Dit artikel bevat <script>window.__xss = 1;</script> een script en een plaatje '
            '<img src=x onerror="window.__xss = 2"> met een onerror-handler. Zo hoort het niet.')


def test_pages_escape_untrusted_text(tmp_path, ingest):
    db = str(tmp_path / "x.db")
    ingest(db, [{"id": "evil", "source": "<b onmouseover=alert(1)>Bron</b>", "title": XSS_TITLE,
                 "published": "2022-03-01", "text": XSS_TEXT}])
    api = TestClient(create_app(db))
    for url in ("/articles/evil", "/search?q=artikel", "/"):
        page = api.get(url)
        assert page.status_code == 200
        html = page.text
        assert "<script>window" not in html and "<img src=x" not in html and "<b onmouseover" not in html, url
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "&lt;script&gt;window.__xss = 1;&lt;/script&gt;" in api.get("/articles/evil").text


def test_ids_beyond_sqlite_range_are_not_found(client):
    for path in ("/api/entities/99999999999999999999", "/entities/99999999999999999999",
                 "/api/events/E99999999999999999999", "/events/99999999999999999999",
                 "/api/storylines/S99999999999999999999/timeline"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/articles", params={"entity": 2 ** 64}).status_code == 422
    assert client.get("/api/storylines", params={"offset": 2 ** 70}).status_code == 422


def test_a_filter_naming_no_event_matches_nothing(client):
    for path in ("/api/entities", "/api/quotes", "/api/figures", "/api/disagreements"):
        for event in ("E999999", "E99999999999999999999"):
            r = client.get(path, params={"event": event})
            assert r.status_code == 200 and r.json() == [], (path, event)


def test_event_filters_take_ids_as_the_cli_prints_them(client):
    for path in ("/api/entities", "/api/quotes", "/api/figures", "/api/disagreements"):
        labelled = client.get(path, params={"event": "E1"})
        assert labelled.status_code == 200 and labelled.json() == client.get(path, params={"event": "1"}).json()
    events = client.get("/api/events", params={"storyline": "S1"}).json()
    assert events and events == client.get("/api/events", params={"storyline": "1"}).json()


def test_a_malformed_id_is_a_400_with_the_reason(client):
    for path, name in (("/api/quotes", "event"), ("/api/figures", "event"), ("/api/entities", "event"),
                       ("/api/disagreements", "event"), ("/api/events", "storyline")):
        r = client.get(path, params={name: "not-an-id"})
        assert r.status_code == 400, path
        assert "not-an-id" in r.json()["detail"] and r.json()["code"] == "E200", path


def test_events_order_by_independent_sources(client):
    events = client.get("/api/events", params={"order": "sources", "limit": 500}).json()
    keys = [(-e["independent_sources"], -len(e["articles"])) for e in events]
    assert keys == sorted(keys)
    assert client.get("/api/events", params={"order": "sources", "limit": 1, "offset": 1}).json() == events[1:2]
    assert client.get("/api/events", params={"order": "outlets"}).status_code == 422
