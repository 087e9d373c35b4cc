"""Online clustering through the real pipeline and store: stable ids, continuation, copies, dates."""

import json
from pathlib import Path

import pytest

from storyline.ingest.readers import article_from_record, read_path
from storyline.runner import Runner
from storyline.store import Store
from storyline.store import events as q

REPO = Path(__file__).resolve().parents[2]

TALKS = [
    ("nos-1", "nos", "2022-02-28", "Gesprekken tussen Rusland en Oekraïne in Belarus begonnen",
     "De delegaties van Rusland en Oekraïne zijn maandagochtend in Belarus aan tafel gegaan. Minister Reznikov "
     "leidt de Oekraïense delegatie, Medinski de Russische. Kiev eist een staakt-het-vuren."),
    ("ad-1", "ad", "2022-02-28", "Russische en Oekraïense delegaties praten in Belarus",
     "In Belarus zijn maandag de onderhandelingen tussen Rusland en Oekraïne begonnen. De Oekraïense delegatie "
     "onder leiding van Reznikov vraagt om een staakt-het-vuren; Medinski leidt de Russische delegatie."),
]
FLOOD = ("rtl-1", "rtl", "2022-02-28", "Zware overstromingen in Limburg na hevige regen",
         "Na dagen van hevige regen zijn delen van Zuid-Limburg overstroomd. De Geul trad buiten haar oevers in "
         "Valkenburg; bewoners worden geëvacueerd en de brandweer zet pompen in.")


def _ingest(store, rows, runner=None):
    items = [article_from_record({"id": i, "source": s, "published": d, "title": t, "text": x, "language": "nl"},
                                 "test") for i, s, d, t, x in rows]
    return (runner or Runner(store)).ingest(items)


def test_same_event_joins_other_event_stays_apart(store):
    _ingest(store, TALKS + [FLOOD])
    got = q.assignments(store.conn)
    assert got["nos-1"][0] == got["ad-1"][0]
    assert got["rtl-1"][0] != got["nos-1"][0]
    event = q.get_event(store.conn, got["nos-1"][0])
    assert set(event["articles"]) == {"nos-1", "ad-1"}
    assert event["sources"] == ["nos", "ad"] and event["independent_sources"] == 2
    assert event["date"] == "2022-02-28" and event["date_precision"] == "day"
    assert event["id"].startswith("E") and event["storyline"].startswith("S")


def test_second_ingest_extends_existing_events_and_keeps_ids(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path)
    _ingest(store, [TALKS[0], FLOOD])
    before = q.assignments(store.conn)
    store.close()
    # A new process: the clusterer must reload its state from the store.
    store = Store(path)
    _ingest(store, [TALKS[1]])
    after = q.assignments(store.conn)
    store.close()
    assert {k: after[k] for k in before} == before
    assert after["ad-1"][0] == before["nos-1"][0]


def test_near_copy_joins_its_original_and_is_not_an_independent_source(store):
    nos = TALKS[0]
    copy = ("nu-1", "nu", "2022-02-28", nos[3], nos[4] + " (ANP)")
    summary = _ingest(store, [nos, copy])
    assert summary.copies == 1
    got = q.assignments(store.conn)
    assert got["nu-1"][0] == got["nos-1"][0]
    event = q.get_event(store.conn, got["nos-1"][0])
    assert event["independent_sources"] == 1 and set(event["sources"]) == {"nos", "nu"}


def test_dutch_and_english_reports_of_one_event_join(store):
    en = ("bbc-1", "bbc", "2022-02-28", "Russia and Ukraine begin talks in Belarus",
          "Delegations from Russia and Ukraine have begun talks in Belarus on Monday morning. Defence minister "
          "Reznikov leads the Ukrainian delegation, Medinsky the Russian one. Kyiv demands a ceasefire.")
    rows = [TALKS[0], FLOOD]
    items = [article_from_record({"id": i, "source": s, "published": d, "title": t, "text": x, "language": "nl"},
                                 "t") for i, s, d, t, x in rows]
    items.append(article_from_record(dict(zip(("id", "source", "published", "title", "text"), en), language="en"),
                                     "t"))
    Runner(store).ingest(items)
    got = q.assignments(store.conn)
    assert got["bbc-1"][0] == got["nos-1"][0] != got["rtl-1"][0]


def test_seed_example_one_storyline_and_the_undated_article_gets_a_date(store):
    seeds = REPO / "examples" / "seeds"
    items = [a for p in sorted(seeds.iterdir()) for a in read_path(p)]
    Runner(store).ingest(items)
    got = q.assignments(store.conn)
    assert len(got) == 5
    assert len({sl for _, sl in got.values()}) == 1  # one story: run-up, talks, next round
    undated = [a for a in store.iter_articles_in_order() if a.published is None]
    assert undated and all(a.estimated_date and a.date_precision == "estimated" for a in undated)
    storyline = q.list_storylines(store.conn)[0]
    assert storyline["start"] <= storyline["end"]


def test_cli_lists_events_storylines_and_show(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    db = str(tmp_path / "c.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "ingest", str(REPO / "examples" / "seeds")]).exit_code == 0
    events = json.loads(runner.invoke(app, ["--db", db, "events", "--json"]).stdout)
    assert events and set(events[0]) == {"id", "title", "date", "date_precision", "articles", "sources",
                                         "independent_sources", "storyline", "commentary", "merged", "requested"}
    storylines = json.loads(runner.invoke(app, ["--db", db, "storylines", "--json"]).stdout)
    assert set(storylines[0]) == {"id", "title", "start", "end", "events"}
    shown = runner.invoke(app, ["--db", db, "show", events[0]["id"], "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == events[0]["id"]
    assert runner.invoke(app, ["--db", db, "timeline", storylines[0]["id"]]).exit_code == 0
    missing = runner.invoke(app, ["--db", db, "timeline", "S999"])
    assert missing.exit_code == 1


def test_two_writers_on_one_store_do_not_overwrite_each_other(tmp_path):
    path = tmp_path / "w.db"
    first, second = Store(path), Store(path)
    # One runner per writer, kept across batches: its clusterer caches clusters between them.
    one, two = Runner(first), Runner(second)
    third = ("nu-9", "nu", "2022-02-28", "Onderhandelingen Rusland en Oekraïne in Belarus van start",
             "Rusland en Oekraïne zijn maandag in Belarus begonnen met onderhandelingen. Reznikov leidt de "
             "Oekraïense delegatie en Medinski de Russische; Kiev wil een staakt-het-vuren.")
    _ingest(first, [TALKS[0]], one)
    _ingest(second, [TALKS[1]], two)  # extends the event the first process has cached
    _ingest(first, [third], one)
    got = q.assignments(first.conn)
    event = got["nos-1"][0]
    stored_size = first.conn.execute("SELECT n_articles FROM events WHERE id = ?", (event,)).fetchone()[0]
    first.close()
    second.close()
    assert got["ad-1"][0] == event == got["nu-9"][0]
    assert stored_size == 3  # a stale cache would have written 2


def test_clusterer_reads_the_quotes_and_entity_words_the_enrich_stage_found(store):
    from storyline.cluster.stage import _direct_quote_texts, _mention_bag

    text = ("Premier Mark Rutte sprak dinsdag in Den Haag over de formatie. \"We gaan hier de komende weken heel "
            "hard aan werken met alle partijen\", zei Rutte na afloop tegen verslaggevers.")
    results = []
    items = [article_from_record({"id": "q-1", "source": "nos", "published": "2022-02-28",
                                  "title": "Rutte over de formatie", "text": text, "language": "nl"}, "test")]
    Runner(store).ingest(items, on_result=results.append)
    [annotations] = results[0].annotations.values()
    quotes = _direct_quote_texts(annotations.quotes)
    assert any("komende weken heel hard" in t for t in quotes)
    assert "rutte" in _mention_bag(annotations.mentions or ())


def test_undated_reports_join_an_event_stored_by_an_earlier_ingest(tmp_path):
    # Without dates an article is scored against each stored member of an event: the members must come back
    # from the store in a new process.
    undated = [(i, s, None, t, x) for i, s, _, t, x in TALKS]
    third = ("nrc-1", "nrc", None, "Onderhandelingen Rusland en Oekraïne in Belarus van start",
             "Rusland en Oekraïne zijn maandag in Belarus begonnen met onderhandelingen. De Oekraïense delegatie "
             "onder leiding van Reznikov eist een staakt-het-vuren; Medinski leidt de Russische delegatie.")
    path = tmp_path / "s.db"
    store = Store(path)
    _ingest(store, undated + [(FLOOD[0], FLOOD[1], None, FLOOD[3], FLOOD[4])])
    before = q.assignments(store.conn)
    assert before["nos-1"][0] == before["ad-1"][0] != before["rtl-1"][0]
    store.close()
    store = Store(path)
    from storyline.cluster.stage import SqlBackend

    members = SqlBackend(store).get("event", before["nos-1"][0]).member_views()
    assert len(members) == 2 and all(m.lex and m.n == 1 for m in members)
    _ingest(store, [third])
    after = q.assignments(store.conn)
    event = q.get_event(store.conn, after["nrc-1"][0])
    store.close()
    assert after["nrc-1"][0] == before["nos-1"][0]
    assert set(event["articles"]) == {"nos-1", "ad-1", "nrc-1"}


def test_an_article_without_a_known_outlet_adds_no_independent_source(store):
    unknown = ("x-1", None, TALKS[1][2], TALKS[1][3], TALKS[1][4])
    _ingest(store, [TALKS[0], unknown])
    got = q.assignments(store.conn)
    assert got["x-1"][0] == got["nos-1"][0]
    event = q.get_event(store.conn, got["nos-1"][0])
    assert event["independent_sources"] == 1


def test_only_a_real_text_copied_follows_its_original_into_its_event():
    """An empty strip or a one-line caption "copies" other days' items of its series by chance."""
    from storyline.cluster.stage import MIN_COPY_WORDS, EventClusterer
    from storyline.records import Article

    clusterer = EventClusterer(store=None, settings=None)
    strip = Article(id="b", text="", title="Toos en Henk", copy_of="a")
    report = Article(id="d", text=" ".join(["woord"] * MIN_COPY_WORDS), title="Bericht", copy_of="c")
    assert clusterer._forced_event(strip, {"a": 1}) is None
    assert clusterer._forced_event(report, {"c": 2}) == 2


BOILERPLATE = ("Wilt u elke ochtend het belangrijkste nieuws uit de regio in uw mailbox ontvangen, meld u dan aan voor "
               "onze gratis nieuwsbrief via de website of de app van de krant. Heeft u een tip voor onze redactie over "
               "iets wat er in uw buurt gebeurt, mail of app dan naar ons tipnummer, ook anoniem als u dat wilt. "
               "Abonnees lezen al onze verhalen onbeperkt op de website en in de app, en krijgen elke zaterdag het "
               "magazine met achtergronden, recepten en de puzzelbijlage gratis thuisbezorgd.")
UNRELATED = [
    ("Brand verwoest boerderij in Enter", "Een uitslaande brand heeft vannacht een boerderij aan de Dorpsstraat in "
     "Enter verwoest. De brandweer kon niet voorkomen dat de schuur met hooi volledig afbrandde. Het vee werd op "
     "tijd uit de stallen gehaald door de boer en buren die door de rookontwikkeling wakker waren geworden. Over "
     "de oorzaak van de brand is nog niets bekend; de politie sluit brandstichting niet uit en zoekt getuigen. "
     "De familie woont al vier generaties op de boerderij, die in 1911 werd gebouwd. Een naburige melkveehouder "
     "heeft de koeien voorlopig opgevangen. De schade loopt volgens de verzekeraar in de honderdduizenden euro's."),
    ("Gemeenteraad Almelo stemt in met nieuw zwembad", "De gemeenteraad van Almelo heeft dinsdagavond ingestemd "
     "met de bouw van een nieuw zwembad aan de rand van het centrum. De kosten bedragen twaalf miljoen euro. Het "
     "oude bad aan de Sluitersveldssingel is al jaren verouderd en kampt met lekkages in het dak. Oppositiepartijen "
     "vinden het bedrag te hoog en wilden eerst een tweede onderzoek naar renovatie, maar kregen geen meerderheid. "
     "Zwemverenigingen en scholen reageren opgelucht. De bouw begint volgend voorjaar; het bad moet in 2022 open. "
     "Wethouder Langeveld noemt het een belangrijke investering voor de gezondheid van alle inwoners."),
    ("Wielrenner uit Hengelo wint etappe in Spanje", "De Hengelose wielrenner Bas Visser heeft de vierde etappe "
     "van de Ronde van Catalonië gewonnen na een lange solo in de bergen boven Girona. Hij reed op de laatste klim "
     "weg uit een kopgroep van zeven renners en hield in de afdaling een halve minuut over. Het is zijn eerste "
     "zege als prof. Zijn ploeg had hem aan het begin van het seizoen een vrije rol beloofd in de Spaanse koersen. "
     "In het algemeen klassement klimt hij naar de twaalfde plaats. Zijn ouders volgden de finale in het clubhuis "
     "van de wielervereniging in Hengelo, waar hij als jongen begon met fietsen op de wielerbaan."),
    ("Wegwerkzaamheden A1 bij Deventer gaan langer duren", "Rijkswaterstaat verlengt de afsluiting van de A1 bij "
     "Deventer met twee weken. Bij het vervangen van het asfalt stuitten de aannemers op vervuilde grond die eerst "
     "moet worden afgegraven en afgevoerd. Verkeer richting Apeldoorn wordt omgeleid via de N348 en de A50. "
     "Transporteurs klagen over files en extra kosten; de ondernemersvereniging vraagt om nachtwerk om de klus "
     "sneller af te ronden. Rijkswaterstaat zegt dat te onderzoeken. Weggebruikers wordt aangeraden om ruim "
     "extra reistijd te nemen of de trein te pakken tot de werkzaamheden begin mei klaar zijn."),
    ("Basisschool in Oldenzaal krijgt zonnepanelen op het dak", "Leerlingen van basisschool De Vlinder in "
     "Oldenzaal hebben geld ingezameld voor zonnepanelen. Het dak levert straks stroom voor de hele school. De "
     "kinderen verkochten koekjes, liepen een sponsorloop en haalden bij bedrijven in de wijk bijna negenduizend "
     "euro op. De gemeente legde de rest bij uit een potje voor duurzame schoolgebouwen. In de klas volgen de "
     "leerlingen op een scherm hoeveel stroom de panelen opwekken. Directeur Ans Mulder is trots: de kinderen "
     "bedachten het plan zelf na een les over het klimaat en hielden vol tot het geld binnen was."),
]


@pytest.mark.parametrize("batches", [1, 2])
def test_one_outlets_boilerplate_does_not_chain_its_unrelated_same_day_reports(tmp_path, batches):
    # Five unrelated reports of one regional site on one day, each ending in the same three standing lines
    # (newsletter, tip line, subscription): the lines are the outlet's boilerplate from their second occurrence
    # on, left out of terms and names, also when the earlier pages came in an earlier ingest.
    rows = [(f"site-{i}", "regiosite", "2019-03-25", title, text + " " + BOILERPLATE)
            for i, (title, text) in enumerate(UNRELATED)]
    store = Store(tmp_path / "b.db")
    if batches == 1:
        _ingest(store, rows)
    else:
        _ingest(store, rows[:2])
        store.close()
        store = Store(tmp_path / "b.db")
        _ingest(store, rows[2:])
    got = q.assignments(store.conn)
    store.close()
    assert len({got[f"site-{i}"][0] for i in range(5)}) == 5


def test_the_same_report_in_two_outlets_keeps_its_shared_sentences(store):
    # Syndication is not boilerplate: sentences are counted per outlet.
    text = UNRELATED[0][1] + " " + BOILERPLATE
    _ingest(store, [("a-1", "tubantia", "2019-03-25", UNRELATED[0][0], text),
                    ("b-1", "destentor", "2019-03-25", "Boerderij in Enter afgebrand", text)])
    got = q.assignments(store.conn)
    assert got["a-1"][0] == got["b-1"][0]
