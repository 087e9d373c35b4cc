"""One settings object for every stage and surface; the only module that reads the environment.

Values come, highest first, from: keyword arguments (the CLI's options), ``STORYLINE_<SECTION>__<NAME>``
environment variables (``STORYLINE_CLUSTER__EVENT_THRESHOLD=0.2``), the short variables users already set
(``STORYLINE_DB``, ``STORYLINE_DATA``, ``STORYLINE_TOKEN``, ``STORYLINE_CACHE``), a TOML file
(``$STORYLINE_CONFIG``, else ``./storyline.toml`` when present), then the defaults below, which
``default_config.toml`` documents section by section.

    >>> s = Settings(cluster={"event_threshold": 0.2})
    >>> s.cluster.event_threshold, s.cluster.event_threshold_undated
    (0.2, 0.4)

Evaluation overrides go through a copy (``settings.replace(cluster={...})``), never through module globals.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from storyline.errors import ConfigError

__all__ = ["Settings", "StoreSettings", "IngestSettings", "EnrichSettings", "ClusterSettings", "ApiSettings",
           "PathSettings", "WatchSettings", "DaskSettings", "get_settings", "load_settings", "data_dir", "cache_dir"]

# The short variables of earlier releases, and where they land.
_SHORT_ENV = {
    "STORYLINE_DB": ("store", "db"),
    "STORYLINE_DATA": ("paths", "data"),
    "STORYLINE_CACHE": ("paths", "cache"),
    "STORYLINE_SYNTAX_MODEL": ("paths", "syntax_model"),
    "STORYLINE_TOKEN": ("api", "token"),
    "STORYLINE_MAX_ARTICLE_BYTES": ("ingest", "max_article_bytes"),
    "STORYLINE_MAX_FILE_BYTES": ("ingest", "max_file_bytes"),
    "STORYLINE_SCHEDULER": ("dask", "scheduler"),
}
_REPO_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSettings(_Section):
    db: str = "storyline.db"  # a path (SQLite), ":memory:", or postgresql://user@host/dbname
    busy_timeout_s: float = Field(30.0, gt=0)
    pool_size: int = Field(10, ge=1)  # PostgreSQL: connections per process (the API's concurrent requests)


class IngestSettings(_Section):
    max_article_bytes: int = Field(10 * 1024 * 1024, ge=1)
    max_file_bytes: int = Field(512 * 1024 * 1024, ge=1)
    batch_size: int = Field(200, ge=1)
    prefetch: bool = True  # run the next batch's models in a worker process (same results, both cores)
    earliest_published: str = Field("1990-01-01", pattern=r"^\d{4}-\d{2}-\d{2}$")
    future_tolerance_days: int = Field(2, ge=0)
    max_html_bytes: int = Field(5 * 1024 * 1024, ge=1)
    html_timeout_s: float = Field(30.0, gt=0)


class EnrichSettings(_Section):
    default_language: str = "nl"
    # Two reports of a quote are one quote from this similarity up (docs/benchmarks-quotes.md).
    same_quote: float = Field(0.72, ge=0, le=1)
    # Listings (web page, API, `storyline quotes`) show quotes from this confidence up; `--all` / `all=true`
    # show the rest (docs/benchmarks.md: chosen on the DPG dev set's tune half for precision >= 0.9, out of fold).
    quote_min_confidence: float = Field(0.67, ge=0, le=1)
    # Figures read with less confidence are listed only on request (docs/benchmarks.md, figures).
    figure_threshold: float = Field(0.6, ge=0, le=1)
    # Entities linked with less confidence (enrich.entities.entity_confidence) are listed only with `--all` /
    # `all=true` (docs/benchmarks.md, entities: chosen by reading random DPG entities).
    entity_min_confidence: float = Field(0.75, ge=0, le=1)
    # Words whose NER features are kept (least recently used dropped first; about 3 KB each).
    ner_cache_words: int = Field(20_000, ge=0)


class ClusterSettings(_Section):
    """Gates and thresholds of the online clusterer; the fitted pair models stay in ``cluster/params.py``."""

    candidate_window: int = Field(50_000, ge=1)
    max_candidates: int = Field(30, ge=1)
    event_max_gap_days: int = Field(7, ge=0)
    storyline_max_gap_days: int = Field(92, ge=0)
    event_threshold: float = Field(0.3, ge=0, le=1)
    event_threshold_undated: float = Field(0.4, ge=0, le=1)
    undated_pair_threshold: float = Field(0.25, ge=0, le=1)
    storyline_threshold: float = Field(0.1, ge=0, le=1)
    # A storyline's join threshold rises by this much per 30 days between its first day and the new event
    # (capped at 0.95): each link needs evidence weighed against the story's age, so a story does not grow through
    # a chain of weak links over months (``OnlineClusterer.storyline_threshold_for``).
    storyline_threshold_per_month: float = Field(0.1, ge=0, le=1)
    cache_clusters: int = Field(2_000, ge=2)
    merge_max_gap_days: int = Field(0, ge=-1)
    merge_min_similarity: float = Field(0.5, ge=-1, le=1)
    rubric_storyline_threshold: float = Field(0.5, ge=0, le=1)
    max_commentary_links: int = Field(3, ge=0)


class ApiSettings(_Section):
    token: str | None = None  # required to POST articles; None disables posting
    read_open: bool = True  # False: reading needs the token too (`storyline serve --closed`)
    max_body_bytes: int = Field(10 * 1024 * 1024, ge=1)


class WatchSettings(_Section):
    """Polling, politeness and alerting of ``storyline watch`` (default_config.toml explains each value)."""

    interval_s: float = Field(600.0, gt=0)
    timeout_s: float = Field(20.0, gt=0)
    host_delay_s: float = Field(1.0, ge=0)
    max_hosts: int = Field(8, ge=1)
    max_known_hosts: int = Field(1000, ge=1)
    retries: int = Field(2, ge=0)
    backoff_s: float = Field(2.0, ge=0)
    max_backoff_s: float = Field(6 * 3600.0, ge=0)
    max_body_bytes: int = Field(20 * 1024 * 1024, ge=1)
    max_redirects: int = Field(5, ge=0)
    item_attempts: int = Field(3, ge=1)
    robots_ttl_s: float = Field(3600.0, ge=0)
    user_agent: str = "Storyline/0.1 (news monitor; honours robots.txt)"
    new_outlets: int = Field(3, ge=1)
    burst_window_hours: float = Field(6.0, gt=0)
    burst_baseline_hours: float = Field(168.0, gt=0)
    burst_prior: float = Field(1.0, gt=0)
    burst_p: float = Field(1e-4, gt=0, le=1)
    burst_min_articles: int = Field(4, ge=1)
    burst_min_outlets: int = Field(2, ge=1)
    burst_cooldown_hours: float = Field(24.0, ge=0)
    webhook_secret: str | None = None
    webhook_retries: int = Field(3, ge=0)
    webhook_backoff_s: float = Field(1.0, ge=0)


class PathSettings(_Section):
    data: Path | None = None  # gold and benchmark data; default ../shared/data beside the repository
    cache: Path | None = None  # gazetteer cache; default $XDG_CACHE_HOME/storyline
    syntax_model: Path | None = None  # the Dutch syntax model; default trained_models/syntax-nl in the package

    @field_validator("data", "cache", "syntax_model", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value


class DaskSettings(_Section):
    """Distributed enrichment (``storyline ingest --workers N`` / ``--scheduler URL``; docs/user-guide.md)."""

    workers: int = Field(0, ge=0)  # >0: a local Dask cluster of this many worker processes (1 thread each)
    scheduler: str | None = None  # tcp://HOST:PORT of a running scheduler (wins over workers)
    batches_ahead: int = Field(0, ge=0)  # batches in flight; 0: two per worker
    connect_timeout_s: float = Field(10.0, gt=0)
    # A batch no worker has finished after this long is computed by the driver itself.
    batch_timeout_s: float = Field(600.0, gt=0)

    @field_validator("scheduler", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value


class _ShortEnvSource(PydanticBaseSettingsSource):
    def get_field_value(self, field, field_name):  # pragma: no cover - __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        out: dict[str, dict[str, Any]] = {}
        for name, (section, key) in _SHORT_ENV.items():
            if os.environ.get(name):
                out.setdefault(section, {})[key] = os.environ[name]
        return out


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STORYLINE_", env_nested_delimiter="__", extra="ignore",
                                      frozen=True)

    store: StoreSettings = StoreSettings()
    ingest: IngestSettings = IngestSettings()
    enrich: EnrichSettings = EnrichSettings()
    cluster: ClusterSettings = ClusterSettings()
    api: ApiSettings = ApiSettings()
    watch: WatchSettings = WatchSettings()
    paths: PathSettings = PathSettings()
    dask: DaskSettings = DaskSettings()

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        sources = [init_settings, env_settings, _ShortEnvSource(settings_cls)]
        config = _config_file()
        if config is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config))
        return tuple(sources)

    def replace(self, **sections: dict[str, Any]) -> "Settings":
        """A copy with some values of some sections changed: ``s.replace(cluster={"event_threshold": 0.2})``."""
        data = self.model_dump()
        for section, values in sections.items():
            if section not in data:
                raise ConfigError(f"no settings section {section!r}; sections: {', '.join(data)}")
            data[section].update(values)
        try:
            return type(self).model_validate(data)
        except ValidationError as exc:
            raise ConfigError(f"invalid settings: {exc}") from None


def _config_file() -> Path | None:
    named = os.environ.get("STORYLINE_CONFIG")
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"config file {path} (STORYLINE_CONFIG) not found")
        return path
    local = Path("storyline.toml")
    return local if local.is_file() else None


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and config file, with ``overrides`` (sections as dicts) on top."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once (tests call ``get_settings.cache_clear()`` after changing the env)."""
    return load_settings()


def data_dir(explicit: str | os.PathLike | None = None, settings: Settings | None = None) -> Path:
    """Gold and benchmark data: ``explicit``, else the settings' ``paths.data``, else ../shared/data."""
    if explicit:
        return Path(explicit)
    configured = (settings or get_settings()).paths.data
    return Path(configured) if configured else _REPO_DATA


def cache_dir(settings: Settings | None = None) -> Path:
    """Where derived files (the gazetteer index) are cached."""
    configured = (settings or get_settings()).paths.cache
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "storyline"
