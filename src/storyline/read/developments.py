"""Developments of a storyline's counts over the days they were reported, as JSON contracts.

Built from the figures a listing shows (:func:`storyline.read.queries.list_figures`), grouped by
:func:`storyline.summarize.developments.developments`.
"""

from __future__ import annotations

from typing import Optional

from storyline.read.contracts import Contract
from storyline.read.ids import storyline_label
from storyline.read.queries import get_event, list_figures
from storyline.store import Store
from storyline.summarize.developments import developments
from storyline.summarize.disagreements import CUMULATIVE

__all__ = ["DevelopmentPointJSON", "DevelopmentJSON", "list_developments"]


class DevelopmentPointJSON(Contract):
    day: str
    values: list[float]  # what was reported that day (more than one when reports differ)
    figures: list[int]
    articles: list[str]
    reported_by: list[str]


class DevelopmentJSON(Contract):
    storyline: str  # S3
    what: str
    category: str
    unit: Optional[str] = None
    points: list[DevelopmentPointJSON]


def list_developments(store: Store, *, storyline: str | int | None = None,
                      event: str | int | None = None) -> list[DevelopmentJSON]:
    """Counts that changed from one reported day to the next (a death toll rising), per storyline: of one
    storyline, of the storyline of one event, or of every storyline."""
    if event is not None:
        storyline = get_event(store, event).storyline
        if storyline is None:
            return []
    figures = [f for f in list_figures(store, storyline=storyline, limit=None)
               if f.category in CUMULATIVE]
    by_line: dict[int, list[dict]] = {}
    for f in figures:
        _, line = store.article_scope(f.article)
        if line is not None:
            by_line.setdefault(line, []).append(f.model_dump())
    out = []
    for line, rows in sorted(by_line.items()):
        for d in developments(rows):
            out.append(DevelopmentJSON(storyline=storyline_label(line), **d.to_json()))
    return out
