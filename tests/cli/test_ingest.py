import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from storyline.cli import app

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "examples" / "seeds"
runner = CliRunner()


def run(db, *args, input=None):
    return runner.invoke(app, ["--db", str(db), *args], input=input)


def test_ingest_seeds_and_list_articles_json_contract(tmp_path):
    db = tmp_path / "s.db"
    result = run(db, "ingest", str(SEEDS))
    assert result.exit_code == 0, result.output
    assert "new 5" in result.output and "failed 0" in result.output
    listing = json.loads(run(db, "articles", "--json").stdout)
    assert len(listing) == 5
    for record in listing:
        assert set(record) == {"id", "source", "url", "title", "published", "language", "text", "copy_of", "genre"}
        assert record["published"] is None or len(record["published"]) in (7, 10)
        assert record["language"] == "nl"
    undated = [r for r in listing if r["published"] is None]
    assert len(undated) == 1
    again = run(db, "ingest", str(SEEDS))
    assert "new 0" in again.output and "duplicates 5" in again.output


def test_bad_input_nonzero_exit_and_nothing_lost(tmp_path):
    db = tmp_path / "s.db"
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "g1", "text": "Een goed bericht over de verkiezingen in Utrecht."}) + "\n")
    assert run(db, "ingest", str(good)).exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "b1", "text": "Nog een goed bericht."}\nnot json\n')
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\xff" * 50)
    result = run(db, "ingest", str(bad), str(binary))
    assert result.exit_code == 1
    assert "bad.jsonl:2" in result.output and "binary" in result.output
    assert "Traceback" not in result.output
    ids = {r["id"] for r in json.loads(run(db, "articles", "--json").stdout)}
    assert ids == {"g1", "b1"}


def test_stdin_jsonl_show_search_export(tmp_path):
    db = tmp_path / "s.db"
    lines = "\n".join(json.dumps(r) for r in [
        {"id": "x1", "source": "NOS", "published": "2022-03-01", "title": "Gesprek in Minsk",
         "text": "De gesprekken in Minsk zijn begonnen, meldt de NOS."},
        {"id": "x2", "source": "NU", "published": "2022-03-02", "text": "Het weer wordt morgen zonnig."},
    ])
    assert run(db, "ingest", "-", input=lines).exit_code == 0
    shown = run(db, "show", "x1")
    assert "Gesprek in Minsk" in shown.stdout and "NOS" in shown.stdout
    hits = json.loads(run(db, "search", "gesprek", "--json").stdout)
    assert [h["id"] for h in hits] == ["x1"]
    assert run(db, "show", "nope").exit_code == 1
    out = tmp_path / "out.csv"
    assert run(db, "export", "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text().splitlines()[0] == "id,source,url,title,published,language,text,copy_of,genre"
    jsonl = run(db, "export", "--format", "jsonl").stdout.strip().splitlines()
    assert [json.loads(l)["id"] for l in jsonl] == ["x1", "x2"]
    assert run(db, "export", "--format", "xml").exit_code == 2


def test_long_titles_in_tables_are_cut_at_a_word(tmp_path):
    db = tmp_path / "s.db"
    title = ("Kabinet presenteert plannen voor woningbouw in Utrecht en omgeving met duizenden nieuwe huizen "
             "langs het spoor richting Amersfoort")
    record = {"id": "w1", "published": "2022-03-01", "title": title,
              "text": "Het kabinet wil duizenden woningen bouwen langs het spoor tussen Utrecht en Amersfoort."}
    assert run(db, "ingest", "-", input=json.dumps(record)).exit_code == 0
    for args in (["articles"], ["search", "woningen"]):
        out = runner.invoke(app, ["--db", str(db), *args], env={"COLUMNS": "400"}).output
        row = next(line for line in out.splitlines() if "w1" in line)
        shown = row[row.index("Kabinet"):].split("…")[0]
        assert "…" in row and title.startswith(shown)
        assert shown.split()[-1] in title.split()  # the last word shown is whole


def test_source_option_names_the_outlet_of_records_without_one(tmp_path):
    import json as _json

    db = tmp_path / "s.db"
    rows = [{"id": "a1", "text": "Bij de brand vielen 12 doden, zei de brandweer.", "language": "nl"},
            {"id": "a2", "source": "nos", "text": "Er vielen 12 doden.", "language": "nl"}]
    data = "\n".join(_json.dumps(r) for r in rows) + "\n"
    assert run(db, "ingest", "-", "--source", "dpg-ad", input=data).exit_code == 0
    out = _json.loads(run(db, "articles", "--json").output)
    assert {a["id"]: a["source"] for a in out} == {"a1": "dpg-ad", "a2": "nos"}
    figures = _json.loads(run(db, "figures", "--json").output)
    assert {(f["article"], f["reported_by"], f["reporter_type"]) for f in figures} == \
        {("a1", "de brandweer", "ORG"), ("a2", "nos", "OUTLET")}  # the fire service, an organisation
