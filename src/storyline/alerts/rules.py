"""Alert rules: which alerts go where (a webhook, a JSON Lines file, stdout).

A rule matches an alert when every criterion it sets holds: ``kinds`` (new, burst, follow), any of its
``keywords`` in the storyline's title or recent headlines (case-insensitive), any of its ``entities`` among
the storyline's entities, any of its ``outlets`` among the outlets reporting, and at least ``min_size``
articles. A rule with no criteria matches every alert.

    >>> rule = AlertRule(name="brexit", keywords=("brexit",), min_size=3)
    >>> rule.matches({"kind": "burst", "title": "Brexit: vote delayed", "n_articles": 5})
    True
    >>> rule.matches({"kind": "burst", "title": "Storm", "n_articles": 5})
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storyline.errors import ConfigError

__all__ = ["AlertRule", "KINDS", "rule_from_dict"]

KINDS = ("new", "burst", "follow")


@dataclass(frozen=True)
class AlertRule:
    name: str
    kinds: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    min_size: int = 0
    webhook: str | None = None
    secret: str | None = None
    file: str | None = None
    stdout: bool = False

    def __post_init__(self):
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ConfigError(f"rule {self.name!r}: unknown alert kinds {sorted(unknown)}; kinds are "
                              f"{', '.join(KINDS)}")
        if self.webhook and not self.webhook.startswith(("http://", "https://")):
            raise ConfigError(f"rule {self.name!r}: webhook must be an http(s) URL, got {self.webhook!r}")

    def matches(self, alert: dict[str, Any]) -> bool:
        """Whether ``alert`` (the alert JSON plus ``titles``/``entities``/``outlets``/``n_articles``) fits."""
        if self.kinds and alert.get("kind") not in self.kinds:
            return False
        if self.keywords:
            text = " ".join([alert.get("title") or ""] + list(alert.get("titles") or ())).casefold()
            if not any(k.casefold() in text for k in self.keywords):
                return False
        if self.entities:
            names = {str(e.get("name") if isinstance(e, dict) else e).casefold() for e in alert.get("entities") or ()}
            if not any(e.casefold() in names for e in self.entities):
                return False
        if self.outlets:
            reporting = {o.casefold() for o in alert.get("outlets") or ()}
            if not any(o.casefold() in reporting for o in self.outlets):
                return False
        return int(alert.get("n_articles") or 0) >= self.min_size

    @property
    def sinks(self) -> list[str]:
        """Names of the places this rule delivers to (``webhook:URL``, ``file:PATH``, ``stdout``)."""
        out = [f"webhook:{self.webhook}"] if self.webhook else []
        out += [f"file:{self.file}"] if self.file else []
        return out + (["stdout"] if self.stdout else [])


def _strings(value: Any, key: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"rule {name!r}: {key} must be a string or a list of strings")


def rule_from_dict(data: dict[str, Any], index: int = 0) -> AlertRule:
    """A rule from a ``[[rule]]`` table of sources.toml."""
    known = {"name", "kinds", "keywords", "entities", "outlets", "min_size", "webhook", "secret", "file", "stdout"}
    name = str(data.get("name") or f"rule-{index + 1}")
    extra = set(data) - known
    if extra:
        raise ConfigError(f"rule {name!r}: unknown keys {sorted(extra)}; keys are {', '.join(sorted(known))}")
    try:
        min_size = int(data.get("min_size", 0))
    except (TypeError, ValueError):
        raise ConfigError(f"rule {name!r}: min_size must be a whole number") from None
    return AlertRule(name=name, kinds=_strings(data.get("kinds"), "kinds", name),
                     keywords=_strings(data.get("keywords"), "keywords", name),
                     entities=_strings(data.get("entities"), "entities", name),
                     outlets=_strings(data.get("outlets"), "outlets", name), min_size=min_size,
                     webhook=data.get("webhook"), secret=data.get("secret"), file=data.get("file"),
                     stdout=bool(data.get("stdout", False)))
