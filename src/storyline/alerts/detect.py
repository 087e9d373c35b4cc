"""Raising alerts after each batch the watcher stores: new storylines, bursts and follows.

* **new** — a storyline first reaches ``new_outlets`` distinct known outlets (a copy of another outlet's
  text and an article without a known outlet never add one);
* **burst** — :mod:`storyline.alerts.bursts` finds its rate in the last hours far above its own baseline and
  the stream's (at most one burst alert per storyline per ``burst_cooldown_hours``);
* **follow** — a followed storyline gets a new event or a new disagreement; a followed entity (or one merged
  into it) is mentioned in a new event, is quoted (at the listings' quote confidence), or reported a figure
  that a new disagreement is about. A new event raises one alert that carries the quotes and disagreements
  that came with it; a quote or disagreement joining an event seen before raises its own.

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
        "follow": detail.get("follow"),
        "quotes": detail.get("quotes", []),
        "disagreements": detail.get("disagreements", []),
    }


class Detector:
    """Finds the alerts a batch of new articles raises, and stores them (inside the caller's transaction)."""

    def __init__(self, state: WatchState, settings: WatchSettings, *, quote_min_confidence: float = 0.0):
        self.state = state
        self.s = settings
        self.quote_min_confidence = quote_min_confidence  # follow alerts show quotes the listings show

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
            out += self._follow(follow, now)
        return out

    def _follow(self, follow: dict[str, Any], now: float) -> list[int | None]:
        """The alerts of one follow: one per new event (carrying the follow's quotes and disagreements that
        came with it), then one per quote and disagreement that joined an event seen before."""
        kind, target = follow["kind"], follow["target_id"]
        if kind == "storyline":
            who = f"S{target}"
            events = self.state.events_after(follow["last_event_id"], storyline_id=target)
            quotes: list[dict[str, Any]] = []  # a storyline's quotes alert only through a followed speaker
            disagreements = self.state.disagreements_after(follow["last_disagreement_id"], storyline_id=target)
        else:
            ids = self.state.entity_ids(target)
            who = self.state.entity_name(target) or f"entity {target}"
            events = self.state.events_after(follow["last_event_id"], entity_ids=ids)
            quotes = self.state.quotes_after(follow["last_quote_id"], speaker_ids=ids,
                                             min_confidence=self.quote_min_confidence)
            disagreements = self.state.disagreements_after(follow["last_disagreement_id"], entity_ids=ids)
        base = {"storyline_id": target if kind == "storyline" else None,
                "entity_id": target if kind == "entity" else None}
        new_events = {e["id"] for e in events}
        folded_quotes = [q for q in quotes if q["event_id"] in new_events]
        folded_disagreements = [d for d in disagreements if d["event_id"] in new_events]
        folded = {("q", q["id"]) for q in folded_quotes} | {("d", d["id"]) for d in folded_disagreements}
        out = []
        for e in events:
            detail = {"reason": f"new event E{e['id']} for followed {kind} {who}",
                      **_follow_detail(follow, "event"),
                      "quotes": [_quote(q) for q in folded_quotes if q["event_id"] == e["id"]],
                      "disagreements": [_disagreement(d) for d in folded_disagreements if d["event_id"] == e["id"]]}
            out.append(self.state.add_alert(
                kind="follow", key=f"follow:{kind}:{target}:event:{e['id']}", created_at=now,
                title=f"{who}: new event — {e['title'] or 'E' + str(e['id'])}",
                **{**base, "storyline_id": e["storyline_id"]}, event_id=e["id"], detail=detail))
        for q in quotes:
            if ("q", q["id"]) in folded:
                continue
            out.append(self.state.add_alert(
                kind="follow", key=f"follow:{kind}:{target}:quote:{q['id']}", created_at=now,
                title=f"{q['speaker'] or who}: “{_clip(q['text'] or '', 120)}”",
                **{**base, "storyline_id": q["storyline_id"]}, event_id=q["event_id"],
                detail={"reason": f"new quote by followed {kind} {who}", **_follow_detail(follow, "quote"),
                        "article": q["article_id"], "quotes": [_quote(q)]}))
        for d in disagreements:
            if ("d", d["id"]) in folded:
                continue
            label = d["what"] + (f" ({d['subject']})" if d["subject"] else "")
            values = " vs ".join(f"{v:g}" for v in d["values"] if v is not None)
            out.append(self.state.add_alert(
                kind="follow", key=f"follow:{kind}:{target}:disagreement:{d['id']}", created_at=now,
                title=f"{who}: sources disagree on {label}" + (f": {values}" if values else ""),
                **{**base, "storyline_id": d["storyline_id"] or base["storyline_id"]}, event_id=d["event_id"],
                detail={"reason": f"new disagreement for followed {kind} {who}",
                        **_follow_detail(follow, "disagreement"), "disagreements": [_disagreement(d)]}))
        self.state.advance_follow(
            follow["id"], event_id=max((e["id"] for e in events), default=0),
            quote_id=max((q["id"] for q in quotes), default=0),
            disagreement_id=max((d["id"] for d in disagreements), default=0))
        return out


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def _follow_detail(follow: dict[str, Any], what: str) -> dict[str, Any]:
    target = f"S{follow['target_id']}" if follow["kind"] == "storyline" else follow["target_id"]
    return {"follow": {"id": follow["id"], "kind": follow["kind"], "target": target, "what": what}}


def _quote(q: dict[str, Any]) -> dict[str, Any]:
    return {"id": q["id"], "speaker": q["speaker"], "text": q["text"], "article": q["article_id"]}


def _disagreement(d: dict[str, Any]) -> dict[str, Any]:
    return {"id": d["id"], "what": d["what"], "subject": d["subject"], "values": d["values"],
            "reporters": d["reporters"], "articles": d["articles"]}
