"""Delivering alerts: a signed webhook POST with retries, a JSON Lines file, or a line for stdout.

The webhook body is the alert's JSON (UTF-8). Its signature is ``X-Storyline-Signature: sha256=<hex>``,
the HMAC-SHA256 of the exact body bytes under the shared secret; a receiver recomputes it and compares in
constant time (:func:`signature` does the computing). ``X-Storyline-Alert`` carries the alert id, which
stays the same across retries, so a receiver can drop repeats. A connection error, a timeout or a 5xx is
retried after ``webhook_backoff_s``, then twice and four times that, ``webhook_retries`` times; a 4xx is not
retried (the receiver refused the alert). A delivery still failed is tried again at the watcher's next cycles
(:data:`REDELIVER_CYCLES` more rounds, for alerts of the last day), so a receiver down for a while misses
nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import httpx

from storyline.alerts.rules import AlertRule
from storyline.settings import WatchSettings

LOGGER = logging.getLogger(__name__)

__all__ = ["Delivery", "Deliverer", "signature", "SIGNATURE_HEADER", "REDELIVER_CYCLES"]

SIGNATURE_HEADER = "X-Storyline-Signature"
REDELIVER_CYCLES = 3  # rounds of retries at later cycles: at the default 10 min interval, half an hour


def signature(body: bytes, secret: str) -> str:
    """The header value for ``body``: ``sha256=`` and the hex HMAC-SHA256 under ``secret``.

    >>> signature(b'{}', "s")[:15]
    'sha256=143ca8d5'
    """
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Delivery:
    sink: str
    status: str  # "delivered" or "failed"
    attempts: int
    error: str | None = None


class Deliverer:
    """Sends alerts to the sinks of the rules they match.

    Args:
        settings: the ``watch`` settings (retries, backoff, default secret, timeout).
        client: the HTTP client for webhooks (default: a new one with the settings' timeout).
        emit: receives the JSON line of an alert for a rule with ``stdout = true`` (the CLI prints it).
        sleep: waits between retries (the watcher passes its stop event's wait, so a stop cuts it short).
    """

    def __init__(self, settings: WatchSettings, *, client: httpx.Client | None = None,
                 emit: Callable[[str], None] | None = None, sleep: Callable[[float], Any] | None = None):
        self.settings = settings
        self.client = client or httpx.Client(timeout=settings.timeout_s, follow_redirects=False,
                                             headers={"User-Agent": settings.user_agent})
        self.emit = emit
        self.sleep = sleep or (lambda s: None)

    def deliver(self, alert: dict[str, Any], rule: AlertRule, only: str | None = None) -> list[Delivery]:
        """Send one alert (its JSON contract) to each sink of ``rule`` (or only to the sink named ``only``)."""
        body = json.dumps(alert, ensure_ascii=False, sort_keys=True).encode("utf-8")
        out = []
        if only is not None:
            if only == f"webhook:{rule.webhook}":
                out.append(self._webhook(rule.webhook, body, alert.get("id", ""),
                                         rule.secret or self.settings.webhook_secret))
            return out
        if rule.webhook:
            out.append(self._webhook(rule.webhook, body, alert.get("id", ""), rule.secret or self.settings.webhook_secret))
        if rule.file:
            try:
                with open(Path(rule.file), "ab") as fh:
                    fh.write(body + b"\n")
                out.append(Delivery(f"file:{rule.file}", "delivered", 1))
            except OSError as exc:
                LOGGER.warning("alert %s: cannot write %s (%s)", alert.get("id"), rule.file, exc)
                out.append(Delivery(f"file:{rule.file}", "failed", 1, str(exc)))
        if rule.stdout and self.emit is not None:
            self.emit(body.decode("utf-8"))
            out.append(Delivery("stdout", "delivered", 1))
        return out

    def _webhook(self, url: str, body: bytes, alert_id: str, secret: str | None) -> Delivery:
        headers = {"Content-Type": "application/json", "X-Storyline-Alert": str(alert_id)}
        if secret:
            headers[SIGNATURE_HEADER] = signature(body, secret)
        error = None
        attempts = 0
        for attempt in range(self.settings.webhook_retries + 1):
            if attempt:
                self.sleep(self.settings.webhook_backoff_s * 2 ** (attempt - 1))
            attempts += 1
            try:
                response = self.client.post(url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code < 300:
                return Delivery(f"webhook:{url}", "delivered", attempts)
            error = f"HTTP {response.status_code}"
            if response.status_code < 500:
                break
        LOGGER.warning("alert %s: webhook %s failed after %d attempts (%s)", alert_id, url, attempts, error)
        return Delivery(f"webhook:{url}", "failed", attempts, error)

    def close(self) -> None:
        self.client.close()
