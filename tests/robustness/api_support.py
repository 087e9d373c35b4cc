"""The API under test: imported lazily so the suite skips clearly while the API is absent."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

TOKEN = "robustness-secret-token"


def create_app_or_skip():
    try:
        from storyline.api.app import create_app
    except ImportError as exc:
        pytest.skip(f"API not available (storyline.api.app.create_app cannot be imported: {exc})")
    return create_app


def seed_records(n: int = 30) -> list[dict]:
    """A few events' worth of articles, one of them with markup in every field."""
    records = [{"id": "xss", "source": "<b>bron</b>", "title": "<script>alert('t')</script> & \"titel\"",
                "url": "javascript:alert(1)", "published": "2022-02-28",
                "text": "Een bericht met <img src=x onerror=alert(1)> en <script>alert(2)</script> in Gomel."}]
    for i in range(n):
        records.append({"id": f"seed-{i}", "source": f"outlet{i % 3}", "published": f"2022-02-{1 + i % 28:02d}",
                        "title": f"Gesprekken in Gomel, dag {i}",
                        "text": f"De delegaties spraken op dag {i} in Gomel over een staakt-het-vuren. "
                                f"\u201eWe willen vrede\u201d, zei onderhandelaar Podoljak. Er vielen {10 + i} doden."})
    return records


def build_db(path, records) -> str:
    from storyline.ingest.readers import read_json_lines
    from storyline.runner import ingest
    from storyline.store import Store

    store = Store(path)
    try:
        ingest(store, read_json_lines([json.dumps(r) for r in records], "seed", 10**7), prefetch=False)
    finally:
        store.close()
    return str(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``storyline serve`` as a subprocess on 127.0.0.1 and a free port."""

    def __init__(self, db, token: str | None = TOKEN):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "storyline", "--db", str(db), "serve", "--host", "127.0.0.1",
               "--port", str(self.port)]
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        if token:
            env["STORYLINE_TOKEN"] = token
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)

    def wait(self, seconds: float = 90) -> "Server":
        import httpx

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(self.url + "/openapi.json", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
