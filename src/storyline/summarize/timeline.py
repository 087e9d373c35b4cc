"""Timelines: a storyline's events by resolved date, each with a one-line cited summary."""

from __future__ import annotations

from typing import Any

from storyline.store import views
from storyline.summarize.summary import summarize_event

__all__ = ["storyline_timeline"]


def storyline_timeline(conn: Any, storyline_id: int, *, encoder: str = "use") -> list[dict[str, Any]]:
    """``[{"event", "title", "date", "date_precision", "articles", "summary"}]`` in date order.

    ``event`` is the event's id as the CLI prints it (``E12``).

    ``summary`` is one ``{"sentence", "article", "source"}`` (or None when the event has
    no citable sentence); undated events come last.
    """
    out = []
    for event_id in views.storyline_event_ids(conn, storyline_id):
        row = views.event_row(conn, event_id)
        if row is None:
            continue
        line = summarize_event(conn, event_id, max_sentences=1, encoder=encoder)
        out.append({"event": f"E{event_id}", "title": row["title"], "date": row["date"],
                    "date_precision": row["date_precision"],
                    "articles": len(views.event_article_ids(conn, event_id)),
                    "summary": line[0] if line else None})
    return out
