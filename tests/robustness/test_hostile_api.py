"""Hostile requests to the API and pages: cross-site posts, HEAD, the docs page's policy, and search filters
over more matches than a ranking cut-off."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from storyline import read
from storyline.api import create_app
from storyline.records import Article
from storyline.store import Store

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RECORD = {"id": "csrf-1", "title": "Kabinet valt", "text": "Het kabinet is gevallen na een lang debat in Den Haag.",
          "language": "nl"}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    return TestClient(create_app(str(tmp_path_factory.mktemp("csrf") / "csrf.db"), token=TOKEN, warm=False))


# --------------------------------------------------------------------------- cross-site request forgery
def test_a_token_in_a_cookie_does_not_authorise_a_post(api):
    api.cookies.set("storyline_token", TOKEN)
    try:
        r = api.post("/api/articles", json=RECORD)
    finally:
        api.cookies.clear()
    assert r.status_code == 401 and "Authorization: Bearer" in r.json()["detail"]


def test_only_the_authorization_header_carries_the_token(api):
    assert api.post("/api/articles", json=RECORD, headers={"X-Storyline-Token": TOKEN}).status_code == 401
    assert api.post(f"/api/articles?token={TOKEN}", json=RECORD).status_code == 401
    assert api.post("/api/articles", json=RECORD, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


@pytest.mark.parametrize("content_type, body", [
    ("text/plain", json.dumps(RECORD)),  # what a cross-site <form enctype="text/plain"> sends
    ("application/x-www-form-urlencoded", "id=x&text=y"),
    ("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n"),
    (None, json.dumps(RECORD)),
])
def test_a_post_that_is_not_json_gets_415_with_a_json_error(api, content_type, body):
    headers = {**AUTH, **({"Content-Type": content_type} if content_type else {})}
    r = api.post("/api/articles", content=body.encode(), headers=headers)
    assert r.status_code == 415, r.text
    assert r.json()["code"] == "E205" and "application/json" in r.json()["detail"]


def test_json_and_json_lines_posts_are_accepted(api):
    r = api.post("/api/articles", content=json.dumps(RECORD), headers={**AUTH, "Content-Type": "application/json; "
                                                                                               "charset=utf-8"})
    assert r.status_code == 201 and r.json()["new"] == 1, r.text
    lines = "\n".join(json.dumps({**RECORD, "id": f"nd-{i}", "text": f"{RECORD['text']} Bericht {i}."})
                      for i in range(2))
    r = api.post("/api/articles", content=lines + "\n", headers={**AUTH, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 201 and r.json()["new"] == 2, r.text


# --------------------------------------------------------------------------- HEAD
@pytest.mark.parametrize("path, status", [("/", 200), ("/search?q=kabinet", 200), ("/api/articles", 200),
                                          ("/docs", 200), ("/openapi.json", 200), ("/events/E999", 404)])
def test_head_is_answered_like_get_without_a_body(api, path, status):
    get, head = api.get(path), api.head(path)
    assert head.status_code == get.status_code == status, (path, head.status_code)
    assert head.content == b"" and get.content
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"]


# --------------------------------------------------------------------------- the API docs page
def test_the_docs_page_has_a_csp_and_loads_only_local_assets(api):
    r = api.get("/docs")
    policy = r.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy and "unsafe-inline" not in \
        policy.split("script-src")[1].split(";")[0]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text), "an inline script the CSP would block"
    urls = re.findall(r"(?:src|href)=\"([^\"]+)\"", r.text)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    for url in urls:
        assert api.get(url).status_code == 200, url
    init = api.get("/static/swagger-init.js").text
    assert "validatorUrl: null" in init and "https://" not in init


# --------------------------------------------------------------------------- search filters
RANKING_CUTOFF = 2000  # how many hits the search used to rank before filtering


@pytest.fixture(scope="module")
def crowded_db(tmp_path_factory):
    """2,100 articles that match 'kabinet' strongly, and one from a rare outlet that matches it weakly."""
    db = str(tmp_path_factory.mktemp("crowded") / "crowded.db")
    store = Store(db)
    with store.transaction():
        for i in range(RANKING_CUTOFF + 100):
            store.save_article(Article(id=f"a{i}", title=f"Kabinet kabinet {i}", source="groot", language="nl",
                                       published="2019-03-01", text=f"Het kabinet, kabinet en kabinet: bericht {i}."))
        store.save_article(Article(id="rare", title="Een lang verhaal", source="zeldzaam", language="nl",
                                   published="2019-03-02",
                                   text="Over het weer en de wegen. " * 40 + "Ook het kabinet kwam even ter sprake."))
    store.close()
    return db


def test_a_filtered_search_finds_a_match_ranked_beyond_the_cutoff(crowded_db):
    store = Store(crowded_db, readonly=True)
    try:
        ranked = [h.article.id for h in read.search(store, "kabinet", limit=RANKING_CUTOFF + 101)]
        assert ranked.index("rare") >= RANKING_CUTOFF, "the rare article must rank beyond the cut-off"
        assert [h.article.id for h in read.search(store, "kabinet", source="zeldzaam")] == ["rare"]
        assert [h.article.id for h in read.search(store, "kabinet", since="2019-03-02")] == ["rare"]
        paged = read.search(store, "kabinet", source="groot", limit=50, offset=RANKING_CUTOFF + 50)
        assert len(paged) == 50, "every filtered match can be paged to"
    finally:
        store.close()


def test_the_api_search_filter_finds_it_too(crowded_db):
    client = TestClient(create_app(crowded_db, warm=False))
    r = client.get("/api/search", params={"q": "kabinet", "source": "zeldzaam"})
    assert r.status_code == 200 and [a["id"] for a in r.json()] == ["rare"]
