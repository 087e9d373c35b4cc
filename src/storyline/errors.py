"""Every error Storyline raises on purpose, under one root.

::

    StorylineError                 E000  exit 1   HTTP 500
    ├── ConfigError                E100  exit 2   HTTP 500   settings or a config file are invalid
    ├── InputError                 E200  exit 2   HTTP 400   a request the user can correct
    │   ├── NotFound               E201  exit 1   HTTP 404   no article, event, storyline or entity with that id
    │   ├── BadQuery               E202  exit 2   HTTP 400   a search query that cannot be parsed
    │   ├── EmptyRecord            E203  exit 1   HTTP 422   a record with neither title nor text
    │   ├── BodyTooLarge           E204  exit 2   HTTP 413   a request body over the limit
    │   └── UnsupportedMediaType   E205  exit 2   HTTP 415   a posted body that is not JSON or JSON Lines
    ├── StoreError                 E300  exit 2   HTTP 503   the database cannot be opened or used
    │   ├── StoreBusy              E301  exit 75  HTTP 503   another writer holds the database; try again (Retry-After)
    │   ├── StoreMissing           E302  exit 2   HTTP 503   no database at that path (reads create none)
    │   ├── StoreForeign           E303  exit 2   HTTP 503   the file is not a Storyline database (left untouched)
    │   ├── StoreTooNew            E304  exit 2   HTTP 503   a newer Storyline's schema
    │   ├── StoreCorrupt           E305  exit 2   HTTP 503   a damaged database file
    │   ├── StoreReadOnly          E306  exit 2   HTTP 503   the database can be read but not written
    │   ├── StoreFull              E307  exit 74  HTTP 507   disk full while writing; the batch was not stored
    │   └── DriverLocked           E308  exit 75  HTTP 503   another ingest drives this database; one at a time
    ├── ModelMissingError          E400  exit 2   HTTP 500   a trained model is not installed
    ├── NotAvailable               E500  exit 2   HTTP 404   a section this database was built without
    ├── ClusterError               E700  exit 69  HTTP 503   the Dask cluster cannot be reached or was lost
    └── EvalDataError              E600  exit 2   HTTP 500   gold or benchmark data missing or malformed
        ├── GoldError              E601
        ├── CorpusMissing          E602
        └── CloneError             E603

Each class carries a stable ``code``, the CLI's ``exit_code`` and the API's ``http_status``; the CLI
(``storyline.cli``) and the API (``storyline.api.app``) each map the root once. Classes also derive from
the builtin they replace (``ValueError``, ``FileNotFoundError``), so callers that catch those still work.
"""

from __future__ import annotations

__all__ = [
    "StorylineError", "ConfigError", "InputError", "NotFound", "BadQuery", "EmptyRecord", "BodyTooLarge",
    "UnsupportedMediaType",
    "StoreError", "StoreBusy", "StoreMissing", "StoreForeign", "StoreTooNew", "StoreCorrupt", "StoreReadOnly",
    "StoreFull", "DriverLocked", "ModelMissingError", "ClusterError", "NotAvailable", "EvalDataError", "GoldError",
    "CorpusMissing", "CloneError",
]


class StorylineError(Exception):
    """Root of Storyline's errors: a message for a person, a stable code, an exit code and an HTTP status."""

    code = "E000"
    exit_code = 1
    http_status = 500

    def __str__(self) -> str:
        message = super().__str__()
        return message if message.startswith(self.code) else f"{self.code}: {message}"

    @property
    def detail(self) -> str:
        """The message without its code (for JSON bodies that carry the code separately)."""
        return super().__str__()


class ConfigError(StorylineError, ValueError):
    code, exit_code = "E100", 2


class InputError(StorylineError, ValueError):
    code, exit_code, http_status = "E200", 2, 400


class NotFound(InputError, LookupError):
    code, exit_code, http_status = "E201", 1, 404


class BadQuery(InputError):
    code, http_status = "E202", 400


class EmptyRecord(InputError):
    """A well-formed record with neither title nor text."""

    code, exit_code, http_status = "E203", 1, 422


class BodyTooLarge(InputError):
    code, http_status = "E204", 413


class UnsupportedMediaType(InputError):
    """A request body whose Content-Type is not one the endpoint reads (a cross-site form posts text/plain)."""

    code, http_status = "E205", 415


class StoreError(StorylineError):
    """The database cannot be opened or used: the service is unavailable, not broken (503)."""

    code, exit_code, http_status = "E300", 2, 503
    retry_after: int | None = None  # seconds, sent as the API's Retry-After header when set


class StoreBusy(StoreError):
    """Another process holds the write lock longer than the writer waits (``store.busy_timeout_s``)."""

    code, exit_code, http_status = "E301", 75, 503
    retry_after = 5


class StoreMissing(StoreError, FileNotFoundError):
    """A read on a path with no database: nothing is created."""

    code = "E302"


class StoreForeign(StoreError):
    """The file exists but is not a Storyline database; it is left untouched."""

    code = "E303"


class StoreTooNew(StoreError):
    """The database was written by a newer Storyline (a schema version this one does not know)."""

    code = "E304"


class StoreCorrupt(StoreError):
    """SQLite reports a damaged file (a corrupt page, a truncated file)."""

    code = "E305"


class StoreReadOnly(StoreError):
    """The database can be read but not written (read-only file, directory or mount)."""

    code = "E306"


class StoreFull(StoreError):
    """The disk (or the database's page limit) filled up during a write; that batch was rolled back."""

    code, exit_code, http_status = "E307", 74, 507
    retry_after = 60


class DriverLocked(StoreError):
    """Another ingest holds the database's driver lock: the clusterer and the writes run in one driver per
    database (:meth:`storyline.store.Store.driver_lock`)."""

    code, exit_code, http_status = "E308", 75, 503
    retry_after = 60


class ModelMissingError(StorylineError, FileNotFoundError):
    """The model for a language has not been trained or installed."""

    code, exit_code = "E400", 2


class NotAvailable(StorylineError):
    """A section whose tables this database was built without."""

    code, exit_code, http_status = "E500", 2, 404

    def __init__(self, what: str, module: str = ""):
        where = f" ({module})" if module else ""
        super().__init__(f"{what} are not available: this database was built without the stage providing them"
                         f"{where}; re-ingest to add them.")
        self.what = what


class ClusterError(StorylineError):
    """The Dask scheduler cannot be reached, or was lost during an ingest (batches stored so far are kept; a
    rerun continues where the store stands). Exit 69: the service is unavailable (sysexits EX_UNAVAILABLE)."""

    code, exit_code, http_status = "E700", 69, 503


class EvalDataError(StorylineError, ValueError):
    """Gold, training or benchmark data is missing or malformed."""

    code, exit_code = "E600", 2


class GoldError(EvalDataError):
    code = "E601"


class CorpusMissing(EvalDataError, FileNotFoundError):
    """A benchmark corpus is not where the data directory says."""

    code = "E602"


class CloneError(EvalDataError):
    """The source store cannot be cloned as asked."""

    code = "E603"
