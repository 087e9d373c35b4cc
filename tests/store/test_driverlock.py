"""One ingest drives a database at a time: a second driver is refused with a clear message (E308), a lock whose
holder has died is taken over, readers and short writers are not locked out."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.errors import DriverLocked
from storyline.store import Store

SEED = Path(__file__).resolve().parents[2] / "examples" / "seeds" / "000_bfe8699b244d44c3.txt"


def test_a_second_driver_is_refused_naming_the_first(tmp_path):
    db = tmp_path / "s.db"
    first, second = Store(db), Store(db)
    try:
        with first.driver_lock():
            with pytest.raises(DriverLocked) as caught:
                with second.driver_lock():
                    pass
            message = str(caught.value)
            assert message.startswith("E308") and f"pid {os.getpid()}" in message and str(db) in message
            assert caught.value.exit_code == 75
            # Readers and short writers go on beside the driver.
            assert Store(db, readonly=True).count_articles() == 0
        assert not Path(f"{db}.driver.lock").exists()
        with second.driver_lock():  # free again once the first driver is done
            pass
    finally:
        first.close()
        second.close()


def test_the_cli_ingest_is_refused_while_another_drives(tmp_path):
    db = tmp_path / "s.db"
    holder = Store(db)
    try:
        with holder.driver_lock():
            result = CliRunner().invoke(app, ["--db", str(db), "ingest", str(SEED), "--no-prefetch"])
    finally:
        holder.close()
    assert result.exit_code == DriverLocked.exit_code, result.output
    assert "E308" in result.output and "another ingest is driving" in result.output
    assert "Traceback" not in result.output
    assert Store(db, readonly=True).count_articles() == 0


def test_a_lock_left_by_a_dead_driver_is_taken_over(tmp_path, caplog):
    db = tmp_path / "s.db"
    Store(db).close()
    # A driver that died (SIGKILL) leaves its file; the kernel dropped its flock with the process.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    Path(f"{db}.driver.lock").write_text(json.dumps({"pid": int(dead.stdout), "host": "h", "since": "then"}))
    store = Store(db)
    try:
        with caplog.at_level(logging.WARNING, logger="storyline.store.driverlock"):
            with store.driver_lock():
                holder = json.loads(Path(f"{db}.driver.lock").read_text())
                assert holder["pid"] == os.getpid()
        assert "left by a driver that is gone" in caplog.text
    finally:
        store.close()


def test_a_driver_in_another_process_is_seen(tmp_path):
    db = tmp_path / "s.db"
    Store(db).close()
    code = ("import sys, time; from storyline.store import Store; s = Store(sys.argv[1]);\n"
            "with s.driver_lock():\n    print('held', flush=True); time.sleep(30)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2] / "src"),
                                                       os.environ.get("PYTHONPATH", "")]))
    other = subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert other.stdout.readline().strip() == "held"
        store = Store(db)
        with pytest.raises(DriverLocked, match=f"pid {other.pid}"):
            with store.driver_lock():
                pass
        other.kill()
        other.wait(10)
        with store.driver_lock():  # its holder was killed: taken over at once
            pass
        store.close()
    finally:
        other.kill()


def test_an_in_memory_store_needs_no_lock():
    store = Store(":memory:")
    with store.driver_lock(), store.driver_lock():
        pass
    store.close()
