"""Server-rendered pages over the example corpus (HTML checked without a browser)."""

import re

import pytest
from fastapi.testclient import TestClient

from storyline.api import create_app


@pytest.fixture
def client(seed_db):
    return TestClient(create_app(seed_db))


def _events(client):
    events = client.get("/api/events", params={"limit": 500}).json()
    if not events:
        pytest.skip("no events: the event clustering stage (storyline.cluster) is not installed yet")
    return events


def test_home_links_every_storyline(client):
    _events(client)
    html = client.get("/").text
    for line in client.get("/api/storylines").json():
        assert f'href="/storylines/{line["id"]}"' in html


def test_storyline_page_draws_a_timeline_in_date_order(client):
    events = {e["id"]: e for e in _events(client)}
    line = max(client.get("/api/storylines").json(), key=lambda s: len(s["events"]))
    html = client.get(f"/storylines/{line['id']}").text
    dated = [e for e in line["events"] if events[e]["date"]]
    assert html.count('class="dot"') == len(dated)
    listed = re.findall(r'class="event-link" href="/events/(E\d+)"', html)
    assert listed == line["events"]  # every event, in the storyline's (date) order


def test_event_page_cites_only_its_own_articles(client):
    event = max(_events(client), key=lambda e: len(e["articles"]))
    html = client.get(f"/events/{event['id']}").text
    summary = html.split('id="summary"')[1].split("</section>")[0]
    cited = re.findall(r'class="cite" href="/articles/([^"]+)"', summary)
    assert 3 <= len(cited) <= 5 and set(cited) <= set(event["articles"])
    sources = html.split('id="sources"')[1].split("</section>")[0]
    assert sources.count("<tr") == len(event["articles"]) + 1  # header row + one per article


def test_search_page_shows_matches_and_explains_a_bad_query(client):
    html = client.get("/search", params={"q": "helikopter"}).text
    assert 'href="/articles/' in html and "helikopter" in html.lower()
    bad = client.get("/search", params={"q": "\"()"})
    assert bad.status_code == 200 and 'class="error"' in bad.text


def test_entity_page_when_entities_exist(client):
    r = client.get("/api/entities", params={"limit": 1})
    if r.status_code != 200 or not r.json():
        pytest.skip("no entities in this build (entities stage or NER model missing)")
    entity = r.json()[0]
    html = client.get(f"/entities/{entity['id']}").text
    assert entity["name"] in html or entity["name"].replace("'", "&#39;") in html
    assert 'id="mentions"' in html and 'id="cooccurring"' in html
    assert html.count('href="/articles/') >= len(set(entity["articles"]))


def test_unknown_pages_are_html_404s(client):
    r = client.get("/events/E999999")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]


def test_event_page_maps_located_entities(client, monkeypatch):
    """The map section draws every entity that has coordinates (entities stubbed: the stage is tested elsewhere)."""
    from storyline import read
    from storyline.read import EntityJSON

    event = max(_events(client), key=lambda e: len(e["articles"]))
    places = [EntityJSON(id=1, name="Minsk", type="LOC", variants=[], articles=event["articles"], lat=53.9, lon=27.57,
                         country=None, mentions=1),
              EntityJSON(id=2, name="Zelensky", type="PER", variants=[], articles=[], lat=None, lon=None, country=None,
                         mentions=1),
              EntityJSON(id=3, name="<Kyiv>", type="LOC", variants=[], articles=[], lat=50.45, lon=30.52,
                         country=None, mentions=1)]
    monkeypatch.setattr(read, "list_entities", lambda store, **kw: places)
    html = client.get(f"/events/{event['id']}").text
    svg = html.split('<svg class="map"')[1].split("</svg>")[0]
    assert svg.count('<g class="place">') == 2 and "Minsk" in svg and "&lt;Kyiv&gt;" in svg
    assert 'cy="-53.9"' in svg
    assert "<title>Belarus</title>" in svg  # the country outline around Minsk
