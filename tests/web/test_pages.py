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
    # one mark per day (the storyline spans less than 45 days), each event in the tooltip of its day's mark
    assert html.count('class="dot"') == len({events[e]["date"][:10] for e in dated})
    listed = re.findall(r'class="event-link" href="/events/(E\d+)"', html)
    assert listed == line["events"]  # every event, in the storyline's (date) order


def test_event_page_cites_only_its_own_articles(client):
    event = max(_events(client), key=lambda e: len(e["articles"]))
    html = client.get(f"/events/{event['id']}").text
    summary = html.split('id="summary"')[1].split("</section>")[0]
    if 'data-fragment="' in summary:  # not written in time: the page fetches it from its own URL
        assert 'data-fragment="/events/' + event["id"] + '/summary"' in summary
        summary = client.get(f"/events/{event['id']}/summary").text
    assert client.get(f"/events/{event['id']}?wait=1").text.count('class="cite"') >= 3  # or waits for it
    cited = re.findall(r'class="cite" href="/articles/([^"]+)"', summary)
    assert 3 <= len(cited) <= 5 and set(cited) <= set(event["articles"])
    sources = html.split('id="sources"')[1].split("</section>")[0]
    # every article once, by outlet, near-copies folded under their original
    assert sources.count('class="source"') + sources.count('class="copy"') == len(event["articles"])


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
    # the events it appears in, each linked
    assert len(set(re.findall(r'class="event-link" href="/events/(E\d+)"', html))) == len(
        {e["id"] for e in client.get("/api/events", params={"limit": 500}).json()
         if set(e["articles"]) & set(entity["articles"])})


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
    monkeypatch.setattr(read, "event_entities", lambda store, event, **kw: places)
    html = client.get(f"/events/{event['id']}").text
    svg = html.split('<svg class="map"')[1].split("</svg>")[0]
    # places only; in an event of three or more reports only those named in two of them
    expected = 2 if len(event["articles"]) < 3 else 1
    assert svg.count('<g class="place">') == expected and "Minsk" in svg
    assert ("&lt;Kyiv&gt;" in svg) == (expected == 2)
    assert 'cy="-53.9"' in svg
    assert "<title>Belarus</title>" in svg  # the country outline around Minsk


def test_list_pages_sort_filter_and_page_by_url(client):
    _events(client)
    for path in ("/storylines", "/events", "/entities", "/quotes", "/figures", "/outlets"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert 'class="showing"' in r.text or path == "/outlets", path
    page = client.get("/events", params={"sort": "size", "limit": 1}).text
    assert "showing 1–1 of" in page
    assert re.search(r'rel="next" href="/events\?sort=size&amp;limit=1&amp;offset=1"', page)
    sizes = [len(e["articles"]) for e in client.get("/api/events", params={"limit": 500}).json()]
    first = re.search(r'class="event-link" href="/events/(E\d+)"', page).group(1)
    assert len(client.get(f"/api/events/{first}").json()["articles"]) == max(sizes)
    # The example files name no outlet: all of them are "unknown", and another outlet has none.
    every = re.findall(r'class="event-link" href="/events/(E\d+)"', client.get("/events?sort=recent").text)
    only = client.get("/events", params={"source": "unknown", "sort": "recent"}).text
    assert re.findall(r'class="event-link" href="/events/(E\d+)"', only) == every
    none = client.get("/events", params={"source": "Elders", "sort": "recent"}).text
    assert not re.findall(r'class="event-link" href="/events/(E\d+)"', none) and "showing 0–0 of 0" in none
    assert client.get("/events", params={"sort": "nonsense"}).status_code == 422
    assert client.get("/", params={"since": "gisteren"}).status_code == 400


def test_home_ranks_stories_of_two_reports_or_more(client, seed_db):
    from storyline.read import pages
    from storyline.store import Store

    _events(client)
    store = Store(seed_db, readonly=True)
    rows, _ = pages.ranked(store, "event", limit=None)
    assert rows and all(r["independent"] >= 2 for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    html = client.get("/").text
    home = re.findall(r'class="event-link" href="/events/(E\d+)"', html.split('id="events"')[1])
    assert home == [r["id"] for r in rows][:len(home)]
    singles = [e["id"] for e in client.get("/api/events").json() if len(e["articles"]) == 1]
    assert not set(singles) & set(home)


def test_opinion_pieces_do_not_count_once_articles_have_a_genre(tmp_path, seed_db):
    """Articles the genre stage reads as opinion or rubric leave the ranking."""
    import shutil
    import sqlite3

    from storyline.read import pages
    from storyline.store import Store

    db = tmp_path / "genre.db"
    shutil.copy(seed_db, db)
    store = Store(str(db), readonly=True)
    before, _ = pages.ranked(store, "event", limit=None)
    store.close()
    if not before:
        pytest.skip("no event of two reports in the example corpus")
    top = before[0]
    conn = sqlite3.connect(db)
    members = [r[0] for r in conn.execute("SELECT article_id FROM event_articles WHERE event_id = ?", (top["num"],))]
    conn.executemany("UPDATE articles SET genre = 'opinion' WHERE id = ?", [(m,) for m in members])
    conn.commit()
    conn.close()
    store = Store(str(db), readonly=True)
    after, _ = pages.ranked(store, "event", limit=None)
    assert top["id"] not in [r["id"] for r in after]


def test_pages_speak_dutch_from_accept_language(client):
    html = client.get("/", headers={"Accept-Language": "nl,en;q=0.5"}).text
    assert '<html lang="nl">' in html and "Wat er speelt" in html
    html = client.get("/storylines", headers={"Accept-Language": "de-DE,en;q=0.8"}).text
    assert '<html lang="en">' in html
    r = client.get("/?lang=nl")
    assert "lang=nl" in r.headers.get("set-cookie", "")


def test_an_english_query_finds_the_dutch_reports_by_meaning(client):
    """The Dutch articles share no word with the query; the sentence encoder's vectors find the talks anyway."""
    talks = max(_events(client), key=lambda e: len(e["articles"]))
    html = client.get("/search", params={"q": "peace negotiations between Russia and Ukraine"}).text
    assert "0 matching articles" in html  # nothing lexical
    close = html.split('id="found-semantic"')[1].split("</section>")[0]
    assert f'href="/events/{talks["id"]}"' in close


def test_more_like_this_lists_other_events_by_their_stored_embeddings(client):
    events = _events(client)
    first = events[0]["id"]
    html = client.get("/search", params={"like": first}).text
    listed = re.findall(r'class="event-link" href="/events/(E\d+)"', html.split("<main>")[1])
    assert listed and first not in listed and set(listed) <= {e["id"] for e in events}
    page = client.get(f"/events/{first}").text.split('id="similar"')[1].split("</section>")[0]
    assert re.findall(r'href="/events/(E\d+)"', page) == listed[:8]


def test_a_blank_search_is_an_empty_page_not_an_error(client):
    for q in (" ", "   "):
        r = client.get("/search", params={"q": q})
        assert r.status_code == 200 and "<html" in r.text


def test_entities_linked_with_little_evidence_are_listed_only_on_request(seed_db, tmp_path):
    import shutil
    import sqlite3

    db = tmp_path / "copy.db"
    shutil.copy(seed_db, db)
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT id, name FROM entities WHERE merged_into IS NULL AND mention_count > 0"
                       " ORDER BY mention_count DESC LIMIT 1").fetchone()
    if row is None:
        pytest.skip("no entities in this build (entities stage or NER model missing)")
    conn.execute("UPDATE entities SET confidence = 0.1 WHERE id = ?", (row[0],))
    conn.commit()
    conn.close()
    client = TestClient(create_app(db))
    listed = {e["id"] for e in client.get("/api/entities", params={"limit": 500}).json()}
    every = {e["id"] for e in client.get("/api/entities", params={"limit": 500, "all": "true"}).json()}
    assert row[0] not in listed and row[0] in every
    assert f'href="/entities/{row[0]}"' not in client.get("/entities", params={"limit": 200}).text
    assert f'href="/entities/{row[0]}"' in client.get("/entities", params={"limit": 200, "all": "1"}).text
