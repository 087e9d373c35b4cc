"""The read library: every JSON contract Storyline shows, built in one place.

The CLI (``storyline.cli``), the JSON API (``storyline.api.routers``) and the web pages
(``storyline.api.web``) all read through these functions, so they cannot drift apart:

    >>> from storyline.store import Store
    >>> from storyline import read
    >>> store = Store(":memory:")
    >>> read.list_events(store)
    []
    >>> read.get_event(store, "E1")
    Traceback (most recent call last):
    ...
    storyline.errors.NotFound: E201: no event with id E1

Contracts are pydantic models (:mod:`storyline.read.contracts`); ``model_dump()`` is the JSON.
Ids are parsed by :mod:`storyline.read.ids`.
"""

from storyline.read.contracts import *  # noqa: F401,F403
from storyline.read.contracts import __all__ as _contracts
from storyline.read.ids import *  # noqa: F401,F403
from storyline.read.ids import __all__ as _ids
from storyline.read.queries import *  # noqa: F401,F403
from storyline.read.queries import __all__ as _queries
from storyline.read.developments import *  # noqa: F401,F403
from storyline.read.developments import __all__ as _developments

__all__ = [*_contracts, *_ids, *_queries, *_developments]
