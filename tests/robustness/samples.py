"""Small valid documents of every input format: the seeds that the fuzzers mutate."""

from __future__ import annotations

import io
import json

BODY = ("De onderhandelingen tussen Oekraïne en Rusland zijn maandag begonnen in Wit-Rusland. "
        "Volgens de delegaties duurde het eerste gesprek ruim vijf uur. \u201eWe willen een staakt-het-vuren\u201d, "
        "zei de Oekraïense onderhandelaar. Er vielen volgens de VN 102 burgerdoden.")

TEXT = (" date 2022-02-28\n" + BODY + "\n").encode("utf-8")

JSONL = "\n".join(json.dumps(r, ensure_ascii=False) for r in [
    {"id": "a1", "source": "nos", "published": "2022-02-28", "title": "Gesprekken begonnen", "text": BODY},
    {"id": "a2", "url": "https://example.org/2", "published": "2022-02", "text": BODY + " Tweede bericht."},
]).encode("utf-8") + b"\n"

JSON_ARRAY = json.dumps([
    {"id": "b1", "published_at": "2022-02-28T10:00:00Z", "title": "Eerste", "text": BODY, "extra": {"k": [1, 2]}},
    {"id": "b2", "text": "Kort bericht over de gesprekken in Gomel, aldus de agentschappen."},
], ensure_ascii=False).encode("utf-8")

HTML = ("""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Gesprekken begonnen | Krant</title>
<meta property="article:published_time" content="2022-02-28T09:00:00+01:00"><meta name="author" content="Jan Jansen">
</head><body><nav><a href="/">Home</a> <a href="/binnenland">Binnenland</a></nav><article><h1>Gesprekken begonnen</h1>
<p>""" + BODY + "</p><p>" + BODY + """</p><p>Lees ook: iets anders</p></article>
<footer>&copy; Krant 2022</footer></body></html>""").encode("utf-8")

RSS = ("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Krant</title><language>nl</language>
<item><title>Gesprekken begonnen</title><link>https://example.org/a</link><guid>https://example.org/a</guid>
<pubDate>Mon, 28 Feb 2022 09:00:00 +0100</pubDate><description><![CDATA[<p>""" + BODY + """</p>]]></description></item>
<item><title>Tweede</title><link>https://example.org/b</link><description>Korte tekst over Gomel &amp; Minsk.</description></item>
</channel></rss>""").encode("utf-8")

ATOM = ("""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Krant</title>
<entry><id>urn:a</id><title>Gesprekken</title><updated>2022-02-28T09:00:00Z</updated>
<content type="html">&lt;p&gt;""" + BODY + """&lt;/p&gt;</content></entry></feed>""").encode("utf-8")


def warc(gzip: bool = False) -> bytes:
    """A WARC with one HTML response, one non-HTML response and a request record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for uri, ctype, payload in (("https://example.org/a", "text/html; charset=utf-8", HTML),
                                ("https://example.org/img.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)):
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload),
                                                      http_headers=headers))
    writer.write_record(writer.create_warc_record("https://example.org/a", "request",
                                                  payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")))
    return out.getvalue()


ALL = {"text": TEXT, "jsonl": JSONL, "json": JSON_ARRAY, "html": HTML, "rss": RSS, "atom": ATOM}
