"""The enrichment stages, in the order they run, with what each one requires and assigns.

Like spaCy's component factories: one place lists every stage; the runner and the tests read it.
``requires``/``assigns`` name record fields (``article.text``, ``annotations.quotes``). A stage is a pure
function; ``batch`` stages take the whole batch (the NER runs once per language over it), the others one
article and the annotations found before them, given by keyword under their field names.

=================  ==========================================================  ==============================
stage              requires                                                    assigns
=================  ==========================================================  ==============================
mentions (batch)   article.text, article.language                              annotations.mentions
syntax             article.text, article.language                              annotations.parses
quotes             article.text, article.language, annotations.mentions,       annotations.quotes
                   annotations.parses
time_expressions   article.text, article.language, article.published           annotations.time_expressions
figures            article.text, article.language, article.source,             annotations.figures
                   article.published, annotations.quotes,
                   annotations.time_expressions, annotations.parses,
                   annotations.mentions
positions          article.text, article.language, annotations.mentions,       annotations.positions
                   annotations.quotes
genre              article.title, article.text, article.language               annotations.genre
=================  ==========================================================  ==============================

After them, outside this registry: the runner stores the annotations, the clusterer assigns events
(:mod:`storyline.cluster`), and the link work (:mod:`storyline.enrich.link`) joins articles through the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from storyline.enrich.stages import find_figures, find_genre, find_positions, find_quotes, find_times, language_of, \
    parse_sentences, recognise_mentions, reference_date
from storyline.records import Annotations, Article, Figure, Genre, Mention, ParsedSentence, Position, Quote, TimeExpression

__all__ = ["StageSpec", "STAGES", "get_stage", "stage_names", "annotate"]


@dataclass(frozen=True)
class StageSpec:
    name: str
    func: Callable
    requires: tuple[str, ...]
    assigns: str
    record: type  # the value is a tuple of these
    batch: bool = False  # func(articles) -> {article id: value}, else func(article, **earlier) -> value

    def check(self, value: object) -> tuple:
        """The stage's output, if it is what the stage declares (a tuple of its records); else TypeError."""
        if not isinstance(value, tuple) or not all(isinstance(x, self.record) for x in value):
            raise TypeError(f"Stage {self.name!r} must return a tuple of {self.record.__name__} for "
                            f"{self.assigns}, got {type(value).__name__}. Does it return a list or None?")
        return value

    @property
    def field(self) -> str:
        """The :class:`~storyline.records.Annotations` field this stage fills."""
        return self.assigns.split(".", 1)[1]

    @property
    def inputs(self) -> tuple[str, ...]:
        """The annotations this stage takes as keyword arguments."""
        return tuple(r.split(".", 1)[1] for r in self.requires if r.startswith("annotations."))


STAGES: tuple[StageSpec, ...] = (
    StageSpec("mentions", recognise_mentions, ("article.text", "article.language"), "annotations.mentions",
              Mention, batch=True),
    StageSpec("syntax", parse_sentences, ("article.text", "article.language"), "annotations.parses", ParsedSentence),
    StageSpec("quotes", find_quotes, ("article.text", "article.language", "annotations.mentions",
                                      "annotations.parses"), "annotations.quotes", Quote),
    StageSpec("time_expressions", find_times, ("article.text", "article.language", "article.published"),
              "annotations.time_expressions", TimeExpression),
    StageSpec("figures", find_figures, ("article.text", "article.language", "article.source", "article.published",
                                        "annotations.quotes", "annotations.time_expressions", "annotations.parses",
                                        "annotations.mentions"),
              "annotations.figures", Figure),
    StageSpec("positions", find_positions, ("article.text", "article.language", "annotations.mentions",
                                            "annotations.quotes"), "annotations.positions", Position),
    StageSpec("genre", find_genre, ("article.title", "article.text", "article.language"), "annotations.genre",
              Genre),
)


def stage_names() -> list[str]:
    return [s.name for s in STAGES]


def get_stage(name: str) -> StageSpec:
    for s in STAGES:
        if s.name == name:
            return s
    raise KeyError(f"No enrichment stage {name!r}. Available: {', '.join(stage_names())}")


def annotate(article: Article, mentions: Sequence[Mention] | None,
             precomputed: Mapping[str, tuple] | None = None) -> Annotations:
    """Every per-article stage on one article, in registry order (``mentions``: the batch stage's output
    for it; None when no NER model ran). ``precomputed`` holds outputs of per-article stages already computed
    for this article (by the runner's model worker: ``{"parses": ...}``), under their field names; those
    stages are not run again."""
    found: dict[str, object] = {"mentions": tuple(mentions) if mentions is not None else (), "parses": ()}
    for spec in STAGES:
        if not spec.batch:
            if precomputed and spec.field in precomputed:
                found[spec.field] = spec.check(tuple(precomputed[spec.field]))
            else:
                found[spec.field] = spec.check(spec.func(article, **{name: found[name] for name in spec.inputs}))
    found["mentions"] = tuple(mentions) if mentions is not None else None
    return Annotations(language=language_of(article), date=reference_date(article), **found)
