"""Shared pieces of the robustness suite: hypothesis profiles, a case counter, invariants.

``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``) runs the long campaign; the default profile keeps
``make test`` short. The profiles are applied per test (not loaded globally) so other suites'
hypothesis settings are untouched.
"""

from __future__ import annotations

import functools
import os
import re
from datetime import date

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "robustness-ci")
FUZZING = PROFILE == "fuzz"

settings.register_profile("robustness-ci", deadline=None, database=None, derandomize=True,
                          suppress_health_check=list(HealthCheck), print_blob=True)
settings.register_profile("fuzz", deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)

CASES = {"total": 0}


def fuzz(ci: int, campaign: int):
    """Settings for one property: ``ci`` examples in ``make test``, ``campaign`` under ``make fuzz``."""
    base = settings.get_profile("fuzz" if FUZZING else "robustness-ci")
    return settings(base, max_examples=campaign if FUZZING else ci)


def counted(fn):
    """Count every generated case a property runs (reported at the end of the session)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        CASES["total"] += 1
        return fn(*args, **kwargs)
    return wrapper


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def check_items(items, max_bytes: int) -> list:
    """Invariants of any reader's output: Articles fit to store, or ReadErrors that say what and where."""
    from storyline.ingest.readers import ReadError
    from storyline.records import Article

    items = list(items)
    for item in items:
        assert isinstance(item, (Article, ReadError)), type(item)
        if isinstance(item, ReadError):
            assert isinstance(item.where, str) and item.where
            assert isinstance(item.message, str) and item.message.strip()
            assert "Traceback" not in item.message
            continue
        assert isinstance(item.id, str) and item.id.strip()
        assert isinstance(item.text, str) and item.text.strip()
        assert len(item.text.encode("utf-8")) <= max_bytes
        for value in (item.id, item.text, item.title or "", item.source or "", item.url or "", item.author or ""):
            value.encode("utf-8")  # storable: no lone surrogates
        assert not _CONTROL.search(item.text)
        if item.published:
            assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", item.published), item.published
            if len(item.published) == 10:
                date.fromisoformat(item.published)
            assert item.date_precision in ("day", "month")
    return items
