"""Named bad inputs: each one a finding of the fuzzers or a case the issue lists, kept as a regression test."""

from __future__ import annotations

import gzip
import io
import json
import time
from pathlib import Path

import pytest

import samples
from robustness_support import check_items
from storyline.ingest import readers
from storyline.ingest.pipeline import Ingester
from storyline.store import Store

MB = 1024 * 1024


def errors(items):
    return [i for i in items if isinstance(i, readers.ReadError)]


def articles(items):
    return [i for i in items if isinstance(i, readers.Article)]


# --------------------------------------------------------------------------- fuzz findings
@pytest.mark.parametrize("data", [
    b"<rss><channel><item><title>x &#xD800; y</title><description>tekst</description></item></channel></rss",
    b'<?xml version="1.0" encoding="\x80"?><rss></rss>',
    b'<?xml version="1.0" encoding="utf\x00"?><rss></rss>',
], ids=["surrogate-charref", "undecodable-encoding-name", "nul-in-encoding-name"])
def test_feeds_that_crash_feedparser_are_reported(data):
    items = check_items(readers.read_feed(Path("bad.rss"), data, MB), MB)
    assert [e.message for e in errors(items)] == ["malformed feed (feedparser failed: "
                                                  + e.message.split(": ")[1] for e in errors(items)]
    assert "malformed feed" in errors(items)[0].message


def test_lone_surrogate_in_json_is_stored_as_replacement_character(tmp_path):
    line = json.dumps({"id": "s\ud800", "title": "t\udfff", "text": "Tekst met \ud83d een half teken.", "x": ["\ud800"]})
    items = check_items(readers.read_json_lines([line], "x.jsonl", MB), MB)
    store = Store(tmp_path / "s.db")
    summary = Ingester(store).ingest(items)
    assert summary.new == 1
    stored = store.get_article("s\ufffd")
    assert stored.text == "Tekst met \ufffd een half teken." and stored.metadata == {"x": ["\ufffd"]}


@pytest.mark.parametrize("kind", ["truncated", "corrupt"])
def test_broken_gzip_jsonl_is_reported(tmp_path, kind):
    good = gzip.compress(samples.JSONL * 200)
    data = good[: len(good) // 2] if kind == "truncated" else good[:20] + b"\x00garbage" * 50
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(data)
    items = check_items(readers.read_path(path), 10 * MB)
    assert errors(items) and "corrupt compressed file" in errors(items)[-1].message


def test_warc_record_without_target_uri_is_reported(tmp_path):
    path = tmp_path / "bad.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nHTTP/1.1 200 OK\r\n")
    items = check_items(readers.read_path(path), MB)
    assert len(items) == 1 and "unreadable WARC" in items[0].message


def test_initials_run_is_split_in_linear_time():
    """Finding: 60,000 initials ("J. J. ...") took 428 s in figures; the sentence splitter rescanned."""
    from storyline.ingest.sentences import split_sentences

    t0 = time.perf_counter()
    split_sentences("J. " * 60_000)
    assert time.perf_counter() - t0 < 10


# --------------------------------------------------------------------------- XML entities
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><rss><channel><item><title>Lach &lol9;</title><description>&lol9; een twee drie vier'
                    b' vijf</description></item></channel></rss>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item>'
       b'<title>Bestand</title><description>Inhoud: &x; een twee drie</description></item></channel></rss>')


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
@pytest.mark.parametrize("prefix", [b"", b"\n\n", b"junk", b"\xef\xbb\xbf"], ids=["valid", "blank", "junk", "bom"])
def test_entity_declarations_are_refused(doc, prefix):
    """Well-formed or not (then defusedxml cannot parse it), a feed that declares entities is refused."""
    t0 = time.perf_counter()
    items = check_items(readers.read_feed(Path("evil.rss"), prefix + doc, 10 * MB), 10 * MB)
    assert time.perf_counter() - t0 < 5
    assert len(items) == 1 and "unsafe XML refused" in items[0].message


def test_utf16_feed_with_entities_is_refused():
    doc = XXE.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
    items = readers.read_feed(Path("evil.rss"), b"junk".decode().encode("utf-16") + doc.encode("utf-16"), MB)
    assert "unsafe XML refused" in list(items)[0].message


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_feedparser_itself_never_resolves_entities(doc):
    """Second line of defence: even past our check, feedparser expands neither kind of entity."""
    import feedparser

    for data in (doc, b"junk" + doc):
        parsed = feedparser.parse(data)
        blob = json.dumps([dict(e) for e in parsed.entries], default=str)
        assert "lollollol" not in blob and "root:" not in blob


# --------------------------------------------------------------------------- deep nesting, huge lines
def test_deeply_nested_json_is_reported_not_a_crash(tmp_path):
    deep = "[" * 200_000
    assert "malformed JSON" in errors(readers.read_json_lines([deep], "x", MB))[0].message
    path = tmp_path / "deep.json"
    path.write_text(deep)
    assert "malformed JSON" in errors(readers.read_path(path))[0].message
    record = '{"id": "n", "text": "Genest bericht.", "extra": ' + "[" * 900 + "]" * 900 + "}"
    items = check_items(readers.read_json_lines([record], "x", MB), MB)  # deep but legal: read or reported
    assert len(items) == 1


def test_deeply_nested_html_is_reported_not_a_crash():
    html = b"<html><body>" + b"<div>" * 100_000 + samples.BODY.encode() * 3 + b"</div>" * 100_000 + b"</body></html>"
    items = check_items(readers.read_html(Path("deep.html"), html, 10 * MB), 10 * MB)
    assert len(items) == 1


def test_line_of_megabytes_in_jsonl(tmp_path):
    """A 5 MB article on one line is read; an 8 MB line of junk is one error; the lines around survive."""
    big = {"id": "big", "text": ("Een lange zin over de gesprekken in Gomel. " * 120_000)[: 5 * MB]}
    path = tmp_path / "big.jsonl"
    path.write_bytes(json.dumps(big).encode() + b"\n" + b"x" * (8 * MB) + b"\n" + samples.JSONL)
    items = check_items(readers.read_path(path, max_bytes=10 * MB), 10 * MB)
    assert [a.id for a in articles(items)] == ["big", "a1", "a2"]
    assert len(errors(items)) == 1 and "malformed JSON" in errors(items)[0].message


def test_ten_megabyte_article_is_stored_and_searchable(tmp_path):
    text = ("Onderhandelaars uit Kyiv en Moskou spraken in Gomel over een staakt-het-vuren. " * 140_000)
    text = text[: 10 * MB - 1000]
    items = check_items(readers.read_json_lines([json.dumps({"id": "huge", "text": text})], "x", 10 * MB), 10 * MB)
    store = Store(tmp_path / "h.db")
    assert Ingester(store).ingest(items).new == 1
    assert [a.id for a, _, _ in store.search("staakt-het-vuren")] == ["huge"]


# --------------------------------------------------------------------------- dates and encodings
@pytest.mark.parametrize("published", ["2022-02-30", "2022-13", "2022-00-10", "0000-00-00", "99999-01-01",
                                       "2022-02-28T25:61:00", "Mon, 31 Feb 2022 10:00:00 +0100", "1e400", "0800-01-01",
                                       "gisteren ergens", 20220228, True, ["2022-02-28"]])
def test_impossible_dates_skip_only_their_article(published):
    lines = [json.dumps({"id": "bad", "published": published, "text": "Bericht met een onmogelijke datum."}),
             json.dumps({"id": "good", "published": "2022-02-28", "text": "Bericht met een goede datum."})]
    items = check_items(readers.read_json_lines(lines, "dates.jsonl", MB), MB)
    assert [a.id for a in articles(items)] == ["good"]
    assert len(errors(items)) == 1 and "date" in errors(items)[0].message


def test_mixed_encodings_line_by_line(tmp_path):
    """UTF-8 and cp1252 lines in one file are each decoded right; a UTF-16 line is reported alone."""
    utf8 = json.dumps({"id": "u", "text": "Oekraïne en Wit-Rusland: één gesprek."}, ensure_ascii=False).encode()
    cp1252 = json.dumps({"id": "c", "text": "Café in Genève – €5"}, ensure_ascii=False).encode("cp1252")
    utf16 = json.dumps({"id": "w", "text": "tekst"}).encode("utf-16-le")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([utf8, cp1252, utf16]) + b"\n")
    items = check_items(readers.read_path(path), MB)
    got = {a.id: a.text for a in articles(items)}
    assert got == {"u": "Oekraïne en Wit-Rusland: één gesprek.", "c": "Café in Genève – €5"}
    assert len(errors(items)) == 1


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary" * 100, bytes(range(256)) * 10, b"\x89PNG\r\n\x1a\n" + b"\x00" * 99],
                         ids=["nul", "all-bytes", "png"])
@pytest.mark.parametrize("suffix", [".txt", ".json", ".jsonl", ".html", ".rss", ".warc", ""])
def test_binary_files_are_reported(tmp_path, data, suffix):
    path = tmp_path / f"blob{suffix}"
    path.write_bytes(data)
    items = check_items(readers.read_path(path), MB)
    assert not articles(items) and errors(items)


@pytest.mark.parametrize("name, data", [
    ("a.jsonl", b'{"id": ' + b"9" * 5000 + b', "text": "Een tekst over het kabinet."}\n'
                b'{"id": "ok", "text": "Een tweede tekst over de gemeente."}\n'),
    ("a.json", b'[{"id": ' + b"9" * 5000 + b', "text": "Een tekst over het kabinet."}]'),
])
def test_an_integer_of_thousands_of_digits_is_a_read_error_not_a_crash(tmp_path, name, data):
    """Python's JSON reader refuses integers of over 4,300 digits with a plain ValueError: a read error, and the
    file's other records are read."""
    path = tmp_path / name
    path.write_bytes(data)
    items = list(readers.read_path(str(path)))
    errors = [i for i in items if isinstance(i, readers.ReadError)]
    assert len(errors) == 1 and "malformed JSON" in errors[0].message, items
    assert [a.id for a in articles(items)] == (["ok"] if name.endswith("jsonl") else [])
