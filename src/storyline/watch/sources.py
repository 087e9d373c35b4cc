"""What to watch: feed and sitemap URLs and local folders, from the command line or a ``sources.toml``.

::

    # sources.toml
    [[source]]
    url = "https://example.org/rss.xml"   # an RSS/Atom feed or a sitemap (told apart by its content)
    outlet = "Example Times"               # stored as the articles' source (default: the feed's or page's;
                                           # "" for an aggregator: no outlet, never counted as one)
    language = "nl"                        # default: detected per article
    interval = 300                         # seconds between polls (default: settings watch.interval_s)

    [[source]]
    path = "incoming/"                     # a folder: every new or changed file is read as by `ingest`

    [[rule]]                               # alert rules (storyline.alerts.rules)
    name = "elections"
    keywords = ["verkiezingen"]
    webhook = "https://hooks.example.org/storyline"
    secret = "shared-secret"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.alerts.rules import AlertRule, rule_from_dict
from storyline.errors import ConfigError

__all__ = ["Source", "WatchConfig", "load_sources", "source_from_arg"]


@dataclass(frozen=True)
class Source:
    """One watched source: a URL (feed or sitemap) or a local folder."""

    location: str
    outlet: str | None = None
    language: str | None = None
    interval_s: float | None = None

    @property
    def is_folder(self) -> bool:
        return not self.location.startswith(("http://", "https://"))

    def __post_init__(self):
        if self.interval_s is not None and self.interval_s <= 0:
            raise ConfigError(f"source {self.location}: interval must be a positive number of seconds")


@dataclass(frozen=True)
class WatchConfig:
    sources: tuple[Source, ...]
    rules: tuple[AlertRule, ...] = ()


def source_from_arg(arg: str) -> Source:
    """A command-line SOURCE: an http(s) URL, or a folder that must exist."""
    if arg.startswith(("http://", "https://")):
        return Source(arg)
    if not Path(arg).is_dir():
        raise ConfigError(f"{arg}: not an http(s) feed URL and not an existing folder")
    return Source(str(Path(arg)))


def load_sources(path: str | Path) -> WatchConfig:
    """Sources and alert rules from a TOML file (see the module docstring).

    Raises:
        ConfigError: the file is missing, is not TOML, or a source or rule is malformed.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file {path} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from None
    unknown = set(data) - {"source", "rule"}
    if unknown:
        raise ConfigError(f"{path}: unknown tables {sorted(unknown)}; use [[source]] and [[rule]]")
    sources = tuple(_source(entry, path) for entry in _tables(data, "source", path))
    rules = tuple(rule_from_dict(entry, i) for i, entry in enumerate(_tables(data, "rule", path)))
    return WatchConfig(sources, rules)


def _tables(data: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{path}: {key} must be an array of tables ([[{key}]])")
    return value


def _source(entry: dict[str, Any], path: Path) -> Source:
    known = {"url", "path", "outlet", "language", "interval"}
    extra = set(entry) - known
    if extra:
        raise ConfigError(f"{path}: unknown source keys {sorted(extra)}; keys are {', '.join(sorted(known))}")
    if ("url" in entry) == ("path" in entry):
        raise ConfigError(f"{path}: each [[source]] needs exactly one of url = ... or path = ...")
    if "url" in entry:
        location = str(entry["url"])
        if not location.startswith(("http://", "https://")):
            raise ConfigError(f"{path}: source url must be http(s), got {location!r}")
    else:
        folder = Path(str(entry["path"]))
        folder = folder if folder.is_absolute() else path.parent / folder
        if not folder.is_dir():
            raise ConfigError(f"{path}: source folder {folder} does not exist")
        location = str(folder)
    interval = entry.get("interval")
    if interval is not None and not isinstance(interval, (int, float)):
        raise ConfigError(f"{path}: source {location}: interval must be a number of seconds")
    return Source(location, outlet=entry.get("outlet"), language=entry.get("language"),
                  interval_s=float(interval) if interval is not None else None)
