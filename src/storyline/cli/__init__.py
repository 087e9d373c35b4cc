"""Command line: a thin Typer layer over the library. Every listing takes ``--json``.

Commands, by what a user does:

- ``cli/ingest.py``: ingest, export
- ``cli/read.py``: articles, show, search, events, storylines, timeline, summary, entities, quotes, figures,
  disagreements, positions
- ``cli/watch.py``: watch, alerts, follow
- ``cli/serve.py``: serve
- ``cli/eval.py``: eval ner, entities, quotes, clustering, convert, timeline
- ``cli/bench.py``: bench

Errors of the library (:class:`storyline.errors.StorylineError`) are reported once, in ``cli/_app.py``.
Nothing outside this package imports it.
"""

# Imported in the order the commands are listed in --help; each module registers its commands on `app`.
from storyline.cli import ingest, read, watch, serve, eval, bench  # noqa: F401,I001
from storyline.cli._app import app

__all__ = ["app"]
