"""What the CLI, the API and the web page ask of alerts: list them, follow and unfollow, build Atom feeds.

    alerts = list_alerts(store, since="24h", now=time.time())
    follow(store, storyline="S3"); follow(store, entity="Mark Rutte")
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from storyline.alerts.atom import atom_feed, iso_time
from storyline.alerts.detect import alert_json
from storyline.errors import InputError, NotFound
from storyline.read.ids import MAX_ID, storyline_id as parse_storyline
from storyline.store.alerts import WatchState

__all__ = ["list_alerts", "parse_since", "follow", "unfollow", "list_follows", "alerts_atom", "storyline_atom"]

_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$")
_UNIT = {"m": 60, "h": 3600, "d": 86400}


def parse_since(value: str | None, now: float | None = None) -> float | None:
    """``24h``, ``90m``, ``7d`` (before now), or an ISO date or time (UTC) -> epoch seconds.

    >>> parse_since("2019-03-20")
    1553040000.0
    >>> parse_since("2h", now=10000.0)
    2800.0

    Raises:
        InputError: neither a span nor an ISO date/time.
    """
    if value is None or value == "":
        return None
    m = _SPAN.match(value)
    if m:
        return (time.time() if now is None else now) - float(m.group(1)) * _UNIT[m.group(2)]
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--since {value!r}: give a span (24h, 90m, 7d) or an ISO date/time (2019-03-20)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


def list_alerts(store, *, since: str | None = None, storyline: str | None = None, limit: int = 100,
                now: float | None = None) -> list[dict[str, Any]]:
    """Alerts (the alert JSON contract), newest first."""
    sid = parse_storyline(storyline) if storyline else None
    if sid is not None and sid > MAX_ID:  # no such storyline can exist (nor bind as an SQL parameter)
        return []
    rows = WatchState(store).alerts(since=parse_since(since, now), storyline_id=sid, limit=limit)
    return [alert_json(r) for r in rows]


def _target(state: WatchState, storyline: str | None, entity: str | None) -> tuple[str, int]:
    if (storyline is None) == (entity is None):
        raise InputError("follow a storyline (S3) or an entity (--entity NAME or id), one at a time")
    if storyline is not None:
        sid = parse_storyline(storyline)
        if sid > MAX_ID or not state.storyline_exists(sid):
            raise NotFound(f"no storyline S{sid}")
        return "storyline", sid
    entity = entity.strip()
    eid = int(entity) if entity.isdigit() and len(entity) < 19 else state.find_entity(entity)
    if eid is None or state.entity_name(eid) is None:
        raise NotFound(f"no entity {entity!r} (see `storyline entities`)")
    return "entity", state.live_entity(eid)  # a merged entity's id: follow the one it was merged into


def follow(store, *, storyline: str | None = None, entity: str | None = None, now: float | None = None) -> dict:
    """Follow a storyline or an entity: later events, quotes and disagreements raise ``follow`` alerts."""
    state = WatchState(store)
    kind, target = _target(state, storyline, entity)
    with store.transaction():
        follow_id = state.add_follow(kind, target, time.time() if now is None else now)
    return _follow_json(state, next(f for f in state.follows() if f["id"] == follow_id))


def unfollow(store, *, storyline: str | None = None, entity: str | None = None) -> bool:
    state = WatchState(store)
    kind, target = _target(state, storyline, entity)
    with store.transaction():
        return state.remove_follow(kind, target)


def list_follows(store) -> list[dict[str, Any]]:
    state = WatchState(store)
    return [_follow_json(state, f) for f in state.follows()]


def _follow_json(state: WatchState, row: dict[str, Any]) -> dict[str, Any]:
    target = f"S{row['target_id']}" if row["kind"] == "storyline" else row["target_id"]
    name = state.entity_name(row["target_id"]) if row["kind"] == "entity" else None
    return {"id": row["id"], "kind": row["kind"], "target": target, "name": name, "since": iso_time(row["created_at"])}


def alerts_atom(store, *, base_url: str, limit: int = 50) -> bytes:
    """The Atom feed of the newest alerts."""
    entries = []
    for alert in list_alerts(store, limit=limit):
        link = f"{base_url}/storylines/{alert['storyline']}" if alert["storyline"] else \
            (f"{base_url}/events/{alert['event']}" if alert["event"] else None)
        entries.append({"id": f"urn:storyline:alert:{alert['id']}", "updated": alert["created_at"], "link": link,
                        "title": f"[{alert['kind']}] {alert['title'] or alert['storyline'] or alert['id']}",
                        "summary": alert["reason"]})
    return atom_feed(feed_id="urn:storyline:alerts", title="Storyline alerts", self_url=f"{base_url}/feeds/alerts.atom",
                     entries=entries)


def storyline_atom(store, storyline: str, *, base_url: str, limit: int = 50) -> bytes:
    """The Atom feed of one storyline: its newest original articles, each linked to its event."""
    sid = parse_storyline(storyline)
    state = WatchState(store)
    if sid > MAX_ID or not state.storyline_exists(sid):
        raise NotFound(f"no storyline S{sid}")
    brief = state.storyline_brief(sid)
    entries = []
    for row in state.storyline_entries(sid, limit):
        updated = iso_time(row["arrived_at"]) if row["arrived_at"] else \
            (row["ingested_at"] or iso_time(0)).replace(" ", "T")
        entries.append({"id": f"urn:storyline:article:{row['id']}", "title": row["title"], "updated": updated,
                        "link": row["url"] or f"{base_url}/events/E{row['event_id']}", "author": row["source"],
                        "summary": row["lead"]})
    return atom_feed(feed_id=f"urn:storyline:storyline:{sid}", title=brief["title"] or f"Storyline S{sid}",
                     self_url=f"{base_url}/feeds/storylines/S{sid}.atom", alternate=f"{base_url}/storylines/S{sid}",
                     entries=entries)
