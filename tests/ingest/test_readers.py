import gzip
import io
import json

from storyline.ingest.readers import ReadError, read_inputs, read_path
from storyline.records import Article


def articles_and_errors(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, ReadError)]


def test_plain_text_with_month_date_line(tmp_path):
    path = tmp_path / "abc_123.txt"
    path.write_text(" date 2022-02 Kabinet valt over stikstof. Premier biedt ontslag aan.\n\nDe coalitie...", "utf-8")
    [article] = list(read_path(path))
    assert article.id == "abc_123"
    assert article.published == "2022-02" and article.date_precision == "month"
    assert article.title == "Kabinet valt over stikstof. Premier biedt ontslag aan."
    assert article.text.startswith("Kabinet valt")
    assert article.language == "nl"


def test_plain_text_with_day_date_without_leading_space_and_undated(tmp_path):
    (tmp_path / "a.txt").write_text("date 2021-11-03\nDe trein reed vandaag niet.", "utf-8")
    (tmp_path / "b.txt").write_text("Een bericht zonder datum over de gemeenteraad van Utrecht.", "utf-8")
    a, b = sorted(read_inputs([str(tmp_path)]), key=lambda x: x.id)
    assert (a.published, a.date_precision) == ("2021-11-03", "day")
    assert b.published is None


def test_json_lines_fields_alias_and_metadata(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [
        {"id": 7, "title": "Brand in Zwolle", "text": "Een grote brand woedde gisteren in Zwolle.",
         "published_at": "2019-03-02T10:00:00", "publisher": "X"},
        {"id": "b", "url": "https://x.nl/b", "source": "NOS", "published": "2019-03", "text": "Tekst twee.",
         "language": "nl"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    first, second = list(read_path(path))
    assert first.id == "7" and first.published == "2019-03-02" and first.metadata == {"publisher": "X"}
    assert second.source == "NOS" and second.published == "2019-03" and second.url == "https://x.nl/b"


def test_json_array(tmp_path):
    path = tmp_path / "arr.json"
    path.write_text(json.dumps([{"id": "x", "text": "Alpha beta gamma."}, {"id": "y", "text": "Delta."}]))
    assert [a.id for a in read_path(path)] == ["x", "y"]


def test_malformed_json_line_is_reported_with_line_number_and_rest_read(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "Goed."}\n{"id": 2, "text": \n{"id": "3", "text": "Ook goed."}\n')
    good, bad = articles_and_errors(read_path(path))
    assert [a.id for a in good] == ["1", "3"]
    assert len(bad) == 1 and str(bad[0]).startswith(f"{path}:2:") and "malformed JSON" in str(bad[0])


HTML_PAGE = """<!DOCTYPE html><html lang="nl"><head><title>Dijk breekt door bij Roermond | Het Dagblad</title>
<meta property="og:site_name" content="Het Dagblad"><meta name="author" content="Anna de Vries">
<meta property="article:published_time" content="2021-07-15T08:00:00+02:00"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li><li><a href="/binnenland">Binnenland</a></li></ul></nav>
<div class="cookie-banner" id="cookie-consent">Wij gebruiken cookies om uw ervaring te verbeteren. Accepteer alle cookies.</div>
<article><h1>Dijk breekt door bij Roermond</h1>
<p>Bij Roermond is donderdagochtend een dijk doorgebroken, waardoor honderden woningen onder water staan.</p>
<p>De burgemeester riep de bewoners op hun huizen onmiddellijk te verlaten en naar hoger gelegen gebieden te gaan.</p>
<p>Volgens Rijkswaterstaat stijgt het water van de Maas nog de hele dag, en wordt de piek pas vrijdag verwacht.</p>
<p>Hulpdiensten uit het hele land zijn onderweg om te helpen met de evacuatie van ouderen en zieken.</p>
</article>
<footer><p>© 2021 Het Dagblad. Alle rechten voorbehouden. Privacyverklaring. Contact.</p></footer></body></html>"""


def test_html_page_main_text_and_metadata_without_furniture(tmp_path):
    path = tmp_path / "dijk.html"
    path.write_text(HTML_PAGE, "utf-8")
    [article] = list(read_path(path))
    assert "dijk doorgebroken" in article.text
    assert "cookies" not in article.text and "Sport" not in article.text and "rechten voorbehouden" not in article.text
    assert article.published == "2021-07-15"
    assert article.source == "Het Dagblad"
    assert article.author == "Anna de Vries"
    assert "Dijk breekt door" in article.title


def test_html_page_without_article_text_is_an_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    [error] = list(read_path(path))
    assert isinstance(error, ReadError) and "no article text" in error.message


RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>NU.nl Algemeen</title>
<language>nl-nl</language>
<item><title>Storm raast over Nederland</title><link>https://nu.nl/1</link><guid>nu-1</guid>
<pubDate>Mon, 07 Feb 2022 09:30:00 +0100</pubDate><description>&lt;p&gt;Code oranje in vijf provincies vanwege de zware storm.&lt;/p&gt;</description></item>
<item><title>Treinverkeer ligt stil</title><link>https://nu.nl/2</link>
<pubDate>Mon, 07 Feb 2022 10:30:00 +0100</pubDate><description>Door de storm rijden er geen treinen tussen Utrecht en Amsterdam.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>De Krant</title>
<entry><title>Verkiezingen uitgesteld</title><id>urn:krant:42</id><link href="https://krant.nl/42"/>
<updated>2023-05-02T12:00:00Z</updated><content type="html">&lt;p&gt;De verkiezingen in de gemeente worden een week uitgesteld.&lt;/p&gt;</content></entry></feed>"""


def test_rss_and_atom_feeds(tmp_path):
    (tmp_path / "nu.rss").write_text(RSS, "utf-8")
    (tmp_path / "krant.atom").write_text(ATOM, "utf-8")
    items = list(read_inputs([str(tmp_path / "nu.rss"), str(tmp_path / "krant.atom")]))
    storm, trein, verk = items
    assert storm.id == "nu-1" and storm.url == "https://nu.nl/1" and storm.published == "2022-02-07"
    assert storm.text == "Code oranje in vijf provincies vanwege de zware storm." and storm.source == "NU.nl Algemeen"
    assert trein.id == "https://nu.nl/2"
    assert verk.id == "urn:krant:42" and verk.published == "2023-05-02" and "uitgesteld" in verk.text


def test_feed_with_entity_expansion_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            '<rss version="2.0"><channel><title>&lol2;</title><item><title>x</title><description>y</description>'
            '</item></channel></rss>')
    (tmp_path / "bomb.rss").write_text(bomb)
    [error] = list(read_path(tmp_path / "bomb.rss"))
    assert isinstance(error, ReadError) and "unsafe XML" in error.message


def test_warc_html_responses_become_articles(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body, ctype in [
            ("https://dagblad.nl/dijk", HTML_PAGE.encode(), "text/html; charset=utf-8"),
            ("https://dagblad.nl/logo.png", b"\x89PNG\r\n", "image/png"),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)
    [article] = list(read_path(path))
    assert article.id == "https://dagblad.nl/dijk" and article.url == "https://dagblad.nl/dijk"
    assert "dijk doorgebroken" in article.text


def test_directories_globs_and_gzip_jsonl(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("Eerste bericht over de haven.")
    with gzip.open(tmp_path / "sub" / "two.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"id": "two", "text": "Tweede bericht."}) + "\n")
    ids = sorted(a.id for a in read_inputs([str(tmp_path)]))
    assert ids == ["one", "two"]
    assert [a.id for a in read_inputs([str(tmp_path / "**" / "*.txt")])] == ["one"]


def test_encodings_cp1252_latin1_utf16(tmp_path):
    text = "Café in Genève: één van de mooiste – zei de eigenaar."
    (tmp_path / "cp.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "l1.txt").write_bytes("Één crème brûlée in Zürich.".encode("latin-1"))
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))
    cp, l1, u16 = (next(read_path(tmp_path / n)) for n in ("cp.txt", "l1.txt", "u16.txt"))
    assert cp.text == text and u16.text == text
    assert l1.text == "Één crème brûlée in Zürich."


def test_empty_binary_missing_files_give_clear_errors(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "bad.txt").write_bytes(b"caf\x81 \x8d\x8f\x90\x9d")
    messages = {}
    for name in ("empty.txt", "bin.txt", "bad.txt", "missing.txt"):
        [item] = list(read_path(tmp_path / name))
        assert isinstance(item, ReadError)
        messages[name] = item.message
    assert messages["empty.txt"] == "empty file"
    assert "binary" in messages["bin.txt"]
    assert "undecodable bytes" in messages["bad.txt"]
    assert "cannot read" in messages["missing.txt"]


def test_impossible_date_is_reported(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "x y z", "published": "2022-13-45"}) + "\n")
    [error] = list(read_path(path))
    assert isinstance(error, ReadError) and "date" in error.message


def test_an_article_known_only_by_its_url_has_the_site_as_its_outlet():
    from storyline.ingest.readers import article_from_record

    a = article_from_record({"id": "u1", "url": "https://www.nos.nl/artikel/123", "text": "Er vielen 12 doden."}, "t")
    b = article_from_record({"id": "u2", "text": "Er vielen 12 doden."}, "t")
    assert (a.source, b.source) == ("nos.nl", None)
