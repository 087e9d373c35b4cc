"""The Typer application, its shared options and output helpers, and the one place errors are reported."""

from __future__ import annotations

import json
import sys
from typing import Any, Optional

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from storyline.errors import StorylineError
from storyline.settings import Settings, load_settings
from storyline.store import Store
from storyline.store.files import DatabaseError, translate as translate_store_error

__all__ = ["app", "eval_app", "console", "err_console", "settings", "open_store", "print_json", "progress"]

console = Console()
err_console = Console(stderr=True)


class _Root(TyperGroup):
    """Reports every :class:`StorylineError` once: ``error: <message>`` on stderr, exit ``exc.exit_code``."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (StorylineError, DatabaseError) as exc:
            if isinstance(exc, DatabaseError):  # a failure mid-read (a damaged page): said once, no traceback
                exc = translate_store_error(exc, settings().store.db, "reading")
            # markup=False: messages quote article text and ids, which must not be read as Rich markup.
            err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(cls=_Root, help="Storyline: news articles from many outlets into sourced events and storylines.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
eval_app = typer.Typer(help="Measure quality on gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


class _State:
    """What the global options chose, for the commands of this invocation."""

    overrides: dict[str, Any] = {}


_state = _State()


@app.callback()
def main(db: Optional[str] = typer.Option(None, "--db", help="SQLite database (default $STORYLINE_DB or "
                                                             "./storyline.db)")):
    _state.overrides = {"store": {"db": db}} if db else {}


def settings(**sections: dict[str, Any]) -> Settings:
    """Settings from environment and config file, the global options, then ``sections`` (a command's options)."""
    merged = {name: dict(values) for name, values in _state.overrides.items()}
    for name, values in sections.items():
        merged.setdefault(name, {}).update({k: v for k, v in values.items() if v is not None})
    return load_settings(**merged)


def open_store(config: Settings | None = None, *, write: bool = False) -> Store:
    """The configured database: read-only (created by nothing, changed by nothing) unless ``write``."""
    return Store((config or settings()).store.db, readonly=not write)


def print_json(data: Any) -> None:
    """JSON on stdout: contracts (pydantic models), lists of them, or plain data."""
    if isinstance(data, list):
        data = [item.model_dump() if isinstance(item, BaseModel) else item for item in data]
    elif isinstance(data, BaseModel):
        data = data.model_dump()
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def progress(*, disable: bool = False, spinner: bool = False) -> Progress:
    """A progress bar on stderr (shown only on a terminal)."""
    columns = ([SpinnerColumn()] if spinner else []) + [TextColumn("{task.description}"), BarColumn(),
                                                       MofNCompleteColumn(), TimeElapsedColumn()]
    return Progress(*columns, console=err_console, disable=disable or not err_console.is_terminal)
