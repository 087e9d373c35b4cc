"""The Typer application, its shared options and output helpers, and the one place errors are reported."""

from __future__ import annotations

import json
import math
import re
import signal
import sys
import threading
from typing import Any, Optional

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from storyline.cli._text import line, plain, sanitize
from storyline.errors import StorylineError
from storyline.settings import Settings, load_settings
from storyline.store import Store
from storyline.store.files import DatabaseError, translate as translate_store_error

__all__ = ["app", "eval_app", "console", "err_console", "settings", "open_store", "print_json", "progress",
           "json_text", "terminal_safe_json", "plain", "line", "sanitize"]

console = Console()
err_console = Console(stderr=True)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(SystemExit):
    """SIGTERM, raised in the main thread so ``finally`` blocks run (the model worker is shut down, the
    open transaction rolled back) instead of the process dying with a leaked-semaphore warning."""

    def __init__(self) -> None:
        super().__init__(EXIT_TERMINATED)


def _on_sigterm(signum, frame):
    raise Terminated()


class _Root(TyperGroup):
    """Reports every :class:`StorylineError` once: ``error: <message>`` on stderr, exit ``exc.exit_code``;
    Ctrl-C is one line and exit 130, SIGTERM a clean exit 143."""

    def invoke(self, ctx):
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
        try:
            return super().invoke(ctx)
        except (StorylineError, DatabaseError) as exc:
            if isinstance(exc, DatabaseError):  # a failure mid-read (a damaged page): said once, no traceback
                exc = translate_store_error(exc, settings().store.db, "reading")
            # Messages quote article text, ids and file names: printed as sanitised plain text.
            err_console.print(plain(f"error: {exc}"), soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print(plain("interrupted"), soft_wrap=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Terminated:
            err_console.print(plain("terminated"), soft_wrap=True)
            raise typer.Exit(EXIT_TERMINATED) from None
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


app = typer.Typer(cls=_Root, help="Storyline: news articles from many outlets into sourced events and storylines.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
eval_app = typer.Typer(help="Measure quality on gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


class _State:
    """What the global options chose, for the commands of this invocation."""

    overrides: dict[str, Any] = {}


_state = _State()


@app.callback()
def main(db: Optional[str] = typer.Option(None, "--db", help="SQLite database file or postgresql://user@host/dbname "
                                                             "(default $STORYLINE_DB or ./storyline.db)")):
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


# Characters JSON leaves raw but a terminal acts on (C1 controls such as CSI, DEL, bidi overrides, line
# separators): written as \u escapes, so the printed JSON holds the same data and cannot drive the terminal.
_JSON_RAW_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _finite(data: Any) -> Any:
    """``data`` with NaN and infinities as None (JSON has no such numbers)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(value) for value in data]
    return data


def json_text(data: Any, indent: int | None = 2) -> str:
    """Strict JSON (no NaN, no Infinity) that is safe to print: contracts, lists of them, or plain data."""
    if isinstance(data, list):
        data = [item.model_dump() if isinstance(item, BaseModel) else item for item in data]
    elif isinstance(data, BaseModel):
        data = data.model_dump()
    return terminal_safe_json(json.dumps(_finite(data), ensure_ascii=False, indent=indent, allow_nan=False))


def terminal_safe_json(text: str) -> str:
    """JSON text with the characters a terminal acts on written as ``\\u`` escapes (the same JSON value)."""
    return _JSON_RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(data: Any) -> None:
    """JSON on stdout: contracts (pydantic models), lists of them, or plain data."""
    sys.stdout.write(json_text(data) + "\n")


def progress(*, disable: bool = False, spinner: bool = False) -> Progress:
    """A progress bar on stderr (shown only on a terminal)."""
    columns = ([SpinnerColumn()] if spinner else []) + [TextColumn("{task.description}", markup=False), BarColumn(),
                                                       MofNCompleteColumn(), TimeElapsedColumn()]
    return Progress(*columns, console=err_console, disable=disable or not err_console.is_terminal)
