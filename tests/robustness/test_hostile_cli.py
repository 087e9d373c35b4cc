"""Hostile input through the command line: markup and control characters in every article field and in every
derived field (entity names, quotes, figures, positions, titles) through every listing, printed on a terminal.

Each command runs as a subprocess with a forced colour terminal (FORCE_COLOR), as a user would see it: Rich
styles the labels (SGR ``ESC[…m``), and nothing else may reach the terminal from the data.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app

SRC = Path(__file__).resolve().parents[2] / "src"
# Markup that crashes (``[/]``), markup that would vanish (``[update]``) or become a hidden hyperlink, an emoji
# code, an OSC title change, a screen clear, a bidi override and a C1 CSI.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202e\x9b31m [/] [update] [link=https://e.vil]x[/link] :warning: [bold]"
LITERALS = ("[/]", "[update]", "[link=https://e.vil]x[/link]", ":warning:", "[bold]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colours and bold: what Rich itself writes on a colour terminal
DANGEROUS = ("\x1b", "\x07", "\x9b", "\u202e")
runner = CliRunner()


def _records() -> list[str]:
    lines = []
    for i in range(3):
        lines.append(json.dumps({
            "id": f"hostile-{i} {HOSTILE}", "title": f"{HOSTILE} Kabinet valt {i}", "source": f"{HOSTILE} bron{i}",
            "url": f"https://x.example/{i}?q={HOSTILE}", "author": f"{HOSTILE} auteur", "published": f"2019-03-0{i + 1}",
            "language": "nl",
            "text": (f"{HOSTILE} Premier Mark Rutte zei in Den Haag dat het kabinet valt. \"Dit is {HOSTILE} het "
                     f"einde\", zei Mark Rutte. Volgens de politie waren er 5000 betogers in Amsterdam. ") * 3}))
    # Non-finite numbers in a record's extra fields (Python's json reads NaN and Infinity): metadata.
    lines.append('{"id": "E1", "title": "Artikel met id E1", "source": "s", "published": "2019-03-01", '
                 '"language": "nl", "text": "Een artikel met id E1 over het kabinet.", '
                 '"rating": NaN, "reach": Infinity}')
    return lines


def _poison(db: str) -> None:
    """Hostile text in every derived field the listings print (entity names and variants, quote speakers,
    figures, positions, disagreements, event and storyline titles, alerts), and a non-finite figure."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE entities SET name = ? || name", (HOSTILE + " ",))
        conn.execute("UPDATE entity_variants SET variant = ? || variant", (HOSTILE + " ",))
        conn.execute("UPDATE quotes SET speaker = ? || COALESCE(speaker, '')", (HOSTILE + " ",))
        conn.execute("UPDATE events SET title = ? || COALESCE(title, '')", (HOSTILE + " ",))
        conn.execute("UPDATE storylines SET title = ? || COALESCE(title, '')", (HOSTILE + " ",))
        article = conn.execute("SELECT id FROM articles ORDER BY seq LIMIT 1").fetchone()[0]
        for value in (1e999, 12.0):  # 1e999: SQLite keeps infinity (NaN it stores as NULL)
            conn.execute("INSERT INTO figures (article_id, what, value, qualifier, unit, reported_by, as_of, sentence,"
                         " start, \"end\") VALUES (?,?,?,?,?,?,?,?,0,1)",
                         (article, HOSTILE, value, HOSTILE, HOSTILE, HOSTILE, "2019-03-01", HOSTILE))
        figures = [r[0] for r in conn.execute("SELECT id FROM figures WHERE what = ?", (HOSTILE,))]
        cur = conn.execute("INSERT INTO disagreements (what, event_id, signature) VALUES (?, 1, 'hostile')", (HOSTILE,))
        conn.executemany("INSERT INTO disagreement_figures VALUES (?, ?)", [(cur.lastrowid, f) for f in figures])
        conn.execute("INSERT INTO positions (article_id, actor, stance, object, date, sentence, start)"
                     " VALUES (?,?,?,?,?,?,0)", (article, HOSTILE, "demand", HOSTILE, "2019-03-01", HOSTILE))
        conn.execute("INSERT INTO alerts (kind, storyline_id, event_id, created_at, title, detail, key)"
                     " VALUES ('new_story', 1, 1, 1551398400, ?, ?, 'hostile')",
                     (HOSTILE, json.dumps({"reason": HOSTILE, "outlets": [HOSTILE]})))
    conn.close()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    path.write_text("\n".join(_records()) + "\n", encoding="utf-8")
    db = str(path.with_suffix(".db"))
    result = runner.invoke(app, ["--db", db, "ingest", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new"] == 4
    _poison(db)
    return db


def _terminal(db: str, *args: str, src: Path = SRC) -> subprocess.CompletedProcess:
    """The command as a person runs it on a 200-column colour terminal."""
    env = {**os.environ, "PYTHONPATH": str(src), "FORCE_COLOR": "1", "COLUMNS": "200", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "storyline", "--db", db, *args], capture_output=True,
                          env=env, timeout=120)


def _check_screen(result: subprocess.CompletedProcess, *, expect_literals: bool = True) -> str:
    out = result.stdout.decode("utf-8") + result.stderr.decode("utf-8")
    assert "Traceback" not in out and "MarkupError" not in out, out[-3000:]
    screen = SGR.sub("", out)
    for char in DANGEROUS:
        assert char not in screen, f"{char!r} reached the terminal:\n{screen[:3000]}"
    assert "\u26a0" not in screen, "':warning:' became an emoji"
    if expect_literals:
        flat = re.sub(r"\s*[│┃]\s*|\n\s*", "", screen)  # undo table folding
        for literal in LITERALS:
            assert literal.replace(" ", "") in flat.replace(" ", ""), f"{literal!r} not shown:\n{screen[:3000]}"
        assert "␛" in screen, "the control characters are not shown as visible stand-ins"
    return screen


LISTINGS = [("articles",), ("events",), ("storylines",), ("timeline",), ("timeline", "S1"), ("show", "event:E1"),
            ("show", "S1"), ("search", "kabinet"), ("quotes",), ("figures",), ("disagreements",), ("entities",),
            ("positions",), ("summary", "E1"), ("alerts",)]


@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_every_listing_prints_article_text_literally_and_no_control_character(hostile_db, args):
    result = _terminal(hostile_db, *args)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    _check_screen(result)


def test_show_article_with_hostile_id_url_and_body(hostile_db):
    result = _terminal(hostile_db, "show", f"hostile-0 {HOSTILE}")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    screen = _check_screen(result)
    assert "https://x.example/0?q=" in screen


def test_an_error_quoting_hostile_input_is_plain_text(hostile_db):
    result = _terminal(hostile_db, "show", f"nothing {HOSTILE}")
    assert result.returncode == 1
    screen = _check_screen(result, expect_literals=False)
    assert "error: E201" in screen and "[update]" in screen


def test_json_output_cannot_drive_the_terminal_and_keeps_the_data(hostile_db):
    result = runner.invoke(app, ["--db", hostile_db, "articles", "--json"])
    assert result.exit_code == 0
    assert not any(char in result.stdout for char in DANGEROUS)
    titles = [a["title"] for a in json.loads(result.stdout)]
    assert any("\u202e" in t and "\x9b" in t and "[update]" in t for t in titles)


# --------------------------------------------------------------------------- strict JSON
@pytest.mark.parametrize("args", [("show", "article:E1"), ("figures",), ("disagreements",)])
def test_json_output_is_strict_json_without_nan_or_infinity(hostile_db, args):
    result = runner.invoke(app, ["--db", hostile_db, *args, "--json"])
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    data = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    if args[0] == "show":
        assert data["metadata"]["rating"] is None and data["metadata"]["reach"] is None
    if args[0] == "figures":
        assert None in [f["value"] for f in data] and 12.0 in [f["value"] for f in data]


# --------------------------------------------------------------------------- show: E1 the event, article:E1
def test_show_e1_is_the_event_even_when_an_article_has_id_e1(hostile_db):
    result = runner.invoke(app, ["--db", hostile_db, "show", "E1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "E1" and "articles" in json.loads(result.stdout)
    assert "also names article:E1" in result.stderr and "storyline show article:E1" in result.stderr
    article = runner.invoke(app, ["--db", hostile_db, "show", "article:E1", "--json"])
    assert json.loads(article.stdout)["title"] == "Artikel met id E1" and not article.stderr
    event = runner.invoke(app, ["--db", hostile_db, "show", "event:1", "--json"])
    assert json.loads(event.stdout)["id"] == "E1"
    missing = runner.invoke(app, ["--db", hostile_db, "show", "storyline:S999"])
    assert missing.exit_code == 1 and "no storyline with id" in missing.output


# --------------------------------------------------------------------------- huge numbers
HUGE = str(10 ** 30)


@pytest.mark.parametrize("args", [("articles", "--limit", HUGE), ("articles", "--offset", HUGE),
                                  ("events", "--limit", HUGE), ("events", "--min-articles", HUGE),
                                  ("storylines", "--offset", HUGE), ("search", "kabinet", "--offset", HUGE),
                                  ("entities", "--limit", HUGE), ("entities", "--article", "x", "--offset", HUGE),
                                  ("quotes", "--limit", HUGE), ("alerts", "--limit", HUGE), ("serve", "--port", HUGE),
                                  ("serve", "--port", "-1"), ("articles", "--limit", "-1")],
                         ids=lambda a: " ".join(a).replace(HUGE, "1e30"))
def test_out_of_range_numbers_are_usage_errors_not_tracebacks(hostile_db, args):
    result = runner.invoke(app, ["--db", hostile_db, *args])
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output and not isinstance(result.exception, OverflowError)


@pytest.mark.parametrize("args", [("show", f"E{HUGE}"), ("summary", f"E{HUGE}"), ("timeline", f"S{HUGE}"),
                                  ("entities", "--event", HUGE)])
def test_huge_ids_name_nothing(hostile_db, args):
    result = runner.invoke(app, ["--db", hostile_db, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1) and "Traceback" not in result.output


def test_a_negative_body_limit_is_refused(tmp_path):
    result = runner.invoke(app, ["--db", str(tmp_path / "x.db"), "serve", "--max-body", "-5"])
    assert result.exit_code == 2 and "--max-body" in result.output


# --------------------------------------------------------------------------- export
def test_csv_export_neutralises_spreadsheet_formulas(tmp_path):
    db = str(tmp_path / "f.db")
    formulas = ['=HYPERLINK("https://evil.example","klik")', "@SUM(A1:A9)", "+1+2", "-2+3", "\t=1", "\r=1"]
    lines = [json.dumps({"id": f"f{i}", "title": f, "source": f, "text": f"Tekst {i} over {f} en het kabinet.",
                         "language": "nl"}) for i, f in enumerate(formulas)]
    (tmp_path / "f.jsonl").write_text("\n".join(lines) + "\n")
    assert runner.invoke(app, ["--db", db, "ingest", str(tmp_path / "f.jsonl")]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "export", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    cells = [row[field] for row in rows for field in ("title", "source")]
    assert cells and all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells
    assert any(c == "'" + '=HYPERLINK("https://evil.example","klik")' for c in cells)


def test_csv_export_writes_no_control_characters(tmp_path):
    """ESC, BEL, C1 and bidi controls kept in an article's source or author reach no terminal through the CSV
    export (they show as visible stand-ins); newlines in the text stay."""
    db = str(tmp_path / "c.db")
    lines = [json.dumps({"id": f"c{i}", "title": f"Titel {i}", "source": f"{HOSTILE} bron{i}\x9d0;x\x9c",
                         "author": f"\x1b[31mauteur{i}", "language": "nl",
                         "text": f"Eerste regel {i} over het kabinet.\n\nTweede regel {i}."}) for i in range(2)]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    assert runner.invoke(app, ["--db", db, "ingest", str(tmp_path / "c.jsonl"), "--no-prefetch"]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "export", "--format", "csv"])
    assert result.exit_code == 0
    assert not any(ch in result.stdout for ch in DANGEROUS + ("\x9d", "\x9c")), repr(result.stdout[:400])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 and all("\n" in row["text"] and "bron" in row["source"] for row in rows)
    assert all("[/]" in row["source"] and "\u241b" in row["source"] for row in rows)  # literal, ESC shown as ␛


# --------------------------------------------------------------------------- ingest summary
def test_a_newline_in_a_file_name_cannot_forge_a_summary_line(tmp_path):
    forged = tmp_path / "x\nread 999, new 999, duplicates 0, copies 0, failed 0\n.json"
    forged.write_text("{not json")
    result = _terminal(str(tmp_path / "n.db"), "ingest", str(forged))
    out = SGR.sub("", result.stdout.decode() + result.stderr.decode())
    assert "Traceback" not in out
    lines = [line for line in out.splitlines() if line.startswith("read ")]
    assert lines == ["read 0, new 0, duplicates 0, copies 0, failed 1"], out
    assert "␊read 999" in out


# --------------------------------------------------------------------------- signals
@pytest.fixture(scope="module")
def long_input(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("signals") / "long.jsonl"
    text = "Premier Mark Rutte sprak in Den Haag met Geert Wilders over de begroting van {} miljoen euro. "
    path.write_text("".join(json.dumps({"id": f"b{i}", "title": f"Bericht {i}", "source": f"s{i % 7}",
                                        "language": "nl", "published": "2019-03-05", "text": text.format(i) * 20})
                            + "\n" for i in range(400)))
    return path


def _interrupt(tmp_path: Path, long_input: Path, sig: int, src: Path = SRC) -> subprocess.CompletedProcess:
    """``ingest`` of a long input, sent ``sig`` (to its whole process group, as a terminal does) mid-way."""
    proc = subprocess.Popen([sys.executable, "-m", "storyline", "--db", str(tmp_path / "s.db"), "ingest",
                             str(long_input)], env={**os.environ, "PYTHONPATH": str(src)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (tmp_path / "s.db").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(6)  # the models are loading or the first batches are being stored
    os.killpg(proc.pid, sig)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_sigint_exits_130_with_a_short_message(tmp_path, long_input):
    result = _interrupt(tmp_path, long_input, signal.SIGINT)
    err = result.stderr.decode()
    assert result.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err, err


def test_sigterm_exits_cleanly_without_a_leaked_semaphore_warning(tmp_path, long_input):
    result = _interrupt(tmp_path, long_input, signal.SIGTERM)
    err = result.stderr.decode()
    assert result.returncode == 143, err
    assert "leaked semaphore" not in err and "Traceback" not in err and "terminated" in err, err
