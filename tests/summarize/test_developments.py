"""Developments: a count of one storyline followed over the days it was reported."""

import json

from typer.testing import CliRunner

from storyline import read
from storyline.cli import app
from storyline.enrich.registry import annotate
from storyline.records import Article
from storyline.summarize.developments import developments, modifier


def _fig(i, value, day, what="dode", category="dead", sentence=None, qualifier=None, scope=None, low=None,
         reported_by="nos", article=None):
    return {"id": i, "what": what, "category": category, "unit": None, "value": value, "low": low, "high": None,
            "qualifier": qualifier, "as_of": day, "article": article or f"a{i}", "reported_by": reported_by,
            "scope": scope, "sentence": sentence or f"Bij de aardbeving kwamen {int(value)} mensen om.{i}"}


def test_a_toll_that_rises_over_days_is_one_development_in_day_order():
    found = developments([_fig(3, 90, "2023-05-04"), _fig(1, 12, "2023-05-02"), _fig(2, 40, "2023-05-03", what="mens")])
    assert len(found) == 1
    assert [(p.day, p.values) for p in found[0].points] == [
        ("2023-05-02", (12.0,)), ("2023-05-03", (40.0,)), ("2023-05-04", (90.0,))]


def test_nothing_to_follow_without_a_change_or_a_second_day():
    assert developments([_fig(1, 12, "2023-05-02"), _fig(2, 12, "2023-05-03")]) == []  # the same count, repeated
    assert developments([_fig(1, 12, "2023-05-02"), _fig(2, 40, "2023-05-02")]) == []  # one day: a dispute, maybe
    assert developments([_fig(1, 12, "2023-05"), _fig(2, 40, "2023-06")]) == []  # months say no day-to-day change


def test_a_part_of_a_count_and_the_earlier_value_of_a_change_are_not_steps():
    part = _fig(2, 6, "2023-05-03", what="verdachte", category="arrested", qualifier="of twaalf",
                sentence="Zes van de twaalf verdachten zijn vrijgelaten.")
    first = _fig(1, 12, "2023-05-02", what="verdachte", category="arrested",
                 sentence="De politie heeft twaalf verdachten opgepakt.")
    assert developments([first, part]) == []


def test_an_expectation_is_no_step_and_does_not_split_the_reported_counts():
    feared = _fig(1, 1000, "2023-05-02", scope="Mozambique", sentence="In Mozambique zijn mogelijk meer dan duizend doden.")
    counted = _fig(2, 215, "2023-05-02", sentence="In de drie getroffen landen zijn 215 doden geregistreerd.")
    later = _fig(3, 700, "2023-05-10", scope="Idai", sentence="De orkaan Idai veroorzaakte minstens zevenhonderd doden.")
    found = developments([feared, counted, later])
    assert [[(p.day, p.values) for p in d.points] for d in found] == [
        [("2023-05-02", (215.0,)), ("2023-05-10", (700.0,))]]


def test_an_adjective_before_the_counted_noun_makes_it_another_count():
    civil = _fig(1, 30, "2023-05-02", sentence="Er vielen 30 burgerlijke doden.")
    assert modifier(civil) == "burgerlijk"
    assert modifier(_fig(2, 300, "2023-05-02", sentence="Er vielen ruim driehonderd doden.")) == ""
    assert developments([civil, _fig(2, 300, "2023-05-03", sentence="Er vielen ruim driehonderd doden.")]) == []


def test_seats_and_votes_are_not_followed():
    seats = [_fig(1, 9, "2023-05-02", what="zetel", category="seats", scope="CDA"),
             _fig(2, 13, "2023-05-03", what="zetel", category="seats", scope="CDA")]
    assert developments(seats) == []


def test_the_cli_and_the_api_list_a_storylines_rising_toll(store, tmp_path, monkeypatch):
    texts = {"a1": ("2023-05-02", "Bij de aardbeving in het zuiden van het land zijn twaalf mensen omgekomen."),
             "a2": ("2023-05-04", "Het dodental van de aardbeving is gestegen: er zijn zeker negentig mensen omgekomen.")}
    arts = [Article(id=k, text=t, source="outlet-" + k, published=d, language="nl") for k, (d, t) in texts.items()]
    with store.transaction() as conn:
        for a in arts:
            store.save_article(a)
            store.save_annotations(a.id, annotate(a, []))
        conn.execute("INSERT INTO storylines (id) VALUES (1)")
        conn.execute("INSERT INTO events (id, storyline_id) VALUES (1, 1)")
        conn.execute("INSERT INTO events (id, storyline_id) VALUES (2, 1)")
        conn.execute("INSERT INTO event_articles (article_id, event_id) VALUES ('a1', 1)")
        conn.execute("INSERT INTO event_articles (article_id, event_id) VALUES ('a2', 2)")
    found = read.list_developments(store, storyline="S1")
    assert len(found) == 1 and found[0].storyline == "S1"
    assert [p.values for p in found[0].points] == [[12.0], [90.0]]
    assert read.list_developments(store, event="E2")[0].points[0].day == "2023-05-02"  # the event's storyline
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "test.db"), "developments", "--storyline", "S1", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [[p["day"], p["values"]] for p in shown[0]["points"]] == [["2023-05-02", [12.0]], ["2023-05-04", [90.0]]]
