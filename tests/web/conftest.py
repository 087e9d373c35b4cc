"""Headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against a live server."""

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load_api_fixtures():
    # Share tests/api/conftest.py's corpus fixtures (tests/ is not a package, so load it by path).
    import importlib.util

    spec = importlib.util.spec_from_file_location("_api_fixtures", Path(__file__).parents[1] / "api" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_api = _load_api_fixtures()
ingest = _api.ingest
seed_db = _api.seed_db
build_seed_db = _api.build_seed_db
CHROMIUM = os.environ.get("STORYLINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need the playwright package (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}: `make setup` installs Debian's chromium "
                    "where apt is available (or set STORYLINE_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app):
        import uvicorn

        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server():
    """live_server(db_path) -> a started server over that database (stopped after the test)."""
    from storyline.api import create_app

    started = []

    def start(db_path, **kwargs):
        server = LiveServer(create_app(db_path, **kwargs)).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


def _dpg_records():
    """The DPG 2019 articles (both files, each id once) in publication order, with the publisher as outlet where
    the labels file names one; the held-out evaluation ids are left out."""
    import json

    from shared_data import DATA, data_path

    root = data_path("dpgmedia2019-partisan-nl")
    heldout_file = DATA.parent / "heldout" / "dpg-quotes-figures-ids.txt"
    heldout = set(heldout_file.read_text().split()) if heldout_file.exists() else set()
    publishers = {}
    with open(root / "dpgMedia2019-labels-byarticle.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            publishers[str(row["id"])] = row.get("publisher")
    records = {}
    for name in ("dpgMedia2019-articles-byarticle-all.jsonl", "dpgMedia2019-articles-byarticle.jsonl"):
        with open(root / name, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                key = str(row["id"])
                if key in heldout or key in records:
                    continue
                records[key] = {"id": f"dpg/{key}", "source": publishers.get(key), "title": row.get("title"),
                                "text": row.get("text") or "", "language": "nl",
                                "published": (row.get("published_at") or "")[:10] or None}
    return sorted(records.values(), key=lambda r: (r["published"] or "", r["id"]))


@pytest.fixture(scope="session")
def dpg_db(tmp_path_factory):
    """A store of the DPG 2019 corpus (about a minute to build); STORYLINE_DPG_DB names a prebuilt one to reuse
    (it is only read)."""
    prebuilt = os.environ.get("STORYLINE_DPG_DB")
    if prebuilt:
        if not Path(prebuilt).exists():
            pytest.skip(f"STORYLINE_DPG_DB={prebuilt} does not exist")
        return prebuilt
    records = _dpg_records()
    from storyline.errors import StorylineError
    from storyline.ingest.readers import ReadError, article_from_record

    def items():
        for r in records:
            try:
                yield article_from_record(r, where=r["id"])
            except (ValueError, StorylineError) as exc:  # the corpus has a few empty records: skipped, as ingest does
                yield ReadError(r["id"], str(exc))

    db = tmp_path_factory.mktemp("dpg") / "dpg.db"
    _api.ingest_into(db, items())
    return str(db)
