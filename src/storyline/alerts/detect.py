"""Raising alerts after each batch the watcher stores: new storylines, bursts and follows.

* **new** — a storyline first reaches ``new_outlets`` distinct known outlets (a copy of another outlet's
  text and an article without a known outlet never add one);
* **burst** — :mod:`storyline.alerts.bursts` finds its rate in the last hours far above its own baseline and
  the stream's (at most one burst alert per storyline per ``burst_cooldown_hours``);
* **follow** — a followed storyline gets a new event, quote or disagreement; a followed entity appears in a
  new event, is quoted, or reported a figure that a new disagreement is about.

Each alert has a unique key, so running the detector twice over the same state raises nothing new.
"""

from __future__ import annotations

from typing import Any, Sequence

from storyline.alerts.atom import iso_time
from storyline.alerts.bursts import burst_score
from storyline.settings import WatchSettings
from storyline.store.alerts import WatchState

__all__ = ["Detector", "alert_json"]

_HOUR = 3600.0


def alert_json(row: dict[str, Any]) -> dict[str, Any]:
    """The alert contract (CLI ``--json``, API, webhooks) from a stored alert row."""
    detail = row.get("detail") or {}
    return {
        "id": f"A{row['id']}",
        "kind": row["kind"],
        "created_at": iso_time(row["created_at"]),
        "title": row.get("title"),
        "storyline": f"S{row['storyline_id']}" if row.get("storyline_id") else None,
        "event": f"E{row['event_id']}" if row.get("event_id") else None,
        "entity": row.get("entity_id"),
        "reason": detail.get("reason"),
        "n_articles": detail.get("n_articles"),
        "outlets": detail.get("outlets", []),
        "window_articles": detail.get("k"),
        "expected": detail.get("expected"),
        "p_value": detail.get("p_value"),
    }


class Detector:
    """Finds the alerts a batch of new articles raises, and stores them (inside the caller's transaction)."""

    def __init__(self, state: WatchState, settings: WatchSettings):
        self.state = state
        self.s = settings

    def detect(self, now: float, new_ids: Sequence[str]) -> list[int]:
        """Store the alerts due at ``now`` after ``new_ids`` arrived; their ids."""
        raised = self._new_storylines(now, new_ids) + self._bursts(now) + self._follows(now)
        return [i for i in raised if i is not None]

    # ------------------------------------------------------------------ new
    def _new_storylines(self, now: float, new_ids: Sequence[str]) -> list[int | None]:
        touched = sorted({sid for _, sid in self.state.storylines_of(new_ids).values()})
        out = []
        for sid in touched:
            if self.state.has_alert(f"new:S{sid}"):
                continue
            after = self.state.storyline_outlets(sid)
            if len(after) < self.s.new_outlets or len(self.state.storyline_outlets(sid, new_ids)) >= self.s.new_outlets:
                continue
            brief = self.state.storyline_brief(sid)
            reason = f"first reported by {len(after)} outlets: {', '.join(sorted(after))}"
            out.append(self.state.add_alert(
                kind="new", key=f"new:S{sid}", created_at=now, title=brief["title"], storyline_id=sid,
                event_id=brief["event_id"],
                detail={"reason": reason, "n_articles": brief["n_articles"], "outlets": sorted(after)}))
        return out

    # ------------------------------------------------------------------ bursts
    def _bursts(self, now: float) -> list[int | None]:
        first = self.state.first_arrival()
        window = self.s.burst_window_hours * _HOUR
        if first is None or now - first < 2 * window:
            return []  # no baseline yet: a first window of a new stream is not a burst of anything
        baseline = min(self.s.burst_baseline_hours * _HOUR, now - window - first)
        start_w, start_b = now - window, now - window - baseline
        counts = self.state.storyline_counts(start_w, now)
        if not counts:
            return []
        before = self.state.storyline_counts(start_b, start_w)
        n_window, n_baseline = self.state.stream_count(start_w, now), self.state.stream_count(start_b, start_w)
        out = []
        for sid, (k, outlets) in sorted(counts.items()):
            if k < self.s.burst_min_articles or len(outlets) < self.s.burst_min_outlets:
                continue
            score = burst_score(k=k, baseline=before.get(sid, (0, set()))[0], window_h=window / _HOUR,
                                baseline_h=baseline / _HOUR, prior=self.s.burst_prior, stream_window=n_window - k,
                                stream_baseline=n_baseline)
            if score.p_value >= self.s.burst_p:
                continue
            last = self.state.last_alert_at("burst", sid)
            if last is not None and now - last < self.s.burst_cooldown_hours * _HOUR:
                continue
            brief = self.state.storyline_brief(sid)
            reason = (f"{k} articles from {len(outlets)} outlets in {window / _HOUR:g} h, "
                      f"{score.expected:.2f} expected (p = {score.p_value:.1e})")
            out.append(self.state.add_alert(
                kind="burst", key=f"burst:S{sid}:{now:.0f}", created_at=now, title=brief["title"], storyline_id=sid,
                event_id=brief["event_id"],
                detail={"reason": reason, "k": k, "expected": round(score.expected, 4), "p_value": score.p_value,
                        "stream_ratio": round(score.stream_ratio, 3), "n_articles": brief["n_articles"],
                        "outlets": sorted(outlets)}))
        return out

    # ------------------------------------------------------------------ follows
    def _follows(self, now: float) -> list[int | None]:
        out: list[int | None] = []
        for follow in self.state.follows():
            kind, target = follow["kind"], follow["target_id"]
            label = f"S{target}" if kind == "storyline" else f"entity {target}"
            name = None if kind == "storyline" else self.state.entity_name(target)
            scope = {"storyline_id": target} if kind == "storyline" else {"entity_id": target}
            events = self.state.events_after(follow["last_event_id"], **scope)
            quotes = self.state.quotes_after(follow["last_quote_id"], **(
                {"storyline_id": target} if kind == "storyline" else {"speaker_id": target}))
            disagreements = self.state.disagreements_after(follow["last_disagreement_id"], **scope)
            who = name or label
            for e in events:
                out.append(self.state.add_alert(
                    kind="follow", key=f"follow:{kind}:{target}:event:{e['id']}", created_at=now,
                    title=f"{who}: new event — {e['title'] or 'E' + str(e['id'])}", event_id=e["id"],
                    storyline_id=e["storyline_id"], entity_id=target if kind == "entity" else None,
                    detail={"reason": f"new event E{e['id']} for followed {kind} {who}", "follow": follow["id"]}))
            for q in quotes:
                out.append(self.state.add_alert(
                    kind="follow", key=f"follow:{kind}:{target}:quote:{q['id']}", created_at=now,
                    title=f"{q['speaker'] or who}: “{(q['text'] or '')[:120]}”",
                    storyline_id=target if kind == "storyline" else None,
                    entity_id=target if kind == "entity" else None,
                    detail={"reason": f"new quote for followed {kind} {who}", "article": q["article_id"],
                            "follow": follow["id"]}))
            for d in disagreements:
                out.append(self.state.add_alert(
                    kind="follow", key=f"follow:{kind}:{target}:disagreement:{d['id']}", created_at=now,
                    title=f"{who}: sources disagree on {d['what']}{' of ' + d['subject'] if d['subject'] else ''}",
                    event_id=d["event_id"], storyline_id=target if kind == "storyline" else None,
                    entity_id=target if kind == "entity" else None,
                    detail={"reason": f"new disagreement for followed {kind} {who}", "follow": follow["id"]}))
            self.state.advance_follow(
                follow["id"], event_id=max((e["id"] for e in events), default=0),
                quote_id=max((q["id"] for q in quotes), default=0),
                disagreement_id=max((d["id"] for d in disagreements), default=0))
        return out
