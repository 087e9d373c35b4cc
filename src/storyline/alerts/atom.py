"""Atom feeds (RFC 4287) of alerts and of one storyline's articles, for feed readers to subscribe to.

Built with ElementTree, so every title and summary is escaped; ids are stable ``urn:storyline:...`` names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable
from xml.etree import ElementTree as ET

__all__ = ["atom_feed", "iso_time"]

_NS = "http://www.w3.org/2005/Atom"


def iso_time(seconds: float | None) -> str:
    """RFC 3339 UTC time of epoch ``seconds`` (the epoch itself when unknown).

    >>> iso_time(0)
    '1970-01-01T00:00:00Z'
    """
    moment = dt.datetime.fromtimestamp(seconds or 0, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(*, feed_id: str, title: str, self_url: str, entries: Iterable[dict[str, Any]],
              alternate: str | None = None) -> bytes:
    """An Atom document. Each entry: ``id``, ``title``, ``updated`` (RFC 3339), optional ``link``,
    ``summary`` and ``author``. The feed's ``updated`` is its newest entry's (the epoch when empty)."""
    ET.register_namespace("", _NS)
    entries = list(entries)
    feed = ET.Element(f"{{{_NS}}}feed")
    ET.SubElement(feed, f"{{{_NS}}}id").text = feed_id
    ET.SubElement(feed, f"{{{_NS}}}title").text = title
    ET.SubElement(feed, f"{{{_NS}}}updated").text = max((e["updated"] for e in entries), default=iso_time(0))
    ET.SubElement(feed, f"{{{_NS}}}link", rel="self", href=self_url)
    if alternate:
        ET.SubElement(feed, f"{{{_NS}}}link", rel="alternate", href=alternate)
    author = ET.SubElement(feed, f"{{{_NS}}}author")
    ET.SubElement(author, f"{{{_NS}}}name").text = "Storyline"
    for entry in entries:
        node = ET.SubElement(feed, f"{{{_NS}}}entry")
        ET.SubElement(node, f"{{{_NS}}}id").text = entry["id"]
        ET.SubElement(node, f"{{{_NS}}}title").text = entry.get("title") or entry["id"]
        ET.SubElement(node, f"{{{_NS}}}updated").text = entry["updated"]
        if entry.get("link"):
            ET.SubElement(node, f"{{{_NS}}}link", rel="alternate", href=entry["link"])
        if entry.get("author"):
            who = ET.SubElement(node, f"{{{_NS}}}author")
            ET.SubElement(who, f"{{{_NS}}}name").text = entry["author"]
        if entry.get("summary"):
            ET.SubElement(node, f"{{{_NS}}}summary").text = entry["summary"]
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
